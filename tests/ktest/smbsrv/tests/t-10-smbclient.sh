# SPDX-License-Identifier: GPL-2.0
# Plain krb5 (SPNEGO) with Samba's smbclient: file operations and signing.

sc_files() {
	local d=$W/client/files
	mkdir -p "$d" && head -c 300000 /dev/urandom > "$d/big" &&
	echo hello > "$d/small" || return 1
	smbc "put $d/big big; put $d/small small; mkdir dir1; rename small dir1/moved; ls dir1/*; get big $d/big.back; get dir1/moved $d/moved.back; allinfo big; del dir1/moved; rmdir dir1; ls" > "$d/out" 2>&1 || { cat "$d/out"; return 1; }
	cmp "$d/big" "$d/big.back" || return 1
	cmp "$d/small" "$d/moved.back" || return 1
	grep -q "moved" "$d/out" || { echo "ls did not show dir1/moved"; return 1; }
	! grep -v "alt name" "$d/out" | grep -q NT_STATUS || { grep NT_STATUS "$d/out"; return 1; }
	sx test -f "$SRV_DIR/shares/share/big" || { echo "not on the server"; return 1; }
	! sx test -e "$SRV_DIR/shares/share/dir1" || { echo "rmdir failed"; return 1; }
}

sc_signed() {
	# the session was signed and the final SESSION_SETUP response too
	# (smbclient verifies it when signing is required)
	log_since | grep -q "SESSION .* signing=1" ||
		{ echo "no signed session in the log"; return 1; }
	log_since | grep -q 'SESSLEG .*status=0x00000000 mech=mskrb5 what=AP-REQ' ||
		{ log_since; return 1; }
}

sc_wrong_share() {
	local out
	out=$(cx timeout 30 smbclient --use-kerberos=required \
		--use-krb5-ccache="FILE:$CC_FILE" -m SMB3 -I "$SRV_ADDR" \
		"//$SRV_NAME/nosuch" -c ls 2>&1)
	echo "$out" | grep -q BAD_NETWORK_NAME || { echo "$out"; return 1; }
}

sc_mit_spnego() {
	srv_restart --auth mit-spnego || return 1
	smbc "ls" >/dev/null 2>&1 || { smbc ls; return 1; }
	log_since | grep -q "status=0x00000000 mech=mit-spnego" ||
		{ log_since; return 1; }
}

sc_smb30() {
	local d=$W/client/files30 p
	mkdir -p "$d" && echo "three-oh" > "$d/f" || return 1
	srv_restart --smb30 || return 1
	for p in SMB3_02 SMB3_00; do
		cx timeout 30 smbclient --use-kerberos=required \
			--use-krb5-ccache="FILE:$CC_FILE" -m $p -I "$SRV_ADDR" \
			"//$SRV_NAME/share" -c "put $d/f f-$p; get f-$p $d/back-$p" \
			>/dev/null 2>&1 || { echo "$p failed"; return 1; }
		cmp "$d/f" "$d/back-$p" || return 1
	done
	! srvlog | grep -q BADSIG
}

t smbclient-ticket client_ticket
srv_start || fail server-start "$(cat "$LOG_DIR/smbsrv.out")"
log_mark
t smbclient-files sc_files
t smbclient-signed sc_signed
t smbclient-bad-share sc_wrong_share
log_mark
t smbclient-mit-spnego sc_mit_spnego
t smbclient-smb30-smb302 sc_smb30
srv_stop
