# gpushim — build, test, install.
#
#   make                      build/libgpushim.so and build/gpushim
#   make check                every test; ends with "N passed, N failed, N skipped"
#   make check SANITIZE=address,undefined
#   make bench                benchmark tables
#   make demo                 gpushim run on this machine's CUDA toolkit
#   make install PREFIX=/usr/local DESTDIR=

CC       ?= cc
BUILD    ?= $(if $(SANITIZE),build-san,build)
PREFIX   ?= /usr/local
DESTDIR  ?=
SANITIZE ?=

WARN     := -Wall -Wextra -Werror -Wshadow -Wvla -Wformat=2
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 $(WARN) -Icommon -D_GNU_SOURCE -MMD -MP

# The preloaded shim cannot carry AddressSanitizer: ASan must be the first
# object loaded and its own dlopen interceptor makes itself the dlopen
# caller, which breaks the RUNPATH semantics the shim exists to keep. The
# shim gets the other sanitizers; its logic runs under ASan in the unit
# tests (build/unit/*), which link the shim's objects into a program.
comma := ,
space := $(empty) $(empty)
ifneq ($(SANITIZE),)
SAN_FLAGS      := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
SHIM_SANITIZE  := $(filter-out address,$(subst $(comma), ,$(SANITIZE)))
SHIM_SAN_FLAGS := $(if $(strip $(SHIM_SANITIZE)),-fsanitize=$(subst $(space),$(comma),$(strip $(SHIM_SANITIZE))) -fno-sanitize-recover=all)
endif

SHIM_SRC  := $(wildcard shim/*.c)
SHIM_ASM  := $(wildcard shim/*.S)
SHIM_OBJ  := $(SHIM_SRC:%.c=$(BUILD)/%.o) $(SHIM_ASM:%.S=$(BUILD)/%.o)
# The shim needs libc alone, so it loads in images without libunwind or
# libbsd, and it brings no library into the process that the program could
# later ask for by name (design §3). libunwind (stacks) is linked in: a
# position-independent static build of Debian's libunwind 1.6 without
# liblzma (tools/libunwind.sh, run once into UNWIND_DIR, shared by the
# release and sanitizer builds; docs/dependencies.md). None of it is
# exported (--exclude-libs), and its pipe2 and sigprocmask calls are bound
# to the shim's own wrappers at link time (--wrap: pipehook.c, maskhook.c).
# The shim's RUNPATH names a directory that can never hold a file
# (/dev/null is not a directory). Its only effect: glibc does not search the
# executable's RPATH when the shim itself is the dlopen caller (see
# docs/how-it-works.md, "Who is the caller").
SHIM_LDFLAGS := -shared -Wl,-z,relro -Wl,--enable-new-dtags \
                -Wl,-rpath,/dev/null/gpushim
SHIM_LIBS := -ldl -lpthread
UNWIND_DIR ?= build/libunwind
UNWIND_A  := $(UNWIND_DIR)/libunwind.a
SHIM_UNWIND := $(UNWIND_A) -Wl,--exclude-libs,ALL -Wl,--wrap=pipe2 -Wl,--wrap=sigprocmask

COLL_SRC  := $(wildcard collector/*.c)
COLL_OBJ  := $(COLL_SRC:%.c=$(BUILD)/%.o)
COLL_LIBS := -lyajl -ljansson -lbsd

all: $(BUILD)/libgpushim.so $(BUILD)/gpushim

$(BUILD)/shim/%.o: shim/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -fvisibility=hidden $(SHIM_SAN_FLAGS) -c $< -o $@

$(BUILD)/shim/%.o: shim/%.S
	@mkdir -p $(@D)
	$(CC) -fPIC -c $< -o $@

$(BUILD)/libgpushim.so: $(SHIM_OBJ) $(UNWIND_A)
	$(CC) $(SHIM_SAN_FLAGS) $(SHIM_LDFLAGS) -o $@ $(SHIM_OBJ) $(SHIM_UNWIND) $(SHIM_LIBS)

$(UNWIND_A): tools/libunwind.sh
	CC="$(CC)" sh tools/libunwind.sh $(UNWIND_DIR)

$(BUILD)/collector/%.o: collector/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN_FLAGS) -c $< -o $@

$(BUILD)/gpushim: $(COLL_OBJ)
	$(CC) $(SAN_FLAGS) -o $@ $(COLL_OBJ) $(COLL_LIBS)

-include $(wildcard $(BUILD)/*/*.d $(BUILD)/*/*/*.d)

# Tests: fake GPU libraries, test programs and unit tests are built by
# tests/build.mk; tests/run.sh runs them and prints the summary line.
include tests/build.mk
-include bench/build.mk
# make stress / make fuzz (tests/stress), packaging: install, deb, shim-static
-include tests/stress/build.mk
-include packaging.mk

deps:
	@sh .ci/deps.sh

check: all test-bins $(CHECK_EXTRA)
	@BUILD=$(BUILD) SANITIZE=$(SANITIZE) sh tests/run.sh

# Static analysis of the project's own C (quiet when clean).
lint:
	cppcheck --enable=warning,style,performance --quiet --error-exitcode=1 --std=c11 \
		-D_GNU_SOURCE -D__x86_64__ '-DElfW(t)=Elf64_##t' --suppress=unusedStructMember \
		-Icommon -Ishim shim/ collector/
	clang-tidy --quiet $(SHIM_SRC) $(COLL_SRC) -- -std=gnu11 -D_GNU_SOURCE -Icommon -Ishim

demo: all test-bins
	@sh examples/demo.sh

clean:
	rm -rf $(BUILD)

.PHONY: deps lint all check demo clean install uninstall test-bins bench
