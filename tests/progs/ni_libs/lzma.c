/* A stand-in for the liblzma.so.5 a program ships next to itself (soname
 * liblzma.so.5). The system's liblzma has no ni_lzma_marker, so a program
 * that finds it got its own copy. */
const char *ni_lzma_marker(void) { return "the program's own copy"; }
