// SPDX-License-Identifier: LGPL-2.1
/*
 * cifs.spnego key descriptions (PROTOCOL.md §2): build, parse, sanitise.
 *
 * The parser is strict: every value must be spelled exactly as the
 * builder (and the kernel) spells it, so a description has one reading.
 * Fields may come in any order, as stock cifs.upcall allows, but none
 * twice.  Unknown fields are skipped unless their name starts with '!'.
 */
#include "iakerb_compat.h"

static const char * const mech_names[] = {
	"krb5", "mskrb5", "krb5u2u", "iakerb", "ntlmssp",
};

static const char * const sec_names[] = {
	[IAKERB_SEC_KRB5] = "krb5",
	[IAKERB_SEC_MSKRB5] = "mskrb5",
	[IAKERB_SEC_IAKERB] = "iakerb",
};

static const char * const target_names[] = {
	[IAKERB_TARGET_APP] = "app",
	[IAKERB_TARGET_MOUNT] = "mount",
};

/*
 * A value the kernel may write: 1..max bytes, no ';' (the separator), no
 * control characters (C0 and DEL).  Bytes >= 0x80 pass: user names may be
 * UTF-8.
 */
int iakerb_text_ok(const char *s, size_t len, size_t max)
{
	size_t i;

	if (len == 0 || len > max)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c < 0x20 || c == 0x7f || c == ';')
			return -EINVAL;
	}
	return 0;
}

/* What 7.2's cifs_get_spnego_key() writes as sec= for these mechanisms */
__u8 iakerb_sec_from_mechs(__u32 mechs)
{
	if (mechs & IAKERB_MECH_KRB5)
		return IAKERB_SEC_KRB5;
	if (mechs & IAKERB_MECH_MSKRB5)
		return IAKERB_SEC_MSKRB5;
	if (mechs & IAKERB_MECH_IAKERB)
		return IAKERB_SEC_IAKERB;
	return IAKERB_SEC_KRB5;
}

static bool str_is(const char *v, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(v, lit, n) == 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "0x" and 1..8 lowercase hex digits, no leading zero: what %x prints */
static int parse_hex32(const char *v, size_t n, __u32 *out)
{
	__u32 x = 0;
	size_t i;

	if (n < 3 || n > 10 || v[0] != '0' || v[1] != 'x')
		return -EPROTO;
	if (v[2] == '0' && n > 3)
		return -EPROTO;
	for (i = 2; i < n; i++) {
		int h = hexval(v[i]);

		if (h < 0)
			return -EPROTO;
		x = x << 4 | h;
	}
	*out = x;
	return 0;
}

/* Decimal, no sign, no leading zero, min..max */
static int parse_dec(const char *v, size_t n, __u32 min, __u32 max,
		     __u32 *out)
{
	unsigned long long x = 0;
	size_t i;

	if (n < 1 || n > 10 || (v[0] == '0' && n > 1))
		return -EPROTO;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -EPROTO;
		x = x * 10 + (v[i] - '0');
	}
	if (x < min || x > max)
		return -EPROTO;
	*out = (__u32)x;
	return 0;
}

/* %pI4: four decimal octets, no leading zeros */
static int parse_ip4(const char *v, size_t n, __u8 *addr)
{
	size_t i = 0, start;
	int k;

	for (k = 0; k < 4; k++) {
		__u32 o;

		start = i;
		while (i < n && v[i] != '.')
			i++;
		if (parse_dec(v + start, i - start, 0, 255, &o))
			return -EPROTO;
		addr[k] = o;
		if (k < 3) {
			if (i >= n)
				return -EPROTO;
			i++;
		}
	}
	return i == n ? 0 : -EPROTO;
}

/* %pI6: eight groups of four lowercase hex digits */
static int parse_ip6(const char *v, size_t n, __u8 *addr)
{
	int g, j;

	if (n != 39)
		return -EPROTO;
	for (g = 0; g < 8; g++) {
		const char *p = v + g * 5;
		__u32 x = 0;

		for (j = 0; j < 4; j++) {
			int h = hexval(p[j]);

			if (h < 0)
				return -EPROTO;
			x = x << 4 | h;
		}
		if (g < 7 && p[4] != ':')
			return -EPROTO;
		addr[2 * g] = x >> 8;
		addr[2 * g + 1] = x & 0xff;
	}
	return 0;
}

static int parse_name(const char *v, size_t n, const char * const *names,
		      int count, __u8 *out)
{
	int i;

	for (i = 0; i < count; i++) {
		if (names[i] && str_is(v, n, names[i])) {
			*out = i;
			return 0;
		}
	}
	return -EPROTO;
}

/* Comma-separated mechanism names in canonical order, or "none" */
static int parse_mechs(const char *v, size_t n, __u32 *out)
{
	__u32 mechs = 0;
	size_t i = 0, start;
	int next = 0, m;

	if (str_is(v, n, IAKERB_MECH_NONE_NAME)) {
		*out = 0;
		return 0;
	}
	while (i < n) {
		start = i;
		while (i < n && v[i] != ',')
			i++;
		for (m = next; m < (int)ARRAY_SIZE(mech_names); m++)
			if (str_is(v + start, i - start, mech_names[m]))
				break;
		if (m == (int)ARRAY_SIZE(mech_names))
			return -EPROTO;	/* unknown, repeated or out of order */
		mechs |= 1u << m;
		next = m + 1;
		if (i < n) {
			i++;
			if (i == n)
				return -EPROTO;	/* trailing comma */
		}
	}
	if (!mechs)
		return -EPROTO;
	*out = mechs;
	return 0;
}

static int exch_ok(const char *v, size_t n)
{
	size_t i;

	if (n != IAKERB_EXCH_LEN)
		return -EPROTO;
	for (i = 0; i < n; i++)
		if (hexval(v[i]) < 0)
			return -EPROTO;
	return 0;
}

static int copy_text(char *dst, const char *v, size_t n, size_t max)
{
	if (iakerb_text_ok(v, n, max))
		return -EPROTO;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

enum fid {
	FID_VER, FID_HOST, FID_IP4, FID_IP6, FID_SEC, FID_UID, FID_CREDUID,
	FID_USER, FID_PID, FID_TARGET, FID_MECHS, FID_EXCH, FID_LEG, FID_TMO,
	FID_AGENT, FID_RECON, FID_CHAN, FID_REAUTH, FID_COUNT
};

/* Index = bit number in iakerb_desc.have */
static const char * const field_names[FID_COUNT] = {
	IAKERB_FN_VER, IAKERB_FN_HOST, IAKERB_FN_IP4, IAKERB_FN_IP6,
	IAKERB_FN_SEC, IAKERB_FN_UID, IAKERB_FN_CREDUID, IAKERB_FN_USER,
	IAKERB_FN_PID, IAKERB_FN_TARGET, IAKERB_FN_MECHS, IAKERB_FN_EXCH,
	IAKERB_FN_LEG, IAKERB_FN_TMO, IAKERB_FN_AGENT, IAKERB_FN_RECON,
	IAKERB_FN_CHAN, IAKERB_FN_REAUTH,
};

static int parse_field(int fid, const char *v, size_t n, struct iakerb_desc *d)
{
	switch (fid) {
	case FID_VER:
		if (parse_hex32(v, n, &d->ver))
			return -EPROTO;
		return d->ver == IAKERB_UPCALL_VERSION ? 0 : -EPROTONOSUPPORT;
	case FID_HOST:
		return copy_text(d->host, v, n, IAKERB_HOST_MAX);
	case FID_IP4:
		return parse_ip4(v, n, d->addr);
	case FID_IP6:
		return parse_ip6(v, n, d->addr);
	case FID_SEC:
		return parse_name(v, n, sec_names, ARRAY_SIZE(sec_names),
				  &d->sec);
	case FID_UID:
		return parse_hex32(v, n, &d->uid);
	case FID_CREDUID:
		return parse_hex32(v, n, &d->creduid);
	case FID_USER:
		return copy_text(d->user, v, n, IAKERB_USER_MAX);
	case FID_PID:
		return parse_hex32(v, n, &d->pid);	/* range: desc_check */
	case FID_TARGET:
		return parse_name(v, n, target_names, ARRAY_SIZE(target_names),
				  &d->target);
	case FID_MECHS:
		return parse_mechs(v, n, &d->mechs);
	case FID_EXCH:
		if (exch_ok(v, n))
			return -EPROTO;
		memcpy(d->exch, v, n);
		d->exch[n] = '\0';
		return 0;
	case FID_LEG:
		return parse_dec(v, n, 1, IAKERB_MAX_LEGS, &d->leg);
	case FID_TMO:
		return parse_dec(v, n, IAKERB_TMO_MIN, IAKERB_TMO_MAX, &d->tmo);
	case FID_AGENT:
		return parse_dec(v, n, 2, IAKERB_PID_MAX, &d->agent);
	case FID_RECON:
		if (!str_is(v, n, "1"))
			return -EPROTO;
		d->recon = 1;
		return 0;
	case FID_CHAN:
	case FID_REAUTH:
		return str_is(v, n, "1") ? 0 : -EPROTO;
	}
	return -EPROTO;
}

/* Field names are [a-z0-9_]+, optionally after the critical mark */
static int name_ok(const char *s, size_t n)
{
	size_t i;

	if (n && s[0] == IAKERB_CRITICAL_MARK) {
		s++;
		n--;
	}
	if (n == 0)
		return -EPROTO;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return -EPROTO;
	}
	return 0;
}

/*
 * Rules between fields, shared by the parser (after reading) and the
 * builder (before writing), so that whatever one accepts the other does.
 */
static int desc_check(const struct iakerb_desc *d)
{
	__u32 have = d->have;
	__u32 ml = have & IAKERB_F_MULTILEG;

	if ((have & IAKERB_F_LEGACY_REQUIRED) != IAKERB_F_LEGACY_REQUIRED)
		return -EPROTO;
	if (!(have & IAKERB_F_IP4) == !(have & IAKERB_F_IP6))
		return -EPROTO;
	if (d->ver != IAKERB_UPCALL_VERSION)
		return -EPROTONOSUPPORT;
	if (d->sec < IAKERB_SEC_KRB5 || d->sec > IAKERB_SEC_IAKERB ||
	    d->target < IAKERB_TARGET_APP || d->target > IAKERB_TARGET_MOUNT)
		return -EPROTO;
	if (d->pid == 0 || d->pid > IAKERB_PID_MAX)
		return -EPROTO;
	if (iakerb_text_ok(d->host, strnlen(d->host, sizeof(d->host)),
			   IAKERB_HOST_MAX))
		return -EPROTO;
	if ((have & IAKERB_F_USER) &&
	    iakerb_text_ok(d->user, strnlen(d->user, sizeof(d->user)),
			   IAKERB_USER_MAX))
		return -EPROTO;

	if (!ml) {
		/* A legacy (7.2) description: nothing multi-leg at all */
		if (have & (IAKERB_F_AGENT | IAKERB_F_RECON | IAKERB_F_CHAN |
			    IAKERB_F_REAUTH))
			return -EPROTO;
		return 0;
	}
	if (ml != IAKERB_F_MULTILEG)
		return -EPROTO;
	if (d->mechs & ~IAKERB_MECH_ALL)
		return -EPROTO;
	/* 7.2's choice, or the mount's own sec=iakerb when IAKerb is offered */
	if (d->sec != iakerb_sec_from_mechs(d->mechs) &&
	    !(d->sec == IAKERB_SEC_IAKERB && (d->mechs & IAKERB_MECH_IAKERB)))
		return -EPROTO;
	if (exch_ok(d->exch, strnlen(d->exch, sizeof(d->exch))))
		return -EPROTO;
	if (d->leg < 1 || d->leg > IAKERB_MAX_LEGS ||
	    d->tmo < IAKERB_TMO_MIN || d->tmo > IAKERB_TMO_MAX)
		return -EPROTO;
	/* agent= exactly on legs >= 2 */
	if ((have & IAKERB_F_AGENT) ? d->leg == 1 : d->leg != 1)
		return -EPROTO;
	if ((have & IAKERB_F_AGENT) &&
	    (d->agent < 2 || d->agent > IAKERB_PID_MAX))
		return -EPROTO;
	/* recon=1 or nothing; upcall_target= stays as the mount chose it */
	if ((have & IAKERB_F_RECON) && d->recon != 1)
		return -EPROTO;
	/* the kernel offers its channel on leg 1 only (§8) */
	if ((have & IAKERB_F_CHAN) && d->leg != 1)
		return -EPROTO;
	return 0;
}

int iakerb_desc_parse(const char *s, size_t len, struct iakerb_desc *d)
{
	size_t pos = 0;
	int ret;

	memset(d, 0, sizeof(*d));
	if (len == 0 || len > IAKERB_DESC_MAX)
		return -EPROTO;
	if (memchr(s, '\0', len))
		return -EPROTO;

	while (pos <= len) {
		const char *f = s + pos, *eq, *semi;
		size_t flen, nlen;
		int fid;

		semi = memchr(f, ';', len - pos);
		flen = semi ? (size_t)(semi - f) : len - pos;
		eq = memchr(f, '=', flen);
		if (!eq)
			return -EPROTO;	/* includes empty fields */
		nlen = eq - f;
		if (name_ok(f, nlen))
			return -EPROTO;

		for (fid = 0; fid < FID_COUNT; fid++)
			if (str_is(f, nlen, field_names[fid]))
				break;
		if (fid == FID_COUNT) {
			if (f[0] == IAKERB_CRITICAL_MARK)
				return -EPROTONOSUPPORT;
			/* unknown, ignorable: still no control characters */
			if (flen - nlen - 1 &&
			    iakerb_text_ok(eq + 1, flen - nlen - 1,
					   IAKERB_DESC_MAX))
				return -EPROTO;
		} else {
			if (d->have & (1u << fid))
				return -EPROTO;	/* duplicate */
			d->have |= 1u << fid;
			ret = parse_field(fid, eq + 1, flen - nlen - 1, d);
			if (ret)
				return ret;
		}
		if (!semi)
			break;
		pos += flen + 1;
		if (pos == len)
			return -EPROTO;	/* trailing ';' */
	}
	return desc_check(d);
}

struct out {
	char	*buf;
	size_t	cap;
	size_t	len;
	int	err;
};

IAKERB_PRINTF(2, 3)
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len) {
		o->err = -EMSGSIZE;
		return;
	}
	o->len += n;
}

int iakerb_desc_build(char *buf, size_t cap, const struct iakerb_desc *d)
{
	struct out o = { .buf = buf, .cap = cap };
	const __u8 *a = d->addr;
	int ret, m;

	if (cap == 0)
		return -EMSGSIZE;
	buf[0] = '\0';
	ret = desc_check(d);
	if (ret)
		return ret == -EPROTONOSUPPORT ? ret : -EINVAL;

	put(&o, "ver=0x%x;host=%s;", d->ver, d->host);
	if (d->have & IAKERB_F_IP4)
		put(&o, "ip4=%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
	else	/* %pI6: eight groups of four lowercase hex digits */
		for (m = 0; m < 8; m++)
			put(&o, "%s%02x%02x", m ? ":" : "ip6=", a[2 * m],
			    a[2 * m + 1]);
	put(&o, ";sec=%s;uid=0x%x;creduid=0x%x", sec_names[d->sec], d->uid,
	    d->creduid);
	if (d->have & IAKERB_F_USER)
		put(&o, ";user=%s", d->user);
	put(&o, ";pid=0x%x;upcall_target=%s", d->pid, target_names[d->target]);

	if (d->have & IAKERB_F_MULTILEG) {
		put(&o, ";mechs=");
		if (!d->mechs)
			put(&o, "%s", IAKERB_MECH_NONE_NAME);
		for (m = 0; m < (int)ARRAY_SIZE(mech_names); m++)
			if (d->mechs & (1u << m))
				put(&o, "%s%s", d->mechs & ((1u << m) - 1) ?
				    "," : "", mech_names[m]);
		put(&o, ";exch=%.*s;leg=%u;tmo=%u", IAKERB_EXCH_LEN, d->exch,
		    d->leg, d->tmo);
		if (d->have & IAKERB_F_AGENT)
			put(&o, ";agent=%u", d->agent);
		if (d->have & IAKERB_F_RECON)
			put(&o, ";recon=1");
		if (d->have & IAKERB_F_CHAN)
			put(&o, ";chan=1");
		if (d->have & IAKERB_F_REAUTH)
			put(&o, ";reauth=1");
	}
	if (o.err)
		return o.err;
	if (o.len > IAKERB_DESC_MAX)
		return -EMSGSIZE;
	return (int)o.len;
}

/*
 * keyctl_describe() gives "cifs.spnego;<uid>;<gid>;<perm>;<description>".
 * Check the type and find the description.
 */
int iakerb_desc_from_describe(const char *s, size_t len, const char **desc,
			      size_t *desc_len)
{
	static const char type[] = IAKERB_SPNEGO_KEY_TYPE ";";
	size_t pos = sizeof(type) - 1, start;
	int k;

	if (len < pos || memcmp(s, type, pos))
		return -EPROTO;
	for (k = 0; k < 2; k++) {	/* uid, gid: %d */
		if (pos < len && s[pos] == '-')
			pos++;
		start = pos;
		while (pos < len && s[pos] >= '0' && s[pos] <= '9')
			pos++;
		if (pos == start || pos - start > 10 || pos >= len ||
		    s[pos] != ';')
			return -EPROTO;
		pos++;
	}
	start = pos;			/* perm: %08x */
	while (pos < len && hexval(s[pos]) >= 0)
		pos++;
	if (pos - start != 8 || pos >= len || s[pos] != ';')
		return -EPROTO;
	pos++;
	*desc = s + pos;
	*desc_len = len - pos;
	/* keyctl_describe_alloc() counts the terminating NUL */
	if (*desc_len && s[len - 1] == '\0')
		(*desc_len)--;
	return 0;
}

/* Do two legs' descriptions belong to one exchange (all but leg/tmo/agent)? */
bool iakerb_desc_same_exchange(const struct iakerb_desc *a,
			       const struct iakerb_desc *b)
{
	__u32 mask = ~(IAKERB_F_LEG | IAKERB_F_TMO | IAKERB_F_AGENT |
		       IAKERB_F_CHAN | IAKERB_F_REAUTH);
	size_t alen = (a->have & IAKERB_F_IP6) ? 16 : 4;

	if (!(a->have & IAKERB_F_EXCH) || (a->have & mask) != (b->have & mask))
		return false;
	return a->ver == b->ver && !strcmp(a->host, b->host) &&
	       !memcmp(a->addr, b->addr, alen) && a->sec == b->sec &&
	       a->target == b->target && a->recon == b->recon &&
	       a->uid == b->uid && a->creduid == b->creduid &&
	       a->pid == b->pid && !strcmp(a->user, b->user) &&
	       a->mechs == b->mechs && !strcmp(a->exch, b->exch);
}
