# Helper libraries and executables for the non-interference tests
# (tests/t/shim-*.sh). Included from tests/build.mk.
#
#   $(BUILD)/ni/origin/libni_origin.so   RUNPATH=$ORIGIN/sub, calls dlopen
#   $(BUILD)/ni/origin/libni_rpath.so    RPATH=$ORIGIN/rsub, calls dlopen
#   $(BUILD)/ni/{origin/sub,origin/rsub,decoy}/libcudnn_ni.so.1, libni_plain.so.1
#                                        copies that say which one they are
#   $(BUILD)/ni/decoy/libcudnn_ni2.so.1  only in the decoy directory
#   $(BUILD)/ni/ni_origin_xrpath         tests/progs/ni_origin.c, DT_RPATH=$ORIGIN/decoy
#   $(BUILD)/ni/ni_origin_xrunpath       the same with DT_RUNPATH
#   $(BUILD)/ni/libni_getenv{1,2}.so     getenv interposers (RTLD_NEXT chain)
#   $(BUILD)/ni/libni_dlwrap.so          an interposer that wraps dlopen/dlsym

NI_DIR   := $(BUILD)/ni
NI_SRC   := tests/progs/ni_libs
NI_CC     = $(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -fPIC -fno-optimize-sibling-calls
NI_COPIES := origin/sub origin/rsub decoy

NI_LIBS := $(NI_DIR)/origin/libni_origin.so $(NI_DIR)/origin/libni_rpath.so \
           $(foreach d,$(NI_COPIES),$(NI_DIR)/$(d)/libcudnn_ni.so.1 $(NI_DIR)/$(d)/libni_plain.so.1) \
           $(NI_DIR)/decoy/libcudnn_ni2.so.1 \
           $(NI_DIR)/ni_origin_xrpath $(NI_DIR)/ni_origin_xrunpath \
           $(NI_DIR)/libni_getenv1.so $(NI_DIR)/libni_getenv2.so $(NI_DIR)/libni_dlwrap.so

$(NI_DIR)/origin/libni_origin.so: $(NI_SRC)/origin.c tests/ni.mk
	@mkdir -p $(@D)
	$(NI_CC) -shared -Wl,--enable-new-dtags,-rpath,'$$ORIGIN/sub' -o $@ $< -ldl

$(NI_DIR)/origin/libni_rpath.so: $(NI_SRC)/origin.c tests/ni.mk
	@mkdir -p $(@D)
	$(NI_CC) -shared -Wl,--disable-new-dtags,-rpath,'$$ORIGIN/rsub' -o $@ $< -ldl

# Copies: the directory's last component is what the copy says it is.
$(NI_DIR)/%/libcudnn_ni.so.1: $(NI_SRC)/which.c tests/ni.mk
	@mkdir -p $(@D)
	$(NI_CC) -shared -Wl,-soname,libcudnn_ni.so.1 -DNI_WHICH='"$(notdir $*)"' -o $@ $<

$(NI_DIR)/%/libni_plain.so.1: $(NI_SRC)/which.c tests/ni.mk
	@mkdir -p $(@D)
	$(NI_CC) -shared -Wl,-soname,libni_plain.so.1 -DNI_WHICH='"$(notdir $*)"' -o $@ $<

$(NI_DIR)/decoy/libcudnn_ni2.so.1: $(NI_SRC)/which.c tests/ni.mk
	@mkdir -p $(@D)
	$(NI_CC) -shared -Wl,-soname,libcudnn_ni2.so.1 -DNI_WHICH='"decoy2"' -o $@ $<

$(NI_DIR)/ni_origin_xrpath: tests/progs/ni_origin.c tests/ni.mk
	@mkdir -p $(@D)
	$(NI_CC) -Wl,--disable-new-dtags,-rpath,'$$ORIGIN/decoy' -o $@ $< -ldl

$(NI_DIR)/ni_origin_xrunpath: tests/progs/ni_origin.c tests/ni.mk
	@mkdir -p $(@D)
	$(NI_CC) -Wl,--enable-new-dtags,-rpath,'$$ORIGIN/decoy' -o $@ $< -ldl

$(NI_DIR)/libni_getenv%.so: $(NI_SRC)/getenv.c tests/ni.mk
	@mkdir -p $(@D)
	$(NI_CC) -shared -DNI_TAG=$* -o $@ $< -ldl

$(NI_DIR)/libni_dlwrap.so: $(NI_SRC)/dlwrap.c tests/ni.mk
	@mkdir -p $(@D)
	$(NI_CC) -shared -o $@ $< -ldl
