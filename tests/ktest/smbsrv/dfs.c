// SPDX-License-Identifier: GPL-2.0
/*
 * DFS (MS-DFSC) for the tests: a share may be a DFS root (--dfs-root) with
 * links to shares on other servers (--dfs-link ROOT/NAME=\\HOST\SHARE).
 *
 * - NEGOTIATE advertises SMB2_GLOBAL_CAP_DFS and the root's TREE_CONNECT
 *   answers SMB2_SHAREFLAG_DFS | SMB2_SHAREFLAG_DFS_ROOT with
 *   SMB2_SHARE_CAP_DFS (MS-SMB2 2.2.10);
 * - FSCTL_DFS_GET_REFERRALS (MS-DFSC 2.2.2) answers a root referral for
 *   \HOST\ROOT[\...] and a link referral for \HOST\ROOT\LINK[\...]
 *   (RESP_GET_DFS_REFERRAL 2.2.4, one DFS_REFERRAL_V3 or V4 entry 2.2.5.3
 *   and .4, whichever MaxReferralLevel allows; Linux asks for 3 and takes
 *   only V3);
 * - a CREATE carrying SMB2_FLAGS_DFS_OPERATIONS names "HOST\ROOT\PATH"
 *   (MS-SMB2 3.3.5.9): the prefix goes, and a PATH at or below a link gets
 *   STATUS_PATH_NOT_COVERED, which sends the client for a referral.
 *
 * The host part of a path is not checked: the client names this server as
 * it was told to, and a test may use a name or an address.
 */
#include <string.h>
#include <strings.h>

#include <talloc.h>

#include "smbsrv.h"

#define DFSREF_REFERRAL_SERVER	0x00000001
#define DFSREF_STORAGE_SERVER	0x00000002
#define DFS_SERVER_ROOT		0x0001
#define DFS_TARGET_SET_BOUNDARY	0x0004	/* V4 ReferralEntryFlags */
#define DFS_REFERRAL_V3_SIZE	34
#define DFS_TTL			300

/* --dfs-root SHARE */
int dfs_add_root(struct srv_config *cfg, const char *name)
{
	int i;

	for (i = 0; i < cfg->nshares; i++)
		if (!strcasecmp(cfg->shares[i].name, name)) {
			cfg->shares[i].dfs_root = true;
			return 0;
		}
	return -1;		/* name a share given before */
}

/* --dfs-link ROOT/NAME=\\HOST\SHARE (or with '/'), one path component */
int dfs_add_link(struct srv_config *cfg, const char *spec)
{
	const char *slash = strchr(spec, '/'), *eq = strchr(spec, '=');
	struct dfs_link *l;
	char *t, *p;

	if (!slash || !eq || slash == spec || eq < slash + 2 ||
	    memchr(slash + 1, '/', (size_t)(eq - slash - 1)) ||
	    cfg->ndfs_links >= MAX_DFS_LINKS)
		return -1;
	l = &cfg->dfs_links[cfg->ndfs_links];
	l->root = talloc_strndup(cfg, spec, (size_t)(slash - spec));
	l->name = talloc_strndup(cfg, slash + 1, (size_t)(eq - slash - 1));
	/* the target as MS-DFSC writes it: "\host\share", one backslash */
	t = talloc_strdup(cfg, eq + 1 + strspn(eq + 1, "\\/"));
	if (!l->root || !l->name || !t)
		return -1;
	for (p = t; *p; p++)
		if (*p == '/')
			*p = '\\';
	p = strchr(t, '\\');
	if (p == t || !p || !p[1])
		return -1;	/* need a host and a share */
	l->target = talloc_asprintf(cfg, "\\%s", t);
	if (!l->target)
		return -1;
	cfg->ndfs_links++;
	return 0;
}

/* After the command line: every link hangs off a DFS root. */
int dfs_check_config(const struct srv_config *cfg, const char **bad)
{
	int i, j;

	for (i = 0; i < cfg->ndfs_links; i++) {
		bool ok = false;

		for (j = 0; j < cfg->nshares; j++)
			if (cfg->shares[j].dfs_root &&
			    !strcasecmp(cfg->shares[j].name,
					cfg->dfs_links[i].root))
				ok = true;
		if (!ok) {
			*bad = cfg->dfs_links[i].root;
			return -1;
		}
	}
	return 0;
}

bool dfs_enabled(const struct srv_config *cfg)
{
	int i;

	for (i = 0; i < cfg->nshares; i++)
		if (cfg->shares[i].dfs_root)
			return true;
	return false;
}

static const struct dfs_link *find_link(const struct srv_config *cfg,
					const char *root, const char *name,
					size_t name_len)
{
	int i;

	for (i = 0; i < cfg->ndfs_links; i++) {
		const struct dfs_link *l = &cfg->dfs_links[i];

		if (!strcasecmp(l->root, root) &&
		    strlen(l->name) == name_len &&
		    !strncasecmp(l->name, name, name_len))
			return l;
	}
	return NULL;
}

/* Length of the first component of p ('/'-separated). */
static size_t comp_len(const char *p)
{
	return strcspn(p, "/");
}

/*
 * The share-relative path of a DFS CREATE name "HOST/ROOT[/PATH]"
 * (already '/'-separated, leading and trailing '/' gone), or
 * STATUS_PATH_NOT_COVERED when PATH is at or below a link.
 */
uint32_t dfs_create_path(struct smb2_ctx *x, char *name, char **path)
{
	struct share *sh = x->tree->share;
	char *p = name;
	size_t n;

	n = comp_len(p);		/* HOST */
	if (!p[n])
		return STATUS_OBJECT_PATH_NOT_FOUND;
	p += n + 1;
	n = comp_len(p);		/* ROOT */
	if (n != strlen(sh->name) || strncasecmp(p, sh->name, n))
		return STATUS_OBJECT_PATH_NOT_FOUND;
	p += n;
	if (*p)
		p++;
	if (*p && find_link(x->conn->srv->cfg, sh->name, p, comp_len(p))) {
		slog(x->conn->srv, "DFS not-covered conn=%u sess=0x%llx "
		     "share=%s path=%s", x->conn->id,
		     (unsigned long long)x->sess->id, sh->name, p);
		return STATUS_PATH_NOT_COVERED;
	}
	*path = p;
	return 0;
}

/* One referral entry at e (V3 and V4 share the layout, MS-DFSC 2.2.5.3/4)
 * and its strings appended to out; offsets count from the entry. */
static void put_entry(struct buf *out, size_t e, uint16_t version,
		      uint16_t server_type, const char *dfs_path,
		      const char *target)
{
	uint8_t *p;
	size_t s;

	p = out->data + e;
	put16(p, version);
	put16(p + 2, DFS_REFERRAL_V3_SIZE);
	put16(p + 4, server_type);
	put16(p + 6, version >= 4 ? DFS_TARGET_SET_BOUNDARY : 0);
	put32(p + 8, DFS_TTL);
	s = out->len;
	utf8_to_utf16(dfs_path, out);
	buf_put16(out, 0);
	if (out->oom)
		return;
	p = out->data + e;
	put16(p + 12, (uint16_t)(s - e));	/* DFSPathOffset */
	put16(p + 14, (uint16_t)(s - e));	/* DFSAlternatePathOffset */
	s = out->len;
	utf8_to_utf16(target, out);
	buf_put16(out, 0);
	if (out->oom)
		return;
	put16(out->data + e + 16, (uint16_t)(s - e));	/* NetworkAddress */
}

/*
 * FSCTL_DFS_GET_REFERRALS: REQ_GET_DFS_REFERRAL is MaxReferralLevel (2)
 * and a NUL-terminated UTF-16 RequestFileName "\HOST\ROOT[\PATH]".
 */
uint32_t dfs_get_referrals(struct smb2_ctx *x, struct buf *out)
{
	struct server *srv = x->conn->srv;
	const struct smb2_blob *in = &x->req->ioctl.input;
	const struct dfs_link *l = NULL;
	const struct share *sh = NULL;
	char *name, *p, *host, *root, *dfs_path, *target;
	size_t nul, lead, n, consumed;
	uint16_t level;
	int i;

	if (!dfs_enabled(srv->cfg))
		return STATUS_FS_DRIVER_REQUIRED;	/* no DFS here */
	if (in->len < 4)
		return STATUS_INVALID_PARAMETER;
	level = get16(in->p);
	for (nul = 2; nul + 1 < in->len; nul += 2)
		if (!get16(in->p + nul))
			break;
	if (nul + 1 >= in->len ||
	    utf16_to_path(x->rsp, in->p + 2, nul - 2, &name))
		return STATUS_INVALID_PARAMETER;
	/* we write V3 or V4 only; V1 and V2 (MS-DFSC 2.2.5.1/2) never */
	if (level < 3) {
		slog(srv, "DFS referral conn=%u path=%s level=%u result=level",
		     x->conn->id, name, level);
		return STATUS_NOT_SUPPORTED;
	}
	lead = strspn(name, "/");
	p = name + lead;
	n = comp_len(p);
	host = talloc_strndup(x->rsp, p, n);
	p += n;
	if (*p)
		p++;
	n = comp_len(p);
	root = talloc_strndup(x->rsp, p, n);
	p += n;
	if (*p)
		p++;
	if (!host || !root)
		return STATUS_INSUFFICIENT_RESOURCES;
	for (i = 0; i < srv->cfg->nshares; i++)
		if (srv->cfg->shares[i].dfs_root &&
		    !strcasecmp(srv->cfg->shares[i].name, root))
			sh = &srv->cfg->shares[i];
	if (!*host || !sh) {
		slog(srv, "DFS referral conn=%u path=%s level=%u "
		     "result=not-found", x->conn->id, name, level);
		return STATUS_NOT_FOUND;
	}
	if (*p)
		l = find_link(srv->cfg, sh->name, p, comp_len(p));
	if (l) {
		dfs_path = talloc_asprintf(x->rsp, "\\%s\\%s\\%.*s", host,
					   root, (int)comp_len(p), p);
		target = talloc_strdup(x->rsp, l->target);
	} else {
		/* the root itself, or a path in it that is no link: the
		 * root's own referral, this server its target */
		dfs_path = talloc_asprintf(x->rsp, "\\%s\\%s", host, root);
		target = dfs_path;
	}
	if (!dfs_path || !target)
		return STATUS_INSUFFICIENT_RESOURCES;

	/* RESP_GET_DFS_REFERRAL: PathConsumed counts UTF-16 bytes of the
	 * request, whose leading separators may be more than our one */
	buf_put16(out, 0);
	buf_put16(out, 1);			/* NumberOfReferrals */
	buf_put32(out, l ? DFSREF_STORAGE_SERVER :
		       DFSREF_REFERRAL_SERVER | DFSREF_STORAGE_SERVER);
	if (!buf_push(out, DFS_REFERRAL_V3_SIZE))
		return STATUS_INSUFFICIENT_RESOURCES;
	n = out->len;
	utf8_to_utf16(dfs_path, out);
	consumed = out->len - n + 2 * (lead ? lead - 1 : 0);
	out->len = n;				/* measured, not kept */
	put16(out->data, (uint16_t)consumed);
	put_entry(out, 8, level >= 4 ? 4 : 3, l ? 0 : DFS_SERVER_ROOT,
		  dfs_path, target);
	if (out->oom)
		return STATUS_INSUFFICIENT_RESOURCES;
	slog(srv, "DFS referral conn=%u path=%s level=%u result=%s "
	     "version=%u consumed=%zu target=%s", x->conn->id, name, level,
	     l ? "link" : "root", level >= 4 ? 4 : 3, consumed, target);
	return 0;
}
