// SPDX-License-Identifier: GPL-2.0
/*
 * TREE_CONNECT / TREE_DISCONNECT: one directory per share, plus IPC$.
 */
#include <strings.h>

#include <talloc.h>

#include "smbsrv.h"

#define SMB2_SHAREFLAG_NO_CACHING	0x00000030
#define FILE_ALL_ACCESS			0x001f01ff

void tree_free(struct tree *t)
{
	while (t->opens)
		open_close(t->opens);
	DLIST_REMOVE(t->sess->trees, t);
	talloc_free(t);
}

void smb2_tree_connect(struct smb2_ctx *x)
{
	struct server *srv = x->conn->srv;
	struct session *s = x->sess;
	struct share *sh = NULL;
	struct tree *t;
	char *path, *name;
	uint8_t *body;
	int i;

	if (utf16_to_path(x->rsp, x->req->tcon.path.p, x->req->tcon.path.len,
			  &path) || path[0] != '/' || path[1] != '/') {
		smb2_error(x, STATUS_BAD_NETWORK_NAME);
		return;
	}
	/* "//server/share" (utf16_to_path turned '\' into '/') */
	name = strchr(path + 2, '/');
	if (!name || !name[1] || strchr(name + 1, '/')) {
		smb2_error(x, STATUS_BAD_NETWORK_NAME);
		return;
	}
	name++;
	for (i = 0; i < srv->cfg->nshares; i++)
		if (!strcasecmp(srv->cfg->shares[i].name, name))
			sh = &srv->cfg->shares[i];
	if (!sh) {
		slog(srv, "TREE conn=%u sess=0x%llx share=%s status=bad-name",
		     x->conn->id, (unsigned long long)s->id, name);
		smb2_error(x, STATUS_BAD_NETWORK_NAME);
		return;
	}
	t = talloc_zero(s, struct tree);
	if (!t) {
		smb2_error(x, STATUS_INSUFFICIENT_RESOURCES);
		return;
	}
	t->sess = s;
	t->share = sh;
	t->id = s->next_tree_id++;
	DLIST_ADD(s->trees, t);
	x->tree = t;
	slog(srv, "TREE conn=%u sess=0x%llx tid=%u share=%s", x->conn->id,
	     (unsigned long long)s->id, t->id, sh->name);

	smb2_rsp_header(x, 16);
	body = buf_push(x->rsp, 14);
	if (!body)
		return;
	body[0] = sh->ipc ? SMB2_SHARE_TYPE_PIPE : SMB2_SHARE_TYPE_DISK;
	put32(body + 2, sh->dfs_root ? SMB2_SHAREFLAG_DFS |
					   SMB2_SHAREFLAG_DFS_ROOT : 0);
	put32(body + 6, sh->dfs_root ? SMB2_SHARE_CAP_DFS : 0);
	put32(body + 10, FILE_ALL_ACCESS);	/* MaximalAccess */
}

void smb2_tree_disconnect(struct smb2_ctx *x)
{
	smb2_rsp_header(x, 4);
	buf_push(x->rsp, 2);
	tree_free(x->tree);
	x->tree = NULL;
}
