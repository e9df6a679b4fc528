# The stress suite (tests/stress/, docs/reliability.md). Included by the
# top-level Makefile.
#
#   make check     builds these (CHECK_EXTRA) and runs the bounded suite:
#                  tests/t/stress-*.sh, perm-*.sh, fuzz-*.sh
#   make stress    the full suite (bigger loads, longer fuzzing) and the
#                  figures table
#   make fuzz      long libFuzzer runs (FUZZ_TIME seconds each, default
#                  600); new inputs are merged into tests/stress/corpus/
#
#   tests/stress/progs/st_*.c  -> $(BUILD)/stress/st_*   plain clients
#   tests/stress/progs/st_static.c -> st_static (-static) and st_whoami
#   tests/stress/progs/st_fault.c  -> also st_fault_runpath (DT_RUNPATH at
#                                     $(BUILD)/ni/decoy)
#   tests/stress/libs/*.c      -> preload helpers and a watched library
#   tests/stress/fuzz/*.c      -> $(BUILD)/fuzz/*  (clang, libFuzzer, ASan+UBSan)

ST_DIR   := $(BUILD)/stress
ST_CC     = $(CC) -std=gnu11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE
ST_PROGS := $(patsubst tests/stress/progs/%.c,$(ST_DIR)/%,$(filter-out %/st_static.c,$(wildcard tests/stress/progs/st_*.c)))
ST_BINS  := $(ST_PROGS) $(ST_DIR)/st_static $(ST_DIR)/st_whoami $(ST_DIR)/st_fault_runpath \
            $(ST_DIR)/lib/libcudnn_stblock.so.1 $(ST_DIR)/libst_failmalloc.so \
            $(ST_DIR)/libst_countopen.so $(ST_DIR)/libst_swap.so

$(ST_DIR)/st_%: tests/stress/progs/st_%.c tests/stress/build.mk
	@mkdir -p $(@D)
	$(ST_CC) -o $@ $< -ldl -lpthread

$(ST_DIR)/st_static: tests/stress/progs/st_static.c tests/stress/build.mk
	@mkdir -p $(@D)
	$(ST_CC) -static -DSTATIC=1 -o $@ $<

$(ST_DIR)/st_whoami: tests/stress/progs/st_static.c tests/stress/build.mk
	@mkdir -p $(@D)
	$(ST_CC) -DSTATIC=0 -o $@ $<

# A bare-name dlopen the shim finds along the caller's own RUNPATH
# (stress-faults.sh, case 5).
$(ST_DIR)/st_fault_runpath: tests/stress/progs/st_fault.c tests/stress/build.mk
	@mkdir -p $(@D)
	$(ST_CC) -Wl,--enable-new-dtags,-rpath,'$$ORIGIN/../ni/decoy' -o $@ $< -ldl -lpthread

$(ST_DIR)/lib/libcudnn_stblock.so.1: tests/stress/libs/blocklib.c tests/stress/build.mk
	@mkdir -p $(@D)
	$(ST_CC) -fPIC -shared -Wl,-soname,libcudnn_stblock.so.1 -o $@ $<

$(ST_DIR)/libst_%.so: tests/stress/libs/%.c tests/stress/build.mk
	@mkdir -p $(@D)
	$(ST_CC) -fPIC -shared -o $@ $< -ldl

stress-bins: $(ST_BINS) $(NI_LIBS)

# --- fuzzing: the collector objects that parse (lines, ingest*, record_*,
# intern, model; the system's yajl comes in through COLL_LIBS, not
# instrumented) and render (render_*, escape, codes, findings, rules),
# rebuilt with clang and the fuzzer's instrumentation; not main.o nor the
# commands that own FIFOs, children or syslog. Without clang (or its
# libFuzzer runtime) the harnesses are not built and tests/t/fuzz-*.sh say
# so and skip.
FUZZ_CC    ?= clang
FUZZ_DIR   := $(BUILD)/fuzz
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu11 -O1 -g -Icommon -Icollector -D_GNU_SOURCE $(FUZZ_SAN)
FUZZ_SRC   := lines ingest ingest_fields record_parse record_scan intern model escape outfile \
              render_common render_json render_text codes codes_lookup \
              knowledge findings $(patsubst collector/%.c,%,$(wildcard collector/findings_*.c collector/rule_*.c))
FUZZ_OBJ   := $(FUZZ_SRC:%=$(FUZZ_DIR)/obj/%.o)
FUZZ_BINS  := $(FUZZ_DIR)/fuzz_parse $(FUZZ_DIR)/fuzz_render
FUZZ_OK    := $(shell printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n){(void)d;(void)n;return 0;}' | \
                $(FUZZ_CC) -x c -fsanitize=fuzzer,address -o /dev/null - >/dev/null 2>&1 && echo yes)

$(FUZZ_DIR)/obj/%.o: collector/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_DIR)/%: tests/stress/fuzz/%.c tests/stress/fuzz/fuzz_common.h $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(COLL_LIBS)

-include $(wildcard $(FUZZ_DIR)/obj/*.d)
# Kept: make would delete these intermediates after the run, and its "rm"
# line would come after the test summary that CI reads last.
.SECONDARY: $(FUZZ_OBJ)

ifeq ($(FUZZ_OK),yes)
fuzz-bins: $(FUZZ_BINS)
else
fuzz-bins:
	@echo "# $(FUZZ_CC) with libFuzzer not found: fuzz harnesses not built (apt-get install clang libclang-rt-14-dev)"
endif

CHECK_EXTRA += stress-bins fuzz-bins

stress: all test-bins stress-bins fuzz-bins
	@BUILD=$(BUILD) STRESS_FULL=1 sh tests/stress/run.sh

FUZZ_TIME ?= 600
fuzz: fuzz-bins
	@BUILD=$(BUILD) FUZZ_TIME=$(FUZZ_TIME) sh tests/stress/fuzz.sh

.PHONY: stress stress-bins fuzz fuzz-bins
