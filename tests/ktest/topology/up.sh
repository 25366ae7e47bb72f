#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bring up the test topology for the IAKerb SMB server:
#
#   client side                     |  server side (own netns + mount ns)
#   (init netns, or its own netns   |  tmpfs at $WORK/srv, seen only here:
#    with --client-netns)           |    krb5kdc on UNIX socket kdc.sock,
#   krb5.conf naming no KDC         |    krb5.conf, keytab, KDC database,
#   $WORK/client/krb5.conf          |    share directories
#   kt-c 169.254.77.1 <--- veth --->|  kt-s 169.254.77.2
#   kt-c2 169.254.79.1 <-- veth --->|  kt-s2 169.254.79.2  (--second-link)
#
# A random realm LOCALKDC.<uuid> is made for each run.  Logs (KDC, smbsrv)
# go to $WORK/log, which both sides see: a log gives no line of sight.
#
# Usage: up.sh [--client-netns] [--second-link] [--srv-name NAME]
#              [--localkdc TOOL] [--net N] WORK
# --second-link: a second veth pair in a subnet of its own (169.254.79.0/24),
# so that the server has two interfaces (multichannel); SRV_ADDR2/CLI_ADDR2
# name it.
# --net N: the veth pair is on 169.254.N.0/24 (default 77) and, for N other
# than 77, named kt-cN/kt-sN: a second server (another realm, another KDC)
# beside the first, as the DFS scenario needs.
# --localkdc TOOL: the server's realm is made by the localkdc tool TOOL
# (localkdc-helper), not by hand; KDC_LOG is then on the server side.
# Writes $WORK/topo.env (shell variables, see below) and prints nothing.
# Then: srvexec.sh WORK CMD  runs CMD on the server side,
#       cliexec.sh WORK CMD  runs CMD on the client side,
#       smbsrv-start.sh WORK [SMBSRV ARGS]  starts the SMB server,
#       down.sh WORK         tears everything down.

set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

client_netns=0
second_link=0
srv_name=srv.test
localkdc=
net=77
while [ $# -gt 1 ]; do
	case "$1" in
	--client-netns) client_netns=1; shift ;;
	--second-link) second_link=1; shift ;;
	--srv-name) srv_name=$2; shift 2 ;;
	--localkdc) localkdc=$2; shift 2 ;;
	--net) net=$2; shift 2 ;;
	*) echo "up.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: up.sh [--client-netns] [--second-link] [--srv-name NAME] [--localkdc TOOL] [--net N] WORK" >&2; exit 2; }
case "$net" in
[1-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4]) ;;
*) echo "up.sh: --net wants 1..254, not $net" >&2; exit 2 ;;
esac

work=$(mkdir -p "$1" && cd "$1" && pwd)
srv=$work/srv
log=$work/log
mkdir -p "$srv" "$log" "$work/client" "$work/pids"

die() { echo "up.sh: $*" >&2; exit 1; }

uuid=$(cat /proc/sys/kernel/random/uuid | tr a-f A-F)
realm="LOCALKDC.$uuid"
cli_addr=169.254.$net.1
srv_addr=169.254.$net.2
vc=kt-c vs=kt-s
[ "$net" = 77 ] || { vc=kt-c$net; vs=kt-s$net; }
cli_addr2=
srv_addr2=

# Server holder: new network and mount namespaces; the process is kept so
# that others can join with nsenter -t PID.
# In a chroot "/" is not a mount point and private propagation cannot be
# set on it; there the parent namespace is private already.
prop=private
unshare --mount --propagation private true 2>/dev/null || prop=unchanged
# stdio to /dev/null: a caller capturing our output must not wait for them
unshare --net --mount --propagation $prop sleep infinity </dev/null >/dev/null 2>&1 &
spid=$!
echo "$spid" > "$work/pids/srv-holder"
# Wait until the namespaces exist (unshare has exec'ed sleep).
for _ in $(seq 100); do
	[ "$(readlink /proc/$spid/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
	sleep 0.02
done
[ "$(readlink /proc/$spid/ns/net)" != "$(readlink /proc/self/ns/net)" ] || die "server netns did not appear"

if [ $client_netns = 1 ]; then
	unshare --net sleep infinity </dev/null >/dev/null 2>&1 &
	cpid=$!
	echo "$cpid" > "$work/pids/cli-holder"
	for _ in $(seq 100); do
		[ "$(readlink /proc/$cpid/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
		sleep 0.02
	done
	cexec() { nsenter -t "$cpid" -n -- "$@"; }
else
	cpid=
	cexec() { "$@"; }
fi
# -r: keep the (chroot) root of the holder; setns to a mount ns resets it.
sexec() { nsenter -t "$spid" -m -n -r --wd="$PWD" -- "$@"; }

# Private tmpfs for the server's secrets, in its mount namespace only.
sexec mount -t tmpfs -o mode=0700 tmpfs "$srv"
sexec mkdir -p "$srv/kdb" "$srv/rcache" "$srv/shares"

# Network: veth pair, loopback up on both sides.
cexec ip link set lo up
sexec ip link set lo up
cexec ip link add $vc type veth peer name $vs
cexec ip link set $vs netns "$spid"
cexec ip addr add $cli_addr/24 dev $vc
cexec ip link set $vc up
sexec ip addr add $srv_addr/24 dev $vs
sexec ip link set $vs up
if [ $second_link = 1 ]; then
	cli_addr2=169.254.79.1
	srv_addr2=169.254.79.2
	cexec ip link add kt-c2 type veth peer name kt-s2
	cexec ip link set kt-s2 netns "$spid"
	cexec ip addr add $cli_addr2/24 dev kt-c2
	cexec ip link set kt-c2 up
	sexec ip addr add $srv_addr2/24 dev kt-s2
	sexec ip link set kt-s2 up
fi

# Server-side Kerberos configuration (KDC reached through a UNIX socket).
srv_libdefaults() {
	cat <<CONF
[libdefaults]
	default_realm = $realm
	dns_lookup_kdc = false
	dns_lookup_realm = false
	dns_canonicalize_hostname = false
	rdns = false
	ignore_acceptor_hostname = true
CONF
}

# The default: a KDC database made here by hand, with alice (password
# alicepw, preauthentication required), bob (bobpw) and cifs/<srv-name>.
hand_made_kdc() {
	{ srv_libdefaults; cat <<CONF; } | sexec sh -c "cat > '$srv/krb5.conf'"
[realms]
	$realm = {
		kdc = $srv/kdc.sock
	}
[domain_realm]
	$srv_name = $realm
CONF
	sexec sh -c "cat > '$srv/kdc.conf'" <<CONF
[kdcdefaults]
	kdc_listen = $srv/kdc.sock
	kdc_tcp_listen = ""
[realms]
	$realm = {
		database_name = $srv/kdb/principal
		key_stash_file = $srv/kdb/stash
		acl_file = $srv/kdb/kadm5.acl
		max_life = 10h 0m 0s
		supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
	}
[logging]
	kdc = FILE:$log/kdc.log
	default = FILE:$log/kdc.log
CONF
	kenv="KRB5_CONFIG=$srv/krb5.conf KRB5_KDC_PROFILE=$srv/kdc.conf"
	sexec env $kenv sh -ec "
		: > '$srv/kdb/kadm5.acl'
		kdb5_util create -s -r '$realm' -P masterpw-\$\$ >/dev/null 2>&1
		kadmin.local -r '$realm' -q 'addprinc -pw alicepw +requires_preauth alice' >/dev/null 2>&1
		kadmin.local -r '$realm' -q 'addprinc -pw bobpw bob' >/dev/null 2>&1
		kadmin.local -r '$realm' -q 'addprinc -randkey cifs/$srv_name' >/dev/null 2>&1
		kadmin.local -r '$realm' -q 'ktadd -k $srv/smbsrv.keytab cifs/$srv_name' >/dev/null 2>&1
	" || die "KDC database set-up failed"

	: > "$log/kdc.log"
	# nsenter execs env execs listen-exec.py execs krb5kdc: $! is the KDC
	# itself (not a subshell), given its socket the systemd way (see
	# listen-exec.py: a backlog of more than krb5kdc's own 5)
	nsenter -t "$spid" -m -n -r --wd="$PWD" -- env $kenv \
		"$here/listen-exec.py" "$srv/kdc.sock" krb5kdc -n -r "$realm" \
		-P "$srv/kdc.pid" </dev/null >"$log/kdc.out" 2>&1 &
	echo $! > "$work/pids/kdc"
	for _ in $(seq 100); do
		sexec test -S "$srv/kdc.sock" && break
		sleep 0.05
	done
	sexec test -S "$srv/kdc.sock" || die "krb5kdc did not start: $(cat "$log/kdc.out")"
}

# --localkdc: the server's realm is made by the localkdc tool, as on a real
# machine: its own state under $srv/lkdc (the server's tmpfs), a KDC
# started on the first request by the tool's activator, the realm's
# krb5.conf.d snippet included by the server's krb5.conf.  The KDC log
# stays on the server side: read it with srvexec.sh.
localkdc_kdc() {
	local lroot=$srv/lkdc out
	sexec env LOCALKDC_ROOT="$lroot" "$localkdc" setup --host "$srv_name" \
		</dev/null >"$log/localkdc-setup.out" 2>&1 ||
		die "localkdc setup failed: $(cat "$log/localkdc-setup.out")"
	out=$(sexec env LOCALKDC_ROOT="$lroot" "$localkdc" status --json) ||
		die "localkdc status failed"
	realm=$(echo "$out" | sed -n 's/.*"realm": *"\([^"]*\)".*/\1/p')
	[ -n "$realm" ] || die "no realm in localkdc status: $out"
	{ srv_libdefaults; echo "include $lroot/etc/krb5.conf.d/localkdc.conf"; } |
		sexec sh -c "cat > '$srv/krb5.conf'"
	sexec ln -sf "$lroot/var/lib/localkdc/kdc.conf" "$srv/kdc.conf"
	sexec ln -sf "$lroot/var/lib/localkdc/keytabs/cifs.keytab" \
		"$srv/smbsrv.keytab"
	echo "$lroot" > "$work/pids/localkdc-root"
	echo "$localkdc" > "$work/pids/localkdc-tool"
	kdc_log=$lroot/var/lib/localkdc/kdc.log
}

kdc_log=$log/kdc.log
if [ -n "$localkdc" ]; then
	localkdc_kdc
else
	hand_made_kdc
fi

# Client-side krb5.conf files: neither names a KDC.  krb5.conf has the realm
# (for stock sec=krb5 with a copied-in service ticket); krb5-norealm.conf
# names no realm at all (for IAKerb realm discovery).
cat > "$work/client/krb5.conf" <<CONF
[libdefaults]
	default_realm = $realm
	dns_lookup_kdc = false
	dns_lookup_realm = false
	dns_canonicalize_hostname = false
	rdns = false
[realms]
	$realm = {
	}
[domain_realm]
	$srv_name = $realm
CONF
cat > "$work/client/krb5-norealm.conf" <<CONF
[libdefaults]
	dns_lookup_kdc = false
	dns_lookup_realm = false
	dns_canonicalize_hostname = false
	rdns = false
CONF

cat > "$work/topo.env" <<ENV
WORK=$work
REALM=$realm
SRV_NAME=$srv_name
SRV_ADDR=$srv_addr
CLI_ADDR=$cli_addr
SRV_ADDR2=$srv_addr2
CLI_ADDR2=$cli_addr2
SRV_DIR=$srv
LOG_DIR=$log
SRV_PID=$spid
CLI_PID=$cpid
SRV_KRB5_CONFIG=$srv/krb5.conf
SRV_KEYTAB=$srv/smbsrv.keytab
CLI_KRB5_CONFIG=$work/client/krb5.conf
CLI_KRB5_CONFIG_NOREALM=$work/client/krb5-norealm.conf
KDC_LOG=$kdc_log
ENV
