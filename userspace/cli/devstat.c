// SPDX-License-Identifier: GPL-2.0
/* A network device's own counters, as sysfs gives them. */
#include <stdio.h>

#include "devstat.h"

uint64_t devstat_counter(const char *ifname, const char *name)
{
	char path[128];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s",
		 ifname, name);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}
