/* A small library whose only job is to say which copy it is.
 * Built several times with -DNI_WHICH='"..."' under real-looking names
 * (libcudnn_ni.so.1 is watched by the shim: libcudnn*; libni_plain.so.1 is not). */
#ifndef NI_WHICH
#error NI_WHICH must be defined
#endif
const char *ni_which(void) { return NI_WHICH; }
int ni_value = 42;
