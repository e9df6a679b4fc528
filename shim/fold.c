#include <pthread.h>

#include "fold.h"
#include "gpuhooks.h"
#include "proc.h"
#include "record.h"

#define FOLD_MAX 128

struct fkey {
	int hook, lib, rc;
	unsigned long stack;
	long long count;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct fkey keys[FOLD_MAX];
static int n_keys;

int gs_fold_note(int hook, int lib, int rc, unsigned long stack)
{
	int i, folded = 0;

	pthread_mutex_lock(&lock);
	for (i = 0; i < n_keys; i++)
		if (keys[i].hook == hook && keys[i].lib == lib && keys[i].rc == rc &&
		    keys[i].stack == stack)
			break;
	if (i == n_keys && n_keys < FOLD_MAX) {
		keys[i].hook = hook;
		keys[i].lib = lib;
		keys[i].rc = rc;
		keys[i].stack = stack;
		keys[i].count = 0;
		n_keys++;
	}
	/* A full table folds nothing: every call is then sent (or dropped). */
	if (i < n_keys && ++keys[i].count > GS_FOLD_SEND)
		folded = 1;
	pthread_mutex_unlock(&lock);
	if (folded)
		gs_proc_count_folded(1);
	return folded;
}

void gs_fold_totals(struct gs_rec *r)
{
	int i, open = 0;

	pthread_mutex_lock(&lock);
	for (i = 0; i < n_keys; i++) {
		if (keys[i].count <= GS_FOLD_SEND)
			continue;
		if (!open) {
			gs_rec_open(r, "calls", '[');
			open = 1;
		}
		gs_rec_open(r, NULL, '{');
		gs_rec_str(r, "fn", keys[i].hook == GS_FOLD_DLSYM ? "dlsym" : gs_hooks[keys[i].hook].name);
		gs_rec_int(r, "lib", keys[i].lib);
		gs_rec_int(r, "rc", keys[i].rc);
		gs_rec_int(r, "count", keys[i].count);
		gs_rec_int(r, "folded", keys[i].count - GS_FOLD_SEND);
		gs_rec_close(r);
	}
	if (open)
		gs_rec_close(r);
	pthread_mutex_unlock(&lock);
}

void gs_fold_restart(void)
{
	pthread_mutex_lock(&lock);
	n_keys = 0;
	pthread_mutex_unlock(&lock);
}

void gs_fold_after_fork(void)
{
	pthread_mutex_init(&lock, NULL);
	gs_fold_restart();
}
