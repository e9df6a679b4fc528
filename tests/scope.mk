# Programs and libraries of the loading-mode matrix (tests/t/gpu-scope.sh).
# Included from tests/build.mk, after tests/fakes/build.mk.
#
#   $(BUILD)/scope/libscope_plugin.so   tests/progs/scope/plugin.c: DT_NEEDED the
#                                       fake NVML 545, cuDNN 8.9.7, cudart 12 and
#                                       libcuda, RUNPATH $ORIGIN/../fakes/<set>,
#                                       calls every hooked function by symbol
#                                       (and, default.c, through dlsym(RTLD_DEFAULT))
#   $(BUILD)/scope/libscope_weak.so     weak.c: a weak cudaGetDeviceCount, no deps
#   $(BUILD)/scope/libscope_tail.so     tail.c: a wrapper ending in a tail call to
#                                       cudaGetDeviceCount (DT_NEEDED the fake cudart)
#   $(BUILD)/scope/scope_host           host.c: loads them in each mode
#   $(BUILD)/scope/scope_host_needed    the same, linked against the plugin
#   $(BUILD)/scope/py/_scope_ext<EXT_SUFFIX>
#                                       ext.c: a Python extension module whose
#                                       DT_NEEDED is the plugin (RUNPATH
#                                       $ORIGIN/..); only where the Python
#                                       headers are installed (python3-dev)

SCOPE_DIR := $(BUILD)/scope
SCOPE_SRC := tests/progs/scope
SCOPE_CC   = $(CC) -std=gnu11 -O1 -g -Wall -Wextra -Werror -D_GNU_SOURCE
SCOPE_SETS := nvml-545.23.08:libnvidia-ml.so.1 cudnn-8.9.7:libcudnn.so.8 \
              cudart-12.3.101:libcudart.so.12 cuda-545.23.08:libcuda.so.1
SCOPE_DEPS := $(foreach s,$(SCOPE_SETS),$(FAKES_DIR)/$(subst :,/,$(s)))
# Lazy binding on purpose: the plugin's PLT calls are resolved at first call.
SCOPE_PLUGIN_LIBS := $(foreach s,$(SCOPE_SETS),-L$(FAKES_DIR)/$(word 1,$(subst :, ,$(s))) -l:$(word 2,$(subst :, ,$(s)))) \
	-Wl,-z,lazy -Wl,--no-as-needed -Wl,--enable-new-dtags \
	-Wl,-rpath,$(subst $(space),:,$(foreach s,$(SCOPE_SETS),'$$ORIGIN/../fakes/$(word 1,$(subst :, ,$(s)))'))

SCOPE_BINS := $(SCOPE_DIR)/libscope_plugin.so $(SCOPE_DIR)/libscope_weak.so $(SCOPE_DIR)/libscope_tail.so \
              $(SCOPE_DIR)/scope_host $(SCOPE_DIR)/scope_host_needed

$(SCOPE_DIR)/libscope_plugin.so: $(SCOPE_SRC)/plugin.c $(SCOPE_SRC)/default.c $(SCOPE_SRC)/calls.h $(SCOPE_DEPS) tests/scope.mk
	@mkdir -p $(@D)
	$(SCOPE_CC) -fPIC -shared -Wl,-soname,libscope_plugin.so -o $@ $(SCOPE_SRC)/plugin.c $(SCOPE_SRC)/default.c \
		-ldl $(SCOPE_PLUGIN_LIBS)

$(SCOPE_DIR)/libscope_weak.so: $(SCOPE_SRC)/weak.c tests/scope.mk
	@mkdir -p $(@D)
	$(SCOPE_CC) -fPIC -shared -Wl,-soname,libscope_weak.so -o $@ $<

# -O2: the wrapper's call must become a jump through the PLT (a tail call).
$(SCOPE_DIR)/libscope_tail.so: $(SCOPE_SRC)/tail.c $(FAKES_DIR)/cudart-12.3.101/libcudart.so.12 tests/scope.mk
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -foptimize-sibling-calls -g -Wall -Wextra -Werror -fPIC -shared \
		-Wl,-soname,libscope_tail.so -o $@ $< -L$(FAKES_DIR)/cudart-12.3.101 -l:libcudart.so.12 \
		-Wl,--no-as-needed -Wl,--enable-new-dtags -Wl,-rpath,'$$ORIGIN/../fakes/cudart-12.3.101'

$(SCOPE_DIR)/scope_host: $(SCOPE_SRC)/host.c $(SCOPE_SRC)/calls.h tests/scope.mk
	@mkdir -p $(@D)
	$(SCOPE_CC) -o $@ $< -ldl

$(SCOPE_DIR)/scope_host_needed: $(SCOPE_SRC)/host.c $(SCOPE_SRC)/calls.h $(SCOPE_DIR)/libscope_plugin.so tests/scope.mk
	@mkdir -p $(@D)
	$(SCOPE_CC) -DSCOPE_NEEDED -o $@ $< -ldl -L$(SCOPE_DIR) -l:libscope_plugin.so \
		-Wl,--no-as-needed -Wl,--enable-new-dtags -Wl,-rpath,'$$ORIGIN'

# The extension module is built for the python3 the tests run (/usr/bin/python3
# first, like tests/fakes/testlib.sh), against its own headers.
SCOPE_PY := $(or $(wildcard /usr/bin/python3),$(shell command -v python3 2>/dev/null))
ifneq ($(SCOPE_PY),)
SCOPE_PY_CFG := $(shell $(SCOPE_PY) -c 'import sysconfig; print(sysconfig.get_paths()["include"], sysconfig.get_config_var("EXT_SUFFIX"))' 2>/dev/null)
SCOPE_PY_INC := $(word 1,$(SCOPE_PY_CFG))
SCOPE_PY_EXT := $(SCOPE_DIR)/py/_scope_ext$(word 2,$(SCOPE_PY_CFG))
ifneq ($(and $(SCOPE_PY_INC),$(wildcard $(SCOPE_PY_INC)/Python.h)),)
$(SCOPE_PY_EXT): $(SCOPE_SRC)/ext.c $(SCOPE_DIR)/libscope_plugin.so tests/scope.mk
	@mkdir -p $(@D)
	$(SCOPE_CC) -fPIC -shared -I$(SCOPE_PY_INC) -o $@ $< -L$(SCOPE_DIR) -l:libscope_plugin.so \
		-Wl,--no-as-needed -Wl,--enable-new-dtags -Wl,-rpath,'$$ORIGIN/..'
SCOPE_BINS += $(SCOPE_PY_EXT)
endif
endif
