#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktest-init: systemd
# ktest-timeout: 300
#
# localkdc's systemd units under a real systemd PID 1 (run.sh boots this
# scenario alone with vng --systemd): installed as make install installs
# them, "localkdc setup" with the default paths, then
# "systemctl enable --now localkdc.socket".  systemd holds the socket and
# krb5kdc does not run until the first request; a request on the socket
# (ensure --no-start: nothing but the connection can start it) makes
# systemd start localkdc.service; status shows it; teardown and
# "systemctl disable --now" leave nothing behind.
. "$KTEST_SRC/tests/ktest/lib.sh"

lkdc=$KTEST_SRC/localkdc-helper/build/localkdc
[ -x "$lkdc" ] || { fail built "no $lkdc"; exit 1; }
udir=/etc/systemd/system
kdc_log=/var/lib/localkdc/kdc.log
# the units as the top-level Makefile's INSTALL_FILES name them
units=(0644:localkdc-helper/units/localkdc.socket:$udir/localkdc.socket
       0644:localkdc-helper/units/localkdc.service:$udir/localkdc.service)
inst() { UNITDIR=$udir "$KTEST_SRC/scripts/install.sh" "$1" "${units[@]}"; }

cleanup() {
	"$lkdc" teardown >/dev/null 2>&1
	systemctl disable --now localkdc.socket >/dev/null 2>&1
	systemctl stop localkdc.service >/dev/null 2>&1
	inst uninstall >/dev/null 2>&1
	systemctl daemon-reload
	systemctl reset-failed localkdc.socket localkdc.service 2>/dev/null
}
trap cleanup EXIT

pid1_systemd() {
	[ "$(cat /proc/1/comm)" = systemd ] && [ -d /run/systemd/system ]
}
if pid1_systemd; then pass pid1-is-systemd; else
	fail pid1-is-systemd "PID 1 is $(cat /proc/1/comm)"; exit 1; fi

# krb5kdc processes of the local realm (the image's krb5-kdc.service
# fails at boot: no realm of its own)
kdc_pids() { pgrep -x krb5kdc; }
kdc_down() {
	local st pids
	st=$(systemctl is-active localkdc.service)
	pids=$(kdc_pids | tr '\n' ' ')
	[ "$st" != active ] && [ -z "$pids" ] && return 0
	echo "localkdc.service $st, krb5kdc pids: ${pids:-none}"
	return 1
}
# every krb5kdc runs in localkdc.service's cgroup
kdc_in_unit() {
	local p n=0
	for p in $(kdc_pids); do
		grep -q '/localkdc\.service$' "/proc/$p/cgroup" || return 1
		n=$((n + 1))
	done
	[ "$n" = 1 ]
}

ktest_ensure_user alice
"$lkdc" teardown >/dev/null 2>&1
install_units() {
	inst install && systemctl daemon-reload &&
		systemctl cat localkdc.socket localkdc.service >/dev/null
}
check units-installed install_units
check setup sh -c "echo alice-pw | '$lkdc' setup --user alice"
realm=$("$lkdc" status --json | sed -n 's/.*"realm": *"\([^"]*\)".*/\1/p')
info "realm $realm; after setup: socket $(systemctl is-active localkdc.socket)," \
	"service $(systemctl is-active localkdc.service)"
# "start" without --now holds the socket only (localkdc(8)); setup too
check setup-leaves-kdc-idle kdc_down

enabled() { [ "$(systemctl is-enabled "$1" 2>&1)" = enabled ]; }
enable_socket() {
	systemctl enable --now localkdc.socket && enabled localkdc.socket &&
		[ -L $udir/sockets.target.wants/localkdc.socket ]
}
check enable-socket enable_socket
check socket-held-by-systemd sh -c 'systemctl -q is-active localkdc.socket &&
	[ -S /run/localkdc/kdc.sock ] &&
	[ "$(stat -c %a /run/localkdc/kdc.sock)" = 666 ]'
sleep 1
check kdc-idle-before-request kdc_down
check status-waiting sh -c "'$lkdc' status | grep -q '^kdc: *waiting'"

# The first request, a plain kinit: nothing but the connection may
# start the KDC.  The realm's snippet is all the configuration it needs.
n0=$(wc -l <"$kdc_log" 2>/dev/null || echo 0)
kinit_alice() {
	KRB5_CONFIG=/etc/krb5.conf.d/localkdc.conf kinit -k \
		-t /var/lib/localkdc/users/alice.keytab \
		-c "FILE:$KTEST_WORK/cc-34" "alice@$realm"
}
check kinit-over-socket kinit_alice
check service-activated systemctl -q is-active localkdc.service
check kdc-in-service-cgroup kdc_in_unit
check kdc-log-shows-request sh -c "tail -n +$((n0 + 1)) '$kdc_log' |
	grep -q 'AS_REQ.*alice@$realm for krbtgt/$realm@$realm'"
info "status: $("$lkdc" status | tr -s ' ' | tr '\n' ';')"
check status-running sh -c "'$lkdc' status | grep -q '^kdc: *running'"
# ensure, as alice's login would run it, against systemd's KDC
rm -f "/tmp/krb5cc_$(id -u alice)"
check ensure-alice "$lkdc" ensure --user alice --no-start
rm -f "$KTEST_WORK/cc-34"

# Leave nothing: teardown (systemctl stop under systemd), then disable.
check teardown "$lkdc" teardown
disable_socket() {
	systemctl disable --now localkdc.socket && ! enabled localkdc.socket &&
		! systemctl -q is-active localkdc.socket
}
check disable-socket disable_socket
nothing_left() {
	local u bad=
	for u in localkdc.socket localkdc.service; do
		systemctl -q is-active "$u" && bad="$bad $u-active"
		# (a unit without [Install] is "static", not enabled)
		enabled "$u" && bad="$bad $u-enabled"
	done
	[ -n "$(kdc_pids)" ] && bad="$bad krb5kdc"
	[ -e /run/localkdc/kdc.sock ] && bad="$bad kdc.sock"
	[ -e /run/localkdc/kdc.pid ] && bad="$bad kdc.pid"
	[ -e /var/lib/localkdc/localkdc.state ] && bad="$bad state"
	[ -e /etc/krb5.conf.d/localkdc.conf ] && bad="$bad snippet"
	ls $udir/*.wants/localkdc.* >/dev/null 2>&1 && bad="$bad wants-link"
	[ -z "$bad" ] || { echo "left:$bad"; return 1; }
}
check nothing-left nothing_left
