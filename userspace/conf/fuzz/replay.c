// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the fuzz target over files named on the command line, without
 * libFuzzer: "make check" replays the committed corpus with any compiler.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *buf;
		long len;

		if (!f || fseek(f, 0, SEEK_END) < 0 || (len = ftell(f)) < 0 ||
		    fseek(f, 0, SEEK_SET) < 0) {
			perror(argv[i]);
			return 1;
		}
		buf = malloc((size_t)len + 1);
		if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
			perror(argv[i]);
			return 1;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(buf, (size_t)len);
		free(buf);
	}
	printf("replayed %d inputs\n", argc - 1);
	return 0;
}
