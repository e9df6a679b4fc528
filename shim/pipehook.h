/* pipe2 for the shim's libunwind, so that its pipe does not take the
 * program's low descriptor numbers. Nothing calls it by name: the link
 * binds libunwind's pipe2 calls to it (--wrap=pipe2, Makefile). */
#ifndef GS_PIPEHOOK_H
#define GS_PIPEHOOK_H

int __wrap_pipe2(int fds[2], int flags);

#endif
