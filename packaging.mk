# Installing and packaging (included by the Makefile).

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/gpushim
	install -m 0755 $(BUILD)/gpushim $(DESTDIR)$(PREFIX)/bin/gpushim
	install -m 0644 $(BUILD)/libgpushim.so $(DESTDIR)$(PREFIX)/lib/gpushim/libgpushim.so

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/gpushim $(DESTDIR)$(PREFIX)/lib/gpushim/libgpushim.so
	-rmdir $(DESTDIR)$(PREFIX)/lib/gpushim
