/* Byte-level rules of record lines (record_scan.h). */
#include "record_scan.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The four hex digits after "\u" at S (S[0..3] readable), or -1. */
static long u_escape(const unsigned char *s)
{
	long v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(s[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* Length of the strict UTF-8 sequence at S (N bytes left), 0 if invalid:
 * no overlong form, no surrogate, nothing above U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t k;
	unsigned lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		k = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		k = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		k = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < k || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < k; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return k;
}

#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL

/* S[0..7] holds no byte that the scan looks at: none >= 0x80, < 0x20 or
 * a backslash (a zero byte in w ^ '\\'...). */
static bool plain8(const unsigned char *s)
{
	uint64_t w, bs;
	memcpy(&w, s, sizeof w);
	bs = w ^ (ONES * '\\');
	return !((w | ((w - ONES * 0x20) & ~w) | ((bs - ONES) & ~bs)) & HIGH);
}

/* Backslashes only begin escapes in valid JSON, so they are read as
 * escapes without tracking where strings begin and end: a line where that
 * reading is wrong is rejected by yajl anyway. */
const char *gs_rec_scan(const char *line, size_t n, char *buf, size_t len)
{
	const unsigned char *s = (const unsigned char *)line;

	for (size_t i = 0; i < n; i++) {
		/* most of a record is printable ASCII: eight bytes a step */
		while (i + 8 <= n && plain8(s + i))
			i += 8;
		if (i == n)
			break;
		unsigned c = s[i];
		if (c >= 0x20 && c < 0x80 && c != '\\')
			continue;
		if (c >= 0x80) {
			size_t k = utf8_len(s + i, n - i);
			if (!k) {
				snprintf(buf, len, "unable to decode byte 0x%x", c);
				return buf;
			}
			i += k - 1;
		} else if (c < 0x20) {
			/* raw controls are invalid in strings; outside them jansson
			 * takes only these as white space (yajl also \v and \f) */
			if (c != '\t' && c != '\r' && c != '\n') {
				snprintf(buf, len, "control character 0x%x", c);
				return buf;
			}
		} else if (i + 1 < n && s[i + 1] != 'u') {
			i++; /* a one-character escape */
		} else if (i + 5 < n) {
			long u = u_escape(s + i + 2);
			if (u < 0)
				continue; /* yajl reports it */
			i += 5;
			if (u == 0)
				return "\\u0000 is not allowed";
			if (u >= 0xdc00 && u <= 0xdfff)
				return "invalid Unicode escape: lone low surrogate";
			if (u >= 0xd800 && u <= 0xdbff) {
				long lo = i + 6 < n && s[i + 1] == '\\' && s[i + 2] == 'u' ? u_escape(s + i + 3) : -1;
				if (lo < 0xdc00 || lo > 0xdfff)
					return "invalid Unicode escape: high surrogate without a low one";
				i += 6;
			}
		}
	}
	return NULL;
}
