# SPDX-License-Identifier: GPL-2.0
#
# Top-level Makefile.  Every real target runs inside the Debian sid image
# (scripts/sid-image.sh): on the host, make re-runs itself there.
#
#   make demo     boot the kernel under virtme-ng and mount a share
#   make check    every test; ends with "N passed, N failed"
#   make          cifs.ko (with the patch series) and the userspace parts
#   make module   only cifs.ko
#   make unit     unit tests of the userspace parts
#   make fuzz     bounded fuzzing runs (FUZZ_SECONDS per target)
#   make ktest    the VM scenarios (KTEST_FILTER=glob to pick some)
#   make checkpatch  checkpatch.pl --strict on the kernel patch series
#   make patches  git format-patch the series from build/series-git
#                 (scripts/series.sh init makes that tree from the series)
#
# Userspace parts are subdirectories with a Makefile providing all, check
# (unit tests, PASS/FAIL lines), fuzz and clean; see USERSPACE_DIRS.

USERSPACE_DIRS := keyutils-glue cifs-upcall-iakerb localkdc-helper tests/ktest tests/kernel-pure

ifeq ($(IAKERB_IN_IMAGE),)

.DEFAULT_GOAL := all
image:
	@scripts/sid-image.sh >/dev/null
	@scripts/sid-image.sh --versions

clean:
	rm -rf build
	for d in $(USERSPACE_DIRS); do $(MAKE) -s -C $$d clean 2>/dev/null || true; done

# Everything else happens in the image.
%:
	@scripts/in-image.sh $(MAKE) --no-print-directory $@

.PHONY: image clean

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

check:
	@scripts/check.sh

demo:
	@scripts/demo.sh

patches:
	@scripts/series.sh export

checkpatch: module
	@scripts/checkpatch.sh

.PHONY: all module userspace unit fuzz ktest check demo checkpatch patches

endif
