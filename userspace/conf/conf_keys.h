/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The key table: every key sgw.conf knows, with its section, value type,
 * default and range. Parser, printer, defaults and the man page check all
 * read this one table, so a key cannot exist in one and not the others.
 */
#ifndef SGW_CONF_KEYS_H
#define SGW_CONF_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf_model.h"

enum sgw_conf_section {
	SGW_CONF_SEC_GLOBAL,
	SGW_CONF_SEC_TUNNEL,
};

enum sgw_conf_type {
	SGW_CONF_T_BOOL,		/* choices[0] is false, choices[1] true */
	SGW_CONF_T_ENUM,		/* value i is spelled choices[i] */
	SGW_CONF_T_UINT,		/* uint32_t in min..max, or one of words */
	SGW_CONF_T_COUNT,		/* uint64_t, plain decimal */
	SGW_CONF_T_BYTES,		/* uint64_t, suffixes k M G T (1024) */
	SGW_CONF_T_DURATION,		/* uint32_t seconds, suffixes s m h d */
	SGW_CONF_T_ADDR,		/* struct sgw_conf_addr */
	SGW_CONF_T_ADDR_AUTO,		/* struct sgw_conf_addr, or auto */
	SGW_CONF_T_ADDR_HOST,		/* remote: an address or remote_name */
	SGW_CONF_T_IDENT,		/* struct sgw_conf_ident */
	SGW_CONF_T_PATH,		/* char *, absolute */
	SGW_CONF_T_IFNAME,		/* char[SGW_CONF_IFNAME_MAX + 1] */
	SGW_CONF_T_PREFIXES,		/* struct sgw_conf_prefix_list */
	SGW_CONF_T_IKE_PROPOSALS,	/* struct sgw_conf_proposals */
	SGW_CONF_T_ESP_PROPOSALS,	/* struct sgw_conf_proposals */
};

/* A keyword that stands for a number, such as "auto" for mtu. */
struct sgw_conf_word {
	const char *word;
	uint32_t value;
};

struct sgw_conf_key {
	const char *name;
	enum sgw_conf_key_id id;
	enum sgw_conf_section section;
	enum sgw_conf_type type;
	size_t offset;		/* in struct sgw_conf_global or sgw_conf_tunnel */
	/*
	 * The default, written as in the file and parsed by the key's own
	 * parser. NULL when the key is required or its default is derived
	 * from other keys (then "derived" says from what).
	 */
	const char *def;
	const char *derived;
	bool required;
	uint64_t min, max;			/* numeric types */
	const char *const *choices;		/* BOOL and ENUM, NULL-ended */
	const struct sgw_conf_word *words;	/* UINT, NULL-ended */
	/*
	 * The feature the key configures, when it is not built yet: the
	 * parser then refuses any value but the default, naming the feature.
	 */
	const char *not_built;
	const char *summary;	/* what the key is, in a few words */
};

/* The whole table, in the order the printer and the man page use. */
const struct sgw_conf_key *sgw_conf_keys(size_t *count);
const struct sgw_conf_key *sgw_conf_key_by_id(enum sgw_conf_key_id id);
const struct sgw_conf_key *sgw_conf_key_find(enum sgw_conf_section section,
					     const char *name, size_t len);

/*
 * The closest key name of @section within edit distance 2 of @name, for
 * "did you mean" hints; NULL if none is that close.
 */
const char *sgw_conf_key_suggest(enum sgw_conf_section section,
				 const char *name, size_t len);

/*
 * "Type: duration 10s..30d. Default: 4h." -- the line the man page shows
 * under each key; scripts/tests/check-sgw-conf-manpage.sh compares
 * the two.
 */
int sgw_conf_key_describe(const struct sgw_conf_key *k, char *buf,
			  size_t len);

/* Edit distance, capped at @cap + 1 to stay cheap. */
unsigned int sgw_conf_edit_distance(const char *a, size_t alen,
				    const char *b, size_t blen,
				    unsigned int cap);

#endif /* SGW_CONF_KEYS_H */
