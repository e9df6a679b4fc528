/* Decoding return codes of the hooked GPU APIs into their names. */
#ifndef GS_CODES_H
#define GS_CODES_H

struct gs_code {
	long long value;
	const char *name;
};

/* Tables end with { 0, NULL }. */
extern const struct gs_code gs_nvml_codes[], gs_cudart_codes[], gs_cu_codes[],
	gs_cudnn8_codes[], gs_cudnn9_codes[];

/* Family of a hooked function from its name when a record lacks one:
 * "nvml", "cudnn", "cudart" or "cuda"; NULL when unknown. */
const char *gs_family_of_fn(const char *fn);

/* cuDNN major from a cudnnGetVersion() value (8907 -> 8, 91900 -> 9). */
int gs_cudnn_major_of_version(long long v);

/* Name of RC for FAMILY ("nvml", "cudart", "cuda", "cudnn"). For cuDNN,
 * CUDNN_MAJOR (0 = unknown) picks the table; unknown guesses from the value
 * (cuDNN 9 errors are >= 1000, cuDNN 8 ones are < 1000). NULL when the code
 * is not in the table. */
const char *gs_code_name(const char *family, long long rc, int cudnn_major);

#endif
