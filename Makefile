# SPDX-License-Identifier: GPL-2.0
# sgw: build the module and sgwctl, run the tests and the demo.
#
#   make                 module (sgw.ko) and sgwctl
#   make check           static checks, unit tests, VM selftests
#   make demo            a two-site IKEv2 demo inside a VM (PEER=strongswan:
#                        charon on the second gateway)
#   make bench           veth, xfrm ESP, sgw and WireGuard, equal features, interleaved
#                        in a VM (BENCH_ROUNDS, BENCH_TIME, ...: scripts/bench.sh)
#   make install         module to /lib/modules/<ver>/extra, sgwctl, its man
#                        pages, systemd units, bash completion and example
#                        configuration to PREFIX (DESTDIR honoured)
#   make dkms-install    register this checkout's module with DKMS and build
#                        it for DKMS_KVERS (default: KDIR's kernel)
#   make deb             sgw-dkms and sgwctl .debs into dist/, lintian-checked
#   make compat-check    build the module against every installed Debian 6.1
#                        headers flavour (amd64, cloud-amd64, rt-amd64), W=1
#
# KDIR picks the kernel to build against: the running kernel's build dir
# when it has one, otherwise the newest installed Debian generic *-amd64
# headers (not cloud-amd64 or rt-amd64).

PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
DOCDIR ?= $(PREFIX)/share/doc/sgw

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
# The release the headers were built for ("6.1.0-57-amd64"); Debian's
# headers answer "make kernelrelease" with the upstream "6.1.192".
KVER = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
VERSION := $(shell cat VERSION)

DEPS_STAMP := .build/deps.stamp

.PHONY: all module sgwctl install uninstall check lint unit vmtest demo bench deps clean

all: module sgwctl

module:
	@test -n "$(KDIR)" || { echo "No kernel headers found: install linux-headers-amd64 or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

sgwctl:
	$(MAKE) -C userspace

# ---- install, uninstall ----------------------------------------------------
# The module goes to /lib/modules/KVER/extra; depmod runs only without
# DESTDIR (a staging tree must not touch the host's module index). The
# userspace part is what the sgwctl package ships. uninstall removes exactly
# these files; with DESTDIR also the directories install created there.

MODDIR = /lib/modules/$(KVER)/extra
MANPAGES := $(wildcard Documentation/man/*.[1-9])
UNITS := packaging/systemd/sgw.service packaging/systemd/sgw@.service
# The operator's documents beside the examples.
USER_DOCS := Documentation/quickstart.md Documentation/strongswan.md
USERSPACE_FILES = $(SBINDIR)/sgwctl \
	$(foreach m,$(MANPAGES),$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m))) \
	$(addprefix $(UNITDIR)/,$(notdir $(UNITS))) \
	$(COMPLETIONDIR)/sgwctl $(DOCDIR)/examples/sgw.conf \
	$(addprefix $(DOCDIR)/examples/,sgw-metrics.service sgw-metrics.timer) \
	$(DOCDIR)/examples/sgw.nft $(DOCDIR)/examples/strongswan.nft \
	$(addprefix $(DOCDIR)/,$(notdir $(USER_DOCS)))

# prune DIRS: removes each of DIRS (under DESTDIR) that is empty, and its
# empty parents up to DESTDIR; nothing without DESTDIR.
prune = $(if $(DESTDIR),for d in $(1); do d="$(DESTDIR)$$d"; \
	while [ "$$d" != "$(patsubst %/,%,$(DESTDIR))" ] && \
		{ [ ! -e "$$d" ] || rmdir "$$d" 2>/dev/null; }; do \
		d=$${d%/*}; done; done)

.PHONY: install-module install-sgwctl uninstall-module uninstall-sgwctl

install: install-module install-sgwctl

uninstall: uninstall-module uninstall-sgwctl

install-module: module
	@test -n "$(KVER)" || { echo "cannot tell the kernel release of KDIR=$(KDIR)" >&2; exit 1; }
	install -D -m 0644 sgw.ko $(DESTDIR)$(MODDIR)/sgw.ko
	$(if $(DESTDIR),,depmod -a $(KVER))

install-sgwctl: sgwctl
	install -D -m 0755 userspace/sgwctl $(DESTDIR)$(SBINDIR)/sgwctl
	$(foreach m,$(MANPAGES),install -D -m 0644 $(m) \
		$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m));)
	$(foreach u,$(UNITS),install -d $(DESTDIR)$(UNITDIR) && \
		sed 's|/usr/sbin/sgwctl|$(SBINDIR)/sgwctl|g' $(u) > $(DESTDIR)$(UNITDIR)/$(notdir $(u)) && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$(notdir $(u));)
	install -D -m 0644 packaging/bash-completion/sgwctl $(DESTDIR)$(COMPLETIONDIR)/sgwctl
	install -D -m 0644 packaging/sgw.conf.example $(DESTDIR)$(DOCDIR)/examples/sgw.conf
	install -m 0644 packaging/sgw-metrics.service packaging/sgw-metrics.timer \
		packaging/sgw.nft packaging/strongswan.nft $(DESTDIR)$(DOCDIR)/examples/
	install -m 0644 $(USER_DOCS) $(DESTDIR)$(DOCDIR)/

uninstall-module:
	@test -n "$(KVER)" || { echo "cannot tell the kernel release of KDIR=$(KDIR)" >&2; exit 1; }
	rm -f $(DESTDIR)$(MODDIR)/sgw.ko
	$(if $(DESTDIR),,depmod -a $(KVER))
	@$(call prune,$(MODDIR))

uninstall-sgwctl:
	rm -f $(addprefix $(DESTDIR),$(USERSPACE_FILES))
	rmdir $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) 2>/dev/null || true
	@$(call prune,$(patsubst %/,%,$(sort $(dir $(USERSPACE_FILES)))))

# ---- DKMS, Debian packages, kernel compatibility ----------------------------
# The module's source as DKMS takes it: /usr/src/sgw-VERSION with dkms.conf
# (its version placeholder filled in from VERSION). The sgw-dkms package
# installs the same files (dh_dkms adds dkms.conf).

DKMS_SRC = /usr/src/sgw-$(VERSION)
MODULE_SOURCES = Kbuild VERSION $(sort $(wildcard kmod/*.[ch] uapi/linux/*.h))
DKMS_KVERS ?= $(KVER)

.PHONY: install-dkms-source dkms-install dkms-remove deb compat-check

install-dkms-source:
	$(foreach f,$(MODULE_SOURCES),install -D -m 0644 $(f) $(DESTDIR)$(DKMS_SRC)/$(f);)

# Registers this checkout's module with DKMS (replacing an earlier
# registration of the same version) and builds and installs it for each
# kernel of DKMS_KVERS; DKMS rebuilds it when new headers are installed.
dkms-install: dkms-remove
	@test -n "$(DKMS_KVERS)" || { echo "no kernel headers: install linux-headers-amd64 or set DKMS_KVERS=" >&2; exit 1; }
	$(MAKE) --no-print-directory install-dkms-source DESTDIR=
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf > $(DKMS_SRC)/dkms.conf
	dkms add -m sgw -v $(VERSION)
	$(foreach k,$(DKMS_KVERS),dkms install -m sgw -v $(VERSION) -k $(k) &&) true

dkms-remove:
	if [ -n "$$(dkms status -m sgw -v $(VERSION) 2>/dev/null)" ]; then \
		dkms remove -m sgw -v $(VERSION) --all; fi
	rm -rf $(DKMS_SRC)

# sgw-dkms and sgwctl with dpkg-buildpackage from a copy of this tree,
# into dist/, then lintian (which fails the target on a warning or error).
deb:
	packaging/build-deb.sh dist

# The module against every installed Debian 6.1 headers flavour, W=1,
# no warning allowed.
compat-check:
	scripts/tests/compat-check.sh

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

# PEER=strongswan runs charon on the second gateway (vm-run.sh passes SGW_*).
PEER ?= sgw
demo: deps all
	SGW_DEMO_PEER=$(PEER) scripts/vm-run.sh -- scripts/demo.sh

# Timing only: the run fails when a setup breaks, never on a figure.
# BENCH_ROUNDS, BENCH_TIME, BENCH_MODES, ... select the matrix (bench.sh).
bench: all
	scripts/bench.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	rm -rf .build

print-kdir:
	@echo $(KDIR)
