/* libni_origin.so (RUNPATH=$ORIGIN/sub) and libni_rpath.so (RPATH=$ORIGIN/rsub):
 * the object that calls dlopen, so that glibc searches *this* object's
 * paths for a bare name. Built with -fno-optimize-sibling-calls and with a
 * barrier after the call so the dlopen call is never a tail jump (a tail
 * jump would make our caller the dlopen caller). */
#include <dlfcn.h>

void *ni_origin_dlopen(const char *name, int flags)
{
	void *h = dlopen(name, flags);
	__asm__ volatile("" : : "r"(h) : "memory");
	return h;
}

void *ni_origin_dlmopen(const char *name, int flags)
{
	void *h = dlmopen(LM_ID_NEWLM, name, flags);
	__asm__ volatile("" : : "r"(h) : "memory");
	return h;
}
