/* libcudnn_stblock.so.1 — a watched library (the shim watches libcudnn*)
 * that can hold a thread inside a hook for as long as the test wants:
 *   constructor: with ST_BLOCK_CTOR=1 it writes one byte to the fd named by
 *                ST_BLOCK_READY and reads one byte from ST_BLOCK_GO before
 *                returning (a thread is then inside a watched dlopen);
 *   cudnnCreate: the same when *handle arrives as (void *)1 (a thread is
 *                inside a hooked GPU call); returns 0 either way.
 * The shim looks for cudnnGetVersion/cudnnGetCudartVersion in the copy
 * that served the call; they are here too. */
#include <stdlib.h>
#include <unistd.h>

static void handshake(void)
{
	const char *r = getenv("ST_BLOCK_READY"), *g = getenv("ST_BLOCK_GO");
	char c = 'x';
	if (!r || !g)
		return;
	if (write(atoi(r), &c, 1) != 1)
		abort();
	while (read(atoi(g), &c, 1) < 0)
		;
}

__attribute__((constructor)) static void ctor(void)
{
	const char *b = getenv("ST_BLOCK_CTOR");
	if (b && *b == '1')
		handshake();
}

__attribute__((visibility("default"))) int cudnnCreate(void **handle)
{
	if (handle && *handle == (void *)1)
		handshake();
	if (handle)
		*handle = (void *)0x5;
	return 0;
}

__attribute__((visibility("default"))) size_t cudnnGetVersion(void) { return 90100; }
__attribute__((visibility("default"))) size_t cudnnGetCudartVersion(void) { return 12030; }
