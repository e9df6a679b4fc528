/* Entry points whose *caller* glibc looks at: dlopen, dlmopen, dlsym, dlvsym.
 *
 * glibc takes the caller from the return address of the call (RUNPATH,
 * $ORIGIN, RTLD_NEXT, RTLD_DEFAULT's scope). A C wrapper that calls the real
 * function makes the shim the caller. These trampolines save the argument
 * registers, ask a C "route" function where to go (it may rewrite the saved
 * registers, e.g. to pass the caller's address to a wrapper), restore them
 * and jump: the real function is reached by a true tail jump, with the
 * program's own return address on the stack, at any optimisation level and
 * under the sanitizers. x86-64 System V only. */

	.text

/* GS_TRAMP name, route: void *route(struct gs_regs *regs, void *caller) */
.macro GS_TRAMP name, route
	.globl \name
	.type \name, @function
	.p2align 4
\name:
	.cfi_startproc
	endbr64
	/* 6 argument registers + 8 bytes so the call below is 16-aligned */
	subq	$56, %rsp
	.cfi_adjust_cfa_offset 56
	movq	%rdi, 0(%rsp)
	movq	%rsi, 8(%rsp)
	movq	%rdx, 16(%rsp)
	movq	%rcx, 24(%rsp)
	movq	%r8, 32(%rsp)
	movq	%r9, 40(%rsp)
	movq	%rsp, %rdi
	movq	56(%rsp), %rsi		/* our return address: the caller */
	call	\route
	movq	0(%rsp), %rdi
	movq	8(%rsp), %rsi
	movq	16(%rsp), %rdx
	movq	24(%rsp), %rcx
	movq	32(%rsp), %r8
	movq	40(%rsp), %r9
	addq	$56, %rsp
	.cfi_adjust_cfa_offset -56
	jmp	*%rax
	.cfi_endproc
	.size \name, .-\name
.endm

	GS_TRAMP dlopen, gs_route_dlopen
	GS_TRAMP dlmopen, gs_route_dlmopen
	GS_TRAMP dlsym, gs_route_dlsym
	GS_TRAMP dlvsym, gs_route_dlvsym

	.section .note.GNU-stack,"",@progbits
