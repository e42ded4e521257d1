# SPDX-License-Identifier: GPL-2.0
# sgw: build the module and sgwctl, run the tests and the demo.
#
#   make                 module (sgw.ko) and sgwctl
#   make check           static checks, unit tests, VM selftests
#   make demo            a two-site demo inside a VM
#   make install         module to /lib/modules/<ver>/extra, sgwctl to PREFIX
#
# KDIR picks the kernel to build against: the running kernel's build dir
# when it has one, otherwise the newest installed Debian generic *-amd64
# headers (not cloud-amd64 or rt-amd64).

PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man

ifeq ($(origin KDIR),undefined)
  ifneq ($(wildcard /lib/modules/$(shell uname -r)/build/Makefile),)
    KDIR := /lib/modules/$(shell uname -r)/build
  else
    # The generic flavour the VM boots: not the cloud or rt headers that
    # make compat-check also builds against.
    KDIR := $(shell ls -d /lib/modules/*-amd64/build 2>/dev/null | \
	grep -Ev -- '-(cloud|rt)-amd64/' | sort -V | tail -n 1)
  endif
endif
KVER = $(shell $(MAKE) -s -C $(KDIR) kernelrelease 2>/dev/null)
VERSION := $(shell cat VERSION)

DEPS_STAMP := .build/deps.stamp

.PHONY: all module sgwctl install uninstall check lint unit vmtest demo deps clean

all: module sgwctl

module:
	@test -n "$(KDIR)" || { echo "No kernel headers found: install linux-headers-amd64 or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

sgwctl:
	$(MAKE) -C userspace

install: all
	install -D -m 0644 sgw.ko $(DESTDIR)/lib/modules/$(KVER)/extra/sgw.ko
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)
	$(MAKE) -C userspace install DESTDIR=$(DESTDIR) SBINDIR=$(SBINDIR) MANDIR=$(MANDIR)

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KVER)/extra/sgw.ko
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)
	$(MAKE) -C userspace uninstall DESTDIR=$(DESTDIR) SBINDIR=$(SBINDIR) MANDIR=$(MANDIR)

# Installs every Debian package the build, tests, VM and demo need.
deps:
	@scripts/install-deps.sh

check: deps
	@scripts/check.sh

lint: deps all
	@scripts/lint.sh

unit:
	$(MAKE) -C userspace check

vmtest: all
	scripts/vm-run.sh -- selftests/sgw/run.sh

demo: deps all
	scripts/vm-run.sh -- scripts/demo.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	rm -rf .build

print-kdir:
	@echo $(KDIR)
