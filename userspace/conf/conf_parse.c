// SPDX-License-Identifier: GPL-2.0
/*
 * The sgw.conf reader: lines, sections, keys and include directives. Values
 * are handed to conf_value.c through the key table; this file only knows
 * the file's structure.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf_check.h"
#include "conf_keys.h"
#include "conf_parse.h"
#include "conf_value.h"

#define QUOTE_MAX 200	/* bytes of an offending value quoted in errors */

/* SEC_SKIP: the lines after a section header that was refused. */
enum section { SEC_NONE, SEC_GLOBAL, SEC_TUNNEL, SEC_SKIP };

struct frame {
	dev_t dev;
	ino_t ino;
	const char *name;
};

struct parser {
	struct sgw_conf *conf;
	struct sgw_conf_error *err;
	unsigned int flags;
	/*
	 * sgw_conf_load_all(): every error goes here and reading goes on
	 * with the next line; only running out of memory (fatal) stops it.
	 */
	struct sgw_conf_problems *all;
	bool fatal;

	struct frame stack[SGW_CONF_INCLUDE_DEPTH + 1];
	unsigned int depth;		/* frames in use */
	unsigned int n_files;

	/* Where we are. */
	const char *file;
	unsigned int line;
	enum section sec;
	size_t tun;			/* index of the tunnel being read */
	unsigned int include_line;	/* include that ended the section */

	size_t tunnels_cap;
	size_t files_cap;
	uint32_t *id_owner;		/* id -> tunnel index + 1 */
	size_t *names;			/* hash of tunnel names: index + 1 */
	size_t names_cap;
};

__attribute__((format(printf, 3, 4)))
static int fail_at(struct parser *p, unsigned int line, const char *fmt, ...)
{
	struct sgw_conf_error *e = p->err;
	size_t used;
	va_list ap;
	int n;

	snprintf(e->file, sizeof(e->file), "%s", p->file ? p->file : "");
	e->line = line;
	if (line)
		n = snprintf(e->text, sizeof(e->text), "%s:%u: ",
			     p->file ? p->file : "", line);
	else
		n = snprintf(e->text, sizeof(e->text), "%s: ",
			     p->file ? p->file : "");
	used = n < 0 ? 0 : (size_t)n;
	if (used >= sizeof(e->text))
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->text + used, sizeof(e->text) - used, fmt, ap);
	va_end(ap);
	if (p->all && !p->fatal) {
		size_t tun = SGW_CONF_NO_TUNNEL;

		if (p->sec == SEC_TUNNEL) {
			tun = p->tun;
			p->conf->tunnels[tun].parse_error = true;
		}
		if (sgw_conf_problem_add(p->all, SGW_CONF_SEV_ERROR, "parse",
					 p->file ? p->file : "", line, tun,
					 "%s", e->text + used) < 0)
			p->fatal = true;
	}
	return -1;
}

/* Out of memory: the one error that stops sgw_conf_load_all() too. */
static int oom(struct parser *p, unsigned int line)
{
	p->fatal = true;
	return fail_at(p, line, "out of memory");
}

/* Whether to go on after an error that fail_at() has recorded. */
static bool keep_going(const struct parser *p)
{
	return p->all && !p->fatal;
}

static struct sgw_conf_tunnel *cur_tunnel(struct parser *p)
{
	return &p->conf->tunnels[p->tun];
}

/* 'tunnel "hq"' or "global": how messages name the current section. */
static const char *section_label(struct parser *p, char *buf, size_t len)
{
	if (p->sec == SEC_TUNNEL)
		snprintf(buf, len, "tunnel \"%s\"", cur_tunnel(p)->name);
	else
		snprintf(buf, len, "global");
	return buf;
}

static const char *add_file(struct parser *p, const char *name)
{
	struct sgw_conf *c = p->conf;
	char *copy;

	if (c->n_files == p->files_cap) {
		size_t cap = p->files_cap ? p->files_cap * 2 : 8;
		char **v = realloc(c->files, cap * sizeof(*v));

		if (!v)
			return NULL;
		c->files = v;
		p->files_cap = cap;
	}
	copy = strdup(name);
	if (!copy)
		return NULL;
	c->files[c->n_files++] = copy;
	return copy;
}

/* ---- tunnels ---- */

static size_t name_hash(const char *s)
{
	size_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static size_t *name_slot(struct parser *p, const char *name)
{
	size_t mask = p->names_cap - 1, i = name_hash(name) & mask;

	while (p->names[i] &&
	       strcmp(p->conf->tunnels[p->names[i] - 1].name, name) != 0)
		i = (i + 1) & mask;
	return &p->names[i];
}

static int names_grow(struct parser *p)
{
	size_t old_cap = p->names_cap, *old = p->names, i;

	p->names_cap = old_cap ? old_cap * 2 : 64;
	p->names = calloc(p->names_cap, sizeof(*p->names));
	if (!p->names) {
		p->names = old;
		p->names_cap = old_cap;
		return -1;
	}
	for (i = 0; i < old_cap; i++)
		if (old[i])
			*name_slot(p, p->conf->tunnels[old[i] - 1].name) =
				old[i];
	free(old);
	return 0;
}

static bool name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > SGW_CONF_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

static int tunnel_begin(struct parser *p, const char *name, size_t len)
{
	const struct sgw_conf_key *keys;
	struct sgw_conf *c = p->conf;
	struct sgw_conf_tunnel *t;
	struct sgw_conf_verdict v;
	size_t n, i, *slot;

	if (!name_ok(name, len))
		return fail_at(p, p->line, "invalid tunnel name \"%.*s\" "
			       "(expected 1 to %u letters, digits, '_', '.' "
			       "or '-')", (int)(len > QUOTE_MAX ? QUOTE_MAX :
			       len), name, SGW_CONF_NAME_MAX);
	if ((c->n_tunnels + 1) * 2 > p->names_cap && names_grow(p) < 0)
		return oom(p, p->line);
	if (c->n_tunnels == p->tunnels_cap) {
		size_t cap = p->tunnels_cap ? p->tunnels_cap * 2 : 8;
		struct sgw_conf_tunnel *tv;

		tv = realloc(c->tunnels, cap * sizeof(*tv));
		if (!tv)
			return oom(p, p->line);
		c->tunnels = tv;
		p->tunnels_cap = cap;
	}
	t = &c->tunnels[c->n_tunnels];
	memset(t, 0, sizeof(*t));
	memcpy(t->name, name, len);
	slot = name_slot(p, t->name);
	if (*slot) {
		const struct sgw_conf_tunnel *o = &c->tunnels[*slot - 1];

		return fail_at(p, p->line, "duplicate tunnel \"%s\" (first "
			       "defined at %s:%u)", t->name, o->file,
			       o->line);
	}
	t->file = p->file;
	t->line = p->line;
	keys = sgw_conf_keys(&n);
	for (i = 0; i < n; i++) {
		if (keys[i].section != SGW_CONF_SEC_TUNNEL || !keys[i].def)
			continue;
		if (sgw_conf_value_parse(&keys[i], keys[i].def, t, &v) < 0) {
			/* Counted so that sgw_conf_free() releases t. */
			c->n_tunnels++;
			return fail_at(p, p->line, "internal error: default "
				       "of \"%s\": %s", keys[i].name,
				       v.detail);
		}
	}
	*slot = c->n_tunnels + 1;
	p->tun = c->n_tunnels++;
	p->sec = SEC_TUNNEL;
	return 0;
}

/* Required keys and defaults that depend on other keys. */
static int tunnel_end(struct parser *p)
{
	struct sgw_conf_tunnel *t = cur_tunnel(p);
	const struct sgw_conf_key *keys, *missing[SGW_CONF_KEY_COUNT];
	char list[512], label[64];
	size_t n, i, m = 0, used = 0;

	keys = sgw_conf_keys(&n);
	for (i = 0; i < n; i++)
		if (keys[i].section == SGW_CONF_SEC_TUNNEL &&
		    keys[i].required && !t->key_line[keys[i].id])
			missing[m++] = &keys[i];
	section_label(p, label, sizeof(label));
	if (m == 1)
		return fail_at(p, t->line, "%s: missing required key \"%s\" "
			       "(%s)", label, missing[0]->name,
			       missing[0]->summary);
	if (m > 1) {
		for (i = 0; i < m; i++) {
			int w = snprintf(list + used, sizeof(list) - used,
					 "%s\"%s\"", i == 0 ? "" :
					 i == m - 1 ? " and " : ", ",
					 missing[i]->name);

			if (w > 0 && (size_t)w < sizeof(list) - used)
				used += (size_t)w;
		}
		return fail_at(p, t->line, "%s: missing required keys %s",
			       label, list);
	}
	if (!t->key_line[SGW_CONF_K_INTERFACE])
		snprintf(t->interface, sizeof(t->interface), "sgw%u", t->id);
	if (!t->key_line[SGW_CONF_K_LOCAL_ID])
		sgw_conf_ident_from_addr(&t->local_id, &t->local);
	if (!t->key_line[SGW_CONF_K_REMOTE_ID])
		sgw_conf_ident_from_addr(&t->remote_id, &t->remote);
	return 0;
}

static int section_end(struct parser *p)
{
	int r = 0;

	if (p->sec == SEC_TUNNEL)
		r = tunnel_end(p);
	p->sec = SEC_NONE;
	return r;
}

/* ---- lines ---- */

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static size_t trim_end(const char *s, size_t len)
{
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return len;
}

static int section_begin(struct parser *p, char *s, size_t len)
{
	char *in;
	size_t ilen;

	if (s[len - 1] != ']')
		return fail_at(p, p->line, "expected \"]\" at the end of the "
			       "section header");
	s[len - 1] = '\0';
	in = (char *)skip_ws(s + 1);
	ilen = trim_end(in, strlen(in));
	in[ilen] = '\0';
	p->include_line = 0;
	if (strcmp(in, "global") == 0) {
		p->sec = SEC_GLOBAL;
		return 0;
	}
	if (strncmp(in, "tunnel", 6) == 0 &&
	    (in[6] == ' ' || in[6] == '\t')) {
		const char *name = skip_ws(in + 6);

		return tunnel_begin(p, name, strlen(name));
	}
	if (strcmp(in, "tunnel") == 0)
		return fail_at(p, p->line, "section [tunnel] needs a name: "
			       "[tunnel NAME]");
	if (strncmp(in, "global", 6) == 0 && (in[6] == ' ' || in[6] == '\t'))
		return fail_at(p, p->line, "section [global] takes no name");
	return fail_at(p, p->line, "unknown section \"[%.*s]\" (expected "
		       "[global] or [tunnel NAME])", QUOTE_MAX, in);
}

/*
 * Ends the section before it, then begins the new one. Going on after a
 * refused header, its keys are skipped: they belong to no known section.
 */
static int section_header(struct parser *p, char *s, size_t len)
{
	if (section_end(p) < 0 && !keep_going(p))
		return -1;
	if (section_begin(p, s, len) == 0)
		return 0;
	if (keep_going(p))
		p->sec = SEC_SKIP;
	return -1;
}

/* Whether the key's field in @base holds the key's default. */
static bool is_default(const struct sgw_conf_key *k, const void *base)
{
	union {
		struct sgw_conf_global g;
		struct sgw_conf_tunnel t;
	} def;
	struct sgw_conf_verdict v;
	bool same;

	memset(&def, 0, sizeof(def));
	if (!k->def || sgw_conf_value_parse(k, k->def, &def, &v) < 0)
		return false;
	same = sgw_conf_value_equal(k, base, &def);
	sgw_conf_value_release(k, &def);
	return same;
}

static int key_line(struct parser *p, const char *key, size_t klen,
		    const char *value)
{
	const struct sgw_conf_key *k;
	enum sgw_conf_section sec;
	struct sgw_conf_verdict v;
	char label[64];
	unsigned int *lines;
	const char *hint;
	void *base;

	if (p->sec == SEC_SKIP)
		return 0;
	if (p->sec == SEC_NONE) {
		if (p->include_line)
			return fail_at(p, p->line, "key \"%.*s\" is outside "
				       "of any section (the include on line "
				       "%u ended the section before it; "
				       "start one with [global] or [tunnel "
				       "NAME])", (int)klen, key,
				       p->include_line);
		return fail_at(p, p->line, "key \"%.*s\" is outside of any "
			       "section (start one with [global] or "
			       "[tunnel NAME])", (int)klen, key);
	}
	section_label(p, label, sizeof(label));
	sec = p->sec == SEC_GLOBAL ? SGW_CONF_SEC_GLOBAL : SGW_CONF_SEC_TUNNEL;
	k = sgw_conf_key_find(sec, key, klen);
	if (!k) {
		if (sgw_conf_key_find(sec == SGW_CONF_SEC_GLOBAL ?
				      SGW_CONF_SEC_TUNNEL :
				      SGW_CONF_SEC_GLOBAL, key, klen))
			return fail_at(p, p->line, "%s: key \"%.*s\" belongs "
				       "in %s", label, (int)klen, key,
				       sec == SGW_CONF_SEC_GLOBAL ?
				       "a [tunnel NAME] section" :
				       "the [global] section");
		hint = sgw_conf_key_suggest(sec, key, klen);
		if (hint)
			return fail_at(p, p->line, "%s: unknown key \"%.*s\" "
				       "(did you mean \"%s\"?)", label,
				       (int)klen, key, hint);
		return fail_at(p, p->line, "%s: unknown key \"%.*s\"", label,
			       (int)klen, key);
	}
	if (sec == SGW_CONF_SEC_GLOBAL) {
		base = &p->conf->global;
		lines = p->conf->global.key_line;
	} else {
		base = cur_tunnel(p);
		lines = cur_tunnel(p)->key_line;
	}
	if (lines[k->id]) {
		const char *first = sec == SGW_CONF_SEC_GLOBAL ?
			p->conf->global.key_file[k->id] : p->file;

		if (first == p->file)
			return fail_at(p, p->line, "%s: duplicate key \"%s\" "
				       "(first set on line %u)", label,
				       k->name, lines[k->id]);
		return fail_at(p, p->line, "%s: duplicate key \"%s\" (first "
			       "set at %s:%u)", label, k->name, first,
			       lines[k->id]);
	}
	if (sgw_conf_value_parse(k, value, base, &v) < 0) {
		const char *bad = v.bad ? v.bad : value;
		size_t blen = v.bad ? v.bad_len : strlen(value);

		/* Set, if badly: no "missing required key" after this. */
		lines[k->id] = p->line;
		return fail_at(p, p->line, "%s: key \"%s\": invalid value "
			       "\"%.*s%s\" (%s)", label, k->name,
			       (int)(blen > QUOTE_MAX ? QUOTE_MAX : blen), bad,
			       blen > QUOTE_MAX ? "..." : "", v.detail);
	}
	if (k->not_built && !is_default(k, base)) {
		lines[k->id] = p->line;
		return fail_at(p, p->line, "%s: key \"%s\": \"%.*s\" is not "
			       "supported: %s is not built yet (only \"%s\", "
			       "the default, is accepted)", label, k->name,
			       QUOTE_MAX, value, k->not_built, k->def);
	}
	if (k->id == SGW_CONF_K_ID) {
		struct sgw_conf_tunnel *t = cur_tunnel(p);
		uint32_t owner = p->id_owner[t->id];

		if (owner) {
			const struct sgw_conf_tunnel *o =
				&p->conf->tunnels[owner - 1];

			lines[k->id] = p->line;
			return fail_at(p, p->line, "%s: key \"id\": id %u is "
				       "already used by tunnel \"%s\" (%s:%u)",
				       label, t->id, o->name, o->file,
				       o->line);
		}
		p->id_owner[t->id] = (uint32_t)p->tun + 1;
	}
	lines[k->id] = p->line;
	if (sec == SGW_CONF_SEC_GLOBAL)
		p->conf->global.key_file[k->id] = p->file;
	return 0;
}

static int parse_file(struct parser *p, const char *path);

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* @dir with glob(7) metacharacters escaped, so only the pattern globs. */
static char *glob_escape(const char *dir)
{
	char *out = malloc(strlen(dir) * 2 + 1), *o = out;

	if (!out)
		return NULL;
	for (; *dir; dir++) {
		if (strchr("*?[\\", *dir))
			*o++ = '\\';
		*o++ = *dir;
	}
	*o = '\0';
	return out;
}

struct glob_state {
	int err;
	char path[512];
};

static _Thread_local struct glob_state *glob_state;

/* A missing directory matches nothing; anything else is worth saying. */
static int glob_error(const char *path, int err)
{
	if (err != ENOENT && err != ENOTDIR && glob_state &&
	    !glob_state->err) {
		glob_state->err = err;
		snprintf(glob_state->path, sizeof(glob_state->path), "%s",
			 path);
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int include(struct parser *p, const char *dir, const char *pattern)
{
	const char *file = p->file;
	unsigned int line = p->line;
	struct glob_state gs = { 0 };
	char *path = NULL;
	glob_t g;
	size_t i;
	int r = 0;

	if (p->flags & SGW_CONF_NO_INCLUDE)
		return fail_at(p, line, "include is not allowed here");
	if (section_end(p) < 0 && !keep_going(p))
		return -1;
	if (p->depth > SGW_CONF_INCLUDE_DEPTH)
		return fail_at(p, line, "include %s: nested too deeply (at "
			       "most %u levels)", pattern,
			       SGW_CONF_INCLUDE_DEPTH);
	if (pattern[0] == '/' || strcmp(dir, ".") == 0)
		r = asprintf(&path, "%s", pattern);
	else
		r = asprintf(&path, "%s/%s", dir, pattern);
	if (r < 0)
		return oom(p, line);
	r = 0;
	if (!has_glob(pattern)) {
		r = parse_file(p, path);
		goto out;
	}
	if (pattern[0] != '/' && strcmp(dir, ".") != 0) {
		char *edir = glob_escape(dir);

		free(path);
		path = NULL;
		if (!edir || asprintf(&path, "%s/%s", edir, pattern) < 0) {
			free(edir);
			path = NULL;
			r = oom(p, line);
			goto out;
		}
		free(edir);
	}
	glob_state = &gs;
	r = glob(path, GLOB_NOSORT, glob_error, &g);
	glob_state = NULL;
	if (r == GLOB_NOMATCH) {
		r = 0;
		goto out;
	}
	if (r != 0) {
		p->fatal = p->fatal || r == GLOB_NOSPACE;
		r = fail_at(p, line, "include %s: %s", pattern,
			    r == GLOB_NOSPACE ? "out of memory" :
			    strerror(gs.err ? gs.err : EIO));
		goto out;
	}
	if (gs.err) {
		r = fail_at(p, line, "include %s: cannot read %s: %s", pattern,
			    gs.path, strerror(gs.err));
		globfree(&g);
		goto out;
	}
	/* Byte order, not the locale's collation: the same on every box. */
	qsort(g.gl_pathv, g.gl_pathc, sizeof(*g.gl_pathv), cmp_str);
	for (i = 0; i < g.gl_pathc && r == 0; i++) {
		r = parse_file(p, g.gl_pathv[i]);
		p->file = file;
		p->line = line;
	}
	globfree(&g);
out:
	free(path);
	p->file = file;
	p->line = line;
	p->sec = SEC_NONE;
	p->include_line = line;
	return r;
}

static int directive(struct parser *p, const char *dir, char *s, size_t len)
{
	const char *eq, *value;
	size_t klen;

	if (s[0] == '[')
		return section_header(p, s, len);
	if (strncmp(s, "include", 7) == 0 &&
	    (s[7] == ' ' || s[7] == '\t' || s[7] == '\0')) {
		const char *arg = skip_ws(s + 7);

		if (*arg == '\0')
			return fail_at(p, p->line, "include needs a path or "
				       "a pattern");
		if (*arg != '=')
			return include(p, dir, arg);
		return fail_at(p, p->line, "include is a directive, not a "
			       "key: write include PATH, without \"=\"");
	}
	eq = strchr(s, '=');
	klen = eq ? trim_end(s, (size_t)(eq - s)) : 0;
	if (!eq || klen == 0)
		return fail_at(p, p->line, "cannot parse \"%.*s\" (expected "
			       "key = value, [section] or include PATH)",
			       QUOTE_MAX, s);
	value = skip_ws(eq + 1);
	return key_line(p, s, klen, value);
}

/* Index of the first byte that is not valid UTF-8, or @n. */
static size_t utf8_check(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t need, j;
		unsigned char lo = 0x80, hi = 0xbf;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;	/* no surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else {
			return i;
		}
		if (i + need >= n)
			return i;
		for (j = 1; j <= need; j++) {
			unsigned char d = s[i + j];

			if (j == 1 ? (d < lo || d > hi) : (d & 0xc0) != 0x80)
				return i;
		}
		i += need + 1;
	}
	return n;
}

static int check_bytes(struct parser *p, const char *s, size_t len)
{
	size_t i, bad;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\0')
			return fail_at(p, p->line, "NUL byte at column %zu",
				       i + 1);
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail_at(p, p->line, "control character 0x%02x "
				       "at column %zu", c, i + 1);
	}
	bad = utf8_check((const unsigned char *)s, len);
	if (bad < len)
		return fail_at(p, p->line, "invalid UTF-8 at column %zu",
			       bad + 1);
	return 0;
}

static int parse_text(struct parser *p, const char *dir, const char *buf,
		      size_t len)
{
	static const char bom[] = "\xef\xbb\xbf";
	const char *cur = buf, *end = buf + len;
	char *line;
	int r = 0;

	line = malloc(SGW_CONF_LINE_MAX + 1);
	if (!line)
		return oom(p, 0);
	p->sec = SEC_NONE;
	p->include_line = 0;
	p->line = 0;
	/* Editors on other systems write a byte order mark; it means nothing. */
	if (len >= 3 && memcmp(buf, bom, 3) == 0)
		cur += 3;
	while (cur < end && r == 0) {
		const char *nl = memchr(cur, '\n', (size_t)(end - cur));
		size_t llen = (size_t)((nl ? nl : end) - cur), i;
		const char *this = cur;
		char *s;

		p->line++;
		cur = nl ? nl + 1 : end;
		if (llen && this[llen - 1] == '\r')
			llen--;
		if (llen > SGW_CONF_LINE_MAX)
			r = fail_at(p, p->line, "line too long (%zu bytes, at "
				    "most %u)", llen, SGW_CONF_LINE_MAX);
		else
			r = check_bytes(p, this, llen);
		if (r < 0) {
			if (keep_going(p))
				r = 0;
			continue;
		}
		memcpy(line, this, llen);
		line[llen] = '\0';

		/* '#' starts a comment at the line's start or after a blank. */
		for (i = 0; i < llen; i++) {
			if (line[i] == '#' &&
			    (i == 0 || line[i - 1] == ' ' ||
			     line[i - 1] == '\t')) {
				llen = i;
				break;
			}
		}
		s = (char *)skip_ws(line);
		llen = trim_end(s, llen - (size_t)(s - line));
		s[llen] = '\0';
		if (llen == 0)
			continue;
		r = directive(p, dir, s, llen);
		if (r < 0 && keep_going(p))
			r = 0;
	}
	free(line);
	if (r == 0)
		r = section_end(p);
	if (r < 0 && keep_going(p))
		r = 0;
	return r;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

static int parse_named(struct parser *p, const char *name, const char *buf,
		       size_t len)
{
	char *dir = dir_of(name);
	int r;

	if (!dir)
		return oom(p, 0);
	r = parse_text(p, dir, buf, len);
	free(dir);
	return r;
}

/*
 * A file that cannot be read: named by the include line that asked for it,
 * or on its own when it is the top-level file.
 */
static int fail_open(struct parser *p, const char *path, unsigned int line,
		     const char *why)
{
	if (p->file)
		return fail_at(p, line, "include %s: %s", path, why);
	p->file = path;
	return fail_at(p, 0, "%s", why);
}

static int parse_file(struct parser *p, const char *path)
{
	const char *from = p->file;
	unsigned int from_line = p->line;
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	unsigned int i;
	char why[PATH_MAX + 128];
	int fd, r;

	if (p->n_files == SGW_CONF_FILES_MAX) {
		snprintf(why, sizeof(why), "more than %u files in all",
			 SGW_CONF_FILES_MAX);
		return fail_open(p, path, from_line, why);
	}
	/* O_NONBLOCK: a FIFO named by mistake must not hang the daemon. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return fail_open(p, path, from_line, strerror(errno));
	if (fstat(fd, &st) < 0) {
		int e = errno;

		close(fd);
		return fail_open(p, path, from_line, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return fail_open(p, path, from_line, "not a regular file");
	}
	/*
	 * The file decides where traffic goes and which keys protect it: as
	 * sshd with its keys, refuse one that someone else could have changed.
	 */
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		close(fd);
		snprintf(why, sizeof(why), "writable by %s (mode %04o): refused; "
			 "'chmod go-w %s' keeps it to its owner",
			 (st.st_mode & S_IWOTH) ? "others" : "its group",
			 (unsigned int)(st.st_mode & 07777), path);
		return fail_open(p, path, from_line, why);
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		close(fd);
		snprintf(why, sizeof(why), "owned by uid %u, neither root nor "
			 "this user (uid %u): refused; 'chown root %s'",
			 (unsigned int)st.st_uid, (unsigned int)geteuid(), path);
		return fail_open(p, path, from_line, why);
	}
	if ((size_t)st.st_size > SGW_CONF_FILE_SIZE_MAX) {
		close(fd);
		snprintf(why, sizeof(why), "larger than %u bytes",
			 SGW_CONF_FILE_SIZE_MAX);
		return fail_open(p, path, from_line, why);
	}
	for (i = 0; i < p->depth; i++) {
		if (p->stack[i].dev == st.st_dev &&
		    p->stack[i].ino == st.st_ino) {
			char chain[768];
			size_t used = 0;
			unsigned int j;

			close(fd);
			for (j = i; j < p->depth; j++) {
				int w = snprintf(chain + used,
						 sizeof(chain) - used,
						 "%s -> ", p->stack[j].name);

				if (w > 0 && (size_t)w < sizeof(chain) - used)
					used += (size_t)w;
			}
			return fail_at(p, from_line, "include %s: include "
				       "cycle: %s%s", path, chain, path);
		}
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return oom(p, from_line);
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	p->file = add_file(p, path);
	if (!p->file) {
		free(buf);
		p->file = from;
		return oom(p, from_line);
	}
	p->n_files++;
	p->stack[p->depth].dev = st.st_dev;
	p->stack[p->depth].ino = st.st_ino;
	p->stack[p->depth].name = p->file;
	p->depth++;
	r = parse_named(p, path, buf, got);
	p->depth--;
	free(buf);
	return r;
}

static int parser_init(struct parser *p, struct sgw_conf *out,
		       struct sgw_conf_error *err, unsigned int flags)
{
	memset(p, 0, sizeof(*p));
	memset(err, 0, sizeof(*err));
	sgw_conf_init(out);
	p->conf = out;
	p->err = err;
	p->flags = flags;
	p->id_owner = calloc(65536, sizeof(*p->id_owner));
	return p->id_owner ? 0 : -1;
}

static int parser_done(struct parser *p, int r)
{
	free(p->id_owner);
	free(p->names);
	if (r < 0)
		sgw_conf_free(p->conf);
	return r;
}

int sgw_conf_load_all(const char *path, struct sgw_conf *out,
		      struct sgw_conf_problems *probs)
{
	struct sgw_conf_error err;
	struct parser p;

	memset(probs, 0, sizeof(*probs));
	if (parser_init(&p, out, &err, 0) < 0) {
		p.file = path;
		p.all = probs;
		oom(&p, 0);
		parser_done(&p, -1);
		sgw_conf_problems_free(probs);
		return -1;
	}
	p.all = probs;
	(void)parse_file(&p, path);
	if (p.fatal) {
		parser_done(&p, -1);
		sgw_conf_problems_free(probs);
		return -1;
	}
	parser_done(&p, 0);
	return (int)probs->errors;
}

int sgw_conf_load(const char *path, struct sgw_conf *out,
		  struct sgw_conf_error *err)
{
	struct parser p;

	if (parser_init(&p, out, err, 0) < 0) {
		p.file = path;
		return parser_done(&p, oom(&p, 0));
	}
	return parser_done(&p, parse_file(&p, path));
}

static int parse_buffer(const char *name, const char *buf, size_t len,
			unsigned int flags, struct sgw_conf *out,
			struct sgw_conf_error *err,
			struct sgw_conf_problems *all)
{
	struct parser p;

	if (parser_init(&p, out, err, flags) < 0) {
		p.file = name;
		return parser_done(&p, oom(&p, 0));
	}
	p.all = all;
	p.file = add_file(&p, name);
	if (!p.file) {
		p.file = name;
		return parser_done(&p, oom(&p, 0));
	}
	if (len > SGW_CONF_FILE_SIZE_MAX) {
		fail_at(&p, 0, "larger than %u bytes", SGW_CONF_FILE_SIZE_MAX);
		return parser_done(&p, all && !p.fatal ? 0 : -1);
	}
	p.n_files = 1;
	p.depth = 1;
	p.stack[0].name = p.file;
	p.stack[0].dev = (dev_t)-1;
	p.stack[0].ino = (ino_t)-1;
	if (parse_named(&p, name, buf, len) < 0 && !keep_going(&p))
		return parser_done(&p, -1);
	return parser_done(&p, p.fatal ? -1 : 0);
}

int sgw_conf_parse_buffer(const char *name, const char *buf, size_t len,
			  unsigned int flags, struct sgw_conf *out,
			  struct sgw_conf_error *err)
{
	return parse_buffer(name, buf, len, flags, out, err, NULL);
}

int sgw_conf_parse_buffer_all(const char *name, const char *buf, size_t len,
			      unsigned int flags, struct sgw_conf *out,
			      struct sgw_conf_problems *probs)
{
	struct sgw_conf_error err;

	memset(probs, 0, sizeof(*probs));
	if (parse_buffer(name, buf, len, flags, out, &err, probs) < 0) {
		sgw_conf_problems_free(probs);
		return -1;
	}
	return (int)probs->errors;
}
