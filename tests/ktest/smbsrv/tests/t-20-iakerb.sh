# SPDX-License-Identifier: GPL-2.0
# IAKerb with our userspace client (MIT initiator, own SPNEGO): password,
# realm discovery, preauth, both final-leg dialects, no line of sight.

ia_no_line_of_sight() {
	# no KDC named in the client's krb5.conf files, no socket, no route
	! grep -Eq "^[[:space:]]*kdc[[:space:]]*=" "$CLI_KRB5_CONFIG" "$CLI_KRB5_CONFIG_NOREALM" ||
		{ echo "a client krb5.conf names a KDC"; return 1; }
	cx test ! -e "$SRV_DIR/kdc.sock" || { echo "client sees kdc.sock"; return 1; }
	sx test -S "$SRV_DIR/kdc.sock" || { echo "server lost kdc.sock"; return 1; }
	[ "$(cx ip -o route | grep -vc ' dev lo ')" -le 1 ] ||
		{ cx ip -o route; return 1; }
}

ia_mit() {
	log_mark; kdc_mark
	ic_ok --user alice --password alicepw || return 1
	# discovery, AS (PREAUTH_REQUIRED), AS, TGS, AP: five legs
	echo "$ICOUT" | grep -q "OK legs=5" || { echo "$ICOUT"; return 1; }
	echo "$ICOUT" | grep -q "HINTS MS-krb5,krb5,IAKerb" || { echo "$ICOUT"; return 1; }
	log_since | grep -q 'leg=1 .*mech=iakerb what=discovery' || { log_since; return 1; }
	log_since | grep -q 'leg=5 .*status=0x00000000 mech=iakerb what=AP-REQ(IAKerb)' ||
		{ log_since; return 1; }
	# every AS/TGS request the KDC saw came in through the server's
	# socket, one per KDC-bound leg of the server
	local kreq kleg
	kreq=$(kdc_since | grep -c '_REQ')
	kleg=$(log_since | grep -c 'SESSLEG .* kdc=1 ')
	[ "$kreq" = 3 ] && [ "$kleg" = 3 ] || { echo "kdc=$kreq legs=$kleg"; kdc_since; return 1; }
	[ "$(kdc_since | grep '_REQ' | grep -vc "$SRV_DIR/kdc.sock")" = 0 ] ||
		{ kdc_since; return 1; }
	kdc_since | grep -q 'AS_REQ.*NEEDED_PREAUTH' || { kdc_since; return 1; }
	kdc_since | grep -q 'TGS_REQ.*ISSUE.*cifs/'"$SRV_NAME" || { kdc_since; return 1; }
}

ia_wrong_password() {
	kdc_mark
	ic_fail 1 "Preauthentication failed" --user alice --password wrong || return 1
	kdc_since | grep -q PREAUTH_FAILED || { kdc_since; return 1; }
	# and the server is fine afterwards
	ic_ok --user alice --password alicepw --no-io
}

ia_realm_given() {
	# alice@REALM: no discovery leg
	ic_ok --user "alice@$REALM" --password alicepw || return 1
	echo "$ICOUT" | grep -q "OK legs=4" || { echo "$ICOUT"; return 1; }
}

ia_windows_final() {
	log_mark
	ic_ok --user alice --password alicepw --style windows || return 1
	log_since | grep -q 'status=0x00000000 mech=krb5(win) what=AP-REQ(krb5)' ||
		{ log_since; return 1; }
}

ia_windows_mode() {
	srv_restart --mode windows || return 1
	ic_ok --user alice --password alicepw --style windows || return 1
	echo "$ICOUT" | grep -q "PROXY realm=. flags=yes msg=AS-REP" ||
		{ echo "$ICOUT"; return 1; }
}

ia_windows_mode_mit_initiator() {
	# Measured: MIT 1.22's initiator cannot follow a Windows-shaped reply
	# (target-realm "."): it fails cleanly after the AS-REP.
	ic_fail 1 "init_sec_context" --user alice --password alicepw --no-io
}

ia_windows_mechs() {
	srv_restart --mechs windows || return 1
	ic_ok --user alice --password alicepw || return 1
	echo "$ICOUT" | grep -q "HINTS NEGOEX,MS-krb5,krb5,IAKerb,NTLMSSP" ||
		{ echo "$ICOUT" | grep HINTS; return 1; }
	smbc ls >/dev/null 2>&1 || { smbc ls; return 1; }
}

ia_krb5_only_refused() {
	srv_restart --mechs krb5,mskrb5 || return 1
	log_mark
	ic_fail 1 "server says 0xc000006d" --user alice --password alicepw || return 1
	log_since | grep -q 'no common mechanism' || { log_since; return 1; }
}

ia_concurrent() {
	# a SESSION_SETUP waiting on a slow KDC blocks neither an ECHO on the
	# same connection nor another client's session
	srv_restart --fault kdc-delay=1500 || return 1
	local t0 t1 bg
	t0=$(date +%s%N)
	( ic --user alice --password alicepw --no-io --echo-during-legs
	  rc=$?; echo "$ICOUT" > "$W/ic.out"; exit $rc ) &
	bg=$!
	sleep 0.3
	smbc ls >/dev/null 2>&1 || { echo "smbclient failed meanwhile"; return 1; }
	t1=$(date +%s%N)
	kill -0 $bg 2>/dev/null || { echo "IAKerb client already done"; return 1; }
	wait $bg || { cat "$W/ic.out"; return 1; }
	ICOUT=$(cat "$W/ic.out")
	[ $(( (t1 - t0) / 1000000 )) -lt 1500 ] || { echo "smbclient took $(( (t1 - t0) / 1000000 )) ms"; return 1; }
	# the three KDC-bound legs were overtaken by their ECHO
	echo "$ICOUT" | grep -Eq "ECHO overtook [3-5] of 5 legs" || { echo "$ICOUT"; return 1; }
}

t iakerb-no-line-of-sight ia_no_line_of_sight
srv_start
t iakerb-mit-password-discovery-preauth ia_mit
t iakerb-wrong-password ia_wrong_password
t iakerb-realm-given ia_realm_given
t iakerb-windows-final-leg ia_windows_final
t iakerb-windows-mode ia_windows_mode
t iakerb-windows-mode-mit-initiator-fails ia_windows_mode_mit_initiator
t iakerb-windows-mech-list ia_windows_mechs
t iakerb-not-offered ia_krb5_only_refused
t iakerb-concurrent-echo-and-sessions ia_concurrent
srv_stop
