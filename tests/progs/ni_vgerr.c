/* ni_vgerr LIB — a program with an error of its own for valgrind to find,
 * made on the same thread right after hooked calls (whose stacks the shim
 * walks with valgrind's reporting off): it dlopens LIB, calls its
 * cudaGetDeviceCount through dlsym, then branches on a heap word it never
 * wrote. memcheck must report that branch, once, with and without the
 * shim. What it prints does not depend on the word. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	void *lib = argc > 1 ? dlopen(argv[1], RTLD_NOW | RTLD_LOCAL) : NULL;
	int (*count)(int *) = lib ? (int (*)(int *))dlsym(lib, "cudaGetDeviceCount") : NULL;
	int n = -1, rc = count ? count(&n) : -1;
	volatile int *unwritten = malloc(sizeof *unwritten);
	volatile int seen = 0;

	printf("cudaGetDeviceCount=%d count=%d\n", rc, n);
	if (!unwritten)
		return 1;
	if (*unwritten == 42) /* the error: a branch on an unwritten word */
		seen = 1;
	free((void *)unwritten);
	printf("done\n");
	return seen * 0;
}
