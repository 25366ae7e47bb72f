# SPDX-License-Identifier: GPL-2.0
#
# Top-level Makefile.  Every real target runs inside the Debian sid image
# (scripts/sid-image.sh): on the host, make re-runs itself there, except
# image, clean, install and uninstall, which run where they are called.
#
#   make demo     boot the kernel under virtme-ng and mount a share
#   make demo-trust  the same across a trust between two local KDCs, with
#                 no password (localkdc-helper)
#   make check    every test; ends with "N passed, N failed"
#   make          cifs.ko (with the patch series) and the userspace parts
#   make module   only cifs.ko
#   make unit     unit tests of the userspace parts
#   make fuzz     bounded fuzzing runs (FUZZ_SECONDS per target)
#   make ktest    the VM scenarios (KTEST_FILTER=glob to pick some)
#   make bench    mount timings, legs, concurrency and a re-authentication
#                 storm in one VM boot (tests/bench; BENCH_REPS=1: smoke)
#   make soak-hostile  scenario 46 (randomised hostile server) for
#                 KTEST_CHAOS_SECS seconds (default 3600; KTEST_CHAOS_SEED
#                 to repeat a run)
#   make checkpatch  checkpatch.pl --strict on the kernel patch series
#   make interop SERVER=//host/share USER=name PASSFILE=file [REALM=R]
#                 [ADDR=ip]  the IAKerb checks against one external server
#                 from the VM, and a report for a bug (README: "Testing
#                 against a real server"); not part of make check
#   make interop-selftest  make interop against smbsrv and Samba run on
#                 this machine (two VM boots, 5-8 min)
#   make check-debug  KUnit and the IAKerb scenarios on a debug kernel
#                 (KASAN, kmemleak, lockdep) built once beside the image
#   make patches  git format-patch the series from build/series-git
#                 (scripts/series.sh init makes that tree from the series)
#   make install  copy the built helper, the man pages and our request-key.d
#                 file (INSTALL_FILES) under DESTDIR; PREFIX=/usr/local by
#                 default.  Builds nothing (run make first) and runs where it
#                 is called: on the host it installs on the host.
#   make uninstall  remove exactly those files again
#   make dkms-install  the module's DKMS source tree in /usr/src, then dkms
#                 builds and installs it for KVER (default: running kernel)
#   make dkms-uninstall  dkms remove, and the tree goes
#
# Userspace parts are subdirectories with a Makefile providing all, check
# (unit tests, PASS/FAIL lines), fuzz and clean; see USERSPACE_DIRS.

USERSPACE_DIRS := keyutils-glue cifs-upcall-iakerb localkdc-helper tests/ktest tests/kernel-pure \
	man tests/install

# make install (scripts/install.sh): MODE:SOURCE:DESTINATION, the
# destination without DESTDIR.  A source ending in .in gets @PREFIX@,
# @SBINDIR@, @MANDIR@ and @UNITDIR@ replaced.  The request-key.d file never
# replaces cifs-utils' cifs.spnego.conf: see its own comments.
PREFIX		?= /usr/local
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
UNITDIR		?= $(PREFIX)/lib/systemd/system
REQUEST_KEY_DIR	?= /etc/request-key.d
INSTALL_FILES := \
	0755:cifs-upcall-iakerb/build/cifs-upcall-iakerb:$(SBINDIR)/cifs-upcall-iakerb \
	0644:man/cifs-upcall-iakerb.8:$(MANDIR)/man8/cifs-upcall-iakerb.8 \
	0644:man/cifs-iakerb.7:$(MANDIR)/man7/cifs-iakerb.7 \
	0644:keyutils-glue/request-key.d/cifs-iakerb.conf.in:$(REQUEST_KEY_DIR)/cifs-iakerb.conf
# localkdc-helper: the tool, its man page and its systemd units (the
# units name Debian's /usr/sbin/krb5kdc and the tool's default state
# directory, /var/lib/localkdc, so they need no substitution)
INSTALL_FILES += \
	0755:localkdc-helper/build/localkdc:$(SBINDIR)/localkdc \
	0644:localkdc-helper/localkdc.8:$(MANDIR)/man8/localkdc.8 \
	0644:localkdc-helper/units/localkdc.socket:$(UNITDIR)/localkdc.socket \
	0644:localkdc-helper/units/localkdc.service:$(UNITDIR)/localkdc.service
INSTALL_ENV = DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)' SBINDIR='$(SBINDIR)' \
	MANDIR='$(MANDIR)' UNITDIR='$(UNITDIR)'

.DEFAULT_GOAL := all

# Here, in the image or not.
install:
	@$(INSTALL_ENV) scripts/install.sh install $(INSTALL_FILES)

uninstall:
	@$(INSTALL_ENV) scripts/install.sh uninstall $(INSTALL_FILES)

# The patched cifs.ko through DKMS (scripts/dkms.sh, dkms/README.md), for
# KVER (default: the running kernel); here too, never in the image.
dkms-install:
	@DESTDIR='$(DESTDIR)' KVER='$(KVER)' scripts/dkms.sh install

dkms-uninstall:
	@DESTDIR='$(DESTDIR)' KVER='$(KVER)' scripts/dkms.sh uninstall

.PHONY: install uninstall dkms-install dkms-uninstall

ifeq ($(IAKERB_IN_IMAGE),)

# which source a make interop report is about (the image may not see .git)
export IAKERB_SOURCE := $(shell git describe --always --dirty 2>/dev/null)

image:
	@scripts/sid-image.sh >/dev/null
	@scripts/sid-image.sh --versions

# Builds the debug kernel through the image, boots it: from the host.
check-debug:
	@scripts/check-debug.sh

clean:
	rm -rf build
	for d in $(USERSPACE_DIRS); do $(MAKE) -s -C $$d clean 2>/dev/null || true; done

# The password file is a path here: the wrapper copies it for the guest
# and enters the image itself.
interop:
	@scripts/in-image.sh $(MAKE) --no-print-directory all
	@IAKERB_INTEROP_ADDR='$(ADDR)' scripts/interop.sh '$(SERVER)' '$(USER)' '$(PASSFILE)' $(REALM)

# Everything else happens in the image.
%:
	@scripts/in-image.sh $(MAKE) --no-print-directory $@

.PHONY: image clean check-debug interop

else # inside the image

export FUZZ_SECONDS ?= 20

all: module userspace

module:
	@scripts/build-module.sh

userspace:
	@set -e; for d in $(USERSPACE_DIRS); do \
		$(MAKE) --no-print-directory -C $$d all; done

unit: userspace
	@rc=0; for d in $(USERSPACE_DIRS); do \
		$(MAKE) --no-print-directory -C $$d check || rc=1; done; exit $$rc

fuzz: userspace
	@rc=0; for d in $(USERSPACE_DIRS); do \
		$(MAKE) --no-print-directory -C $$d fuzz || rc=1; done; exit $$rc

ktest: all
	@tests/ktest/run.sh

bench: all
	@tests/bench/run.sh

soak-hostile: all
	@s=$${KTEST_CHAOS_SECS:-3600}; \
	KTEST_FILTER='46-*' KTEST_TIMEOUT=$$((s + 300)) \
	KTEST_VM_TIMEOUT=$$((s + 900)) \
	KTEST_GUEST_ENV="KTEST_CHAOS_N=$${KTEST_CHAOS_N:-100000000} KTEST_CHAOS_SECS=$$s$${KTEST_CHAOS_SEED:+ KTEST_CHAOS_SEED=$$KTEST_CHAOS_SEED}" \
	tests/ktest/run.sh

interop: all
	@IAKERB_INTEROP_ADDR='$(ADDR)' scripts/interop.sh '$(SERVER)' '$(USER)' '$(PASSFILE)' $(REALM)

interop-selftest: all
	@tests/ktest/interop/selftest.sh

check:
	@scripts/check.sh

demo:
	@scripts/demo.sh

demo-trust:
	@scripts/demo.sh trust

patches:
	@scripts/series.sh export

checkpatch: module
	@scripts/checkpatch.sh

.PHONY: all module userspace unit fuzz ktest bench soak-hostile interop interop-selftest check demo demo-trust checkpatch patches

endif
