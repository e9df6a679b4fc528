/* duplicate-library: two different files of one library family in one
 * process (two cuDNN copies, two runtimes). Each keeps its own state, and
 * which one a call reaches depends on who calls. */
#include "findings_rules.h"

#include <string.h>

static bool same_copy(const struct gs_lib *a, const struct gs_lib *b)
{
	if (a->realpath && b->realpath && !strcmp(a->realpath, b->realpath))
		return true;
	/* the same build under two names is one release, not a conflict */
	return a->build_id && b->build_id && !strcmp(a->build_id, b->build_id);
}

/* Who loaded L, with "(program)" (a DT_NEEDED of the executable) named. */
static const char *who(const struct gs_proc *p, const struct gs_lib *l)
{
	if (l->loaded_by && !strcmp(l->loaded_by, "(program)") && p->exe)
		return p->exe;
	return l->loaded_by ? l->loaded_by : "?";
}

void rule_duplicate_library(struct gs_fctx *cx)
{
	const struct gs_proc *p = cx->p;
	for (size_t i = 0; i < p->libs.n; i++) {
		const struct gs_lib *a = &p->libs.v[i], *other = NULL;
		bool seen = false;
		if (!a->family)
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = p->libs.v[j].family && !strcmp(p->libs.v[j].family, a->family);
		if (seen) /* one finding per family, from its first library */
			continue;
		struct gs_fb b;
		fb_init(&b, "duplicate-library", "warning");
		fb_ev_lib(&b, a);
		for (size_t j = i + 1; j < p->libs.n; j++) {
			const struct gs_lib *c = &p->libs.v[j];
			if (c->family && !strcmp(c->family, a->family) && !same_copy(a, c)) {
				other = other ? other : c;
				fb_ev_lib(&b, c);
			}
		}
		if (!other) {
			fb_drop(&b);
			continue;
		}
		fb_msg(&b, "two different copies of %s are loaded in this process: %s (%s, loaded by %s) "
			   "and %s (%s, loaded by %s)", a->family, fq_lib_path(a),
		       a->file_version ? a->file_version : "version unknown",
		       who(p, a), fq_lib_path(other),
		       other->file_version ? other->file_version : "version unknown",
		       who(p, other));
		fb_fix(&b, "Keep one copy of %s per process: load it by its soname everywhere (not by "
			   "path), and remove the other install from LD_LIBRARY_PATH or the RUNPATH that "
			   "brings it in, so every component gets the same file.", a->family);
		fb_emit(cx, &b);
	}
}
