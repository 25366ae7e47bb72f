# SPDX-License-Identifier: GPL-2.0
# Helpers for the smbsrv tests: PASS/FAIL bookkeeping and the topology.
# Sourced by run-tests.sh; expects $HERE (tests dir) and $B (build dir).

TOPO=$(cd "$HERE/../../topology" && pwd)
npass=0
nfail=0

pass() { echo "PASS smbsrv/$1"; npass=$((npass + 1)); }
fail() { echo "FAIL smbsrv/$1: $2"; nfail=$((nfail + 1)); }

# Run a test function: t NAME FUNC [ARGS]; the function prints nothing on
# success and returns 0, or echoes a reason and returns non-zero.
t() {
	local name=$1 out rc; shift
	out=$("$@" 2>&1); rc=$?
	if [ $rc = 0 ]; then
		pass "$name"
	else
		fail "$name" "$(echo "$out" | tail -n 8 | tr '\n' ' ')"
	fi
}

topo_up() {
	W=$(mktemp -d /tmp/smbsrv-test.XXXXXX)
	"$TOPO/up.sh" --client-netns "$W" || return 1
	. "$W/topo.env"
	CC_FILE=$WORK/client/ccache
}

topo_down() {
	[ -n "${W:-}" ] || return 0
	"$TOPO/down.sh" "$W"
}

srv_start() { SMBSRV=$B/smbsrv "$TOPO/smbsrv-start.sh" "$W" "$@"; }
srv_stop() { "$TOPO/smbsrv-stop.sh" "$W"; }
srv_restart() { srv_stop; srv_start "$@"; }
sx() { "$TOPO/srvexec.sh" "$W" "$@"; }
cx() { "$TOPO/cliexec.sh" "$W" "$@"; }
srvlog() { cat "$LOG_DIR/smbsrv.log"; }
# Lines of the server log written since the mark.
log_mark() { MARK=$(wc -l < "$LOG_DIR/smbsrv.log"); }
log_since() { tail -n +$((MARK + 1)) "$LOG_DIR/smbsrv.log"; }
kdc_mark() { KMARK=$(wc -l < "$KDC_LOG"); }
kdc_since() { tail -n +$((KMARK + 1)) "$KDC_LOG"; }

# A service ticket for the client, obtained on the server side (the client
# has no line of sight to the KDC) and copied into the client's ccache.
client_ticket() {
	sx sh -c "echo alicepw | KRB5CCNAME=FILE:$SRV_DIR/cc kinit alice \
		>/dev/null && KRB5CCNAME=FILE:$SRV_DIR/cc kvno -q cifs/$SRV_NAME \
		&& cat $SRV_DIR/cc" > "$CC_FILE"
	chmod 600 "$CC_FILE" && [ -s "$CC_FILE" ]
}

smbc() {
	cx timeout 30 smbclient --use-kerberos=required \
		--use-krb5-ccache="FILE:$CC_FILE" -m SMB3 \
		-I "$SRV_ADDR" "//$SRV_NAME/share" \
		-c "$1"
}

# The IAKerb client, on the client side, with a krb5.conf naming no realm
# and no KDC.  Output in $ICOUT, exit code returned.
ic() {
	ICOUT=$(cx env KRB5_CONFIG="$CLI_KRB5_CONFIG_NOREALM" timeout 60 \
		"$B/iakerb_client" --server "$SRV_ADDR" --host "$SRV_NAME" "$@" 2>&1)
}
ic_ok() {
	ic "$@" || { echo "exit $?: $ICOUT"; return 1; }
	local want="MIC ok|SIGNED ok|IO ok|OK legs="
	case " $* " in *" --no-io "*) want="MIC ok|SIGNED ok|OK legs=" ;; esac
	local IFS='|'
	for w in $want; do
		echo "$ICOUT" | grep -q "$w" || { echo "no '$w': $ICOUT"; return 1; }
	done
}
# ic_fail CODE PATTERN ARGS...: the client must exit with CODE and say PATTERN
ic_fail() {
	local want=$1 pat=$2 rc; shift 2
	ic "$@"; rc=$?
	[ $rc = "$want" ] || { echo "exit $rc, wanted $want: $ICOUT"; return 1; }
	echo "$ICOUT" | grep -q -- "$pat" || { echo "no '$pat': $ICOUT"; return 1; }
}
