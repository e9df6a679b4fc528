/* Built by tests/t/shim-cudnn.sh against a private copy of the real
 * libcudnn.so.9 (with -rpath to that copy): calls cudnnCreate, which makes
 * libcudnn.so.9 dlopen libcudnn_graph.so.9 by bare name through its
 * RUNPATH=$ORIGIN, then prints the status and every libcudnn* file mapped
 * into the process (from /proc/self/maps), so the test can see which copy
 * of libcudnn_graph.so.9 was loaded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cudnnCreate(void **handle);

int main(void)
{
	void *h = NULL;
	int rc = cudnnCreate(&h);
	printf("cudnnCreate -> %d\n", rc);
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f) { perror("maps"); return 2; }
	char line[4096], seen[64][1024];
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		char *p = strchr(line, '/');
		if (!p || !strstr(p, "libcudnn")) continue;
		p[strcspn(p, "\n")] = 0;
		int dup = 0;
		for (int i = 0; i < n; i++) dup |= strcmp(seen[i], p) == 0;
		if (!dup && n < 64) snprintf(seen[n++], sizeof seen[0], "%s", p);
	}
	fclose(f);
	for (int i = 0; i < n; i++) printf("mapped %s\n", seen[i]);
	return 0;
}
