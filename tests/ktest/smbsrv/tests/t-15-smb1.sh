# SPDX-License-Identifier: GPL-2.0
# An SMB1 multi-protocol NEGOTIATE opening the connection (MS-SMB2
# 3.3.5.3): offering "SMB 2.???", it is answered with an SMB2 NEGOTIATE
# response with DialectRevision 0x02FF and the SMB2 NEGOTIATE that follows
# on the same connection goes on as usual; offering no SMB2 dialect, the
# connection is closed with no answer (smbsrv speaks no SMB1).

smb1_wildcard_iakerb() {
	# Windows' dialect list (MS-SMB2 4.2); the client checks every field
	# of the wildcard answer, then negotiates 3.1.1 and does IAKerb + IO
	log_mark
	ic_ok --user alice --password alicepw --smb1-negotiate wildcard ||
		return 1
	echo "$ICOUT" | grep -q "SMB1 NEGOTIATE answered with SMB2 wildcard 0x02ff" ||
		{ echo "$ICOUT"; return 1; }
	log_since | grep -q 'NEG1 conn=[0-9]* dialects=8 wildcard=1 smb2.002=1 answer=0x02ff' ||
		{ log_since; return 1; }
	log_since | grep -q 'status=0x00000000 mech=iakerb ' ||
		{ log_since; return 1; }
}

smb1_no_smb2_dropped() {
	# "NT LM 0.12" and older only: dropped, and the server lives on
	log_mark
	ic --user alice --password alicepw --smb1-negotiate nt1 ||
		{ echo "exit $?: $ICOUT"; return 1; }
	echo "$ICOUT" | grep -q "closed with no answer" || { echo "$ICOUT"; return 1; }
	log_since | grep -q 'NEG1 conn=[0-9]* dialects=6 wildcard=0 smb2.002=0 answer=smb1-no-smb2' ||
		{ log_since; return 1; }
	ic_ok --user alice --password alicepw --no-io
}

smb1_smbclient() {
	# Samba's own client, allowed SMB1: it opens with an SMB1 negprot
	# that offers "SMB 2.???", then SMB2 on the wildcard answer
	local out
	log_mark
	out=$(cx timeout 30 smbclient --use-kerberos=required \
		--use-krb5-ccache="FILE:$CC_FILE" \
		--option='client min protocol=NT1' \
		--option='client max protocol=SMB3' \
		-I "$SRV_ADDR" "//$SRV_NAME/share" -c ls 2>&1) ||
		{ echo "$out"; log_since; return 1; }
	log_since | grep -q 'NEG1 conn=[0-9]* .*wildcard=1 .*answer=0x02ff' ||
		{ echo "$out"; log_since; return 1; }
	log_since | grep -q 'SESSLEG .*status=0x00000000 ' ||
		{ log_since; return 1; }
}

srv_start || fail server-start "$(cat "$LOG_DIR/smbsrv.out")"
t smb1-negotiate-wildcard-then-iakerb smb1_wildcard_iakerb
t smb1-negotiate-no-smb2-dropped smb1_no_smb2_dropped
client_ticket >/dev/null 2>&1
t smb1-negotiate-smbclient-nt1 smb1_smbclient
srv_stop
