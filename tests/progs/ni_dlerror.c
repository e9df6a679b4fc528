/* ni_dlerror WATCHED_LIB [cuda] — dlerror() and errno as the program sees
 * them around failed and successful dlopen/dlsym/dlvsym calls. Prints
 * every observation; the test compares the output with and without the
 * shim. WATCHED_LIB is a path to a library with a watched name
 * (libcudnn_ni.so.1); "cuda" adds the same checks on the real
 * libcudart.so.13 (found through the ld.so cache). */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void show_err(const char *what)
{
	errno = 0;
	const char *e = dlerror();
	int en = errno;
	printf("%s: dlerror=%s errno=%d", what, e ? e : "NULL", en);
	errno = 0;
	e = dlerror();
	en = errno;
	printf(" | again=%s errno=%d\n", e ? e : "NULL", en);
}

static void failed_open_flags(const char *name, int flags)
{
	errno = 1234;
	void *h = dlopen(name, flags);
	int en = errno;
	printf("dlopen(%s) = %s, errno after the call=%d\n", name, h ? "handle" : "NULL", en);
	show_err("  after it");
}

static void failed_open(const char *name) { failed_open_flags(name, RTLD_NOW); }

static void *on(void *name)
{
	/* a thread's failures and successes must not touch main's pending error */
	void *h = dlopen((const char *)name, RTLD_NOW);
	if (h) { dlsym(h, "ni_which"); dlsym(h, "ni_no_such_in_thread"); }
	dlopen("libcudnn_ni_thread_missing.so.1", RTLD_NOW);
	const char *e = dlerror();
	printf("thread: %s\n", e ? e : "NULL");
	return h;
}

static void handle_checks(const char *label, void *h, const char *good, const char *bad)
{
	errno = 1234;
	void *p = dlsym(h, bad);
	printf("%s dlsym(%s) = %s, errno after the call=%d\n", label, bad, p ? "addr" : "NULL", errno);
	show_err("  after it");
	errno = 0;
	p = dlvsym(h, bad, "NI_1.0");
	printf("%s dlvsym(%s, NI_1.0) = %s\n", label, bad, p ? "addr" : "NULL");
	show_err("  after it");
	/* a failed lookup, then a successful one: the error is cleared */
	dlsym(h, bad);
	errno = 0;
	p = dlsym(h, good);
	printf("%s failed then dlsym(%s) = %s errno=%d\n", label, good, p ? "addr" : "NULL", errno);
	show_err("  after it");
	/* errno set by the program survives successful calls */
	errno = 1234;
	p = dlsym(h, good);
	printf("%s errno 1234 across a successful dlsym: %d\n", label, errno);
	errno = 4321;
	p = dlvsym(h, good, "NI_NOSUCH");
	printf("%s errno 4321 across a failed dlvsym: %d (%s)\n", label, errno, p ? "addr" : "NULL");
	show_err("  after it");
}

int main(int argc, char **argv)
{
	if (argc < 2) return 2;
	const char *lib = argv[1];
	printf("start: dlerror=%s\n", dlerror() ? "set" : "NULL");

	failed_open("libcudnn_ni_missing.so.1");  /* watched name */
	failed_open("libni_missing.so.1");        /* unwatched name */
	failed_open("/nonexistent/libcudnn_ni.so.1");
	failed_open("/dev/null");                   /* not an ELF file */
	failed_open("");
	failed_open_flags("libcudnn_ni.so.1", RTLD_NOW | RTLD_NOLOAD); /* not loaded yet */
	errno = 1234;
	void *m = dlmopen(LM_ID_NEWLM, "libcudnn_ni_missing.so.1", RTLD_NOW);
	printf("dlmopen(NEWLM, missing) = %s errno=%d\n", m ? "handle" : "NULL", errno);
	show_err("  after it");

	/* a failed dlopen, then a successful one: the error is cleared */
	dlopen("libcudnn_ni_missing.so.1", RTLD_NOW);
	errno = 0;
	void *h = dlopen(lib, RTLD_NOW);
	printf("failed then dlopen(watched) = %s errno=%d\n", h ? "handle" : "NULL", errno);
	show_err("  after it");
	if (!h) return 1;

	/* an error left pending by a call the shim does not look into (an
	 * unwatched name), then a successful watched dlopen, by path and by a
	 * bare name found along LD_LIBRARY_PATH: the error is cleared */
	dlopen("libni_missing.so.1", RTLD_NOW);
	void *h3 = dlopen(lib, RTLD_NOW);
	printf("unwatched failure then dlopen(watched path) = %s\n", h3 ? "handle" : "NULL");
	show_err("  after it");
	dlopen("libni_missing.so.1", RTLD_NOW);
	void *h4 = dlopen("libcudnn_ni2.so.1", RTLD_NOW);
	printf("unwatched failure then dlopen(libcudnn_ni2.so.1) = %s\n", h4 ? "handle" : "NULL");
	show_err("  after it");
	if (h3) dlclose(h3);
	if (h4) dlclose(h4);

	/* errno set by the program survives a successful dlopen */
	errno = 1234;
	void *h2 = dlopen(lib, RTLD_NOW);
	printf("errno 1234 across a successful dlopen (already loaded): %d\n", errno);
	errno = 777;
	void *self = dlopen(NULL, RTLD_NOW);
	printf("errno 777 across dlopen(NULL): %d\n", errno);
	errno = 555;
	void *plain = dlopen("libni_plain.so.1", RTLD_NOW);
	printf("errno 555 across a dlopen (LD_LIBRARY_PATH search): %d (%s)\n", errno, plain ? "handle" : "NULL");
	if (!plain) show_err("  after it");
	handle_checks("watched", h, "ni_which", "ni_no_such_symbol");

	/* a pending error survives another thread's calls */
	dlopen("libcudnn_ni_missing.so.1", RTLD_NOW);
	pthread_t t;
	pthread_create(&t, NULL, on, (void *)lib);
	pthread_join(t, NULL);
	show_err("main after the thread");

	/* dlclose: success keeps errno; a pending error is not reported twice */
	errno = 99;
	int rc = dlclose(h2);
	printf("dlclose = %d errno=%d\n", rc, errno);
	show_err("  after it");
	dlclose(h);
	if (self) dlclose(self);

	if (argc > 2 && strcmp(argv[2], "cuda") == 0) {
		errno = 0;
		void *c = dlopen("libcudart.so.13", RTLD_NOW | RTLD_GLOBAL);
		printf("dlopen(libcudart.so.13) = %s errno=%d\n", c ? "handle" : "NULL", errno);
		show_err("  after it");
		if (c) handle_checks("cudart", c, "cudaGetDeviceCount", "cudaNoSuchFunction");
		errno = 0;
		void *d = dlopen("libcuda.so.1", RTLD_NOW);
		printf("dlopen(libcuda.so.1) = %s errno=%d\n", d ? "handle" : "NULL", errno);
		show_err("  after it");
	}
	return 0;
}
