/* driver-not-loaded and nvml-driver-mismatch: the kernel half of the
 * driver against its user-space half. The kernel module's version comes
 * from the hello record (/sys/module/nvidia/version, under GPUSHIM_SYSROOT
 * in tests). */
#include "findings_rules.h"

#include <string.h>

void rule_driver_not_loaded(struct gs_fctx *cx)
{
	const struct gs_proc *p = cx->p;
	bool no_module = p->has_hello && !p->kernel_driver;
	bool no_ctl = p->has_hello && p->nvidiactl == 0;
	struct gs_fb b;

	fb_init(&b, "driver-not-loaded", "error");
	for (size_t i = 0; i < p->calls.n; i++) {
		const struct gs_call *c = &p->calls.v[i];
		if (cx->claimed_call[i])
			continue;
		/* NVML says so itself; a CUDA failure counts only when the hello
		 * record confirms it: a program that never touched a GPU library
		 * has no calls, so it gets no finding. */
		if (fq_call_has_kind(cx, c, GS_K_NOT_LOADED) ||
		    ((no_module || no_ctl) &&
		     (fq_call_has_kind(cx, c, GS_K_NO_DRIVER) || fq_call_has_kind(cx, c, GS_K_NOT_INIT) ||
		      fq_call_has_kind(cx, c, GS_K_NO_DEVICE) || fq_call_has_kind(cx, c, GS_K_INIT_FAILED))))
			fb_explain_call(cx, &b, i);
	}
	if (!b.calls.n) {
		fb_drop(&b);
		return;
	}
	fb_ev_hello(&b, p);
	const struct gs_lib *nvml = fq_lib_family(cx, "libnvidia-ml");
	const struct gs_lib *cuda = fq_lib_family(cx, "libcuda");
	const struct gs_lib *user = nvml ? nvml : cuda;
	fb_ev_lib(&b, user);
	if (no_module)
		fb_msg(&b, "the NVIDIA kernel module is not loaded (no nvidia module version in /sys or "
			   "/proc%s) although the driver's user-space library %s is installed",
		       no_ctl ? ", no /dev/nvidiactl" : "", user ? fq_lib_path(user) : "(libnvidia-ml/libcuda)");
	else if (no_ctl)
		fb_msg(&b, "the NVIDIA kernel module %s is loaded but /dev/nvidiactl does not exist, so "
			   "no program can reach it", p->kernel_driver);
	else
		fb_msg(&b, "NVML (%s) reports that the NVIDIA kernel module is not loaded",
		       user ? fq_lib_path(user) : "libnvidia-ml");
	if (no_ctl && !no_module)
		fb_fix(&b, "Create the device nodes (run nvidia-modprobe, or nvidia-smi once as root); in a "
			   "container, pass the GPU devices in with the NVIDIA Container Toolkit "
			   "(docker run --gpus all) instead of mounting the driver libraries alone.");
	else
		fb_fix(&b, "Load the driver's kernel module (sudo modprobe nvidia) and read dmesg if it "
			   "refuses: after a kernel upgrade the DKMS module must be rebuilt, with Secure "
			   "Boot it must be signed; in a container, the host must have it loaded and the "
			   "container must get the devices (docker run --gpus all).");
	fb_emit(cx, &b);
}

void rule_nvml_driver_mismatch(struct gs_fctx *cx)
{
	const struct gs_proc *p = cx->p;
	const struct gs_lib *nvml = fq_lib_family(cx, "libnvidia-ml");
	const char *lv = nvml ? nvml->file_version : NULL;
	const char *kv = p->kernel_driver;
	struct gs_fb b;

	if (gs_kn_version_parts(lv) < 2) /* "1" from libnvidia-ml.so.1 says nothing */
		lv = NULL;
	fb_init(&b, "nvml-driver-mismatch", "error");
	for (size_t i = 0; i < p->calls.n; i++)
		if (!cx->claimed_call[i] && fq_call_has_kind(cx, &p->calls.v[i], GS_K_RM_MISMATCH))
			fb_explain_call(cx, &b, i);
	bool differ = lv && kv && strcmp(lv, kv) != 0;
	if (!b.calls.n && !differ) {
		fb_drop(&b);
		return;
	}
	fb_ev_lib(&b, nvml);
	fb_ev_hello(&b, p);
	if (lv && kv)
		fb_msg(&b, "the NVML library %s is driver %s but the loaded NVIDIA kernel module is %s",
		       fq_lib_path(nvml), lv, kv);
	else
		fb_msg(&b, "NVML reports that its library %s is not the version of the loaded NVIDIA "
			   "kernel module%s%s", nvml ? fq_lib_path(nvml) : "libnvidia-ml.so.1",
		       kv ? " " : "", kv ? kv : "");
	/* The direction tells the story: a newer library than the module is
	 * an upgrade waiting for a reboot; an older one is a stale copy. In a
	 * container both happen when the image carries its own driver files. */
	const char *cont = p->container;
	int dir = lv && kv ? gs_kn_version_cmp(lv, kv) : 0;
	const char *first =
		dir > 0 ? "The driver's user-space libraries were upgraded but the running kernel "
			  "module is still the old one: reboot (or stop all GPU programs and reload "
			  "the nvidia modules) so the module matches the libraries."
		: dir < 0 ? "This libnvidia-ml is an older copy than the driver: remove it, or the "
			    "LD_LIBRARY_PATH entry that finds it, so the driver's own library is used."
		: "Make libnvidia-ml and the kernel module come from the same driver release: "
		  "reboot after a driver upgrade, or remove a stray copy of libnvidia-ml.";
	if (cont)
		fb_fix(&b, "%s In a container (%s): the image must not ship its own driver libraries; "
			   "remove %s from the image and let the NVIDIA Container Toolkit mount the "
			   "host's (docker run --gpus all).", first, cont,
		       nvml ? fq_lib_path(nvml) : "libnvidia-ml.so.*");
	else
		fb_fix(&b, "%s", first);
	fb_emit(cx, &b);
}
