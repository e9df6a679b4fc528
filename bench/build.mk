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

bench: all $(BENCH_BINS)
	@BUILD=$(BUILD) sh bench/run.sh
