/* ni_soname LIB [nolist] — a program that ships its own liblzma.so.5 (in
 * $ORIGIN/soname, its RUNPATH, as conda environments, AppImages and
 * vendored wheels do) and loads it after a GPU library.
 *
 * It dlopens LIB (a watched name: the shim records it, with a stack),
 * calls its cudaGetDeviceCount when it has one (another record, another
 * stack), then dlopens liblzma.so.5 and says which copy it got. Last
 * (unless told nolist) it lists every object loaded, by file name, in load order, leaving out
 * libgpushim.so itself. A library the shim brought in for its own use
 * would show up in that list, and would be the answer to the program's
 * own dlopen of its SONAME (glibc matches a loaded SONAME before it
 * searches any path). */
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

static int list_object(struct dl_phdr_info *info, size_t size, void *data)
{
	const char *name = info->dlpi_name, *base;

	(void)size;
	(void)data;
	if (!name || !name[0])
		name = "(program)";
	base = strrchr(name, '/');
	base = base ? base + 1 : name;
	if (strcmp(base, "libgpushim.so") != 0)
		printf("object %s\n", name);
	return 0;
}

int main(int argc, char **argv)
{
	void *gpu, *lzma;
	const char *(*marker)(void);
	struct link_map *map = NULL;

	if (argc != 2 && !(argc == 3 && strcmp(argv[2], "nolist") == 0)) {
		fprintf(stderr, "usage: ni_soname LIB [nolist]\n");
		return 2;
	}
	gpu = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	printf("%s: %s\n", argv[1], gpu ? "loaded" : dlerror());
	if (gpu) {
		int (*count)(int *) = (int (*)(int *))dlsym(gpu, "cudaGetDeviceCount");
		int n = -1, rc;
		if (count) {
			rc = count(&n);
			printf("cudaGetDeviceCount=%d count=%d\n", rc, n);
		}
	}
	lzma = dlopen("liblzma.so.5", RTLD_NOW | RTLD_LOCAL);
	if (!lzma) {
		printf("liblzma.so.5: %s\n", dlerror());
		return 1;
	}
	marker = (const char *(*)(void))dlsym(lzma, "ni_lzma_marker");
	if (dlinfo(lzma, RTLD_DI_LINKMAP, &map) == 0)
		printf("liblzma.so.5 is %s\n", map->l_name);
	printf("liblzma.so.5 says: %s\n", marker ? marker() : "(no marker: not the program's own copy)");
	if (argc == 2)
		dl_iterate_phdr(list_object, NULL);
	return marker ? 0 : 1;
}
