/* Valgrind's per-thread error reporting, switched off while the shim walks
 * a stack. libunwind reads stack words the program never wrote (spill
 * slots, padding) and, to test an address before it reads it, writes one
 * byte of it to a pipe (libunwind's write_validate): memcheck reports both,
 * although the program did nothing wrong. Nothing but shim code runs on
 * the thread in that window, so no error of the program's is hidden, and
 * other threads report as before.
 *
 * Valgrind's client-request protocol for amd64, declared here rather than
 * taken from <valgrind/valgrind.h> (package valgrind) so that the shim
 * builds without it: a request is an array of six words in %rax, the
 * default answer in %rdx, after a marker of four rotations of %rdi by 128
 * bits in all and `xchg %rbx,%rbx`. Outside valgrind the sequence changes
 * no register and costs a few cycles; under valgrind the core answers it.
 * Documented in valgrind.h ("VALGRIND_DO_CLIENT_REQUEST", the amd64-linux
 * part) and in the manual, "The Client Request mechanism"; the request is
 * VG_USERREQ__CHANGE_ERR_DISABLEMENT (0x1801), argument +1 to disable
 * (VALGRIND_DISABLE_ERROR_REPORTING), -1 to enable again. */
#ifndef GS_VGQUIET_H
#define GS_VGQUIET_H

#define GS_VG_CHANGE_ERR_DISABLEMENT 0x1801UL

static inline void gs_vg_request(unsigned long req, unsigned long arg)
{
#if defined(__x86_64__)
	volatile unsigned long args[6] = { req, arg, 0, 0, 0, 0 };
	unsigned long result = 0;

	__asm__ volatile("rolq $3, %%rdi; rolq $13, %%rdi\n\t"
			 "rolq $61, %%rdi; rolq $51, %%rdi\n\t"
			 "xchgq %%rbx, %%rbx"
			 : "=d"(result)
			 : "a"(&args[0]), "0"(result)
			 : "cc", "memory");
	(void)result;
#else
	(void)req;
	(void)arg;
#endif
}

/* Errors on this thread are not reported until gs_vg_report_on. */
static inline void gs_vg_report_off(void)
{
	gs_vg_request(GS_VG_CHANGE_ERR_DISABLEMENT, 1);
}

static inline void gs_vg_report_on(void)
{
	gs_vg_request(GS_VG_CHANGE_ERR_DISABLEMENT, (unsigned long)-1);
}

#endif
