# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Shared set-up of the IAKerb scenarios (2x-*.sh): the smbsrv topology of
# tests/ktest/topology with no line of sight to the KDC, the patched
# module, cifs-upcall-iakerb as the request-key handler.  Source after
# lib.sh; it defines $w, $mnt, $opts and the functions below, and tears
# everything down when the scenario exits.

topo=$KTEST_SRC/tests/ktest/topology
srv_bin=$KTEST_SRC/tests/ktest/smbsrv/build/smbsrv
helper=$KTEST_SRC/cifs-upcall-iakerb/build/cifs-upcall-iakerb
w=$KTEST_WORK/$KTEST_NAME-topo
mnt=$KTEST_WORK/mnt-$KTEST_NAME
trace=/sys/kernel/tracing/trace
mkdir -p "$mnt"

iakerb_cleanup() {
	mountpoint -q "$mnt" && umount "$mnt"
	"$topo/down.sh" "$w" >/dev/null 2>&1
	rm -f /tmp/krb5cc_0
}
trap iakerb_cleanup EXIT

# IAKERB_SRV_MODE=windows: every smbsrv of the scenario answers like a
# Windows server (its IAKerb dialect, NEGOEX offered); the scenarios that
# run in both modes read $iakerb_ap_round_trips for a stored-ticket
# exchange (Windows adds the mechListMIC leg).
srv_mode=()
iakerb_ap_round_trips=1
if [ "${IAKERB_SRV_MODE:-mit}" = windows ]; then
	srv_mode=(--mode windows --mechs windows)
	iakerb_ap_round_trips=2
fi

# iakerb_up [SMBSRV OPTIONS]: topology, smbsrv, client configuration.
# $iakerb_topo_args: more options of up.sh (--localkdc TOOL).
iakerb_topo_args=()
iakerb_up() {
	[ -x "$srv_bin" ] && [ -x "$helper" ] || { echo "not built"; return 1; }
	"$topo/up.sh" --srv-name iakerb-srv.test "${iakerb_topo_args[@]}" "$w" ||
		return 1
	. "$w/topo.env"
	# Reconnect resolves the server's name again (guest.sh maps srv.test,
	# Samba's name, to loopback): give this server a name of its own.
	grep -q " $SRV_NAME\$" /etc/hosts ||
		echo "$SRV_ADDR $SRV_NAME" >>/etc/hosts
	env SMBSRV="$srv_bin" "$topo/smbsrv-start.sh" "$w" "${srv_mode[@]}" "$@" ||
		return 1
	cp "$CLI_KRB5_CONFIG_NOREALM" /etc/krb5.conf
	rm -f /tmp/krb5cc_0
	ktest_use_upcall "$helper"
	opts="vers=3.1.1,ip=$SRV_ADDR"
}

# iakerb_store_tickets no|owner: krb5.conf's [appdefaults]
# cifs-upcall-iakerb store_tickets.  The helper keeps nothing a password
# obtained unless told (cifs-upcall-iakerb/README.md); scenarios that
# mount or reconnect from a stored ticket say owner (root mounts for
# itself).
iakerb_store_tickets() {
	sed -i '/^\[appdefaults\]/,$d' /etc/krb5.conf
	[ "$1" = no ] && return 0
	printf '[appdefaults]\n\tcifs-upcall-iakerb = {\n\t\tstore_tickets = %s\n\t}\n' \
		"$1" >>/etc/krb5.conf
}

# iakerb_restart [SMBSRV OPTIONS]: the same server, other options
iakerb_restart() {
	"$topo/smbsrv-stop.sh" "$w"
	env SMBSRV="$srv_bin" "$topo/smbsrv-start.sh" "$w" "${srv_mode[@]}" "$@"
}

# Kernel log lines of the cifs module since the mark.
dmesg_mark() { dmesg | wc -l; }
dmesg_since() { dmesg | tail -n "+$(($1 + 1))" | grep 'CIFS: VFS:'; }

# Round trips the kernel traced for the session of the last mount.
traced_round_trips() {
	grep -c 'smb3_krb5_leg: .*dir=recv' "$trace"
}

# iakerb_client_krb5_conf LINE: /etc/krb5.conf for a client that names no
# realm and no KDC of its own, then LINE (a localkdc machine's include of
# its krb5.conf.d snippet: its own realm's socket, its trusts' hosts)
iakerb_client_krb5_conf() {
	printf '[libdefaults]\n\tdns_lookup_kdc = false\n\tdns_lookup_realm = false\n\tdns_canonicalize_hostname = false\n\trdns = false\n%s\n' \
		"$1" >/etc/krb5.conf
}

# lone_agent [TENTHS]: the pid of the one helper process left, the agent
# (leg 1's helper, its parent, is gone), waiting up to TENTHS tenths of
# a second (default 150) for it
lone_agent() {
	local a
	for _ in $(seq "${1:-150}"); do
		a=$(pgrep -x cifs-upcall-iak)
		if [ "$(echo "$a" | grep -c .)" -eq 1 ] &&
				[ "$(ps -o ppid= -p "$a" | tr -d ' ')" = 1 ]; then
			echo "$a"
			return 0
		fi
		sleep 0.1
	done
	return 1
}
