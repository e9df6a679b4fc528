# Programs and libraries of the findings tests (tests/t/find-*.sh) and of the
# examples (examples/*/). Included from tests/build.mk.
#
#   $(BUILD)/tests/find_cudnn_cudart     real libcudart.so.13 + libcudnn.so.9 (only with the toolkit)
#   $(BUILD)/find/undef/libnvinfer_plugin.so.10
#                                        tests/progs/find_undef.c: needs a symbol nobody has
#   $(BUILD)/examples/NAME/PROG          examples/NAME/PROG.c

FIND_DIR     := $(BUILD)/find
FIND_CUDA_LIB := $(or $(CUDA_HOME),/usr/local/cuda)/lib64
FIND_CC       = $(CC) -std=gnu11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE

# A library, not a program of the generic rule.
TEST_PROGS := $(filter-out $(BUILD)/tests/find_undef,$(TEST_PROGS))

ifneq ($(and $(wildcard $(FIND_CUDA_LIB)/libcudart.so.13),$(wildcard $(FIND_CUDA_LIB)/libcudnn.so.9)),)
TEST_PROG_LIBS_find_cudnn_cudart := -L$(FIND_CUDA_LIB) -l:libcudnn.so.9 -l:libcudart.so.13 \
                                    -Wl,-rpath,$(FIND_CUDA_LIB)
else
TEST_PROGS := $(filter-out $(BUILD)/tests/find_cudnn_cudart,$(TEST_PROGS))
endif

$(FIND_DIR)/undef/libnvinfer_plugin.so.10: tests/progs/find_undef.c tests/find.mk
	@mkdir -p $(@D)
	$(FIND_CC) -fPIC -shared -Wl,-soname,libnvinfer_plugin.so.10 -o $@ $<

# Examples: small programs run by examples/NAME/run.sh under gpushim run.
FIND_EX_SRC  := $(wildcard examples/*/*.c)
FIND_EX_BINS := $(FIND_EX_SRC:examples/%.c=$(BUILD)/examples/%)
# The framework of the cuDNN version example finds its bundled cuDNN
# through RUNPATH, which LD_LIBRARY_PATH comes before.
FIND_EX_FLAGS_cudnn-version-mismatch/tf_like := -Wl,--enable-new-dtags,-rpath,'$$ORIGIN/../lib'

$(BUILD)/examples/%: examples/%.c tests/find.mk
	@mkdir -p $(@D)
	$(FIND_CC) $(FIND_EX_FLAGS_$*) -o $@ $< -ldl

FIND_BINS := $(FIND_DIR)/undef/libnvinfer_plugin.so.10 $(FIND_EX_BINS)
