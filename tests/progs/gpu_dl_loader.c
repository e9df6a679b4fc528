/* TensorFlow-style loader: dlopen a library by the name given, dlsym entry
 * points on that handle and call them. Arguments are handled in order:
 *   NAME with ".so" or "/"  dlopen(NAME, RTLD_NOW|RTLD_LOCAL) -> current handle
 *   -g                      following dlopens add RTLD_GLOBAL
 *   close                   dlclose the current handle
 *   gpa:SYM                 look SYM up with the handle's cuGetProcAddress_v2,
 *                           then call it like FUNC
 *   loaded:NAME             print the real path of the already loaded object
 *                           NAME (dlopen RTLD_NOLOAD), e.g. which
 *                           libcudnn_graph.so.9 cuDNN picked; "no" if none
 *   FUNC                    dlsym FUNC on the current handle; call it when its
 *                           signature is known (table below)
 * Prints "dlopen NAME=ok|fail: dlerror" and "FUNC=RC [out=VALUE]" lines.
 * Exits 1 when a dlopen or dlsym failed, 2 on bad usage, else 0. */
#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum kind { VOID_ARGS, UINT_ARG, STR_OUT, INT_OUT, SIZE_RET, HANDLE_OUT };
static const struct { const char *name; enum kind kind; } known[] = {
	{"nvmlInit", VOID_ARGS}, {"nvmlInit_v2", VOID_ARGS}, {"nvmlShutdown", VOID_ARGS},
	{"nvmlInitWithFlags", UINT_ARG}, {"cuInit", UINT_ARG},
	{"nvmlSystemGetDriverVersion", STR_OUT}, {"nvmlSystemGetNVMLVersion", STR_OUT},
	{"nvmlSystemGetCudaDriverVersion", INT_OUT}, {"nvmlSystemGetCudaDriverVersion_v2", INT_OUT},
	{"nvmlDeviceGetCount_v2", INT_OUT}, {"cuDriverGetVersion", INT_OUT},
	{"cuDeviceGetCount", INT_OUT}, {"cudaGetDeviceCount", INT_OUT},
	{"cudaRuntimeGetVersion", INT_OUT}, {"cudaDriverGetVersion", INT_OUT},
	{"cudnnGetVersion", SIZE_RET}, {"cudnnGetCudartVersion", SIZE_RET},
	{"cudnnCreate", HANDLE_OUT},
};

static void call(void *h, const char *name, void *fn)
{
	char buf[96] = "";
	int out = -1;
	void *handle = NULL;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		if (strcmp(known[i].name, name) != 0)
			continue;
		switch (known[i].kind) {
		case VOID_ARGS: printf("%s=%d\n", name, ((int (*)(void))fn)()); return;
		case UINT_ARG: printf("%s=%d\n", name, ((int (*)(unsigned))fn)(0)); return;
		case STR_OUT: {
			int rc = ((int (*)(char *, unsigned))fn)(buf, sizeof buf);
			printf("%s=%d out=%s\n", name, rc, rc == 0 ? buf : "");
			return;
		}
		case INT_OUT: {
			int rc = ((int (*)(int *))fn)(&out);
			printf("%s=%d out=%d\n", name, rc, out);
			return;
		}
		case SIZE_RET: printf("%s=%zu\n", name, ((size_t (*)(void))fn)()); return;
		case HANDLE_OUT: {
			int rc = ((int (*)(void **))fn)(&handle);
			printf("%s=%d\n", name, rc);
			int (*destroy)(void *) = (int (*)(void *))dlsym(h, "cudnnDestroy");
			if (rc == 0 && destroy)
				printf("cudnnDestroy=%d\n", destroy(handle));
			return;
		}
		}
	}
	printf("%s=found\n", name); /* unknown signature: looked up, not called */
}

int main(int argc, char **argv)
{
	void *h = NULL;
	int flags = RTLD_NOW | RTLD_LOCAL, failed = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: %s [-g] LIB [FUNC|gpa:SYM|close]... [LIB ...]\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-g")) {
			flags |= RTLD_GLOBAL;
		} else if (!strncmp(a, "loaded:", 7)) {
			void *l = dlopen(a + 7, RTLD_NOW | RTLD_NOLOAD);
			struct link_map *lm = NULL;
			char real[PATH_MAX] = "no";
			if (l && dlinfo(l, RTLD_DI_LINKMAP, &lm) == 0 && !realpath(lm->l_name, real))
				snprintf(real, sizeof real, "%s", lm->l_name);
			printf("loaded %s=%s\n", a + 7, real);
			if (l)
				dlclose(l);
		} else if (strstr(a, ".so") || strchr(a, '/')) {
			h = dlopen(a, flags);
			printf("dlopen %s=%s%s\n", a, h ? "ok" : "fail: ", h ? "" : dlerror());
			failed |= !h;
		} else if (!h) {
			printf("%s=skipped (no handle)\n", a);
		} else if (!strcmp(a, "close")) {
			printf("dlclose=%d\n", dlclose(h));
			h = NULL;
		} else if (!strncmp(a, "gpa:", 4)) {
			typedef int (*gpa_fn)(const char *, void **, int, unsigned long long, int *);
			gpa_fn gpa = (gpa_fn)dlsym(h, "cuGetProcAddress_v2");
			void *fn = NULL;
			int st = -1, rc = gpa ? gpa(a + 4, &fn, 12030, 0, &st) : -1;
			printf("cuGetProcAddress_v2(%s)=%d\n", a + 4, rc);
			failed |= !fn;
			if (fn)
				call(h, a + 4, fn);
		} else {
			void *fn = dlsym(h, a);
			if (fn)
				call(h, a, fn);
			else
				printf("dlsym %s=fail: %s\n", a, dlerror());
			failed |= !fn;
		}
	}
	return failed;
}
