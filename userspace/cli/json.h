/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SGWCTL_JSON_H
#define SGWCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

/*
 * The JSON contract's version (sgwctl-json(7)): every document is an
 * object whose "version" key holds it. Keys are only added within a
 * version; a rename, a removal or a change of type bumps it.
 */
#define SGW_JSON_VERSION 1

/* A streaming JSON writer: compact output, one value per call. */
struct json {
	FILE *out;
	int depth;
	bool first[JSON_MAX_DEPTH];
};

void json_init(struct json *j, FILE *out);
/* @key is NULL for array elements and for the top-level value. */
void json_object_open(struct json *j, const char *key);
void json_object_close(struct json *j);
void json_array_open(struct json *j, const char *key);
void json_array_close(struct json *j);
void json_string(struct json *j, const char *key, const char *value);
void json_u64(struct json *j, const char *key, uint64_t value);
void json_bool(struct json *j, const char *key, bool value);
void json_end(struct json *j);
/*
 * A whole document: json_init(), the top-level object and its "version"
 * key; json_document_close() closes the object and ends the line.
 */
void json_document_open(struct json *j, FILE *out);
void json_document_close(struct json *j);

#endif
