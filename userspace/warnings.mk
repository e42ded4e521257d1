# SPDX-License-Identifier: GPL-2.0
# The one warning set of every userspace Makefile: sgwctl (cli/, daemon/,
# lib/), ike/ and conf/, their tests and tools.
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wvla
