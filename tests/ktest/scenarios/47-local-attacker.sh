#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ktest-timeout: 600
#
# A local attacker (issue 17, item 2): mallory, an unprivileged user, and
# mallory again as root of a user and mount namespace of her own
# (unshare -Urm), go after alice's IAKerb mount and exchanges:
#
#   1. keys of cifs' types made or requested from userspace (a forged leg
#      answer, a forged password key); alice's keyrings and persistent
#      keyring;
#   2. alice's stored tickets, through a multiuser mount: KRB5CCNAME, a
#      symlink, a bind mount in her own namespace;
#   3. an exchange stopped in leg 1, while the kernel's password key
#      (cifs.iakerb_cred) lives: every key operation on every key of it;
#   4. alice's agent between legs: signals, ptrace, process_vm_readv,
#      pidfd_getfd, its /proc files; then a crash of it as root with a
#      core_pattern set (no core may appear);
#   5. her own krb5.conf and GSS mech configuration, naming a module of
#      hers, through every environment variable MIT krb5 honours, her
#      home, and KRB5CCNAME naming alice's caches by other types: the
#      helper loads none of it (as root of her own namespaces, only as
#      herself);
#   6. the agent's pid, recycled: the agent dies between legs and a
#      process of mallory's takes its pid, with a socket at fd 100 that
#      answers like an agent: her own exchange and alice's;
#   7. the password anywhere mallory may read: every /proc/PID/cmdline
#      and environ, /proc/keys, /proc/mounts, DebugData, the logs.
#
# A caller in a user namespace of its own gets an answer, and her code
# gets no authority.  The helper request-key started keeps the request's
# authority and never enters the caller's namespaces; its child (the
# agent, or the worker of a one-leg krb5 answer) gives the authority up
# and leaves the session keyring that holds it before it does.  A setns()
# into a user namespace drops the authority anyway (set_cred_user_ns()),
# so a helper that entered itself could not answer (the leg's timeout,
# the first bug 47 found), and one that assumed the authority again
# there (the first fix) handed it to any module the user's own krb5.conf
# names (section 5 found that): with it, cifs's keyring, another user's
# password key in it during her leg 1, is searched as its possessor.
#
# The attempts are tests/ktest/tools/attacker.py's, raw system calls; each
# is one check, named after what was tried, and PASSes when it is refused.
. "$KTEST_SRC/tests/ktest/lib.sh"
. "$KTEST_SRC/tests/ktest/iakerb-lib.sh"

fake=$KTEST_SRC/tests/ktest/fakehelper/build/fakehelper
flog=$KTEST_WORK/$KTEST_NAME-fakehelper.log
mnt2=$KTEST_WORK/mnt2-$KTEST_NAME
mal=$KTEST_WORK/mal
atk=$mal/attacker.py
cores=$KTEST_WORK/cores
old_core_pattern=$(cat /proc/sys/kernel/core_pattern)
: >"$flog"
mkdir -p "$mnt2" "$mal" "$cores"
chmod 1777 "$mal" "$cores"
install -m 755 "$KTEST_SRC/tests/ktest/tools/attacker.py" "$atk"

old_pid_max=$(cat /proc/sys/kernel/pid_max)
cleanup() {
	echo "$old_core_pattern" >/proc/sys/kernel/core_pattern
	echo "$old_pid_max" >/proc/sys/kernel/pid_max
	rm -rf /tmp/alice-ccdir /tmp/.k5identity /tmp/.krb5.conf /tmp/krb5.conf
	mountpoint -q "$mnt2" && umount "$mnt2"
	for p in $(sed -n 's/.* stopping pid=\([0-9]*\).*/\1/p' "$flog"); do
		kill -CONT "$p" 2>/dev/null
	done
	rm -f "/tmp/krb5cc_${auid:-x}" "/tmp/krb5cc_${muid:-x}"
	iakerb_cleanup
}
trap cleanup EXIT

[ -x "$fake" ] || { fail build "no $fake (make -C tests/ktest)"; exit 1; }
if iakerb_up; then pass up; else fail up "topology or smbsrv"; exit 1; fi
check syslog-catcher ktest_catch_syslog

ktest_ensure_user alice
ktest_ensure_user mallory
auid=$(id -u alice)
muid=$(id -u mallory)
as_user() {
	local u=$1
	shift
	setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" \
		--clear-groups "$@"
}
check mallory-userns-available as_user mallory unshare -Urm true
# mal ARGS / mal_ns ARGS: attacker.py ARGS as mallory, in a session
# keyring of her own (root's, which setpriv keeps, would refuse her
# links and adds for its own sake), and as root of a user and mount
# namespace of her own
# (-I -S: python starts faster without site, which matters under TCG)
mal() { as_user mallory keyctl session - python3 -I -S "$atk" "$@" 2>&1; }
mal_ns() { as_user mallory unshare -Urm keyctl session - python3 -I -S "$atk" "$@" 2>&1; }

# alice's password in files only root reads: nothing below puts it on a
# command line (a builtin printf starts no process)
cred=$KTEST_WORK/alice.cred
install -m 600 /dev/null "$cred"
printf 'username=alice\npassword=alicepw\n' >"$cred"
install -m 600 /dev/null "$KTEST_WORK/alice.logon"
printf 'alice:alicepw' >"$KTEST_WORK/alice.logon"
# what attacker.py hunt looks for, in hex: no process shows it either
needle=$(printf 'alicepw' | od -An -tx1 | tr -d ' \n')
install -m 600 /dev/null "$KTEST_WORK/needle"
printf 'alicepw' >"$KTEST_WORK/needle"

# attack_checks PREFIX: attacker.py's lines on stdin, one check each
attack_checks() {
	local prefix=$1 verdict name rest finished=
	while read -r verdict name rest; do
		case $verdict in
		refused) pass "$prefix-$name" ;;
		breach) fail "$prefix-$name" "the attack worked: $rest" ;;
		done) finished=1 ;;
		Joined) ;;	# keyctl session's line
		*) fail "$prefix-ran" "$verdict $name $rest" ;;
		esac
	done
	[ -n "$finished" ] || fail "$prefix-ran" "the attacker did not finish"
}

# give_args NAME ARGS...: what the waiting attackers (attacker.py wait)
# are to do, written whole at once; theirs alone to read
give_args() {
	local f=$mal/$1
	shift
	echo "$*" >"$f.tmp"
	chown mallory "$f.tmp"
	chmod 600 "$f.tmp"
	mv "$f.tmp" "$f"
}

srv_sessions_of() { grep -c "SESSION .* user=$1@$REALM new" "$LOG_DIR/smbsrv.log"; }

# --- 1. alice's keyrings; keys of cifs' types below, once cifs is loaded -----

# alice keeps her password as cifscreds would, in her user keyring, and a
# note beside it
alice_logon=$(as_user alice keyctl padd logon "cifs:a:$SRV_ADDR" @u <"$KTEST_WORK/alice.logon")
alice_note=$(as_user alice keyctl add user alice-note alice-secret-note @u)
# (keyctl describe @u would print -4, the special id, not the keyring's)
alice_u=$(as_user alice keyctl show @u | awk 'NR == 2 { print $1 }')
check alice-keys-made test -n "$alice_logon" -a -n "$alice_note" -a "${alice_u:-0}" -gt 0
ring_specs="alice-user-keyring=$alice_u alice-logon-key=$alice_logon alice-user-key=$alice_note"
# shellcheck disable=SC2086
attack_checks mallory-cannot < <(mal keyring $ring_specs "$auid")
# shellcheck disable=SC2086
attack_checks mallory-userns-cannot < <(mal_ns keyring $ring_specs "$auid")

# --- 2. alice's stored tickets, through a multiuser mount -------------------
check multiuser-mount mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,multiuser,upcall_target=app,credentials=$cred,$opts"
mountpoint -q "$mnt" || exit 1
chmod 0777 "$mnt" 2>/dev/null
# cifs.ko is loaded now: a refusal is its key types', not ENODEV
attack_checks mallory-cannot < <(mal forge "$auid")
attack_checks mallory-userns-cannot < <(mal_ns forge "$auid")
# alice's tickets, got on the server side (only there is the KDC), the
# password on kinit's standard input
printf 'alicepw\n' | "$topo/srvexec.sh" "$w" sh -c "KRB5CCNAME=FILE:$SRV_DIR/cc.a \
	kinit alice >/dev/null && cat $SRV_DIR/cc.a" >"/tmp/krb5cc_$auid"
chown alice "/tmp/krb5cc_$auid"
chmod 600 "/tmp/krb5cc_$auid"
alice_before=$(srv_sessions_of alice)
: >"$KTEST_SYSLOG"	# the helper's lines for the three attempts below

check mallory-cannot-use-alice-ccache-by-KRB5CCNAME sh -c "! setpriv \
	--reuid=$muid --regid=$(id -g mallory) --clear-groups \
	env KRB5CCNAME=FILE:/tmp/krb5cc_$auid ls '$mnt' >/dev/null 2>&1"
sleep 2	# a refused user's link is kept a second
as_user mallory ln -sf "/tmp/krb5cc_$auid" "/tmp/krb5cc_$muid" 2>/dev/null
check mallory-cannot-use-alice-ccache-by-symlink sh -c "! setpriv \
	--reuid=$muid --regid=$(id -g mallory) --clear-groups \
	ls '$mnt' >/dev/null 2>&1"
rm -f "/tmp/krb5cc_$muid"
sleep 2
as_user mallory touch "$mal/cc-bind"
m=$(dmesg_mark)
check mallory-userns-cannot-use-alice-ccache-by-bind-mount sh -c "! setpriv \
	--reuid=$muid --regid=$(id -g mallory) --clear-groups \
	unshare -Urm sh -c 'mount --bind /tmp/krb5cc_$auid $mal/cc-bind &&
		KRB5CCNAME=FILE:$mal/cc-bind ls $mnt' >/dev/null 2>&1"
# refused by the helper's answer, not by the leg's timeout
check mallory-userns-refusal-is-the-helpers-answer sh -c "! dmesg |
	tail -n +$((m + 1)) | grep -q 'the helper ended without answering'"
grep -a 'cifs-upcall-iakerb' "$KTEST_SYSLOG" | sed 's/^/    syslog: /'
dmesg | tail -n 9 | grep 'CIFS: VFS' | sed 's/^/    dmesg: /'
check mallory-got-no-alice-session test "$(srv_sessions_of alice)" -eq "$alice_before"
# alice as root of a user namespace of her own (a rootless container):
# the helper enters it, answers from it, and her own cache is used
check alice-userns-gets-her-session as_user alice unshare -Ur \
	env KRB5CCNAME=FILE:/tmp/krb5cc_$auid ls "$mnt"
check alice-userns-new-session test "$(srv_sessions_of alice)" -gt "$alice_before"
# the same cache works for alice: the attempts above could have worked
check alice-own-ccache-works as_user alice ls "$mnt"
check alice-own-ccache-new-session test "$(srv_sessions_of alice)" -gt "$alice_before"
check multiuser-umount umount "$mnt"
rm -f "/tmp/krb5cc_$auid"

# --- 3. an exchange stopped in leg 1: the password key lives ----------------
echo "create cifs.spnego * * $fake --log $flog stop-at-leg 1 -- $helper %k" \
	>/etc/request-key.d/cifs.spnego.conf
# the attackers start first: python under emulation starts slower than
# a leg may wait (tmo=30)
mal wait "$mal/leg1.args" >"$mal/keys.out" &
a1=$!
mal_ns wait "$mal/leg1.args" >"$mal/keys-ns.out" &
a2=$!
mount -t cifs "//$SRV_NAME/share" "$mnt2" \
	-o "sec=iakerb,cruid=$auid,credentials=$cred,$opts" \
	>"$KTEST_WORK/leg1.out" 2>&1 &
mpid=$!
stopped=
for _ in $(seq 100); do
	stopped=$(sed -n 's/.* stopping pid=\([0-9]*\).*/\1/p' "$flog" | head -n 1)
	[ -n "$stopped" ] && break
	sleep 0.2
done
check leg1-helper-stopped test -n "$stopped"
ring=$(awk '$8 == "keyring" && $9 ~ /^\.cifs_spnego:/ { print $1 }' /proc/keys)
specs=
for k in $(keyctl rlist "$((16#${ring:-0}))" 2>/dev/null); do
	if keyctl rdescribe "$k" 2>/dev/null | grep -q '^cifs.spnego;'; then
		specs="$specs spnego-key=$k"
	else
		specs="$specs iakerb_cred-key=$k"
	fi
done
for k in $(ktest_cifs_keys | awk '$8 == "cifs.spne" { print $1 }'); do
	echo "$specs" | grep -q "=$((16#$k))\\b" || specs="$specs leg-key=$((16#$k))"
done
info "leg 1 keys: $specs"
check leg1-password-key-exists sh -c "echo '$specs' | grep -q iakerb_cred-key"
check leg1-leg-key-exists sh -c "echo '$specs' | grep -Eq '(leg|spnego)-key'"
t0=$SECONDS
give_args leg1.args keys $specs
wait "$a1" "$a2"
info "leg 1 attacks took $((SECONDS - t0)) s"
[ -n "$stopped" ] && kill -CONT "$stopped"
attack_checks mallory-cannot <"$mal/keys.out"
attack_checks mallory-userns-cannot <"$mal/keys-ns.out"
wait "$mpid"
rc=$?
info "leg 1 mount: rc $rc $(tr '\n' ' ' <"$KTEST_WORK/leg1.out")"
check leg1-exchange-undisturbed test "$rc" -eq 0
mountpoint -q "$mnt2" && umount "$mnt2"
ktest_use_upcall "$helper"
check leg1-no-leftovers ktest_leftovers

# --- 4. alice's agent between legs ------------------------------------------
# The server holds each KDC-bound leg: the agent, alone, waits.
iakerb_restart --fault kdc-delay=5000
mal wait "$mal/agent.args" >"$mal/agent.out" &
b1=$!
mal_ns wait "$mal/agent.args" >"$mal/agent-ns.out" &
b2=$!
mal wait "$mal/hunt.args" >"$mal/hunt.out" &
b3=$!
mount -t cifs "//$SRV_NAME/share" "$mnt2" \
	-o "sec=iakerb,cruid=$auid,credentials=$cred,$opts" \
	>"$KTEST_WORK/agent.out" 2>&1 &
mpid=$!
agent=$(lone_agent 100)
check agent-found test -n "$agent"
agent=${agent:-0}
info "agent $agent: $(grep -E '^(Uid|VmLck)' "/proc/$agent/status" 2>/dev/null | tr -s '\t\n' '  ')"
check agent-runs-as-alice sh -c "grep -q '^Uid:[[:space:]]*${auid}[[:space:]]' /proc/$agent/status"
# not dumpable: its /proc files belong to root, not to alice
check agent-not-dumpable test "$(stat -c %u "/proc/$agent/status" 2>/dev/null)" = 0
check agent-core-limit-zero sh -c "grep -Eq '^Max core file size +0 +0 ' /proc/$agent/limits"
# no name anyone could connect() to: none of its sockets is bound
agent_named_sockets() {
	local inodes
	inodes=$(find "/proc/$agent/fd" -lname 'socket:*' -printf '%l\n' 2>/dev/null |
		tr -dc '0-9\n')
	[ -n "$inodes" ] || return 1
	awk -v list="$(echo "$inodes" | tr '\n' ' ')" 'BEGIN { n = split(list, a, " "); for (i in a) s[a[i]] = 1 }
		NR > 1 && ($7 in s) && NF >= 8 { print; found = 1 } END { exit !found }' \
		/proc/net/unix
}
check agent-has-sockets sh -c "find /proc/$agent/fd -lname 'socket:*' | grep -q ."
expect_fail agent-socket-has-no-name agent_named_sockets
t0=$SECONDS
give_args agent.args process "$agent" agent
give_args hunt.args hunt beside-agent "$needle" "$KTEST_SYSLOG" "$LOG_DIR"/*
wait "$b1" "$b2" "$b3"
info "agent attacks took $((SECONDS - t0)) s"
attack_checks mallory-cannot <"$mal/agent.out"
attack_checks mallory-userns-cannot <"$mal/agent-ns.out"
attack_checks mallory-cannot-find-alice-password <"$mal/hunt.out"

# A crash of the agent (root's SIGSEGV) with a core_pattern that writes
# anywhere: no core.  The control shows this kernel writes cores at all.
echo "$cores/core.%e.%p" >/proc/sys/kernel/core_pattern
(ulimit -c unlimited; exec sh -c 'kill -SEGV $$') 2>/dev/null
check core-dumps-work-control sh -c "ls $cores | grep -q '^core\\.sh\\.'"
rm -f "$cores"/core.*
if kill -0 "$agent" 2>/dev/null; then pass agent-still-alive-after-attacks; else
	fail agent-still-alive-after-attacks "agent $agent gone before the crash"; fi
kill -SEGV "$agent" 2>/dev/null
for _ in $(seq 50); do kill -0 "$agent" 2>/dev/null || break; sleep 0.1; done
sleep 1
check agent-crash-leaves-no-core sh -c "! ls $cores | grep -q ."
ls -l "$cores" | sed 's/^/    cores: /'
echo "$old_core_pattern" >/proc/sys/kernel/core_pattern
wait "$mpid"
info "agent mount: rc $? $(tr '\n' ' ' <"$KTEST_WORK/agent.out")"
mountpoint -q "$mnt2" && umount "$mnt2"
iakerb_restart

# --- 5. mallory's krb5 and GSS configuration: her code in the helper? --------
# The helper takes only KRB5CCNAME from its caller's environment (main.c,
# privs_caller_env); libkrb5 and the GSS mechglue would also honour
# KRB5_CONFIG and KRB5_KDC_PROFILE (a [plugins] section names modules to
# dlopen), GSS_MECH_CONFIG (mechanism modules), KRB5_TRACE (a file of
# hers), KRB5_KTNAME, KRB5_CLIENT_KTNAME, KRB5RCACHEDIR and HOME (the
# k5identity ccselect module's ~/.k5identity) (MIT krb5 1.22.1,
# secure_getenv() in init_os_ctx.c, g_initialize.c, trace.c, ktdefname.c,
# rc_dfl.c, ccselect_k5identity.c).  mallory names a module of hers
# (tests/ktest/tools/evil_plugin.c: its constructor leaves a mark, with
# the uids that loaded it, in marks/ beside it) in all of those she can,
# and in the files of her home, then reaches alice's multiuser mount with
# her own tickets: no mark, no trace, none of her files opened (inotify;
# the helper's log would not show her default_realm even when it read
# her krb5.conf: seen), and her own session.  Her own kinit and a GSS program of
# hers load the module: a mark is what the attack's success looks like.
s5=$SECONDS
evil=$mal/evil
mkdir -p "$evil/marks" "$evil/gss" "$evil/ccdir"
cp "$KTEST_SRC/tests/ktest/build/evil_plugin.so" "$evil/evil.so"
{
	printf '[libdefaults]\n\tdefault_realm = MALLORY-EVIL.TEST\n'
	printf '[plugins]\n'
	for i in ccselect clpreauth hostrealm localauth kdcpreauth; do
		printf '\t%s = {\n\t\tmodule = evil:%s/evil.so\n\t}\n' "$i" "$evil"
	done
} >"$evil/krb5.conf"
echo "evil 1.3.6.1.4.1.99999.7 $evil/evil.so <interposer>" >"$evil/gss/evil.conf"
chown -R mallory "$evil"
chmod 1777 "$evil/marks"
# her home is /tmp (ktest_ensure_user): a krb5.conf and a .k5identity there
for f in /tmp/.k5identity /tmp/.krb5.conf /tmp/krb5.conf; do
	install -o mallory -m 644 /dev/null "$f"
done
echo "alice@$REALM" >/tmp/.k5identity
cp "$evil/krb5.conf" /tmp/.krb5.conf
cp "$evil/krb5.conf" /tmp/krb5.conf
marks() { ls "$evil/marks"; }
no_marks() { [ -z "$(marks)" ]; }

as_user mallory env KRB5_CONFIG="$evil/krb5.conf" KRB5CCNAME="FILE:$evil/cc-probe" \
	kinit probe </dev/null >/dev/null 2>&1
check mallory-plugin-loads-in-her-own-kinit-control sh -c "grep -q 'comm kinit' $evil/marks/*"
rm -f "$evil"/marks/*
as_user mallory env GSS_MECH_CONFIG="$evil/gss/evil.conf" python3 -I -S -c \
	"import ctypes as c; g = c.CDLL('libgssapi_krb5.so.2'); m = c.c_uint32(); s = c.c_void_p(); g.gss_indicate_mechs(c.byref(m), c.byref(s))"
check mallory-gss-mech-loads-in-her-own-program-control sh -c "grep -q 'comm python3' $evil/marks/*"
rm -f "$evil"/marks/*

# mallory's principal and tickets (got on the server's side, as alice's)
"$topo/srvexec.sh" "$w" kadmin.local -r "$REALM" -q 'addprinc -pw mallorypw mallory' >/dev/null 2>&1
printf 'mallorypw\n' | "$topo/srvexec.sh" "$w" sh -c "KRB5CCNAME=FILE:$SRV_DIR/cc.m \
	kinit mallory >/dev/null && cat $SRV_DIR/cc.m" >"$evil/cc"
chown mallory "$evil/cc"
chmod 600 "$evil/cc"
# and alice's again, for the caches of hers that mallory names below
printf 'alicepw\n' | "$topo/srvexec.sh" "$w" sh -c "KRB5CCNAME=FILE:$SRV_DIR/cc.a \
	kinit alice >/dev/null && cat $SRV_DIR/cc.a" >"/tmp/krb5cc_$auid"
mkdir -p /tmp/alice-ccdir
cp "/tmp/krb5cc_$auid" /tmp/alice-ccdir/tkt
echo tkt >/tmp/alice-ccdir/primary
chown -R alice "/tmp/krb5cc_$auid" /tmp/alice-ccdir
chmod -R go-rwx "/tmp/krb5cc_$auid" /tmp/alice-ccdir

check multiuser-mount-again mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,multiuser,upcall_target=app,credentials=$cred,$opts"
chmod 0777 "$mnt" 2>/dev/null
alice_before=$(srv_sessions_of alice)
y0=$(wc -l <"$KTEST_SYSLOG")
t0=$SECONDS
# who opens her files meanwhile (she does not): inotify, as mallory
rm -f "$mal/watch.stop"
mal watch "$mal/watch.stop" "$evil/krb5.conf" "$evil/gss/evil.conf" \
	"$evil/evil.so" /tmp/.krb5.conf /tmp/krb5.conf >"$mal/watch.out" &
wpid=$!
for _ in $(seq 100); do
	grep -q '^watching' "$mal/watch.out" && break
	sleep 0.1
done
# KRB5CCNAME naming alice's caches by every other type: her DIR
# collection, her persistent keyring, KCM (MIT has no ccache type that
# loads code); each with the whole environment below
evil_env=(KRB5_CONFIG="$evil/krb5.conf" KRB5_KDC_PROFILE="$evil/krb5.conf"
	GSS_MECH_CONFIG="$evil/gss/evil.conf" KRB5_TRACE="$evil/trace"
	KRB5_KTNAME="FILE:$evil/kt" KRB5_CLIENT_KTNAME="FILE:$evil/ckt"
	KRB5RCACHEDIR="$evil" HOME="$evil")
for cc in "DIR::/tmp/alice-ccdir/tkt" "KEYRING:persistent:$auid" "KCM:$auid"; do
	n=$(echo "$cc" | cut -d: -f1)
	check "mallory-cannot-use-alice-ccache-by-KRB5CCNAME-$n" sh -c "! setpriv \
		--reuid=$muid --regid=$(id -g mallory) --clear-groups env \
		${evil_env[*]} KRB5CCNAME=$cc timeout 60 ls '$mnt' >/dev/null 2>&1"
	sleep 2	# a refused user's link is kept a second
done
check mallory-got-no-alice-session-by-ccache-types test "$(srv_sessions_of alice)" -eq "$alice_before"
m_before=$(srv_sessions_of mallory)
check mallory-with-her-config-env-gets-her-own-session as_user mallory env \
	"${evil_env[@]}" KRB5CCNAME="FILE:$evil/cc" timeout 60 ls "$mnt"
check mallory-own-session-new test "$(srv_sessions_of mallory)" -gt "$m_before"
info "config attacks took $((SECONDS - t0)) s"
sleep 1	# the syslog catcher writes a little later
touch "$mal/watch.stop"
wait "$wpid"
check mallory-config-loaded-no-code-in-helper no_marks
cat "$evil"/marks/* 2>/dev/null | sed 's/^/    mark: /'
check mallory-config-files-never-opened-by-helper sh -c "grep -q '^watching' '$mal/watch.out' &&
	! grep -q '^opened' '$mal/watch.out'"
grep -E '^(opened|unwatched)' "$mal/watch.out" | sort | uniq -c | sed 's/^/    watch: /'
check mallory-config-no-trace-written-by-helper test ! -e "$evil/trace"
tail -n "+$((y0 + 1))" "$KTEST_SYSLOG" | grep -a 'cifs-upcall-iakerb' | tail -n 6 | sed 's/^/    syslog: /'

# As root of a user and mount namespace of her own, her files ARE the
# helper's /etc/krb5.conf and /etc/gss/mech.d: the helper enters her
# namespaces and runs krb5 there as her (privs.c: "nothing that belongs
# to the caller's world runs while we are root").  Her module may load:
# then only as mallory, with no capability and no_new_privs.
# (a new mount: her session above would serve her without an upcall)
check multiuser-umount-again umount "$mnt"
check multiuser-mount-third mount -t cifs "//$SRV_NAME/share" "$mnt" \
	-o "sec=iakerb,multiuser,upcall_target=app,credentials=$cred,$opts"
chmod 0777 "$mnt" 2>/dev/null
m_before=$(srv_sessions_of mallory)
as_user mallory unshare -Urm sh -c "mount --bind $evil/krb5.conf /etc/krb5.conf &&
	mount --bind $evil/gss /etc/gss/mech.d &&
	KRB5CCNAME=FILE:$evil/cc timeout 60 ls $mnt" >"$mal/userns-config.out" 2>&1
info "userns with her config: ls rc $?, $(srv_sessions_of mallory) sessions of mallory (was $m_before)," \
	"marks: $(marks | tr '\n' ' ')"
cat "$evil"/marks/* 2>/dev/null | sed 's/^/    mark: /'
# every mark: made by mallory (the file's owner, as this namespace sees
# it: inside hers she is uid 0), with no capability and no_new_privs
marks_only_mallory() {
	local f
	for f in "$evil"/marks/*; do
		[ -e "$f" ] || continue
		[ "$(stat -c %u "$f")" = "$muid" ] &&
			grep -q '^CapEff:[[:space:]]*0000000000000000$' "$f" &&
			grep -q '^NoNewPrivs:[[:space:]]*1$' "$f" || { cat "$f"; return 1; }
	done
}
check mallory-userns-config-code-runs-only-as-mallory marks_only_mallory
# ...and without the authority of a request (the helper keeps it in a
# process that never enters her namespaces), nor one to take again from
# its session keyring: with one, cifs's keys (another user's password
# key during her leg 1) would be hers to read as their possessor
marks_hold_no_authority() {
	local f
	for f in "$evil"/marks/*; do
		[ -e "$f" ] || continue
		grep -q 'reqkey-authority none$' "$f" &&
			! grep -q '^reassumed [0-9-]* yes$' "$f" || { cat "$f"; return 1; }
	done
}
check mallory-userns-module-gets-no-request-key-authority marks_hold_no_authority
check multiuser-umount-third umount "$mnt"
rm -rf "/tmp/krb5cc_$auid" /tmp/alice-ccdir /tmp/.k5identity /tmp/.krb5.conf /tmp/krb5.conf
rm -f "$evil"/marks/*
check config-no-leftovers ktest_leftovers
info "section 5 took $((SECONDS - s5)) s"

# --- 6. the agent's pid, recycled by mallory ----------------------------------
# PROTOCOL.md §8: a later leg's helper finds the agent by its pid number
# (pidfd_open, pidfd_getfd of fd 100); the agent must prove itself first.
# The agent dies between legs (mallory kills her own; root kills alice's,
# standing in for a crash) while leg 2's helper is held (fakehelper
# stop-at-leg 2, the helper run per leg: --no-channel), and mallory gets
# a process at its pid (pid_max kept at 500 meanwhile, so that she forks
# round to it in at most 200 tries) holding at fd 100 an AF_UNIX
# SOCK_SEQPACKET socket of her own that answers HELLO with a forged
# PROOF (attacker.py impostor).  Then leg 2's helper runs.  Her own
# exchange (creduid mallory) passes the socket checks: the proof is what
# must stop it; alice's fails at SO_PEERCRED's uid.  Either way the
# impostor never gets a REQUEST (the server's token, the helper's
# proof), the mount fails, nothing is left.  With the channel (the
# default) no helper looks at the pid at all: the kernel holds the
# agent's socket and finds it closed.
install -m 600 /dev/null "$KTEST_WORK/mallory.cred"
printf 'username=mallory\npassword=mallorypw\n' >"$KTEST_WORK/mallory.cred"
bad_kernel_lines() { dmesg | tail -n "+$(($1 + 1))" |
	grep -E 'BUG:|WARNING:|Oops|general protection|refcount_t|use-after-free'; }

# recycle NAME CRUID CRED KILLER MODE DEFENCE WHERE PATTERN: the exchange
# of CRUID (password in CRED), its agent killed by KILLER (mallory or
# root), later legs by helpers (MODE no-channel) or over the channel;
# DEFENCE names what stopped her: PATTERN in WHERE (syslog or dmesg)
recycle() {
	local name=$1 cruid=$2 cred_file=$3 killer=$4 mode=$5
	local defence=$6 where=$7 pattern=$8
	local ilog=$mal/$name-impostor.log kill_arg="" stopped="" agent a rc t0 m fl y
	rm -f "$ilog" "$mal/$name.args"
	fl=$(wc -l <"$flog")
	y=$(wc -l <"$KTEST_SYSLOG")
	if [ "$mode" = no-channel ]; then
		echo "create cifs.spnego * * $fake --log $flog stop-at-leg 2 -- $helper --no-channel %k" \
			>/etc/request-key.d/cifs.spnego.conf
	else
		iakerb_restart --fault kdc-delay=8000
		ktest_use_upcall "$helper"
	fi
	[ "$killer" = mallory ] && kill_arg="kill"
	mal wait "$mal/$name.args" >"$mal/$name.out" &
	a=$!
	echo 500 >/proc/sys/kernel/pid_max
	m=$(dmesg_mark)
	t0=$SECONDS
	mount -t cifs "//$SRV_NAME/share" "$mnt2" \
		-o "sec=iakerb,cruid=$cruid,credentials=$cred_file,$opts" \
		>"$KTEST_WORK/$name.mount" 2>&1 &
	mpid=$!
	if [ "$mode" = no-channel ]; then
		for _ in $(seq 300); do
			stopped=$(tail -n "+$((fl + 1))" "$flog" |
				sed -n 's/.*leg 2: stopping pid=\([0-9]*\).*/\1/p' | head -n 1)
			[ -n "$stopped" ] && break
			sleep 0.1
		done
		check "$name/leg2-helper-held" test -n "$stopped"
	fi
	agent=$(lone_agent 150)
	check "$name/agent-found" test -n "$agent"
	agent=${agent:-0}
	check "$name/agent-runs-as-creduid" sh -c "grep -q '^Uid:[[:space:]]*${cruid}[[:space:]]' /proc/$agent/status"
	[ "$killer" = root ] && kill -KILL "$agent"
	give_args "$name.args" impostor "$agent" "$ilog" $kill_arg
	wait "$a"
	echo "$old_pid_max" >/proc/sys/kernel/pid_max
	info "$name: agent $agent; mallory: $(grep -v '^Joined' "$mal/$name.out" | tr '\n' ' ')"
	check "$name/mallory-holds-the-agents-pid" sh -c "grep -q 'got-pid $agent ' '$mal/$name.out' &&
		grep -q '^Uid:[[:space:]]*${muid}[[:space:]]' /proc/$agent/status"
	[ -n "$stopped" ] && kill -CONT "$stopped"
	wait "$mpid"
	rc=$?
	info "$name: mount rc $rc after $((SECONDS - t0)) s: $(tr '\n' ' ' <"$KTEST_WORK/$name.mount")"
	info "$name: $(dmesg_since "$m" | tr '\n' ' ')"
	sed 's/^/    impostor: /' "$ilog" 2>/dev/null
	if mountpoint -q "$mnt2"; then
		umount "$mnt2"
		fail "$name/mount-fails" "mounted"
	else
		check "$name/mount-fails" grep -q 'mount error([0-9]*)' "$KTEST_WORK/$name.mount"
	fi
	check "$name/impostor-never-got-a-request" sh -c "! grep -Eq '^got (REQUEST|LEG|5|7) ' '$ilog'"
	# the impostor is mallory's: end it (at the agent's old pid)
	if grep -q "^Uid:[[:space:]]*${muid}[[:space:]]" "/proc/$agent/status" 2>/dev/null; then
		kill -KILL "$agent"
	fi
	sleep 1	# the syslog catcher writes a little later
	if [ "$where" = syslog ]; then
		check "$name/stopped-by-$defence" sh -c "tail -n +$((y + 1)) '$KTEST_SYSLOG' |
			grep -aq '$pattern'"
		tail -n "+$((y + 1))" "$KTEST_SYSLOG" | grep -a 'leg 2' | tail -n 3 |
			sed 's/^/    syslog: /'
	else
		check "$name/stopped-by-$defence" sh -c "dmesg | tail -n +$((m + 1)) |
			grep -q '$pattern'"
	fi
	check "$name/no-leftovers" ktest_leftovers
	expect_fail "$name/kernel-log-clean" bad_kernel_lines "$m"
}

t0=$SECONDS
# her own exchange: SO_PEERCRED's pid and uid are right, the proof is not
recycle pid-recycle-own-exchange "$muid" "$KTEST_WORK/mallory.cred" mallory \
	no-channel agent-proof syslog 'does not know this exchange'
check pid-recycle-own-exchange/impostor-got-only-hello sh -c \
	"grep -q '^got HELLO' '$mal/pid-recycle-own-exchange-impostor.log'"
# alice's: her socket was not made as alice
recycle pid-recycle-alice-exchange "$auid" "$cred" root \
	no-channel socket-uid syslog 'is not this exchange'
# the default, the channel: the kernel finds the agent's socket closed
recycle pid-recycle-alice-channel "$auid" "$cred" root \
	channel kernel-channel-eof dmesg "the IAKerb agent is gone"
check pid-recycle-alice-channel/impostor-got-nothing sh -c \
	"! grep -q '^got ' '$mal/pid-recycle-alice-channel-impostor.log'"
iakerb_restart
ktest_use_upcall "$helper"
echo "$old_pid_max" >/proc/sys/kernel/pid_max
info "pid recycling took $((SECONDS - t0)) s"
rm -f "$KTEST_WORK/mallory.cred"

# --- 7. the password in logs ----------------------------------------------
no_password_in_logs() {
	! grep -rFaq -f "$KTEST_WORK/needle" "$KTEST_SYSLOG" "$LOG_DIR" &&
		! dmesg | grep -Fq -f "$KTEST_WORK/needle"
}
check no-password-in-logs no_password_in_logs
rm -f "$KTEST_WORK/needle" "$cred" "$KTEST_WORK/alice.logon"
check no-leftovers ktest_leftovers
[ -z "${KTEST_FAILED:-}" ]
