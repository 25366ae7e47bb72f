# SPDX-License-Identifier: GPL-2.0
# Every fault knob: the server does what it says, and the client fails
# cleanly (no hang) where it should.

# fault_run NAME KNOB EXIT PATTERN LOGPATTERN [CLIENT ARGS]
fault_case() {
	local knob=$1 code=$2 pat=$3 lpat=$4; shift 4
	srv_restart --fault "$knob" || return 1
	log_mark
	ic_fail "$code" "$pat" --user alice --password alicepw "$@" || return 1
	log_since | grep -Eq -- "$lpat" || { log_since | cut -c1-300; return 1; }
}

f_garble() {
	fault_case garble=2 2 "ERROR" 'leg=2 .*fault=garble' ||
		fault_case garble=2 1 "ERROR" 'leg=2 .*fault=garble'
}
f_truncate() {
	fault_case truncate=3 2 "leg 3: bad negTokenResp" 'leg=3 .*fault=truncate'
}
f_oversize() {
	fault_case oversize=2 2 "leg 2: bad negTokenResp (65535 bytes)" \
		'leg=2 .*out=65535 .*fault=oversize'
}
f_endless() {
	fault_case endless 3 "more than 8 legs" 'leg=8 .*fault=endless' \
		--max-legs 8
}
f_bad_mic() {
	fault_case bad-mic 1 "server mechListMIC" 'leg=5 .*status=0x00000000 .*fault=bad-mic'
}
f_bad_aprep() {
	fault_case bad-aprep 1 "init_sec_context" 'leg=5 .*status=0x00000000 .*fault=bad-aprep'
}
f_close() {
	fault_case close=3 2 "leg 3: transport error" 'FAULT close .*leg=3'
}
f_kdc_delay() {
	local t0 t1 ms
	t0=$(date +%s%N)
	fault_case kdc-delay=700 0 "OK legs=5" 'what=TGS-REQ kdc=1' --no-io || return 1
	t1=$(date +%s%N)
	ms=$(( (t1 - t0) / 1000000 ))
	# three KDC-bound legs, 700 ms each
	[ $ms -ge 2100 ] || { echo "took only $ms ms"; return 1; }
}
# hold=4:1500: the TGS leg is answered 1.5 s after the hold began (the
# log's timestamps), the exchange completes
f_hold() {
	local h e
	fault_case hold=4:1500 0 "OK legs=5" 'FAULT hold .*leg=4 ms=1500' --no-io ||
		return 1
	h=$(log_since | grep -m1 'FAULT hold ' | cut -d' ' -f1)
	e=$(log_since | grep -m1 'SESSLEG .*leg=4 ' | cut -d' ' -f1)
	[ -n "$h" ] && [ -n "$e" ] || { log_since; return 1; }
	awk -v h="$h" -v e="$e" 'BEGIN { exit !(e - h >= 1.5) }' ||
		{ echo "leg 4 answered $h -> $e"; return 1; }
}
f_krb_error() {
	# f_krb_error CODE[@LEG] PATTERN KDC_REQUESTS_EXPECTED
	local code=$1 pat=$2 nkdc=$3
	kdc_mark
	fault_case "krb-error=$code" 1 "$pat" "fault=krb-error=${code%@*}" || return 1
	# the error was made up by the server: the KDC never saw that leg
	[ "$(kdc_since | grep -c '_REQ')" = "$nkdc" ] || { kdc_since; return 1; }
}
f_krb_error_tgs() {
	# on the TGS leg (leg 4), after a real AS exchange
	kdc_mark
	# measured: MIT retries the TGS request after the SKEW error and then
	# gives up with "Server not found in Kerberos database"
	fault_case "krb-error=37@4" 1 "init_sec_context" 'leg=4 .*fault=krb-error=37' ||
		return 1
	[ "$(kdc_since | grep -c 'AS_REQ')" = 2 ] || { kdc_since; return 1; }
}
f_expire_after() {
	# request 1 (TREE_CONNECT) passes, the CREATE gets SESSION_EXPIRED
	fault_case expire-after=1 2 "status=0xc000035c" 'FAULT expire .*after=1'
}
f_expire_signal() {
	local bg
	srv_restart || return 1
	log_mark
	( ic --user alice --password alicepw --pause-before-io 2
	  rc=$?; echo "$ICOUT" > "$W/ic.out"; exit $rc ) &
	bg=$!
	for _ in $(seq 100); do
		log_since | grep -q "^.* SESSION " && break
		sleep 0.05
	done
	sx sh -c "kill -USR1 \$(cat $SRV_DIR/smbsrv.pid)"
	wait $bg
	ICOUT=$(cat "$W/ic.out")
	echo "$ICOUT" | grep -q "tree connect: status=0xc000035c" || { echo "$ICOUT"; return 1; }
	log_since | grep -q "FAULT expire .*on-demand" || { log_since; return 1; }
}
# expire-at-ticket-end: the SESSION line says how long the ticket has
# (the KDC's 10 h, not 10 h + MIT's acceptor clock skew), and the session
# expires once it has ended (scenario 43 shows that part: waiting for a
# short ticket to end is too slow here)
f_ticket_end() {
	srv_restart --fault expire-at-ticket-end || return 1
	log_mark
	ic_ok --user alice --password alicepw || return 1
	log_since | grep 'SESSION .*user=alice@' |
		grep -Eq 'ticket_s=3(5[0-9]{3}|6000)$' || { log_since | grep SESSION; return 1; }
}
# kdc-pad: every proxied KDC reply (KRB-ERROR PREAUTH_REQUIRED, AS-REP,
# TGS-REP) grows to BYTES inside the acceptor, the tokens to a little more,
# and the client (MIT's initiator, or krb5_init_creds_step and
# krb5_tkt_creds_step in the Windows style) still takes them
f_kdc_pad() {
	local style=$1 bytes=$2 mode=() n
	[ "$style" = windows ] && mode=(--mode windows)
	srv_restart "${mode[@]}" --fault "kdc-pad=$bytes" || return 1
	log_mark
	ic_ok --user alice --password alicepw --style "$style" || return 1
	n=$(log_since | grep -cE "KDCPAD reply=(KRB-ERROR|AS-REP|TGS-REP) in=[0-9]+ out=$bytes\$")
	[ "$n" = 3 ] || { echo "$n padded replies:"; log_since | grep KDCPAD; return 1; }
	# each KDC leg's token: BYTES plus the IAKerb and SPNEGO framing
	log_since | grep 'SESSLEG .*kdc=1' | grep -o ' out=[0-9]*' |
		awk -F= -v b="$bytes" '$2 < b || $2 > b + 200 { bad = 1 }
			END { exit bad }' || { log_since | grep SESSLEG; return 1; }
}
# kdc-pad beyond a security buffer: the response carries the whole token
# (msg= counts the SMB2 message), SecurityBufferLength says 65535, and
# the client sees a cut token
f_kdc_pad_over() {
	srv_restart --fault kdc-pad=70000 || return 1
	log_mark
	ic_fail 2 "leg 2: bad negTokenResp (65535 bytes)" \
		--user alice --password alicepw || return 1
	echo "$ICOUT" | grep -Eq '^LEG 2 out=[0-9]+ in=65535 msg=7[0-9]{4} ' ||
		{ echo "$ICOUT"; return 1; }
	log_since | grep -Eq 'SESSLEG .*leg=2 .*out=700[0-9]{2} .*kdc=1' ||
		{ log_since | grep SESSLEG; return 1; }
}
# bad-final-sig: everything as usual but one byte of the final response's
# signature
f_bad_final_sig() {
	fault_case bad-final-sig 2 "final SESSION_SETUP response has a bad signature" \
		'leg=5 .*status=0x00000000 .*fault=bad-final-sig'
}
# bad-final-sig=1: only the first session's; the next one is signed well
f_bad_final_sig_once() {
	fault_case bad-final-sig=1 2 "final SESSION_SETUP response has a bad signature" \
		'leg=5 .*status=0x00000000 .*fault=bad-final-sig' || return 1
	log_mark
	ic_ok --user alice --password alicepw || return 1
	log_since | grep 'SESSLEG .*status=0x00000000 ' | grep -q 'fault=- ' ||
		{ log_since | grep SESSLEG; return 1; }
}
f_restart() {
	local d=$W/client/restart
	mkdir -p "$d" && head -c 100000 /dev/urandom > "$d/f"
	srv_restart || return 1
	smbc "put $d/f keep.bin" >/dev/null 2>&1 || { smbc "put $d/f keep.bin"; return 1; }
	srv_restart || return 1
	smbc "get keep.bin $d/f.back" >/dev/null 2>&1 || { smbc "get keep.bin $d/f.back"; return 1; }
	cmp "$d/f" "$d/f.back"
}

t fault-garble-token f_garble
t fault-truncate-token f_truncate
t fault-oversize-token f_oversize
t fault-endless f_endless
t fault-bad-mechlistmic f_bad_mic
t fault-bad-aprep f_bad_aprep
t fault-close-mid-exchange f_close
t fault-kdc-delay f_kdc_delay
t fault-hold-leg f_hold
# on the AS leg that carries the encrypted timestamp (leg 3)
t fault-krb-error-preauth-failed f_krb_error 24@3 "Preauthentication failed" 1
t fault-krb-error-skew f_krb_error 37 "Clock skew" 0
t fault-krb-error-iakerb-kdc-not-found f_krb_error 85 "init_sec_context" 0
t fault-krb-error-on-tgs-leg f_krb_error_tgs
t fault-kdc-pad-20000-mit f_kdc_pad mit 20000
t fault-kdc-pad-60000-mit f_kdc_pad mit 60000
t fault-kdc-pad-20000-windows f_kdc_pad windows 20000
t fault-kdc-pad-60000-windows f_kdc_pad windows 60000
t fault-kdc-pad-70000-beyond-a-security-buffer f_kdc_pad_over
t fault-bad-final-signature f_bad_final_sig
t fault-bad-final-signature-once f_bad_final_sig_once
t fault-session-expired-after f_expire_after
t fault-session-expired-on-demand f_expire_signal
t fault-expire-at-ticket-end-knows-the-end f_ticket_end
t fault-restart-keeps-files f_restart
srv_stop
