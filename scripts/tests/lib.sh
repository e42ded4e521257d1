# SPDX-License-Identifier: GPL-2.0
# Sourced by the host script tests: the checkout, a scratch directory that
# goes away, and ok/bad lines that set the exit status.

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0

ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; rc=1; }
