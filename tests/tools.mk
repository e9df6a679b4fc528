# Fixtures for the tests of what the shim brings into a process
# (tests/t/shim-soname.sh) and of the tools people run programs under
# (tests/t/shim-tools.sh). Included from tests/build.mk.
#
#   $(BUILD)/tests/ni_soname             RUNPATH=$ORIGIN/soname
#   $(BUILD)/tests/soname/liblzma.so.5   the program's own liblzma.so.5
#   $(BUILD)/tests/ni_soname_asan        ni_soname built with AddressSanitizer
#                                        (only where the compiler has its runtime)

TEST_PROG_LIBS_ni_soname := -Wl,--enable-new-dtags,-rpath,'$$ORIGIN/soname'

TOOLS_BINS := $(BUILD)/tests/soname/liblzma.so.5

ASAN_RT := $(shell $(CC) -print-file-name=libasan.so 2>/dev/null)
ifneq ($(and $(filter /%,$(ASAN_RT)),$(wildcard $(ASAN_RT))),)
TOOLS_BINS += $(BUILD)/tests/ni_soname_asan
$(BUILD)/tests/ni_soname_asan: tests/progs/ni_soname.c tests/tools.mk
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE -fsanitize=address -o $@ $< -ldl \
		$(TEST_PROG_LIBS_ni_soname)
endif

$(BUILD)/tests/soname/liblzma.so.5: tests/progs/ni_libs/lzma.c tests/tools.mk
	@mkdir -p $(@D)
	$(NI_CC) -shared -Wl,-soname,liblzma.so.5 -o $@ $<
