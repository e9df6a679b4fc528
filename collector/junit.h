/* --junit FILE: drift as a JUnit XML report, so CI systems show it as a
 * failed test next to the suite's own. */
#ifndef GS_JUNIT_H
#define GS_JUNIT_H

#include "drift.h"

/* One test case per process compared (failed when it drifted) and one for
 * the machine (kernel driver). With D NULL, one errored case saying
 * ERROR (the baseline could not be used). Returns 0, or -1 after a
 * one-line message on stderr. */
int gs_junit_write(const char *path, const struct gs_drift_out *d, const char *cmd, const char *error);

#endif
