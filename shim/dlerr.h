/* Keeping dlerror() as the program would have seen it.
 *
 * Reading dlerror() consumes the message, and the shim's own dl calls
 * would replace or clear it. So when the shim needs a message, it takes it
 * and keeps it per thread as an "override" that the program's next
 * dlerror() returns (with the errno glibc set), exactly once. */
#ifndef GS_DLERR_H
#define GS_DLERR_H

/* The program made a dl call of its own: glibc resets its error state, and
 * so does the override. */
void gs_dlerr_forget(void);
/* After a failed real call: take glibc's message, keep it for the program.
 * Returns the text (valid until the program's next dlerror) or NULL. */
const char *gs_dlerr_take(int *err_no);
/* Around the shim's internal dl calls: keep a pending message safe, then
 * throw away whatever the internal calls left behind. */
void gs_dlerr_stash(void);
void gs_dlerr_discard(void);
/* Makes the program's next dlerror() return TEXT, errno untouched (the
 * way glibc reports an undefined symbol). */
void gs_dlerr_set(const char *text);
/* The pending text, without taking it. */
const char *gs_dlerr_peek(void);
/* The program's dlerror(). */
char *gs_dlerr_program(void);

#endif
