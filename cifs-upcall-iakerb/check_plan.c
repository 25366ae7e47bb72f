// SPDX-License-Identifier: GPL-2.0
/*
 * --check's reasoning, without I/O: which mechanisms the server offers,
 * and what a mount would do with them.  The rules are the helper's
 * (main.c, policy.c): sec=krb5 tries plain krb5 first and takes IAKerb
 * when that finds no credentials or no KDC and the server offers it;
 * sec=iakerb goes to IAKerb at once; a password goes where pw_decide()
 * lets it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "spnego.h"
#include "oid.h"

static const struct {
	const struct der_blob *oid;
	unsigned int bit;
	const char *name;
} mech_names[] = {
	{ &oid_krb5, CHECK_MECH_KRB5, "krb5" },
	{ &oid_ms_krb5, CHECK_MECH_MSKRB5, "MS-krb5" },
	{ &oid_iakerb, CHECK_MECH_IAKERB, "IAKerb" },
	{ &oid_ntlmssp, CHECK_MECH_NTLMSSP, "NTLMSSP" },
	{ &oid_negoex, CHECK_MECH_NEGOEX, "NEGOEX" },
};
#define N_MECH_NAMES (sizeof(mech_names) / sizeof(mech_names[0]))

static void add(char *buf, size_t cap, const char *s)
{
	size_t n = strlen(buf);

	snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", s);
}

int check_mechs(const uint8_t *blob, size_t len, unsigned int *mechs,
		char *names, size_t cap)
{
	struct spnego_token t;
	char dotted[OID_STR_MAX];
	size_t i, j;
	int ret;

	*mechs = 0;
	names[0] = 0;
	ret = spnego_parse(blob, len, &t);
	if (ret)
		return ret;
	if (t.kind != SPNEGO_NEG_TOKEN_INIT)
		return -EBADMSG;
	for (i = 0; i < t.init.n_mechs; i++) {
		for (j = 0; j < N_MECH_NAMES; j++)
			if (oid_equal(&t.init.mechs[i], mech_names[j].oid))
				break;
		if (j < N_MECH_NAMES) {
			*mechs |= mech_names[j].bit;
			add(names, cap, mech_names[j].name);
		} else {
			*mechs |= CHECK_MECH_OTHER;
			if (oid_to_str(&t.init.mechs[i], dotted,
				       sizeof(dotted)) < 0)
				snprintf(dotted, sizeof(dotted), "?");
			add(names, cap, dotted);
		}
	}
	return 0;
}

void check_mech_list(unsigned int mechs, char *buf, size_t cap)
{
	size_t j;

	buf[0] = 0;
	for (j = 0; j < N_MECH_NAMES; j++)
		if (mechs & mech_names[j].bit)
			add(buf, cap, mech_names[j].name);
}

static void verdict(struct check_verdict *v, bool ok, int err,
		    const char *how)
{
	v->ok = ok;
	v->err = err;
	v->how = how;
}

/* A valid ticket in the user's caches */
static void with_ticket(const struct check_facts *f, bool krb, bool ia,
			struct check_verdict *v)
{
	if (krb && !f->sec_iakerb &&
	    (f->cc == CC_SERVICE || f->kdc == CHECK_KDC_REACHABLE)) {
		verdict(v, true, 0, f->cc == CC_SERVICE ?
			"plain krb5 with the stored service ticket" :
			"plain krb5: the stored TGT gets a service ticket "
			"from the realm's KDC, from this machine");
		return;
	}
	if (ia) {
		verdict(v, true, 0, f->cc == CC_SERVICE ?
			"IAKerb with the stored service ticket (AP exchange "
			"only)" :
			"IAKerb with the stored TGT: the TGS exchange goes "
			"through the server");
		return;
	}
	verdict(v, false, ENETUNREACH, "the stored TGT needs a KDC, "
		"none of the realm is reachable from here and the server "
		"does not offer IAKerb to reach one through it");
}

/* No ticket, a password: where may its AS exchange go? */
static void with_password(const struct check_facts *f, bool krb, bool ia,
			  struct check_verdict *v)
{
	struct pw_facts pw = f->pw;
	const char *why;

	pw.sec_iakerb = f->sec_iakerb;
	switch (pw_decide(&pw, &why)) {
	case PW_ASK_KDC:
	case PW_USE_KDC:
		verdict(v, true, 0, krb && !f->sec_iakerb ?
			"plain krb5: the password's AS exchange goes to the "
			"realm's KDC from this machine (its answer stands)" :
			"the password's AS exchange goes to the realm's KDC "
			"from this machine (its answer stands), then IAKerb");
		if (!krb && !ia)
			verdict(v, false, 0, "the server offers no "
				"Kerberos mechanism");
		return;
	case PW_REFUSE:
		verdict(v, false, ENETUNREACH, why);
		return;
	case PW_VIA_SERVER:
		break;
	}
	if (ia)
		verdict(v, true, 0, "IAKerb with the password: its AS "
			"exchange goes through the server (an eavesdropper "
			"can attack it offline; see cifs-iakerb(7))");
	else
		verdict(v, false, ENETUNREACH, "no KDC of the realm is "
			"reachable from here and the server does not offer "
			"IAKerb");
}

void check_plan(const struct check_facts *f, bool password,
		struct check_verdict *v)
{
	/* no list: the kernel sends what sec= says */
	bool krb = f->no_blob ||
		   (f->mechs & (CHECK_MECH_KRB5 | CHECK_MECH_MSKRB5));
	bool ia = (f->no_blob && f->sec_iakerb) ||
		  (f->mechs & CHECK_MECH_IAKERB);

	if (f->sec_iakerb && !ia) {
		verdict(v, false, 0, "sec=iakerb, and the server does "
			"not offer IAKerb");
		return;
	}
	if (!krb && !ia) {
		verdict(v, false, 0, "the server offers no Kerberos "
			"mechanism (sec=ntlmssp may work)");
		return;
	}
	if (f->cc != CC_NONE) {
		with_ticket(f, krb, ia, v);
		return;
	}
	if (password) {
		with_password(f, krb, ia, v);
		return;
	}
	if (f->cc_stale)
		verdict(v, false, ESTALE, "the user's tickets have "
			"expired (kinit renews them, or give a password)");
	else
		verdict(v, false, ENOKEY, "no Kerberos credentials "
			"(kinit first, or give a password: credentials=, "
			"password= or the prompt with sec=iakerb)");
}
