/* Start-up and shut-down of the shim. */
#ifndef GS_INIT_H
#define GS_INIT_H

/* Every hook calls this first: libraries' constructors run before the
 * shim's own (they are its dependencies' peers), and may call dlopen. */
void gs_init(void);

#endif
