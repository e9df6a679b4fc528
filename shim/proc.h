/* Per-process state: pid, record sequence, hello/bye, drop accounting,
 * fork. */
#ifndef GS_PROC_H
#define GS_PROC_H

struct gs_rec;

int gs_proc_pid(void);
/* Inode of this process's pid namespace, read at start and after fork;
 * 0 when unknown (no /proc). */
long long gs_proc_pidns(void);
/* This thread's id, asked once per thread (a syscall each time otherwise). */
int gs_proc_tid(void);
long long gs_proc_next_seq(void);
/* Sends the hello record if this process has not yet. */
void gs_proc_hello_once(void);
/* Finishes R (drops pending, trunc) and writes it; counts a drop on failure. */
int gs_proc_send(struct gs_rec *r);
void gs_proc_count_folded(long long n);
/* At exit: the bye record, when this process sent anything. */
void gs_proc_bye(const char *reason);
void gs_proc_init(void);
/* After a failed exec that already sent bye: this image starts over. */
void gs_proc_restart(void);

#endif
