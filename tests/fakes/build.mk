# Fake GPU libraries and the flags of the GPU client programs.
# Included by tests/build.mk. Each $(BUILD)/fakes/<set>/ directory is laid
# out like a real install: the versioned file plus its soname symlink.
# See tests/fakes/README.md.

FAKES_DIR := $(BUILD)/fakes
FAKE_LIBS :=
FAKE_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE -fPIC
# -Bsymbolic: like the real libraries, a fake's internal references (the
# pointers cuGetProcAddress hands out, cuDNN's own calls) are not interposable
# by a preloaded shim.
FAKE_LDFLAGS := -shared -Wl,--build-id -Wl,-Bsymbolic -Wl,-z,now
# A set may replace FAKE_LDFLAGS with FAKE_LDFLAGS_<set> (nvml-plt-*: no
# -Bsymbolic, so its own calls of exported names go through the PLT).

# $(call fake_lib,SET,FILE,SONAME,SOURCE,CFLAGS[,VERSION_NODE_PREFIX[,LDFLAGS]])
# Builds $(FAKES_DIR)/SET/FILE with SONAME and the SONAME symlink. With a
# prefix, symbols matching PREFIX* get the version node SONAME, as the real
# libcudnn/libcudart have (cudnnCreate@@libcudnn.so.9).
define fake_lib
$(FAKES_DIR)/$(1)/$(2): tests/fakes/$(4) tests/fakes/fake.h tests/fakes/build.mk
	@mkdir -p $$(@D)
	$(if $(6),printf '%s { global: %s*; local: *; };\n' '$(3)' '$(6)' >$$@.map)
	$$(CC) $$(FAKE_CFLAGS) $(5) $$(or $$(FAKE_LDFLAGS_$(1)),$$(FAKE_LDFLAGS)) -Wl,-soname,$(3) \
		$(if $(6),-Wl$$(comma)--version-script=$$@.map) $(7) -o $$@ $$< -ldl -lpthread
	$(if $(6),rm -f $$@.map)
$(FAKES_DIR)/$(1)/$(3): $(FAKES_DIR)/$(1)/$(2)
	ln -sfn $(2) $$@
FAKE_LIBS += $(FAKES_DIR)/$(1)/$(2) $(FAKES_DIR)/$(1)/$(3)
endef

# NVML of two driver releases (545 and 550) for driver/library mismatch.
nvml_flags = -DFAKE_NVML_VERSION='"$(1)"' -DFAKE_NVML_CUDA=$(2)
$(eval $(call fake_lib,nvml-545.23.08,libnvidia-ml.so.545.23.08,libnvidia-ml.so.1,nvml.c,$(call nvml_flags,545.23.08,12030)))
$(eval $(call fake_lib,nvml-550.54.14,libnvidia-ml.so.550.54.14,libnvidia-ml.so.1,nvml.c,$(call nvml_flags,550.54.14,12040)))
# NVML 545 not linked -Bsymbolic, whose nvmlInit calls its exported
# nvmlInit_v2 through the PLT (tests/t/gpu-scope.sh): a preloaded
# nvmlInit_v2 takes that inner call.
FAKE_LDFLAGS_nvml-plt-545.23.08 := -shared -Wl,--build-id -Wl,-z,now
$(eval $(call fake_lib,nvml-plt-545.23.08,libnvidia-ml.so.545.23.08,libnvidia-ml.so.1,nvml.c,$(call nvml_flags,545.23.08,12030) -DFAKE_NVML_PLT))

# CUDA driver and a CUDA 12.3 runtime.
$(eval $(call fake_lib,cuda-545.23.08,libcuda.so.545.23.08,libcuda.so.1,cuda.c,-DFAKE_CUDA_VERSION=12030))
$(eval $(call fake_lib,cudart-12.3.101,libcudart.so.12.3.101,libcudart.so.12,cudart.c,-DFAKE_CUDART_VERSION=12030,cuda))

# cuDNN 8 of two releases.
cudnn_flags = -DFAKE_CUDNN_MAJOR=$(1) -DFAKE_CUDNN_MINOR=$(2) -DFAKE_CUDNN_PATCH=$(3)
$(eval $(call fake_lib,cudnn-8.9.7,libcudnn.so.8.9.7,libcudnn.so.8,cudnn.c,$(call cudnn_flags,8,9,7),cudnn))
$(eval $(call fake_lib,cudnn-8.6.0,libcudnn.so.8.6.0,libcudnn.so.8,cudnn.c,$(call cudnn_flags,8,6,0),cudnn))

# cuDNN 9.1.0: front + graph sub-library of the same release, and a set whose
# graph library is from 9.0.0 (sub-library mismatch).
cudnn9_front = $(call fake_lib,$(1),libcudnn.so.9.1.0,libcudnn.so.9,cudnn.c,$(call cudnn_flags,9,1,0) -DFAKE_CUDNN_FRONT,cudnn,-Wl$$(comma)--enable-new-dtags -Wl$$(comma)-rpath$$(comma)'$$$$ORIGIN')
$(eval $(call cudnn9_front,cudnn-9.1.0))
$(eval $(call fake_lib,cudnn-9.1.0,libcudnn_graph.so.9.1.0,libcudnn_graph.so.9,cudnn.c,$(call cudnn_flags,9,1,0),cudnn))
$(eval $(call cudnn9_front,cudnn-9.1.0-graph-9.0.0))
$(eval $(call fake_lib,cudnn-9.1.0-graph-9.0.0,libcudnn_graph.so.9.0.0,libcudnn_graph.so.9,cudnn.c,$(call cudnn_flags,9,0,0),cudnn))

# --- GPU client programs (tests/progs/gpu_*.c) ---

# Linked by symbol against the fake NVML; pick 545 or 550 with LD_LIBRARY_PATH.
TEST_PROG_LIBS_gpu_nvml_init := -L$(FAKES_DIR)/nvml-545.23.08 -l:libnvidia-ml.so.1
$(BUILD)/tests/gpu_nvml_init: $(FAKES_DIR)/nvml-545.23.08/libnvidia-ml.so.1

# Linked against the real toolkit, only where it is installed.
GPU_CUDA_LIB := $(or $(CUDA_HOME),/usr/local/cuda)/lib64
ifneq ($(wildcard $(GPU_CUDA_LIB)/libcudart.so.13),)
TEST_PROG_LIBS_gpu_cudart_count := -L$(GPU_CUDA_LIB) -l:libcudart.so.13 -Wl,-rpath,$(GPU_CUDA_LIB)
else
TEST_PROGS := $(filter-out $(BUILD)/tests/gpu_cudart_count,$(TEST_PROGS))
endif
ifneq ($(and $(wildcard $(GPU_CUDA_LIB)/libcudart.so.13),$(wildcard $(GPU_CUDA_LIB)/libcudnn.so.9)),)
TEST_PROG_LIBS_gpu_cudnn_create := -L$(GPU_CUDA_LIB) -l:libcudnn.so.9 -l:libcudart.so.13 -Wl,-rpath,$(GPU_CUDA_LIB)
else
TEST_PROGS := $(filter-out $(BUILD)/tests/gpu_cudnn_create,$(TEST_PROGS))
endif
