// SPDX-License-Identifier: GPL-2.0
/* The JSON reader; see jsonparse.h. */

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonparse.h"

struct reader {
	const char *s;
	size_t len, pos;
	char *err;
	size_t errlen;
	bool failed;
};

__attribute__((format(printf, 2, 3)))
static void bad(struct reader *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (r->failed)
		return;
	r->failed = true;
	n = snprintf(r->err, r->errlen, "offset %zu: ", r->pos);
	if (n < 0 || (size_t)n >= r->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(r->err + n, r->errlen - n, fmt, ap);
	va_end(ap);
}

static void skip_ws(struct reader *r)
{
	while (r->pos < r->len && (r->s[r->pos] == ' ' || r->s[r->pos] == '\t' ||
				   r->s[r->pos] == '\n' || r->s[r->pos] == '\r'))
		r->pos++;
}

static int peek(struct reader *r)
{
	return r->pos < r->len ? (unsigned char)r->s[r->pos] : -1;
}

static bool literal(struct reader *r, const char *word)
{
	size_t n = strlen(word);

	if (r->len - r->pos < n || memcmp(r->s + r->pos, word, n))
		return false;
	r->pos += n;
	return true;
}

static int hex4(struct reader *r, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	if (r->len - r->pos < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = r->s[r->pos + i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned int)(c - 'A' + 10);
		else
			return -1;
	}
	r->pos += 4;
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* At the opening quote; returns the decoded string (malloc) or NULL. */
static char *string(struct reader *r)
{
	size_t start = ++r->pos, end, o = 0;
	char *out;

	/* Decoding never lengthens: bound the buffer by the raw text. */
	for (end = start; end < r->len && r->s[end] != '"'; end++)
		if (r->s[end] == '\\')
			end++;
	if (end >= r->len) {
		bad(r, "unterminated string");
		return NULL;
	}
	out = malloc(end - start + 1);
	if (!out) {
		bad(r, "out of memory");
		return NULL;
	}
	while (r->pos < end) {
		unsigned char c = (unsigned char)r->s[r->pos];
		unsigned int cp, lo;

		if (c < 0x20) {
			bad(r, "control character in a string");
			goto fail;
		}
		if (c != '\\') {
			out[o++] = (char)c;
			r->pos++;
			continue;
		}
		r->pos++;
		switch (r->s[r->pos++]) {
		case '"': out[o++] = '"'; break;
		case '\\': out[o++] = '\\'; break;
		case '/': out[o++] = '/'; break;
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u':
			if (hex4(r, &cp) || r->pos > end) {
				bad(r, "bad \\u escape");
				goto fail;
			}
			if (cp >= 0xd800 && cp < 0xdc00 && end - r->pos >= 6 &&
			    r->s[r->pos] == '\\' && r->s[r->pos + 1] == 'u') {
				size_t save = r->pos;

				r->pos += 2;
				if (!hex4(r, &lo) && lo >= 0xdc00 && lo < 0xe000)
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					     (lo - 0xdc00);
				else
					r->pos = save;
			}
			if (cp == 0 || (cp >= 0xd800 && cp < 0xe000))
				cp = '?';	/* no NUL, no lone surrogate */
			/* \uXXXX is 6 bytes, its UTF-8 at most 4. */
			o += put_utf8(out + o, cp);
			break;
		default:
			r->pos--;
			bad(r, "bad escape");
			goto fail;
		}
	}
	out[o] = '\0';
	r->pos = end + 1;
	return out;
fail:
	free(out);
	return NULL;
}

static void number(struct reader *r, struct jsonp *n)
{
	size_t start = r->pos;
	char buf[64];

	if (peek(r) == '-')
		r->pos++;
	if (peek(r) < '0' || peek(r) > '9') {
		bad(r, "expected a value");
		return;
	}
	while (r->pos < r->len && strchr("0123456789+-.eE", r->s[r->pos]))
		r->pos++;
	if (r->pos - start >= sizeof(buf)) {
		bad(r, "number too long");
		return;
	}
	memcpy(buf, r->s + start, r->pos - start);
	buf[r->pos - start] = '\0';
	n->type = JSONP_NUM;
	n->num = strtod(buf, NULL);
}

static struct jsonp *value(struct reader *r, int depth);

static void container(struct reader *r, struct jsonp *n, int depth)
{
	bool obj = peek(r) == '{';
	char close = obj ? '}' : ']';
	struct jsonp **tail = &n->child;

	n->type = obj ? JSONP_OBJ : JSONP_ARR;
	r->pos++;
	skip_ws(r);
	if (peek(r) == close) {
		r->pos++;
		return;
	}
	for (;;) {
		char *key = NULL;
		struct jsonp *c;

		skip_ws(r);
		if (obj) {
			if (peek(r) != '"') {
				bad(r, "expected a member name");
				return;
			}
			key = string(r);
			if (!key)
				return;
			skip_ws(r);
			if (peek(r) != ':') {
				free(key);
				bad(r, "expected ':'");
				return;
			}
			r->pos++;
		}
		c = value(r, depth + 1);
		if (!c) {
			free(key);
			return;
		}
		c->key = key;
		*tail = c;
		tail = &c->next;
		skip_ws(r);
		if (peek(r) == ',') {
			r->pos++;
			continue;
		}
		if (peek(r) == close) {
			r->pos++;
			return;
		}
		bad(r, "expected ',' or '%c'", close);
		return;
	}
}

static struct jsonp *value(struct reader *r, int depth)
{
	struct jsonp *n;

	if (depth > JSONP_DEPTH) {
		bad(r, "nested deeper than %d", JSONP_DEPTH);
		return NULL;
	}
	n = calloc(1, sizeof(*n));
	if (!n) {
		bad(r, "out of memory");
		return NULL;
	}
	skip_ws(r);
	switch (peek(r)) {
	case '{':
	case '[':
		container(r, n, depth);
		break;
	case '"':
		n->type = JSONP_STR;
		n->str = string(r);
		break;
	case 't':
	case 'f':
		n->type = JSONP_BOOL;
		n->b = peek(r) == 't';
		if (!literal(r, n->b ? "true" : "false"))
			bad(r, "expected a value");
		break;
	case 'n':
		if (!literal(r, "null"))
			bad(r, "expected a value");
		break;
	default:
		number(r, n);
		break;
	}
	if (r->failed) {
		jsonp_free(n);
		return NULL;
	}
	return n;
}

struct jsonp *jsonp_parse(const char *text, size_t len, char *err,
			  size_t errlen)
{
	struct reader r = { .s = text, .len = len, .err = err,
			    .errlen = errlen };
	struct jsonp *root = value(&r, 0);

	if (root) {
		skip_ws(&r);
		if (r.pos != r.len) {
			bad(&r, "text after the value");
			jsonp_free(root);
			root = NULL;
		}
	}
	return root;
}

void jsonp_free(struct jsonp *n)
{
	while (n) {
		struct jsonp *next = n->next;

		jsonp_free(n->child);
		free(n->key);
		free(n->str);
		free(n);
		n = next;
	}
}

const struct jsonp *jsonp_get(const struct jsonp *o, const char *key)
{
	const struct jsonp *c;

	if (!o || o->type != JSONP_OBJ)
		return NULL;
	for (c = o->child; c; c = c->next)
		if (!strcmp(c->key, key))
			return c;
	return NULL;
}

const char *jsonp_str(const struct jsonp *o, const char *key)
{
	const struct jsonp *v = jsonp_get(o, key);

	return v && v->type == JSONP_STR ? v->str : NULL;
}

bool jsonp_uint(const struct jsonp *n, uint64_t *v)
{
	if (!n || n->type != JSONP_NUM || !(n->num >= 0) ||
	    n->num > 9007199254740992.0 || floor(n->num) != n->num)
		return false;
	*v = (uint64_t)n->num;
	return true;
}
