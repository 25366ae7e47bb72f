// SPDX-License-Identifier: GPL-2.0
/*
 * SMB2 request parser: a pure function over untrusted bytes (also the
 * libFuzzer target).  Nothing here allocates or keeps state.
 */
#include <errno.h>
#include <string.h>

#include "smb2.h"
#include "wire.h"

/* StructureSize of each request body, [MS-SMB2] 2.2. */
static const uint16_t req_struct_size[SMB2_NCMDS] = {
	[SMB2_NEGOTIATE] = 36,	[SMB2_SESSION_SETUP] = 25,
	[SMB2_LOGOFF] = 4,	[SMB2_TREE_CONNECT] = 9,
	[SMB2_TREE_DISCONNECT] = 4, [SMB2_CREATE] = 57,
	[SMB2_CLOSE] = 24,	[SMB2_FLUSH] = 24,
	[SMB2_READ] = 49,	[SMB2_WRITE] = 49,
	[SMB2_LOCK] = 48,	[SMB2_IOCTL] = 57,
	[SMB2_CANCEL] = 4,	[SMB2_ECHO] = 4,
	[SMB2_QUERY_DIRECTORY] = 33, [SMB2_CHANGE_NOTIFY] = 32,
	[SMB2_QUERY_INFO] = 41,	[SMB2_SET_INFO] = 33,
	[SMB2_OPLOCK_BREAK] = 24,
};

static const char *const cmd_names[SMB2_NCMDS] = {
	"NEGOTIATE", "SESSION_SETUP", "LOGOFF", "TREE_CONNECT",
	"TREE_DISCONNECT", "CREATE", "CLOSE", "FLUSH", "READ", "WRITE", "LOCK",
	"IOCTL", "CANCEL", "ECHO", "QUERY_DIRECTORY", "CHANGE_NOTIFY",
	"QUERY_INFO", "SET_INFO", "OPLOCK_BREAK",
};

const char *smb2_cmd_name(uint16_t cmd)
{
	return cmd < SMB2_NCMDS ? cmd_names[cmd] : "UNKNOWN";
}

/*
 * A buffer given by (offset from header, length).  An empty buffer is
 * accepted whatever its offset.  The buffer must lie after the fixed part
 * (min_off) and inside the message.
 */
static int get_blob(const uint8_t *msg, size_t len, uint64_t off,
		    uint64_t blen, size_t min_off, struct smb2_blob *b)
{
	if (blen == 0) {
		b->p = msg + len;
		b->len = 0;
		return 0;
	}
	if (off < min_off || off > len || blen > len - off)
		return -1;
	b->p = msg + off;
	b->len = (uint32_t)blen;
	return 0;
}

static void get_fid(const uint8_t *p, struct smb2_fileid *fid)
{
	fid->persistent = get64(p);
	fid->volatile_ = get64(p + 8);
}

int smb2_split(const uint8_t *frame, size_t len, size_t *off, size_t *ext,
	       int max)
{
	size_t pos = 0;
	int n = 0;

	for (;;) {
		uint32_t next;

		if (n >= max || len - pos < SMB2_HDR_LEN)
			return -1;
		next = get32(frame + pos + 20);
		off[n] = pos;
		if (next == 0) {
			ext[n++] = len - pos;
			return n;
		}
		/* each compounded message is 8-byte aligned and has a header */
		if ((next & 7) || next < SMB2_HDR_LEN || next >= len - pos)
			return -1;
		ext[n++] = next;
		pos += next;
	}
}

long smb2_parse(const uint8_t *msg, size_t len, struct smb2_req *r)
{
	const uint8_t *b = msg + SMB2_HDR_LEN;
	size_t fixed;
	uint16_t ss;

	memset(r, 0, sizeof(*r));
	if (len < SMB2_HDR_LEN + 2)
		return -1;
	if (memcmp(msg, "\xfeSMB", 4) || get16(msg + 4) != SMB2_HDR_LEN)
		return -1;
	r->msg = msg;
	r->msg_len = (uint32_t)len;
	r->credit_charge = get16(msg + 6);
	r->channel_seq = get32(msg + 8);
	r->cmd = get16(msg + 12);
	r->credit_req = get16(msg + 14);
	r->flags = get32(msg + 16);
	r->next_command = get32(msg + 20);
	r->message_id = get64(msg + 24);
	if (r->flags & SMB2_FLAGS_ASYNC_COMMAND)
		r->async_id = get64(msg + 32);
	else
		r->tree_id = get32(msg + 36);
	r->session_id = get64(msg + 40);
	r->signature = msg + 48;
	if (r->flags & SMB2_FLAGS_SERVER_TO_REDIR)
		return STATUS_INVALID_PARAMETER;

	if (r->cmd >= SMB2_NCMDS)
		return STATUS_INVALID_PARAMETER;
	ss = get16(b);
	if (ss != req_struct_size[r->cmd])
		return STATUS_INVALID_PARAMETER;
	/* Odd sizes count one byte of the variable buffer; it may be absent
	 * when the buffer is empty. */
	fixed = SMB2_HDR_LEN + (ss & ~1u);
	if (len < fixed)
		return STATUS_INVALID_PARAMETER;

	switch (r->cmd) {
	case SMB2_NEGOTIATE: {
		uint16_t i, n = get16(b + 2);
		size_t doff = fixed;

		r->neg.dialect_count = n;
		r->neg.security_mode = get16(b + 4);
		r->neg.capabilities = get32(b + 8);
		r->neg.client_guid = b + 12;
		if (n == 0 || n > 64 || (size_t)n * 2 > len - doff)
			return STATUS_INVALID_PARAMETER;
		for (i = 0; i < n; i++) {
			r->neg.dialects[i] = get16(msg + doff + 2 * i);
			if (r->neg.dialects[i] == SMB2_DIALECT_311) {
				uint32_t coff = get32(b + 28);
				uint16_t ccount = get16(b + 32);

				if (ccount == 0)
					continue;
				if (coff < doff + 2u * n || coff > len)
					return STATUS_INVALID_PARAMETER;
				r->neg.contexts.p = msg + coff;
				r->neg.contexts.len = (uint32_t)(len - coff);
				r->neg.context_count = ccount;
			}
		}
		break;
	}
	case SMB2_SESSION_SETUP:
		r->sess.flags = b[2];
		r->sess.security_mode = b[3];
		r->sess.capabilities = get32(b + 4);
		r->sess.previous_session_id = get64(b + 16);
		if (get_blob(msg, len, get16(b + 12), get16(b + 14), fixed,
			     &r->sess.token))
			return STATUS_INVALID_PARAMETER;
		break;
	case SMB2_TREE_CONNECT:
		r->tcon.flags = get16(b + 2);
		if (get_blob(msg, len, get16(b + 4), get16(b + 6), fixed,
			     &r->tcon.path) || (r->tcon.path.len & 1))
			return STATUS_INVALID_PARAMETER;
		break;
	case SMB2_CREATE:
		r->create.oplock = b[3];
		r->create.impersonation = get32(b + 4);
		r->create.desired_access = get32(b + 24);
		r->create.file_attributes = get32(b + 28);
		r->create.share_access = get32(b + 32);
		r->create.disposition = get32(b + 36);
		r->create.options = get32(b + 40);
		if (get_blob(msg, len, get16(b + 44), get16(b + 46), fixed,
			     &r->create.name) || (r->create.name.len & 1))
			return STATUS_INVALID_PARAMETER;
		if (get_blob(msg, len, get32(b + 48), get32(b + 52), fixed,
			     &r->create.contexts))
			return STATUS_INVALID_PARAMETER;
		if (r->create.disposition > FILE_OVERWRITE_IF)
			return STATUS_INVALID_PARAMETER;
		break;
	case SMB2_CLOSE:
		r->close.flags = get16(b + 2);
		get_fid(b + 8, &r->close.fid);
		break;
	case SMB2_FLUSH:
		get_fid(b + 8, &r->flush.fid);
		break;
	case SMB2_READ:
		r->read.flags = b[3];
		r->read.length = get32(b + 4);
		r->read.offset = get64(b + 8);
		get_fid(b + 16, &r->read.fid);
		r->read.minimum = get32(b + 32);
		if (r->read.length > SMB2_MAX_IO)
			return STATUS_INVALID_PARAMETER;
		break;
	case SMB2_WRITE:
		r->write.offset = get64(b + 8);
		get_fid(b + 16, &r->write.fid);
		r->write.flags = get32(b + 44);
		if (get_blob(msg, len, get16(b + 2), get32(b + 4), fixed,
			     &r->write.data))
			return STATUS_INVALID_PARAMETER;
		if (r->write.data.len > SMB2_MAX_IO)
			return STATUS_INVALID_PARAMETER;
		break;
	case SMB2_LOCK:
		r->lock.lock_count = get16(b + 2);
		get_fid(b + 8, &r->lock.fid);
		/* the first SMB2_LOCK_ELEMENT is part of the fixed 48 bytes */
		if (r->lock.lock_count == 0 ||
		    (size_t)(r->lock.lock_count - 1) * 24 > len - fixed)
			return STATUS_INVALID_PARAMETER;
		break;
	case SMB2_IOCTL:
		r->ioctl.ctl_code = get32(b + 4);
		get_fid(b + 8, &r->ioctl.fid);
		if (get_blob(msg, len, get32(b + 24), get32(b + 28), fixed,
			     &r->ioctl.input))
			return STATUS_INVALID_PARAMETER;
		r->ioctl.max_output = get32(b + 44);
		r->ioctl.flags = get32(b + 48);
		if (r->ioctl.input.len > SMB2_MAX_IO)
			return STATUS_INVALID_PARAMETER;
		break;
	case SMB2_QUERY_DIRECTORY:
		r->qdir.info_class = b[2];
		r->qdir.flags = b[3];
		r->qdir.file_index = get32(b + 4);
		get_fid(b + 8, &r->qdir.fid);
		if (get_blob(msg, len, get16(b + 24), get16(b + 26), fixed,
			     &r->qdir.pattern) || (r->qdir.pattern.len & 1))
			return STATUS_INVALID_PARAMETER;
		r->qdir.output_len = get32(b + 28);
		break;
	case SMB2_QUERY_INFO:
		r->qinfo.info_type = b[2];
		r->qinfo.info_class = b[3];
		r->qinfo.output_len = get32(b + 4);
		if (get_blob(msg, len, get16(b + 8), get32(b + 12), fixed,
			     &r->qinfo.input))
			return STATUS_INVALID_PARAMETER;
		r->qinfo.additional = get32(b + 16);
		r->qinfo.flags = get32(b + 20);
		get_fid(b + 24, &r->qinfo.fid);
		break;
	case SMB2_SET_INFO:
		r->sinfo.info_type = b[2];
		r->sinfo.info_class = b[3];
		if (get_blob(msg, len, get16(b + 8), get32(b + 4), fixed,
			     &r->sinfo.data))
			return STATUS_INVALID_PARAMETER;
		r->sinfo.additional = get32(b + 12);
		get_fid(b + 16, &r->sinfo.fid);
		if (r->sinfo.data.len > SMB2_MAX_IO)
			return STATUS_INVALID_PARAMETER;
		break;
	default:
		break;
	}
	return 0;
}

long smb2_neg_contexts(const uint8_t *p, size_t len, uint16_t count,
		       bool *preauth_ok, bool *signing_ctx, bool *cmac_ok)
{
	size_t pos = 0;
	uint16_t i;

	*preauth_ok = false;
	*signing_ctx = false;
	*cmac_ok = true;
	for (i = 0; i < count; i++) {
		uint16_t type, dlen, n, j;
		const uint8_t *d;

		pos = (pos + 7) & ~(size_t)7;
		if (pos > len || len - pos < 8)
			return STATUS_INVALID_PARAMETER;
		type = get16(p + pos);
		dlen = get16(p + pos + 2);
		if (dlen > len - pos - 8)
			return STATUS_INVALID_PARAMETER;
		d = p + pos + 8;
		switch (type) {
		case SMB2_PREAUTH_INTEGRITY_CAPABILITIES:
			if (dlen < 4)
				return STATUS_INVALID_PARAMETER;
			n = get16(d);
			if (n == 0 || 4 + 2 * (size_t)n + get16(d + 2) > dlen)
				return STATUS_INVALID_PARAMETER;
			for (j = 0; j < n; j++)
				if (get16(d + 4 + 2 * j) == SMB2_PREAUTH_SHA512)
					*preauth_ok = true;
			break;
		case SMB2_SIGNING_CAPABILITIES:
			if (dlen < 2)
				return STATUS_INVALID_PARAMETER;
			n = get16(d);
			if (n == 0 || 2 + 2 * (size_t)n > dlen)
				return STATUS_INVALID_PARAMETER;
			*signing_ctx = true;
			*cmac_ok = false;
			for (j = 0; j < n; j++)
				if (get16(d + 2 + 2 * j) == SMB2_SIGNING_AES_CMAC)
					*cmac_ok = true;
			break;
		default:
			/* encryption, compression, netname, posix...: we
			 * answer none of them, which turns them off */
			break;
		}
		pos += 8 + dlen;
	}
	return 0;
}

bool smb1_is_smb1(const uint8_t *msg, size_t len)
{
	return len >= 4 && !memcmp(msg, "\xffSMB", 4);
}

/*
 * [MS-CIFS] 2.2.3.1 header (32 bytes, Command at 4), then 2.2.4.52.1:
 * WordCount 0, ByteCount, and ByteCount bytes of dialects, each a
 * BufferFormat 0x02 and a NUL-terminated OEM string.
 */
int smb1_neg_parse(const uint8_t *msg, size_t len, struct smb1_neg *out)
{
	const uint8_t *p, *end;
	uint16_t byte_count;

	memset(out, 0, sizeof(*out));
	if (len < SMB1_HDR_LEN + 3 || !smb1_is_smb1(msg, len))
		return -EBADMSG;
	if (msg[4] != SMB1_COM_NEGOTIATE)
		return -EPROTO;
	if (msg[SMB1_HDR_LEN] != 0)	/* WordCount */
		return -EBADMSG;
	byte_count = get16(msg + SMB1_HDR_LEN + 1);
	p = msg + SMB1_HDR_LEN + 3;
	if (byte_count > len - (SMB1_HDR_LEN + 3))
		return -EBADMSG;
	end = p + byte_count;
	while (p < end) {
		const uint8_t *nul;
		size_t n;

		if (*p++ != 0x02)
			return -EBADMSG;
		nul = memchr(p, 0, (size_t)(end - p));
		if (!nul)
			return -EBADMSG;
		n = (size_t)(nul - p);
		if (n == 9 && !memcmp(p, "SMB 2.???", 9))
			out->smb2_wildcard = true;
		else if (n == 9 && !memcmp(p, "SMB 2.002", 9))
			out->smb2_002 = true;
		out->n_dialects++;
		p = nul + 1;
	}
	return out->n_dialects ? 0 : -EBADMSG;
}
