/* compat-mismatch, driver-too-old, no-device: the CUDA driver is there
 * but cannot serve this runtime or sees no device. */
#include "findings_rules.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void explain_kind(struct gs_fctx *cx, struct gs_fb *b, enum gs_kind k)
{
	for (size_t i = 0; i < cx->p->calls.n; i++)
		if (!cx->claimed_call[i] && fq_call_has_kind(cx, &cx->p->calls.v[i], k))
			fb_explain_call(cx, b, i);
}

void rule_compat_mismatch(struct gs_fctx *cx)
{
	const struct gs_proc *p = cx->p;
	const struct gs_lib *cuda = fq_lib_family(cx, "libcuda");
	struct gs_fb b;

	fb_init(&b, "compat-mismatch", "error");
	explain_kind(cx, &b, GS_K_COMPAT);
	if (!b.calls.n) {
		fb_drop(&b);
		return;
	}
	fb_ev_lib(&b, cuda);
	fb_ev_hello(&b, p);
	fb_ev_env(&b, p, "LD_LIBRARY_PATH");
	const char *path = cuda ? fq_lib_path(cuda) : "libcuda.so.1";
	bool compat = strstr(path, "/compat/") != NULL;
	fb_msg(&b, "the CUDA driver library %s%s%s%s does not work with the NVIDIA kernel module %s",
	       path, cuda && cuda->file_version ? " (driver " : "",
	       cuda && cuda->file_version ? cuda->file_version : "", cuda && cuda->file_version ? ")" : "",
	       p->kernel_driver ? p->kernel_driver : "(version unknown)");
	fb_fix(&b, "%s: such a libcuda runs only on data-center GPUs and only over a kernel module "
		   "of a supported branch. Remove its directory from LD_LIBRARY_PATH (or ld.so.conf) to "
		   "use the driver's own libcuda.so.1, or install the driver release that matches it.",
	       compat ? "This libcuda comes from a forward-compatibility package (cuda-compat)"
		      : "If this libcuda comes from a forward-compatibility package (cuda-compat)");
	fb_emit(cx, &b);
}

/* The highest CUDA version the driver says it supports, 0 when unknown:
 * the runtime's view first (what it compared against), then the driver's
 * own cuDriverGetVersion, then NVML's. */
static long long driver_cuda_version(const struct gs_fctx *cx)
{
	long long v;
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < cx->p->calls.n; i++) {
			const struct gs_call *c = &cx->p->calls.v[i];
			const char *fam = fq_family(c);
			if (!fam)
				continue;
			if (pass == 0 && !strcmp(fam, "cudart") && fq_ver_int(c, "driver", &v) && v > 0)
				return v;
			if (pass == 1 && !strcmp(fam, "cuda") && c->fn && !strcmp(c->fn, "cuDriverGetVersion") &&
			    c->has_rc && c->rc == 0 && fq_out_int(c, "driverVersion", &v) && v > 0)
				return v;
			if (pass == 2 && !strcmp(fam, "nvml") && fq_ver_int(c, "cuda_driver", &v) && v > 0)
				return v;
		}
	return 0;
}

void rule_driver_too_old(struct gs_fctx *cx)
{
	const struct gs_lib *cuda = fq_lib_family(cx, "libcuda");
	const struct gs_lib *rtlib = fq_lib_family(cx, "libcudart");
	bool major_only;
	long long rt = fq_runtime_version(cx, &major_only), drv = driver_cuda_version(cx);
	char a[32], d[32];
	struct gs_fb b;

	fb_init(&b, "driver-too-old", "error");
	explain_kind(cx, &b, GS_K_NO_DRIVER);
	/* Same major, older minor runs under minor-version compatibility:
	 * not a finding. Only an older major is. */
	bool older = rt > 0 && drv > 0 && gs_kn_cuda_major(drv) < gs_kn_cuda_major(rt);
	if (!b.calls.n && !older) {
		fb_drop(&b);
		return;
	}
	fb_ev_lib(&b, cuda);
	fb_ev_lib(&b, rtlib);
	fb_ev_hello(&b, cx->p);
	if (major_only)
		snprintf(a, sizeof a, "%d.x", gs_kn_cuda_major(rt));
	else
		gs_kn_cuda_str(rt, a, sizeof a);
	gs_kn_cuda_str(drv, d, sizeof d);
	const char *drvfile = cuda ? fq_lib_path(cuda) : "libcuda.so.1";
	if (rt > 0 && drv > 0)
		fb_msg(&b, "the CUDA runtime %s is CUDA %s but the driver %s supports CUDA only up "
			   "to %s", rtlib ? fq_lib_path(rtlib) : "(static)", a, drvfile, d);
	else
		fb_msg(&b, "the NVIDIA driver %s is too old for the CUDA runtime %s%s%s",
		       drvfile, rtlib ? fq_lib_path(rtlib) : "in use", rt > 0 ? ", CUDA " : "",
		       rt > 0 ? a : "");
	const char *min = gs_kn_min_driver(gs_kn_cuda_major(rt));
	if (min)
		fb_fix(&b, "Upgrade the NVIDIA driver to %s or newer (the minimum for CUDA %d.x), or "
			   "use a build of the program for CUDA %s.", min, gs_kn_cuda_major(rt),
		       drv > 0 ? d : "the driver's version");
	else
		fb_fix(&b, "Upgrade the NVIDIA driver to one that supports the CUDA runtime in use "
			   "(see the CUDA release notes' driver table), or use a CUDA build the driver "
			   "supports.");
	fb_emit(cx, &b);
}

/* CUDA_VISIBLE_DEVICES: a comma list of indices, GPU-/MIG- UUIDs. CUDA
 * stops at the first invalid entry, so an invalid first entry (or an empty
 * value) hides every device. Returns 0 fine, 1 hides all, 2 partly invalid. */
static int cvd_check(const char *v)
{
	if (!v)
		return 0;
	if (!*v)
		return 1;
	int idx = 0;
	for (const char *s = v; ; idx++) {
		const char *e = strchr(s, ',');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		bool ok = n > 0;
		if (n >= 4 && (!strncmp(s, "GPU-", 4) || !strncmp(s, "MIG-", 4)))
			ok = true;
		else
			for (size_t i = 0; i < n; i++)
				ok &= isdigit((unsigned char)s[i]) != 0;
		if (!ok)
			return idx == 0 ? 1 : 2;
		if (!e)
			return 0;
		s = e + 1;
	}
}

void rule_no_device(struct gs_fctx *cx)
{
	const struct gs_proc *p = cx->p;
	const char *cvd = fq_env(p, "CUDA_VISIBLE_DEVICES");
	int bad = cvd_check(cvd);
	bool cuda_used = false;
	struct gs_fb b;

	for (size_t i = 0; i < p->calls.n; i++) {
		const char *fam = fq_family(&p->calls.v[i]);
		cuda_used |= fam && (!strcmp(fam, "cuda") || !strcmp(fam, "cudart") || !strcmp(fam, "cudnn"));
	}
	fb_init(&b, "no-device", "error");
	explain_kind(cx, &b, GS_K_NO_DEVICE);
	if (!b.calls.n && !(bad && cuda_used)) {
		fb_drop(&b);
		return;
	}
	if (!b.calls.n)
		b.severity = "warning";
	fb_ev_hello(&b, p);
	if (cvd)
		fb_ev_env(&b, p, "CUDA_VISIBLE_DEVICES");
	if (bad == 1)
		fb_msg(&b, "CUDA_VISIBLE_DEVICES=\"%s\" hides every GPU from CUDA", cvd);
	else if (bad == 2)
		fb_msg(&b, "CUDA_VISIBLE_DEVICES=\"%s\" has an invalid entry, and CUDA ignores it and "
			   "every entry after it", cvd);
	else
		fb_msg(&b, "the NVIDIA driver%s%s is running but CUDA sees no device%s%s",
		       p->kernel_driver ? " " : "", p->kernel_driver ? p->kernel_driver : "",
		       cvd ? " with CUDA_VISIBLE_DEVICES=" : "", cvd ? cvd : "");
	if (bad)
		fb_fix(&b, "Unset CUDA_VISIBLE_DEVICES or set it to valid device indices or UUIDs "
			   "(nvidia-smi -L lists them).");
	else
		fb_fix(&b, "Check nvidia-smi -L: no GPU may be attached, the GPU may have fallen off "
			   "the bus (dmesg, Xid errors), or the container got no GPU (docker run --gpus "
			   "all, NVIDIA_VISIBLE_DEVICES).");
	fb_emit(cx, &b);
}
