/* collect --syslog. Findings are computed per process when its bye
 * arrives, on a model holding only that process and the fork ancestors
 * whose libraries it inherited, so each summary costs the same however
 * long the collector has been running. Lines carry the executable but not
 * argv or the environment: those may hold secrets and are not needed to
 * triage a fleet (the --save records have them). */
#include "syslog.h"
#include "findings.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

/* Strings from the traced program are cut at this many bytes (on a UTF-8
 * boundary), so that one line stays well under rsyslog's 8 KiB default. */
#define STR_MAX 1024
/* Libraries listed per summary; the rest are counted. */
#define LIBS_MAX 16

int gs_syslog_facility(const char *name)
{
	static const struct { const char *n; int f; } fac[] = {
		{ "daemon", LOG_DAEMON }, { "user", LOG_USER }, { "local0", LOG_LOCAL0 },
		{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
		{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
		{ "local7", LOG_LOCAL7 },
	};
	for (size_t i = 0; i < sizeof fac / sizeof fac[0]; i++)
		if (!strcmp(name, fac[i].n))
			return fac[i].f;
	return -1;
}

void gs_syslog_open(int facility)
{
	openlog("gpushim", LOG_PID, facility);
}

void gs_syslog_close(void)
{
	closelog();
}

static json_t *jstr(const char *s)
{
	if (!s)
		return json_null();
	size_t n = strlen(s);
	if (n > STR_MAX) {
		n = STR_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--; /* do not split a UTF-8 sequence */
	}
	json_t *j = json_stringn(s, n);
	return j ? j : json_null();
}

static void emit(int prio, json_t *o)
{
	char *line = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER) : NULL;
	if (line)
		syslog(prio, "%s", line);
	free(line);
	json_decref(o);
}

void gs_syslog_event(int prio, const char *event, const char *key, const char *value)
{
	json_t *o = json_object();
	json_object_set_new(o, "event", json_string(event));
	if (key)
		json_object_set_new(o, key, jstr(value));
	emit(prio, o);
}

static int prio_of(const char *severity)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_NOTICE };
	return prio[gs_severity_rank(severity)];
}

static json_t *libs_of(const struct gs_proc *p, long long *more)
{
	json_t *a = json_array();
	*more = 0;
	for (size_t i = 0; i < p->libs.n; i++) {
		const struct gs_lib *l = &p->libs.v[i];
		if (i >= LIBS_MAX) {
			(*more)++;
			continue;
		}
		json_t *o = json_object();
		json_object_set_new(o, "family", jstr(l->family));
		json_object_set_new(o, "version", jstr(l->file_version));
		json_object_set_new(o, "path", jstr(l->path));
		json_array_append_new(a, o);
	}
	return a;
}

static void summary(const struct gs_model *sub, const struct gs_proc *p, const char *reason)
{
	long long calls = 0, failed_loads = 0, more, sev[4] = { 0 };
	for (size_t i = 0; i < p->calls.n; i++)
		calls += p->calls.v[i].count > 0 ? p->calls.v[i].count : 1;
	for (size_t i = 0; i < p->loads.n; i++)
		failed_loads += !p->loads.v[i].ok;
	for (size_t i = 0; i < sub->findings.n; i++)
		if (sub->findings.v[i]->pid == p->pid && sub->findings.v[i]->pidns == p->pidns)
			sev[gs_severity_rank(sub->findings.v[i]->severity)]++;

	json_t *o = json_object();
	json_object_set_new(o, "event", json_string("process"));
	json_object_set_new(o, "pid", json_integer(p->pid));
	json_object_set_new(o, "pidns", p->pidns > 0 ? json_integer(p->pidns) : json_null());
	json_object_set_new(o, "ppid", p->has_ppid ? json_integer(p->ppid) : json_null());
	json_object_set_new(o, "exe", jstr(p->exe));
	json_object_set_new(o, "container", jstr(p->container));
	json_object_set_new(o, "kernel_driver", jstr(p->kernel_driver));
	json_object_set_new(o, "end", json_string(reason));
	json_object_set_new(o, "libs", libs_of(p, &more));
	if (more)
		json_object_set_new(o, "libs_more", json_integer(more));
	json_object_set_new(o, "calls", json_integer(calls));
	json_object_set_new(o, "failed_loads", json_integer(failed_loads));
	json_object_set_new(o, "errors", json_integer(sev[0]));
	json_object_set_new(o, "warnings", json_integer(sev[1]));
	json_object_set_new(o, "notes", json_integer(sev[2] + sev[3]));
	json_object_set_new(o, "sent", p->sent >= 0 ? json_integer(p->sent) : json_null());
	json_object_set_new(o, "dropped", p->dropped >= 0 ? json_integer(p->dropped) : json_null());
	json_object_set_new(o, "received", json_integer(p->received));
	json_object_set_new(o, "complete", json_boolean(gs_proc_complete(p)));
	emit(LOG_INFO, o);
}

static void finding(const struct gs_proc *p, const struct gs_finding *f)
{
	json_t *o = json_object();
	json_object_set_new(o, "event", json_string("finding"));
	json_object_set_new(o, "id", jstr(f->id));
	json_object_set_new(o, "severity", jstr(f->severity));
	json_object_set_new(o, "pid", json_integer(p->pid));
	json_object_set_new(o, "pidns", p->pidns > 0 ? json_integer(p->pidns) : json_null());
	json_object_set_new(o, "exe", jstr(p->exe));
	json_object_set_new(o, "container", jstr(p->container));
	json_object_set_new(o, "message", jstr(f->message));
	json_object_set_new(o, "fix", jstr(f->fix));
	emit(prio_of(f->severity), o);
}

void gs_syslog_proc(struct gs_model *m, struct gs_proc *p, const char *reason)
{
	struct gs_model sub;
	const struct gs_proc *chain[64];
	size_t n = 0;

	/* P and, for a fork child, the ancestors whose libraries it shares
	 * (bounded: a ppid cycle in hostile input must not loop). */
	chain[n++] = p;
	for (const struct gs_proc *q = p; q->forked && n < sizeof chain / sizeof chain[0];) {
		q = gs_proc_parent(m, q);
		if (!q)
			break;
		bool seen = false;
		for (size_t i = 0; i < n; i++)
			seen |= chain[i] == q;
		if (seen)
			break;
		chain[n++] = q;
	}
	gs_model_init(&sub);
	for (size_t i = n; i-- > 0;) {
		struct gs_proc **slot = GS_PUSH(&sub.procs);
		if (!slot)
			break;
		*slot = (struct gs_proc *)chain[i];
	}
	gs_model_finish(&sub);
	gs_findings_run(&sub);
	for (size_t i = 0; i < sub.findings.n; i++)
		if (sub.findings.v[i]->pid == p->pid && sub.findings.v[i]->pidns == p->pidns)
			finding(p, sub.findings.v[i]);
	summary(&sub, p, reason);
	/* The processes belong to M: free only what SUB made. */
	for (size_t i = 0; i < sub.findings.n; i++)
		gs_finding_free(sub.findings.v[i]);
	free(sub.findings.v);
	free(sub.procs.v);
}
