// Static-CUDA-runtime client for bench/field.sh, built with nvcc
// (-cudart static, the default): the only GPU boundary it crosses is
// dlopen("libcuda.so.1") and the driver entry points. One result line
// (fixed keys, no timings); exit 0 when every call returned 0, else 3.
// With FIELD_MAPS=FILE it appends its pid and mapped GPU libraries to FILE.
#include <cuda_runtime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__global__ void add_one(int *v, int n)
{
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < n)
		v[i] = v[i] * 3 + 1;
}

static int gpu_lib(const char *path)
{
	const char *b = strrchr(path, '/');
	static const char *const pre[] = {"libcuda.so", "libcudart.so", "libcudnn", "libnvidia-ml.so"};
	b = b ? b + 1 : path;
	for (unsigned i = 0; i < sizeof pre / sizeof *pre; i++)
		if (strncmp(b, pre[i], strlen(pre[i])) == 0)
			return 1;
	return 0;
}

static void dump_maps(void)
{
	const char *out = getenv("FIELD_MAPS");
	char line[4096], last[4096] = "";
	FILE *m, *o;

	if (!out || !(o = fopen(out, "a")))
		return;
	fprintf(o, "pid %d\n", (int)getpid());
	if ((m = fopen("/proc/self/maps", "r"))) {
		while (fgets(line, sizeof line, m)) {
			char *p = strchr(line, '/');
			if (!p)
				continue;
			p[strcspn(p, "\n")] = 0;
			if (gpu_lib(p) && strcmp(p, last) != 0) {
				fprintf(o, "map %s\n", p);
				snprintf(last, sizeof last, "%s", p);
			}
		}
		fclose(m);
	}
	fclose(o);
}

int main(void)
{
	enum { N = 1024 };
	int count = -1, rt = -1, drv = -1, bad = 0;
	static int h[N];
	long long sum = 0;
	int *d = NULL;

	cudaError_t rc = cudaGetDeviceCount(&count);
	bad |= rc != 0;
	printf("client=static cudaGetDeviceCount=%d count=%d", (int)rc, count);
	rc = cudaRuntimeGetVersion(&rt);
	bad |= rc != 0;
	printf(" cudaRuntimeGetVersion=%d runtime=%d", (int)rc, rt);
	rc = cudaDriverGetVersion(&drv);
	bad |= rc != 0;
	printf(" cudaDriverGetVersion=%d driver=%d", (int)rc, drv);
	if (count > 0) {
		for (int i = 0; i < N; i++)
			h[i] = i;
		rc = cudaMalloc((void **)&d, sizeof h);
		if (rc == cudaSuccess)
			rc = cudaMemcpy(d, h, sizeof h, cudaMemcpyHostToDevice);
		if (rc == cudaSuccess) {
			add_one<<<(N + 255) / 256, 256>>>(d, N);
			rc = cudaGetLastError();
		}
		if (rc == cudaSuccess)
			rc = cudaMemcpy(h, d, sizeof h, cudaMemcpyDeviceToHost);
		cudaFree(d);
		for (int i = 0; i < N; i++)
			sum += h[i];
		bad |= rc != 0;
		printf(" kernel=%d kernel_sum=%lld", (int)rc, sum);
	}
	printf("\n");
	fflush(stdout);
	dump_maps();
	return bad ? 3 : 0;
}
