# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What the two demos (demo.sh, demo-trust.sh) print with: a command and
# its output, a sentence, the mount that the demo is about.  Source after
# iakerb-lib.sh.

# step CMD...: the command as typed, then its output, indented
step() { echo "  demo: \$ $*"; "$@" 2>&1 | sed 's/^/  demo:   /'; return "${PIPESTATUS[0]}"; }
say() { echo "  demo: $*"; }

# demo_mount NAME OPTIONS: mount the share with OPTIONS (and $opts), or
# end the demo with the kernel's cifs lines
demo_mount() {
	if step mount -t cifs "//$SRV_NAME/share" "$mnt" -o "$2,$opts"; then
		pass "$1"
	else
		fail "$1" "mount -t cifs failed"
		dmesg | grep -i cifs | tail -n 10
		exit 1
	fi
}

# demo_legs: the legs of the last mount as the kernel traced them
demo_legs() { grep smb3_krb5_leg "$trace" | sed 's/.*smb3_krb5_leg: /  demo:   /'; }
