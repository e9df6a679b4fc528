# Installing and packaging (included by the Makefile).
#
#   make install PREFIX=/usr/local DESTDIR=   FHS layout (below)
#   make uninstall PREFIX=... DESTDIR=...     removes exactly those files
#   make deb                                  $(BUILD)/deb/gpushim_VERSION_ARCH.deb (needs dpkg-dev)
#   make shim-static                          checks the shim is self-contained
#
# Layout: bin/gpushim, lib/gpushim/libgpushim.so, share/man/man1/gpushim.1,
# share/doc/gpushim/ (docs, configuration examples), share/bash-completion/
# completions/gpushim, lib/systemd/system/gpushim-collect.service (not
# enabled). The shim goes to PREFIX/lib/gpushim/ because `gpushim run` looks
# for ../lib/gpushim/libgpushim.so next to its own real path (docs/cli.md).

BINDIR    = $(PREFIX)/bin
SHIMDIR   = $(PREFIX)/lib/gpushim
MANDIR    = $(PREFIX)/share/man/man1
DOCDIR    = $(PREFIX)/share/doc/gpushim
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
PKG_DOCS  = README.md $(wildcard docs/*.md)
UNITDIR   = $(PREFIX)/lib/systemd/system
# Configuration examples only (their run.sh scripts need the build tree).
PKG_EXAMPLES = $(wildcard examples/systemd/*.service examples/systemd/*.conf \
                 examples/systemd/*.logrotate examples/systemd/README.md \
                 examples/container/Dockerfile examples/container/README.md)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHIMDIR) $(DESTDIR)$(MANDIR) \
		$(DESTDIR)$(DOCDIR) $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(UNITDIR)
	install -m 0755 $(BUILD)/gpushim $(DESTDIR)$(BINDIR)/gpushim
	install -m 0644 $(BUILD)/libgpushim.so $(DESTDIR)$(SHIMDIR)/libgpushim.so
	install -m 0644 docs/gpushim.1 $(DESTDIR)$(MANDIR)/gpushim.1
	install -m 0644 $(PKG_DOCS) $(DESTDIR)$(DOCDIR)/
	for f in $(PKG_EXAMPLES); do \
		install -D -m 0644 $$f $(DESTDIR)$(DOCDIR)/$$f || exit 1; \
	done
	install -m 0644 completions/gpushim.bash $(DESTDIR)$(BASHCOMPDIR)/gpushim
	sed 's#/usr/bin/gpushim#$(BINDIR)/gpushim#g' examples/systemd/gpushim-collect.service \
		>$(DESTDIR)$(UNITDIR)/gpushim-collect.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/gpushim-collect.service

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/gpushim $(DESTDIR)$(SHIMDIR)/libgpushim.so \
		$(DESTDIR)$(MANDIR)/gpushim.1 $(DESTDIR)$(BASHCOMPDIR)/gpushim \
		$(DESTDIR)$(UNITDIR)/gpushim-collect.service
	rm -rf $(DESTDIR)$(DOCDIR)
	-rmdir $(DESTDIR)$(SHIMDIR)

# The Debian package. `make deb` and debian/rules (dpkg-buildpackage) share
# deb-root and deb-pkg; neither runs the test suite. Without debhelper:
# one binary package, laid out by `make install`, finished by dpkg-dev
# (the control file is written with -O, so a read-only source tree works).
DEB_VERSION = $(shell sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
DEB_ARCH    = $(shell dpkg --print-architecture)
DEB_DIR    ?= $(BUILD)/deb
DEB_ROOT   ?= $(DEB_DIR)/root
DEB_OUT    ?= $(DEB_DIR)/gpushim_$(DEB_VERSION)_$(DEB_ARCH).deb
DEB_FILES  ?= $(DEB_DIR)/files

deb-root: all
	rm -rf $(DEB_ROOT)
	$(MAKE) --no-print-directory install PREFIX=/usr DESTDIR=$(abspath $(DEB_ROOT))
	gzip -9n $(DEB_ROOT)/usr/share/man/man1/gpushim.1
	gzip -9nc debian/changelog >$(DEB_ROOT)/usr/share/doc/gpushim/changelog.gz
	install -m 0644 debian/copyright $(DEB_ROOT)/usr/share/doc/gpushim/copyright

deb-pkg:
	@command -v dpkg-gencontrol >/dev/null || { echo "make deb: dpkg-gencontrol not found; install dpkg-dev" >&2; exit 2; }
	@mkdir -p $(DEB_DIR) $(DEB_ROOT)/DEBIAN
	dpkg-shlibdeps -T$(DEB_DIR)/substvars -e$(DEB_ROOT)/usr/bin/gpushim -e$(DEB_ROOT)/usr/lib/gpushim/libgpushim.so
	dpkg-gencontrol -pgpushim -P$(DEB_ROOT) -T$(DEB_DIR)/substvars -f$(DEB_FILES) -O >$(DEB_ROOT)/DEBIAN/control
	dpkg-deb --root-owner-group --build $(DEB_ROOT) $(DEB_OUT)
	dpkg-distaddfile -f$(DEB_FILES) gpushim_$(DEB_VERSION)_$(DEB_ARCH).deb devel optional

deb: deb-root
	@$(MAKE) --no-print-directory deb-pkg
	@echo "built $(DEB_OUT)"

# A self-contained shim for container images. The shim needs libc alone:
# libunwind is linked into it (a position-independent static build,
# tools/libunwind.sh) and libbsd is the collector's. This target checks
# that the normal shim needs nothing but libc and says where it is
# (docs/containers.md).
shim-static: $(BUILD)/libgpushim.so
	@needed=$$(readelf -d $< | sed -n 's/.*(NEEDED).*\[\(.*\)\]$$/\1/p' | tr '\n' ' '); \
	if [ "$$needed" != "libc.so.6 " ]; then \
		echo "shim-static: $< needs more than libc: $$needed" >&2; exit 1; fi; \
	echo "$< is self-contained (needs only libc.so.6; stacks included)"

.PHONY: deb deb-root deb-pkg shim-static
