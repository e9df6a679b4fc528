# Fixtures for the tests of what the shim brings into a process
# (tests/t/shim-soname.sh) and of the tools people run programs under
# (tests/t/shim-tools.sh). Included from tests/build.mk.
#
#   $(BUILD)/tests/ni_soname             RUNPATH=$ORIGIN/soname
#   $(BUILD)/tests/soname/liblzma.so.5   the program's own liblzma.so.5

TEST_PROG_LIBS_ni_soname := -Wl,--enable-new-dtags,-rpath,'$$ORIGIN/soname'

TOOLS_BINS := $(BUILD)/tests/soname/liblzma.so.5

$(BUILD)/tests/soname/liblzma.so.5: tests/progs/ni_libs/lzma.c tests/tools.mk
	@mkdir -p $(@D)
	$(NI_CC) -shared -Wl,-soname,liblzma.so.5 -o $@ $<
