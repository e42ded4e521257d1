#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Read a kernel log on stdin; print the lines that show a kernel warning,
# bug, oops, sanitizer or lockdep report, or a leak, and exit 1 if any.

grep -E 'WARNING:|BUG:|Oops|KASAN|UBSAN|lockdep|possible recursive locking|leak|Call Trace:' && exit 1
exit 0
