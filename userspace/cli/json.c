// SPDX-License-Identifier: GPL-2.0
/* JSON output for scripts, in the spirit of "ip -j". */

#include <inttypes.h>

#include "json.h"

void json_init(struct json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->first[0] = true;
}

static void put_escaped(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	for (; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

/* Comma and key before each value; the writer trusts callers for nesting. */
static void begin_value(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->out);
	j->first[j->depth] = false;
	if (key) {
		put_escaped(j->out, key);
		fputc(':', j->out);
	}
}

static void open_container(struct json *j, const char *key, char c)
{
	begin_value(j, key);
	fputc(c, j->out);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_container(struct json *j, char c)
{
	fputc(c, j->out);
	if (j->depth > 0)
		j->depth--;
}

void json_object_open(struct json *j, const char *key)
{
	open_container(j, key, '{');
}

void json_object_close(struct json *j)
{
	close_container(j, '}');
}

void json_array_open(struct json *j, const char *key)
{
	open_container(j, key, '[');
}

void json_array_close(struct json *j)
{
	close_container(j, ']');
}

void json_string(struct json *j, const char *key, const char *value)
{
	begin_value(j, key);
	put_escaped(j->out, value);
}

void json_u64(struct json *j, const char *key, uint64_t value)
{
	begin_value(j, key);
	fprintf(j->out, "%" PRIu64, value);
}

void json_bool(struct json *j, const char *key, bool value)
{
	begin_value(j, key);
	fputs(value ? "true" : "false", j->out);
}

void json_end(struct json *j)
{
	fputc('\n', j->out);
	fflush(j->out);
}

void json_document_open(struct json *j, FILE *out)
{
	json_init(j, out);
	json_object_open(j, NULL);
	json_u64(j, "version", SGW_JSON_VERSION);
}

void json_document_close(struct json *j)
{
	json_object_close(j);
	json_end(j);
}
