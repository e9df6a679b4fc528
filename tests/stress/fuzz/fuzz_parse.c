/* libFuzzer harness: the record parser. The input is a byte stream as it
 * would arrive on the FIFO; its first byte picks the read size, so line
 * framing across reads is exercised too. Checks the model's own
 * invariants after each input. */
#include <stdlib.h>
#include <string.h>
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gs_model m;
	size_t chunk = 4096;

	if (size > 0) {
		chunk = 1 + (size_t)data[0] * 37;
		data++;
		size--;
	}
	gs_model_init(&m);
	st_feed(&m, data, size, chunk);
	for (size_t i = 0; i < m.procs.n; i++) {
		const struct gs_proc *p = m.procs.v[i];
		if (p->received < 1 || p->pid < 1)
			abort();
		(void)gs_proc_complete(p);
		(void)gs_proc_parent(&m, p);
	}
	gs_model_free(&m);
	return 0;
}
