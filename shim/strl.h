/* strlcpy, which glibc has only from 2.38: the shim links nothing but libc. */
#ifndef GS_STRL_H
#define GS_STRL_H

#include <string.h>

static inline size_t gs_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

#endif
