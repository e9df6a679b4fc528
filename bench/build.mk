# Benchmarks. Included by the top-level Makefile; never part of `make check`.
#
#   bench/NAME.c -> $(BUILD)/bench/NAME   (plain clients: no shim objects,
#                                          no sanitizer, -O2 like a real program)
#   make bench    builds them and the shim, then prints bench/run.sh's tables

BENCH_SRC  := $(wildcard bench/*.c)
BENCH_BINS := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

$(BUILD)/bench/%: bench/%.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -o $@ $< -ldl

# The RTLD_LOCAL plugin of scope_cost: the real libcudart.so.13 as its
# DT_NEEDED when the toolkit is there (else an empty plugin it will skip).
CUDA_LIB ?= /usr/local/cuda/lib64
$(BUILD)/bench/scope_plugin.so: bench/plugin/scope_plugin.c
	@mkdir -p $(@D)
	if [ -e $(CUDA_LIB)/libcudart.so.13 ]; then \
		$(CC) -std=gnu11 -O2 -g -shared -fPIC -Wall -Wextra -Werror -o $@ $< \
			-Wl,--no-as-needed $(CUDA_LIB)/libcudart.so.13 -Wl,-rpath,$(CUDA_LIB); \
	else $(CC) -shared -fPIC -o $@ -x c /dev/null; fi

bench: all $(BENCH_BINS) $(BUILD)/bench/scope_plugin.so
	@BUILD=$(BUILD) sh bench/run.sh
