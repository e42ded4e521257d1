// SPDX-License-Identifier: GPL-2.0
/* The findings of "sgwctl check"; see finding.h. */

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "json.h"

int finding_add(struct findings *f, enum finding_sev sev, const char *tunnel,
		const char *code, const char *fix, const char *fmt, ...)
{
	struct finding *v = realloc(f->v, (f->n + 1) * sizeof(*v)), *x;
	va_list ap;

	if (!v)
		return -1;
	f->v = v;
	x = &v[f->n++];
	memset(x, 0, sizeof(*x));
	x->sev = sev;
	snprintf(x->tunnel, sizeof(x->tunnel), "%s", tunnel ? tunnel : "-");
	snprintf(x->code, sizeof(x->code), "%s", code);
	snprintf(x->fix, sizeof(x->fix), "%s", fix ? fix : "");
	va_start(ap, fmt);
	vsnprintf(x->text, sizeof(x->text), fmt, ap);
	va_end(ap);
	if (sev == FINDING_ERROR)
		f->errors++;
	else if (sev == FINDING_WARNING)
		f->warnings++;
	else
		f->notes++;
	return 0;
}

void findings_free(struct findings *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}

const char *finding_sev_name(enum finding_sev s)
{
	return s == FINDING_ERROR ? "error" :
	       s == FINDING_WARNING ? "warning" : "note";
}

void findings_sort(struct findings *f)
{
	size_t i, k;

	/* Insertion sort: stable, and the lists are short. */
	for (i = 1; i < f->n; i++) {
		struct finding x = f->v[i];

		for (k = i; k > 0 && f->v[k - 1].sev > x.sev; k--)
			f->v[k] = f->v[k - 1];
		f->v[k] = x;
	}
}

void finding_print(FILE *out, const struct finding *x)
{
	fprintf(out, "%s: %s: %s%s%s\n", finding_sev_name(x->sev), x->tunnel,
		x->text, x->fix[0] ? "; fix: " : "", x->fix);
}

void findings_json(FILE *out, const struct findings *f)
{
	struct json j;
	size_t i;

	json_init(&j, out);
	json_array_open(&j, NULL);
	for (i = 0; i < f->n; i++) {
		const struct finding *x = &f->v[i];

		json_object_open(&j, NULL);
		json_string(&j, "severity", finding_sev_name(x->sev));
		if (strcmp(x->tunnel, "-"))
			json_string(&j, "tunnel", x->tunnel);
		else
			json_null(&j, "tunnel");
		json_string(&j, "code", x->code);
		json_string(&j, "text", x->text);
		if (x->fix[0])
			json_string(&j, "fix", x->fix);
		else
			json_null(&j, "fix");
		json_object_close(&j);
	}
	json_array_close(&j);
	json_end(&j);
}
