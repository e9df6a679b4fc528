# Client programs and helper libraries of the GPU entry-point tests
# (tests/t/gpu-*.sh). Included from tests/build.mk, after tests/fakes/build.mk.
#
#   $(BUILD)/tests/hook_dlsym_default   plain program (the generic rule)
#   $(BUILD)/tests/hook_loop            linked against the fake libcudart.so.12
#   $(BUILD)/tests/hook_cudnn8_two      linked against the fake cuDNN 8.9.7
#   $(BUILD)/tests/ni_sigmask           linked against the fake libcudart.so.12
#   $(BUILD)/hook/trace-<fam>/<soname>  tests/progs/hook_tracelib.c as NVML,
#                                       the CUDA driver, cudart 12, cuDNN 8
#   $(BUILD)/tests/hook_static          nvcc -cudart static (only with nvcc)

HOOK_DIR   := $(BUILD)/hook
HOOK_CUDA  := $(or $(CUDA_HOME),/usr/local/cuda)
HOOK_NVCC  := $(HOOK_CUDA)/bin/nvcc
HOOK_FAKES := $(abspath $(FAKES_DIR))

# Not programs of the generic rule: a library and an nvcc build.
TEST_PROGS := $(filter-out $(BUILD)/tests/hook_tracelib $(BUILD)/tests/hook_static,$(TEST_PROGS))

TEST_PROG_LIBS_hook_loop := -L$(FAKES_DIR)/cudart-12.3.101 -l:libcudart.so.12 \
                            -Wl,-rpath,$(HOOK_FAKES)/cudart-12.3.101
$(BUILD)/tests/hook_loop: $(FAKES_DIR)/cudart-12.3.101/libcudart.so.12 tests/hooks.mk

TEST_PROG_LIBS_ni_sigmask := $(TEST_PROG_LIBS_hook_loop)
$(BUILD)/tests/ni_sigmask: $(FAKES_DIR)/cudart-12.3.101/libcudart.so.12 tests/hooks.mk

TEST_PROG_LIBS_hook_cudnn8_two := -L$(FAKES_DIR)/cudnn-8.9.7 -l:libcudnn.so.8 \
                                  -Wl,-rpath,$(HOOK_FAKES)/cudnn-8.9.7
$(BUILD)/tests/hook_cudnn8_two: $(FAKES_DIR)/cudnn-8.9.7/libcudnn.so.8 tests/hooks.mk

# Tracing stand-ins, one family each, with the real soname. -Bsymbolic like
# the real libraries (a preloaded shim does not interpose their own calls).
HOOK_TRACE_SETS := nvml:libnvidia-ml.so.1:NVML cuda:libcuda.so.1:CUDA \
                   cudart:libcudart.so.12:CUDART cudnn:libcudnn.so.8:CUDNN
define hook_trace
$(HOOK_DIR)/trace-$(1)/$(2): tests/progs/hook_tracelib.c tests/hooks.mk
	@mkdir -p $$(@D)
	$$(CC) -std=gnu11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE -fPIC -shared \
		-Wl,-Bsymbolic -Wl,--build-id -Wl,-soname,$(2) -DTRACE_$(3) -o $$@ $$<
HOOK_BINS += $(HOOK_DIR)/trace-$(1)/$(2)
endef
HOOK_BINS := $(BUILD)/tests/hook_dlsym_default $(BUILD)/tests/hook_loop $(BUILD)/tests/hook_cudnn8_two
$(foreach s,$(HOOK_TRACE_SETS),$(eval $(call hook_trace,$(word 1,$(subst :, ,$(s))),$(word 2,$(subst :, ,$(s))),$(word 3,$(subst :, ,$(s))))))

# The statically linked CUDA runtime: only where nvcc is installed.
ifneq ($(wildcard $(HOOK_NVCC)),)
$(BUILD)/tests/hook_static: tests/progs/hook_static.c tests/hooks.mk
	@mkdir -p $(@D)
	$(HOOK_NVCC) -cudart static -o $@ $<
HOOK_BINS += $(BUILD)/tests/hook_static
endif
