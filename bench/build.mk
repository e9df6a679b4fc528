# Benchmarks. Included by the top-level Makefile; never part of `make check`.
#
#   bench/NAME.c -> $(BUILD)/bench/NAME   (plain clients: no shim objects,
#                                          no sanitizer, -O2 like a real program)
#   make bench    builds them and the shim, then prints bench/run.sh's tables

BENCH_SRC  := $(wildcard bench/*.c)
BENCH_BINS := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

$(BUILD)/bench/%: bench/%.c bench/timing.h
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

# --- Field validation on a real GPU machine (issue 23, docs/field-validation.md) ---
#
#   make field        bench/field.sh here (a machine with an NVIDIA GPU); FIELD_OUT=DIR
#   make field-dry    the same comparisons on this machine: the real toolkit
#                     (no driver) and the fakes set to succeed
#   make field-kit    $(BUILD)/field-kit/: what travels to a GPU machine that
#                     has no build tools for gpushim (run its field.sh there)
#
# $(BUILD)/field/: the issue-16 probe plugins (a plugin that calls a hooked
# function by symbol from its own RTLD_LOCAL scope) and, with nvcc, a
# prebuilt static-runtime client (field.sh prefers one built on the spot).
FIELD_DIR  := $(BUILD)/field
FIELD_CUDA := $(or $(CUDA_HOME),/usr/local/cuda)
FIELD_NVCC := $(FIELD_CUDA)/bin/nvcc
FIELD_OUT  ?= field-out
FIELD_PLUGIN_FLAGS := -std=gnu11 -O2 -Wall -Wextra -Werror -shared -fPIC
FIELD_BINS := $(FIELD_DIR)/probe_cudart12.so $(FIELD_DIR)/probe_nvml.so

$(FIELD_DIR)/probe_cudart12.so: bench/field/plugin.c $(FAKES_DIR)/cudart-12.3.101/libcudart.so.12
	@mkdir -p $(@D)
	$(CC) $(FIELD_PLUGIN_FLAGS) -o $@ $< -L$(FAKES_DIR)/cudart-12.3.101 -l:libcudart.so.12

$(FIELD_DIR)/probe_nvml.so: bench/field/plugin.c $(FAKES_DIR)/nvml-545.23.08/libnvidia-ml.so.1
	@mkdir -p $(@D)
	$(CC) $(FIELD_PLUGIN_FLAGS) -DPROBE_NVML -o $@ $< -L$(FAKES_DIR)/nvml-545.23.08 -l:libnvidia-ml.so.1

# Linked against the real libcudart.so.13 (its version nodes), only where
# the toolkit is installed; on the GPU machine it binds to the pip wheel's.
ifneq ($(wildcard $(FIELD_CUDA)/lib64/libcudart.so.13),)
FIELD_BINS += $(FIELD_DIR)/probe_cudart13.so
$(FIELD_DIR)/probe_cudart13.so: bench/field/plugin.c
	@mkdir -p $(@D)
	$(CC) $(FIELD_PLUGIN_FLAGS) -o $@ $< -L$(FIELD_CUDA)/lib64 -l:libcudart.so.13
endif

ifneq ($(wildcard $(FIELD_NVCC)),)
FIELD_BINS += $(FIELD_DIR)/field_static
$(FIELD_DIR)/field_static: bench/field/static.cu
	@mkdir -p $(@D)
	$(FIELD_NVCC) -O2 -cudart static -gencode arch=compute_90,code=sm_90 \
		-gencode arch=compute_75,code=compute_75 -o $@ $<
endif

field-bins: $(FIELD_BINS)

field: all test-bins field-bins
	bash bench/field.sh --out $(FIELD_OUT)

field-dry: all test-bins field-bins
	bash bench/field.sh --dry-run --no-nvcc --out $(BUILD)/field-dry

# The kit: the shim (libc only), the collector and its four shared libraries
# (used with LD_LIBRARY_PATH for the collector's own process only), the
# fakes the induced failures need, the toolkit's stub libcuda.so (when the
# GPU machine's toolkit has none), the probes, the scripts.
FIELD_KIT := $(BUILD)/field-kit
FIELD_KIT_FAKES := nvml-545.23.08 cudnn-9.1.0 cuda-545.23.08 cudart-12.3.101
field-kit: all test-bins field-bins
	rm -rf $(FIELD_KIT)
	mkdir -p $(FIELD_KIT)/bin $(FIELD_KIT)/lib $(FIELD_KIT)/field $(FIELD_KIT)/fakes $(FIELD_KIT)/stubs
	cp bench/field.sh $(FIELD_KIT)/field.sh
	cp bench/field/client.py bench/field/analyze.py bench/field/static.cu bench/field/plugin.c $(FIELD_KIT)/field/
	cp $(BUILD)/libgpushim.so $(BUILD)/gpushim $(FIELD_BINS) $(FIELD_KIT)/bin/
	ldd $(BUILD)/gpushim | awk '$$3 ~ /^\// && $$1 !~ /^(libc\.so|libm\.so|libdl\.so|libpthread\.so|ld-linux)/ { print $$1, $$3 }' | \
		while read -r so path; do cp -L "$$path" $(FIELD_KIT)/lib/$$so || exit 1; done
	for f in $(FIELD_KIT_FAKES); do cp -a $(FAKES_DIR)/$$f $(FIELD_KIT)/fakes/ || exit 1; done
	if [ -e $(FIELD_CUDA)/lib64/stubs/libcuda.so ]; then cp -L $(FIELD_CUDA)/lib64/stubs/libcuda.so $(FIELD_KIT)/stubs/; fi
	LD_LIBRARY_PATH=$(FIELD_KIT)/lib $(FIELD_KIT)/bin/gpushim --version
	@du -sh $(FIELD_KIT) && ls $(FIELD_KIT)/lib

.PHONY: field field-bins field-dry field-kit

# tests/t/field-dry.sh runs field.sh --dry-run: the probes are test programs too.
test-bins: field-bins
