/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading sgw.conf into struct sgw_conf. The parser checks each line and
 * each value, duplicates and required keys, and stops at the first error;
 * cross-field judgement (conflicts between tunnels and the like) is
 * sgw_conf_check()'s, which reports every problem at once.
 */
#ifndef SGW_CONF_PARSE_H
#define SGW_CONF_PARSE_H

#include <stddef.h>

#include "conf_check.h"
#include "conf_model.h"

#define SGW_CONF_DEFAULT_PATH	"/etc/sgw/sgw.conf"
#define SGW_CONF_LINE_MAX	4096		/* bytes, without the newline */
#define SGW_CONF_INCLUDE_DEPTH	8		/* nested include levels */
#define SGW_CONF_FILES_MAX	1024		/* files read in all */
#define SGW_CONF_FILE_SIZE_MAX	(16u << 20)	/* bytes per file */

struct sgw_conf_error {
	char file[256];		/* may be truncated; text has the full name */
	unsigned int line;	/* 0 where no line applies */
	/* 'sgw.conf:12: tunnel "hq": key "outer-df": invalid value ...' */
	char text[1024];
};

/* Flags of sgw_conf_parse_buffer(). */
#define SGW_CONF_NO_INCLUDE	(1u << 0)	/* "include" is an error */

/*
 * Reads @path and the files it includes into @out (which need not be
 * initialised). Returns 0, or -1 with @err filled in and @out left empty.
 * Either way @out may be passed to sgw_conf_free().
 */
int sgw_conf_load(const char *path, struct sgw_conf *out,
		  struct sgw_conf_error *err);

/*
 * What "sgwctl config check" reads with: the same as sgw_conf_load(), but
 * an error does not stop it. Every error goes to @probs (which need not be
 * initialised) as an SGW_CONF_SEV_ERROR problem, reading goes on with the
 * next line, and a tunnel with an error is marked parse_error; @out holds
 * everything else that was read. Returns the number of errors, or -1 when
 * memory ran out (@out and @probs then empty). Free both either way.
 */
int sgw_conf_load_all(const char *path, struct sgw_conf *out,
		      struct sgw_conf_problems *probs);

/*
 * The same for text in memory; @name stands for the file in messages and
 * relative includes are resolved against its directory.
 */
int sgw_conf_parse_buffer(const char *name, const char *buf, size_t len,
			  unsigned int flags, struct sgw_conf *out,
			  struct sgw_conf_error *err);
/* And sgw_conf_load_all() for text in memory. */
int sgw_conf_parse_buffer_all(const char *name, const char *buf, size_t len,
			      unsigned int flags, struct sgw_conf *out,
			      struct sgw_conf_problems *probs);

#endif /* SGW_CONF_PARSE_H */
