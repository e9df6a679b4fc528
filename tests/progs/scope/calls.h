/* The sequence of GPU calls of the loading-mode matrix (tests/t/gpu-scope.sh),
 * shared by the plugin (which calls each function by symbol) and the host's
 * "handle" mode (which calls pointers from dlsym on RTLD_LOCAL handles).
 * The includer defines CALL(name): the callable for NAME. Every hooked
 * function is called once, plus a few unhooked ones whose answer depends on
 * the hooked ones having reached the real library (nvmlDeviceGetCount_v2
 * needs a successful nvmlInit*). One line per call: "NAME rc=N [out]". */
#include <stdio.h>

typedef int (*scope_gpa_v2)(const char *, void **, int, unsigned long long, int *);
typedef int (*scope_gpa)(const char *, void **, int, unsigned long long);
typedef int (*scope_int_out)(int *);

static void scope_calls(void)
{
	char buf[96] = "";
	unsigned un = 0;
	void *h = NULL, *p;
	int rc, n, v, st;

	printf("nvmlInit rc=%d\n", CALL(nvmlInit)());
	printf("nvmlInit_v2 rc=%d\n", CALL(nvmlInit_v2)());
	printf("nvmlInitWithFlags rc=%d\n", CALL(nvmlInitWithFlags)(0));
	rc = CALL(nvmlDeviceGetCount_v2)(&un);
	printf("nvmlDeviceGetCount_v2 rc=%d count=%u\n", rc, un);
	rc = CALL(nvmlSystemGetDriverVersion)(buf, sizeof buf);
	printf("nvmlSystemGetDriverVersion rc=%d version=%s\n", rc, rc == 0 ? buf : "");

	rc = CALL(cudnnCreate)(&h);
	printf("cudnnCreate rc=%d handle=%s\n", rc, h ? "set" : "null");

	n = -1;
	rc = CALL(cudaGetDeviceCount)(&n);
	printf("cudaGetDeviceCount rc=%d count=%d\n", rc, n);

	printf("cuInit rc=%d\n", CALL(cuInit)(0));
	v = -1;
	rc = CALL(cuDriverGetVersion)(&v);
	printf("cuDriverGetVersion rc=%d version=%d\n", rc, v);
	n = -1;
	rc = CALL(cuDeviceGetCount)(&n);
	printf("cuDeviceGetCount rc=%d count=%d\n", rc, n);

	/* Entry points handed out by the driver's own lookup. */
	p = NULL, st = -1;
	rc = CALL(cuGetProcAddress_v2)("cuDeviceGetCount", &p, 12030, 0, &st);
	printf("cuGetProcAddress_v2(cuDeviceGetCount) rc=%d status=%d fn=%s\n", rc, st, p ? "set" : "null");
	if (p) {
		n = -1;
		rc = ((scope_int_out)p)(&n);
		printf("  -> cuDeviceGetCount rc=%d count=%d\n", rc, n);
	}
	p = NULL;
	rc = CALL(cuGetProcAddress)("cuDriverGetVersion", &p, 12030, 0);
	printf("cuGetProcAddress(cuDriverGetVersion) rc=%d fn=%s\n", rc, p ? "set" : "null");
	if (p) {
		v = -1;
		rc = ((scope_int_out)p)(&v);
		printf("  -> cuDriverGetVersion rc=%d version=%d\n", rc, v);
	}
	fflush(stdout);
}
