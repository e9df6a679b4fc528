#include <pthread.h>

#include "dllock.h"

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;

void gs_dl_rdlock(void)
{
	pthread_rwlock_rdlock(&lock);
}

void gs_dl_unlock(void)
{
	pthread_rwlock_unlock(&lock);
}

int gs_dl_iterate(int (*cb)(struct dl_phdr_info *, size_t, void *), void *data)
{
	int rc;

	pthread_rwlock_rdlock(&lock);
	rc = dl_iterate_phdr(cb, data);
	pthread_rwlock_unlock(&lock);
	return rc;
}

static void prepare(void)
{
	pthread_rwlock_wrlock(&lock);
}

static void parent(void)
{
	pthread_rwlock_unlock(&lock);
}

static void child(void)
{
	pthread_rwlock_init(&lock, NULL);
}

void gs_dllock_init(void)
{
	pthread_atfork(prepare, parent, child);
}
