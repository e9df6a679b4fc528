# Test binaries. Included by the top-level Makefile.
#
#   tests/progs/NAME.c  -> $(BUILD)/tests/NAME     (test programs, -ldl -lpthread)
#   tests/unit/NAME.c   -> $(BUILD)/unit/NAME      (unit tests linked with the shim's objects)
#   tests/fakes/        -> $(BUILD)/fakes/...      (fake GPU libraries, see tests/fakes/build.mk)

TEST_PROG_SRC := $(wildcard tests/progs/*.c)
TEST_PROGS    := $(TEST_PROG_SRC:tests/progs/%.c=$(BUILD)/tests/%)
UNIT_SRC      := $(wildcard tests/unit/*.c)
UNIT_BINS     := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%)
# Each unit test names the shim sources it is built with (never the hooks,
# which would interpose on the test itself); they are compiled into the test
# with the full sanitizer set, AddressSanitizer included.
UNIT_SRCS_record_test := shim/record.c

# Test programs are plain clients: no sanitizer (they run with and without
# the shim and must behave like ordinary programs).
# sec_probe has the shim itself as a DT_NEEDED (a set-uid process ignores
# LD_PRELOAD paths): tests/t/perm-secure.sh.
TEST_PROG_LIBS_sec_probe = -Wl,--no-as-needed $(abspath $(BUILD))/libgpushim.so \
	-Wl,-rpath,$(abspath $(BUILD))
$(BUILD)/tests/sec_probe: $(BUILD)/libgpushim.so

$(BUILD)/tests/%: tests/progs/%.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE $(TEST_PROG_FLAGS_$*) -o $@ $< -ldl -lpthread $(TEST_PROG_LIBS_$*)

$(BUILD)/unit/%: tests/unit/%.c $(SHIM_SRC)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ishim $(SAN_FLAGS) -o $@ $< $(UNIT_SRCS_$*) $(SHIM_LIBS)

-include tests/fakes/build.mk

-include tests/ni.mk

-include tests/hooks.mk
-include tests/find.mk
-include tests/scope.mk
-include tests/tools.mk
test-bins: $(TEST_PROGS) $(UNIT_BINS) $(FAKE_LIBS) $(NI_LIBS) $(HOOK_BINS) $(FIND_BINS) $(SCOPE_BINS) $(TOOLS_BINS)
