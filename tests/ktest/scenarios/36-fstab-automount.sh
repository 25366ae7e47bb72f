#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktest-init: systemd
# ktest-timeout: 600
#
# An IAKerb share from /etc/fstab, as man/cifs-iakerb.7 (EXAMPLES,
# /etc/fstab) tells a user to write it, under a real systemd PID 1 (run.sh
# boots this scenario alone with vng --systemd): the credentials file
# made as documented (root, 0600, username=/password=/domain=), the fstab
# line with credentials=, _netdev, x-systemd.automount and
# x-systemd.idle-timeout=, then "systemctl daemon-reload" and "systemctl
# start remote-fs.target".  systemd-fstab-generator makes the .mount and
# .automount units; nothing mounts and no upcall runs until the first
# access, which mounts the share through IAKerb (the client has no KDC:
# smbsrv's topology).  The password shows nowhere (/proc/mounts, the
# unit's Options=, the journal, the kernel log).  A wrong password fails
# the first access with the mount unit failed and the cause in the
# journal, and leaves nothing mounted; corrected, it mounts.  The idle
# timeout and "systemctl stop" unmount, and no helper, agent or cifs key
# is left.  Everything is undone at the end.
#
# One departure from the documented line, for the VM only: the guest's
# root is read-only, so /srv gets a tmpfs for systemd to make /srv/share
# in, and the idle timeout is 20 s instead of 10 min.
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

where=/srv/share
unit=srv-share				# systemd-escape -p /srv/share
cred=/etc/cifs-alice.cred
idle=20
good_pw=alicepw				# up.sh's password for alice
bad_pw=Wr0ng-pw-36
fstab_saved=$KTEST_WORK/fstab.orig
gen=/run/systemd/generator

cleanup() {
	systemctl stop "$unit.automount" "$unit.mount" >/dev/null 2>&1
	if [ -f "$fstab_saved" ]; then
		cat "$fstab_saved" >/etc/fstab
		systemctl daemon-reload
	fi
	systemctl reset-failed "$unit.mount" "$unit.automount" 2>/dev/null
	rm -f "$cred"
	mountpoint -q /srv && umount /srv
	iakerb_cleanup
}
trap cleanup EXIT

journal_since() {
	journalctl --sync 2>/dev/null
	journalctl -b -q --no-pager --after-cursor="$1" "${@:2}"
}
journal_cursor() {
	journalctl --sync 2>/dev/null
	journalctl -b -q -n 0 --show-cursor | sed -n 's/^-- cursor: //p'
}
pid1_systemd() {
	[ "$(cat /proc/1/comm)" = systemd ] && [ -d /run/systemd/system ]
}
if pid1_systemd; then pass pid1-is-systemd; else
	fail pid1-is-systemd "PID 1 is $(cat /proc/1/comm)"; exit 1; fi

# where this scenario's journal and kernel log begin (a boot may run
# other scenarios before it)
cur_start=$(journal_cursor)
dmesg_start=$(dmesg_mark)

# not through check: it runs its command in a subshell
if iakerb_up; then pass up; else fail up "topology or smbsrv"; exit 1; fi
"$topo/srvexec.sh" "$w" sh -c "echo 'hello from the server' >'$SRV_DIR/shares/share/hello.txt'"

# The guest's / is read-only: a tmpfs on /srv (the docs' mount point's
# parent) for systemd to create /srv/share in.
mount -t tmpfs -o mode=0755 tmpfs /srv

cifs_mounted() { awk -v w="$where" '$2 == w && $3 == "cifs"' /proc/mounts; }
not_mounted() {
	local l
	l=$(cifs_mounted)
	[ -z "$l" ] || { echo "mounted: $l"; return 1; }
}
# the ids of the cifs key types' keys in /proc/keys, in any state (an
# upcall leaves its keys listed, invalidated, for minutes; a scenario
# before this one in the same boot may have left some)
cifs_key_ids() { awk '$8 == "cifs.spne" || $8 == "cifs.iake" { print $1 }' /proc/keys; }
no_pw_in() { ! grep -aqF -e "$good_pw" -e "$bad_pw"; }
legs_traced() { grep -c 'smb3_krb5_leg: ' "$trace"; }

# --- the credentials file, the documented way --------------------------
# man/cifs-iakerb.7: made empty with mode 0600 first, then filled
make_cred() {
	rm -f "$cred"
	install -m 0600 -o root -g root /dev/null "$cred" &&
		printf 'username=alice\npassword=%s\ndomain=%s\n' "$1" "$REALM" >>"$cred"
}
check cred-file-created make_cred "$good_pw"
cred_perms() {
	local s
	s=$(stat -c '%U:%G %a %F' "$cred")
	[ "$s" = "root:root 600 regular file" ] || { echo "stat: $s"; return 1; }
}
check cred-file-root-0600 cred_perms
# mount.cifs reads "key=value" lines, the value to the end of the line
cred_content() {
	grep -qx 'username=alice' "$cred" &&
		grep -qx "password=$good_pw" "$cred" &&
		grep -qx "domain=$REALM" "$cred" &&
		[ "$(wc -l <"$cred")" = 3 ] && ! grep -q $'\r' "$cred"
}
check cred-file-content cred_content

# --- the fstab line, as documented --------------------------------------
cp /etc/fstab "$fstab_saved"
line="//$SRV_NAME/share  $where  cifs  sec=iakerb,credentials=$cred,_netdev,x-systemd.automount,x-systemd.idle-timeout=${idle}s  0  0"
echo "$line" >>/etc/fstab
info "fstab: $line"
check daemon-reload systemctl daemon-reload
generated() {
	local u
	for u in "$unit.mount" "$unit.automount"; do
		[ -f "$gen/$u" ] || { echo "no $gen/$u"; return 1; }
		[ "$(systemctl show -P SourcePath "$u")" = /etc/fstab ] ||
			{ echo "$u: SourcePath $(systemctl show -P SourcePath "$u")"; return 1; }
	done
	# _netdev + automount: remote-fs.target pulls the automount in
	[ -L "$gen/remote-fs.target.requires/$unit.automount" ] ||
		[ -L "$gen/remote-fs.target.wants/$unit.automount" ] ||
		{ echo "remote-fs.target does not pull $unit.automount"; ls -R "$gen"; return 1; }
}
check generator-made-units generated
info "mount unit: $(systemctl show -p What -p Where -p Options -p Type "$unit.mount" | tr '\n' ' ')"
info "automount: $(systemctl show -p TimeoutIdleUSec "$unit.automount" | tr '\n' ' ')"
# what systemctl show prints of the configured unit: the file's name only
unit_opts() {
	local o
	o=$(systemctl show -P Options "$unit.mount")
	echo "$o" | grep -q "credentials=$cred" && echo "$o" | no_pw_in ||
		{ echo "Options=$o"; return 1; }
}
check password-not-in-unit-options unit_opts

# --- started, nothing mounted and no upcall yet -------------------------
echo >"$trace"
cur0=$(journal_cursor)
keys0=$(cifs_key_ids)
check start-remote-fs systemctl start remote-fs.target
check automount-active sh -c "systemctl -q is-active '$unit.automount' &&
	awk '\$2 == \"$where\" && \$3 == \"autofs\"' /proc/mounts | grep -q ."
sleep 2
check not-mounted-before-access not_mounted
no_upcall() {
	local k p
	k=$(cifs_key_ids | grep -vxF "${keys0:-none}")
	p=$(ktest_helper_procs)
	[ -z "$k$p" ] && [ "$(legs_traced)" = 0 ] &&
		! journal_since "$cur0" -t cifs-upcall-iakerb | grep -q . &&
		return 0
	echo "keys: $k; procs: $p; legs: $(legs_traced)"
	return 1
}
check no-upcall-before-access no_upcall
check mount-unit-inactive sh -c "! systemctl -q is-active '$unit.mount'"

# --- the first access mounts it, through IAKerb -------------------------
first_access() {
	local got
	got=$(timeout -k 5 150 cat "$where/hello.txt") || return 1
	[ "$got" = 'hello from the server' ] || { echo "read: $got"; return 1; }
}
check first-access-reads-file first_access
info "mounted: $(cifs_mounted)"
check proc-mounts-cifs-iakerb sh -c "awk -v w='$where' '\$2 == w && \$3 == \"cifs\"' /proc/mounts | grep -q 'sec=iakerb'"
check mount-unit-active systemctl -q is-active "$unit.mount"
rt=$(grep -c 'smb3_krb5_leg: .*dir=recv' "$trace")
info "traced legs: $(grep -o 'leg=[0-9]* dir=[a-z]* len=[0-9]* status=0x[0-9a-f]*' "$trace" | tr '\n' ' ')"
iakerb_used() {
	grep -q 'Security type: IAKerb' /proc/fs/cifs/DebugData &&
		grep -q "Kerberos round trips: $rt" /proc/fs/cifs/DebugData &&
		[ "$rt" -ge 3 ]
}
check iakerb-session iakerb_used
# the helper's own lines (journalctl -t cifs-upcall-iakerb, as the man
# page says): the password's AS exchange went through the server
helper_legs() {
	local j
	j=$(journal_since "$cur0" -t cifs-upcall-iakerb)
	echo "$j" | grep -q "AS exchange goes through the SMB server (IAKerb)" &&
		echo "$j" | grep -q 'leg 1: NEGOTIATE (0 bytes) -> AS-REQ' ||
		{ echo "$j" | tail -n 3; return 1; }
}
check helper-journal-iakerb-legs helper_legs

# --- the password, nowhere ----------------------------------------------
check password-not-in-proc-mounts no_pw_in </proc/mounts
# the mounted unit's Options= (systemd reads them from mountinfo then)
opts_no_pw() {
	local o
	o=$(systemctl show -P Options "$unit.mount")
	[ -n "$o" ] || { echo "no Options="; return 1; }
	echo "$o" | no_pw_in || { echo "Options=$o"; return 1; }
}
info "mounted unit: Options=$(systemctl show -P Options "$unit.mount")"
check password-not-in-mounted-unit-options opts_no_pw

# --- the idle timeout unmounts ------------------------------------------
idle_unmounted() {
	for _ in $(seq $((idle * 4))); do
		[ -z "$(cifs_mounted)" ] && return 0
		sleep 1
	done
	not_mounted
}
t0=$(date +%s)
check idle-timeout-unmounts idle_unmounted
info "unmounted after $(($(date +%s) - t0)) s idle"
check automount-still-waiting systemctl -q is-active "$unit.automount"
check no-leftovers-after-idle ktest_leftovers

# --- a wrong password -----------------------------------------------------
make_cred "$bad_pw"
cur1=$(journal_cursor)
out=$(timeout -k 5 150 ls "$where" 2>&1)
rc=$?
info "wrong password: ls exit $rc: $out"
# systemd answers the access with ENODEV; the cause is in the unit's log
check wrong-pw-access-fails sh -c "[ $rc -ne 0 ] && [ $rc -ne 124 ] &&
	echo \"\$0\" | grep -q 'No such device'" "$out"
check wrong-pw-nothing-mounted not_mounted
check wrong-pw-mount-unit-failed sh -c "[ \"\$(systemctl show -P ActiveState '$unit.mount')\" = failed ] &&
	[ \"\$(systemctl show -P Result '$unit.mount')\" = exit-code ]"
st=$(systemctl status --no-pager -n 20 "$unit.mount" 2>&1)
info "status: $(echo "$st" | tr '\n' '|')"
check wrong-pw-status-shows-cause sh -c "echo \"\$0\" | grep -q 'Active: failed (Result: exit-code)' &&
	echo \"\$0\" | grep -q 'mount error(129): Key was rejected by service'" "$st"
# journal_has CURSOR REGEX [JOURNALCTL ARGS]: a line after CURSOR (journald
# may read the kernel's lines a moment later)
journal_has() {
	for _ in $(seq 10); do
		journal_since "$1" "${@:3}" | grep -Eq -- "$2" && return 0
		sleep 0.5
	done
	echo "no '$2' in the journal"
	return 1
}
check wrong-pw-journal-unit journal_has "$cur1" \
	'mount error\(129\): Key was rejected by service' -u "$unit.mount"
check wrong-pw-journal-kernel journal_has "$cur1" \
	'Kerberos upcall leg [0-9]+ failed: the KDC rejected the credentials \(wrong password\?\)' -k
info "journal: $(journal_since "$cur1" | grep -E 'mount error|upcall leg|cifs-upcall-iakerb|srv-share' | tr '\n' '|')"
check wrong-pw-no-leftovers ktest_leftovers

# --- corrected --------------------------------------------------------------
make_cred "$good_pw"
check corrected-access-reads-file first_access
check corrected-iakerb-session sh -c "awk -v w='$where' '\$2 == w && \$3 == \"cifs\"' /proc/mounts | grep -q 'sec=iakerb' &&
	grep -q 'Security type: IAKerb' /proc/fs/cifs/DebugData"
check password-not-in-proc-mounts-2 no_pw_in </proc/mounts
stop_unmounts() {
	systemctl stop "$unit.mount" && not_mounted
}
check stop-unmounts stop_unmounts
check no-leftovers-after-stop ktest_leftovers

# --- the password, not in the logs --------------------------------------
# every field of every entry since the start (-o export), and the kernel
# log since the start
journal_no_pw() { journal_since "$cur_start" -o export | no_pw_in; }
check password-not-in-journal journal_no_pw
dmesg_no_pw() { dmesg | tail -n "+$((dmesg_start + 1))" | no_pw_in; }
check password-not-in-dmesg dmesg_no_pw

# --- leave the VM as found -----------------------------------------------
undo() {
	systemctl stop "$unit.automount" &&
		cat "$fstab_saved" >/etc/fstab && rm -f "$fstab_saved" &&
		systemctl daemon-reload &&
		[ ! -e "$gen/$unit.automount" ] && [ ! -e "$gen/$unit.mount" ] &&
		[ "$(systemctl show -P LoadState "$unit.automount")" = not-found ] &&
		! awk -v w="$where" '$2 == w' /proc/mounts | grep -q . &&
		rm -f "$cred"
}
check fstab-line-removed undo
[ -z "${KTEST_FAILED:-}" ]
