/* Typed reads of a record's fields (ingest_fields.h). Strings and stacks
 * go into the model's table (intern.h), objects of scalars are shared. */
#include "ingest_fields.h"
#include "ingest.h"

#include <stdint.h>
#include <string.h>

/* Scratch for one record at a time (the collector reads on one thread). */
static struct {
	/* an object of scalars as bytes, to find an equal one already kept:
	 * per member at most 4 + 1 + 8 bytes beside its name and text */
	unsigned char objkey[GS_REC_TEXT + 13 * GS_REC_VALUES];
	struct gs_frame frames[GS_REC_VALUES]; /* a stack, before it is kept */
} scratch;

void rd_bad(struct gs_rd *r, const char *key)
{
	if (!r->bad_field) {
		r->bad_field = true;
		gs_ingest_bad(r->in, GS_BAD_FIELD, key);
	}
}

const struct gs_jv *rd_member(struct gs_rd *r, const struct gs_jv *o, const char *key)
{
	const struct gs_jv *v = gs_jv_get(r->rec, o, key);
	return v && v->type != GS_J_NULL ? v : NULL;
}

static const char *str_of(struct gs_rd *r, const struct gs_jv *v)
{
	return gs_intern(&r->in->m->strs, v->u.s, v->slen);
}

const char *rd_str(struct gs_rd *r, const struct gs_jv *o, const char *key)
{
	const struct gs_jv *v = rd_member(r, o, key);
	if (!v)
		return NULL;
	if (v->type != GS_J_STR) {
		rd_bad(r, key);
		return NULL;
	}
	return str_of(r, v);
}

bool rd_int(struct gs_rd *r, const struct gs_jv *o, const char *key, long long *out)
{
	const struct gs_jv *v = rd_member(r, o, key);
	if (!v)
		return false;
	if (v->type != GS_J_INT) {
		rd_bad(r, key);
		return false;
	}
	*out = v->u.i;
	return true;
}

bool rd_bool(struct gs_rd *r, const struct gs_jv *o, const char *key, bool *out)
{
	const struct gs_jv *v = rd_member(r, o, key);
	if (!v)
		return false;
	if (v->type != GS_J_BOOL) {
		rd_bad(r, key);
		return false;
	}
	*out = v->b;
	return true;
}

void rd_strv(struct gs_rd *r, const struct gs_jv *o, const char *key, gs_strv *out)
{
	const struct gs_jv *v = rd_member(r, o, key);
	if (!v)
		return;
	if (v->type != GS_J_ARR) {
		rd_bad(r, key);
		return;
	}
	GS_JV_EACH(r->rec, v, e) {
		if (e->type != GS_J_STR) {
			rd_bad(r, key);
			continue;
		}
		const char **slot = GS_PUSH(out);
		if (slot)
			*slot = str_of(r, e);
	}
}

void rd_stack(struct gs_rd *r, const struct gs_jv *o, gs_stack *out)
{
	const struct gs_jv *v = rd_member(r, o, "stack");
	if (!v)
		return;
	if (v->type != GS_J_ARR) {
		rd_bad(r, "stack");
		return;
	}
	size_t n = 0;
	GS_JV_EACH(r->rec, v, fr) {
		const struct gs_jv *obj = gs_jv_at(r->rec, fr, 0), *off = gs_jv_at(r->rec, fr, 1),
				   *sym = gs_jv_at(r->rec, fr, 2);
		if (!obj || !off || (obj->type != GS_J_STR && obj->type != GS_J_NULL) ||
		    off->type != GS_J_INT || (sym && sym->type != GS_J_STR && sym->type != GS_J_NULL)) {
			rd_bad(r, "stack");
			continue;
		}
		struct gs_frame *f = &scratch.frames[n++];
		f->object = obj->type == GS_J_STR ? str_of(r, obj) : NULL;
		f->offset = off->u.i;
		f->symbol = sym && sym->type == GS_J_STR ? str_of(r, sym) : NULL;
	}
	/* the strings are the table's, so equal stacks are equal bytes */
	if (n && (out->v = (const struct gs_frame *)gs_intern(&r->in->m->strs, (const char *)scratch.frames,
							       n * sizeof *scratch.frames)))
		out->n = n;
}

static size_t put_u32(unsigned char *d, size_t n)
{
	uint32_t u = (uint32_t)n;
	memcpy(d, &u, sizeof u);
	return sizeof u;
}

static json_t *scalar_json(const struct gs_jv *e)
{
	switch (e->type) {
	case GS_J_STR: return json_stringn_nocheck(e->u.s, e->slen); /* UTF-8 checked */
	case GS_J_INT: return json_integer(e->u.i);
	case GS_J_REAL: return json_real(e->u.d);
	case GS_J_BOOL: return json_boolean(e->b);
	default: return json_null();
	}
}

/* Records of one call site repeat the same objects: equal copies are one,
 * shared (kept in m->objs by their bytes). */
json_t *rd_scalars(struct gs_rd *r, const struct gs_jv *o, const char *key, bool strings_only)
{
	const struct gs_jv *v = rd_member(r, o, key);
	unsigned char *k = scratch.objkey;
	size_t n = 0;
	if (!v)
		return NULL;
	if (v->type != GS_J_OBJ) {
		rd_bad(r, key);
		return NULL;
	}
	/* the kept members as bytes: name, type, value, lengths first */
	GS_JV_EACH(r->rec, v, e) {
		bool ok = strings_only ? e->type == GS_J_STR : e->type != GS_J_ARR && e->type != GS_J_OBJ;
		if (!ok) {
			rd_bad(r, key);
			continue;
		}
		n += put_u32(k + n, e->klen);
		memcpy(k + n, e->key, e->klen);
		n += e->klen;
		k[n++] = e->type;
		if (e->type == GS_J_STR) {
			n += put_u32(k + n, e->slen);
			memcpy(k + n, e->u.s, e->slen);
			n += e->slen;
		} else if (e->type == GS_J_BOOL) {
			k[n++] = e->b;
		} else if (e->type != GS_J_NULL) {
			memcpy(k + n, &e->u, sizeof e->u); /* long long or double */
			n += sizeof e->u;
		}
	}
	struct gs_strent *kept = gs_strtab_get(&r->in->m->objs, k, n);
	if (!kept)
		return NULL;
	if (!kept->val) {
		json_t *copy = json_object();
		if (!copy)
			return NULL;
		GS_JV_EACH(r->rec, v, e)
			if (strings_only ? e->type == GS_J_STR : e->type != GS_J_ARR && e->type != GS_J_OBJ)
				json_object_setn_new_nocheck(copy, e->key, e->klen, scalar_json(e));
		kept->val = copy;
	}
	return json_incref(kept->val);
}
