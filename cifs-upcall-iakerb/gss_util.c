// SPDX-License-Identifier: GPL-2.0
/*
 * GSS and krb5 helpers for both paths: what a failure means for the user
 * (an IAKERB_OUT_* row, one line of MIT's own text), names, the session
 * key.  The minor status of MIT's krb5 and IAKerb mechanisms is a krb5
 * error code, which says more than the major one.
 */
#include <errno.h>
#include <string.h>
#include <krb5/krb5.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>

#include "upcall.h"
#include "gss_glue.h"

gss_OID_desc mech_iakerb_oid = { 6, (void *)"\x2b\x06\x01\x05\x02\x05" };
gss_OID_desc mech_krb5_oid = { 9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02" };

int krb5_code_outcome(long code)
{
	switch (code) {
	case KRB5KDC_ERR_PREAUTH_FAILED:
	case KRB5KRB_AP_ERR_BAD_INTEGRITY:
	case KRB5_PREAUTH_FAILED:
		return IAKERB_OUT_BAD_PASSWORD;
	case KRB5KDC_ERR_KEY_EXP:
	case KRB5KDC_ERR_CLIENT_REVOKED:
	case KRB5KDC_ERR_NAME_EXP:
		return IAKERB_OUT_EXPIRED;
	case KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN:
		return IAKERB_OUT_NO_PRINCIPAL;
	/* the TGS exchange's: cifs/<host> (an IP address, an alias) */
	case KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN:
		return IAKERB_OUT_NO_SERVICE;
	case KRB5KRB_AP_ERR_SKEW:
	case KRB5_KDCREP_SKEW:
		return IAKERB_OUT_CLOCK_SKEW;
	/* what the SMB server relays when it cannot reach its KDC */
	case KRB5KDC_ERR_SVC_UNAVAILABLE:
	case KRB5KRB_AP_ERR_IAKERB_KDC_NOT_FOUND:
	case KRB5KRB_AP_ERR_IAKERB_KDC_NO_RESPONSE:
		return IAKERB_OUT_KDC_UNREACHABLE;
	/*
	 * Only libkrb5's own KDC lookup and sendto say these: this machine
	 * found or reached no KDC (no IAKerb exchange makes them)
	 */
	case KRB5_KDC_UNREACH:
	case KRB5_REALM_UNKNOWN:
	case KRB5_REALM_CANT_RESOLVE:
	case KRB5_ERR_HOST_REALM_UNKNOWN:
		return IAKERB_OUT_OWN_KDC_UNREACHABLE;
	case KRB5_FCC_NOFILE:
	case KRB5_CC_NOTFOUND:
	case KRB5_CC_NOSUPP:
	case KRB5_CC_FORMAT:
	case KRB5_KT_NOTFOUND:
	case KRB5_KT_END:
		return IAKERB_OUT_NO_CREDS;
	case KRB5KRB_AP_ERR_TKT_EXPIRED:
		return IAKERB_OUT_TICKET_EXPIRED;
	case KRB5KRB_AP_ERR_MODIFIED:
	case KRB5KRB_AP_ERR_BADMATCH:
	case KRB5KRB_AP_ERR_REPEAT:
		return IAKERB_OUT_MUTUAL_AUTH;
	/* libkrb5 returns errno values as they are */
	case ENOMEM:
		return IAKERB_OUT_NO_MEMORY;
	}
	return -1;
}

int krb_error_outcome(int32_t error_code)
{
	/* libkrb5's codes for them are KRB5KDC_ERR_NONE + the code */
	if (error_code <= 0 || error_code > 127)
		return -1;
	return krb5_code_outcome(KRB5KDC_ERR_NONE + error_code);
}

int reply_outcome(int outcome, enum krb_msg_type sent)
{
	/*
	 * An integrity failure means a wrong password only where the key is
	 * the password's: the AS-REP.  On the AP-REP it is the server
	 * failing mutual authentication; on the TGS exchange a ticket or
	 * reply damaged on the way (the KDC's KRB-ERROR 31, or ours).
	 */
	if (outcome != IAKERB_OUT_BAD_PASSWORD || sent == KRB_MSG_AS_REQ)
		return outcome;
	return sent == KRB_MSG_AP_REQ ? IAKERB_OUT_MUTUAL_AUTH :
					IAKERB_OUT_PROTOCOL;
}

int gss_outcome(OM_uint32 major, OM_uint32 minor)
{
	int o = minor ? krb5_code_outcome((krb5_error_code)minor) : -1;

	if (o >= 0)
		return o;
	switch (GSS_ROUTINE_ERROR(major)) {
	case GSS_S_NO_CRED:
		return IAKERB_OUT_NO_CREDS;
	case GSS_S_CREDENTIALS_EXPIRED:
		return IAKERB_OUT_TICKET_EXPIRED;
	case GSS_S_BAD_SIG:
		return IAKERB_OUT_MUTUAL_AUTH;
	case GSS_S_BAD_MECH:
		return IAKERB_OUT_NO_MECH;
	}
	return IAKERB_OUT_PROTOCOL;
}

/*
 * A path that talks to no SMB server's KDC (plain krb5, the password's
 * own AS exchange): whatever says "unreachable" is about this machine's
 * KDCs, even a KDC_ERR_SVC_UNAVAILABLE that libkrb5 got from all of them.
 */
void own_kdc_outcome(struct result *res)
{
	if (res->outcome == IAKERB_OUT_KDC_UNREACHABLE)
		res->outcome = IAKERB_OUT_OWN_KDC_UNREACHABLE;
}

/* MIT's own words for a failure, major and minor, on one line */
char *gss_text(TALLOC_CTX *mem, OM_uint32 major, OM_uint32 minor,
	       const gss_OID mech)
{
	char *s = talloc_strdup(mem, "");
	OM_uint32 ctx = 0, min2, maj2;
	gss_buffer_desc msg;
	int pass;

	for (pass = 0; pass < 2 && s; pass++) {
		int type = pass ? GSS_C_MECH_CODE : GSS_C_GSS_CODE;
		OM_uint32 code = pass ? minor : major;

		if (pass && !minor)
			break;
		/* "Unspecified GSS failure" says nothing the minor does not */
		if (!pass && (!GSS_ERROR(major) ||
			      (minor && GSS_ROUTINE_ERROR(major) ==
					GSS_S_FAILURE)))
			continue;
		ctx = 0;
		do {
			maj2 = gss_display_status(&min2, code, type, mech, &ctx,
						  &msg);
			if (GSS_ERROR(maj2))
				break;
			if (!(msg.length == 7 && !memcmp(msg.value, "Success", 7)))
				s = talloc_asprintf_append(s, "%s%.*s",
							   *s ? "; " : "",
							   (int)msg.length,
							   (char *)msg.value);
			gss_release_buffer(&min2, &msg);
		} while (ctx && s);
	}
	return s;
}

int gss_fail(struct result *res, TALLOC_CTX *mem, const char *what,
	     OM_uint32 major, OM_uint32 minor, const gss_OID mech)
{
	char *t = gss_text(mem, major, minor, mech);
	int ret = fail(res, gss_outcome(major, minor), "%s: %s", what,
		       t ? t : "GSS failure");

	talloc_free(t);
	return ret;
}

/*
 * The host part of cifs/<host> as every principal of ours spells it: in
 * lower case (ASCII only; DNS names are case-insensitive, principals are
 * not).  A child of @mem, or NULL.
 */
char *spn_host(TALLOC_CTX *mem, const char *host)
{
	char *h = talloc_strdup(mem, host), *c;

	for (c = h; c && *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return h;
}

/*
 * The client principal of a GSS credential, as a krb5 principal and (the
 * return value, a child of @mem) its text.  GSS names the client only
 * through gss_display_name(); the krb5 calls that follow need it parsed.
 * NULL (and *out NULL) when the credential names nobody we can parse.
 */
char *gss_cred_principal(TALLOC_CTX *mem, krb5_context k, gss_cred_id_t cred,
			 krb5_principal *out)
{
	gss_buffer_desc nb = GSS_C_EMPTY_BUFFER;
	gss_name_t name = GSS_C_NO_NAME;
	OM_uint32 major, minor;
	char *pn = NULL;

	*out = NULL;
	major = gss_inquire_cred(&minor, cred, &name, NULL, NULL, NULL);
	if (!GSS_ERROR(major))
		major = gss_display_name(&minor, name, &nb, NULL);
	if (!GSS_ERROR(major))
		pn = talloc_strndup(mem, nb.value, nb.length);
	gss_release_buffer(&minor, &nb);
	gss_release_name(&minor, &name);
	if (pn && krb5_parse_name(k, pn, out)) {
		*out = NULL;
		TALLOC_FREE(pn);
	}
	return pn;
}

/* "cifs@<host>": MIT turns it into cifs/<host>@<realm of the host> */
int gss_service_name(const char *host, gss_name_t *out, OM_uint32 *minor)
{
	char buf[IAKERB_HOST_MAX + 8];
	gss_buffer_desc b;

	b.length = (size_t)snprintf(buf, sizeof(buf), "cifs@%s", host);
	b.value = buf;
	return (int)gss_import_name(minor, &b, GSS_C_NT_HOSTBASED_SERVICE, out);
}

/* The session key the server derives too (SSPI's, MS-KILE 3.1.1.2) */
int gss_session_key(gss_ctx_id_t ctx, uint8_t *key, size_t cap, size_t *len,
		    struct result *res, TALLOC_CTX *mem, const gss_OID mech)
{
	gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
	OM_uint32 major, minor;
	int ret = 0;

	major = gss_inquire_sec_context_by_oid(&minor, ctx,
					       GSS_C_INQ_SSPI_SESSION_KEY,
					       &set);
	if (GSS_ERROR(major))
		return gss_fail(res, mem, "session key", major, minor, mech);
	if (!set || set->count < 1 || !set->elements[0].length ||
	    set->elements[0].length > cap) {
		ret = fail(res, IAKERB_OUT_PROTOCOL, "unusable session key");
	} else {
		memcpy(key, set->elements[0].value, set->elements[0].length);
		*len = set->elements[0].length;
	}
	if (set) {
		size_t i;

		for (i = 0; i < set->count; i++)
			secret_wipe(set->elements[i].value,
				    set->elements[i].length);
		gss_release_buffer_set(&minor, &set);
	}
	return ret;
}
