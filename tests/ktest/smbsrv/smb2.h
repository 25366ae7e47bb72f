/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SMB2/3 wire constants (MS-SMB2, MS-FSCC) and the parsed form of a
 * request.  smb2_parse() is a pure function over untrusted bytes.
 */
#ifndef SMBSRV_SMB2_H
#define SMBSRV_SMB2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SMB2_HDR_LEN		64
#define SMB2_MAX_FRAME		(16u * 1024 * 1024)	/* NBSS limit we accept */
#define SMB2_MAX_IO		(1024u * 1024)		/* MaxRead/Write/Transact */

enum smb2_cmd {
	SMB2_NEGOTIATE = 0, SMB2_SESSION_SETUP, SMB2_LOGOFF, SMB2_TREE_CONNECT,
	SMB2_TREE_DISCONNECT, SMB2_CREATE, SMB2_CLOSE, SMB2_FLUSH, SMB2_READ,
	SMB2_WRITE, SMB2_LOCK, SMB2_IOCTL, SMB2_CANCEL, SMB2_ECHO,
	SMB2_QUERY_DIRECTORY, SMB2_CHANGE_NOTIFY, SMB2_QUERY_INFO,
	SMB2_SET_INFO, SMB2_OPLOCK_BREAK, SMB2_NCMDS
};

#define SMB2_FLAGS_SERVER_TO_REDIR	0x00000001
#define SMB2_FLAGS_ASYNC_COMMAND	0x00000002
#define SMB2_FLAGS_RELATED_OPERATIONS	0x00000004
#define SMB2_FLAGS_SIGNED		0x00000008
#define SMB2_FLAGS_DFS_OPERATIONS	0x10000000
#define SMB2_FLAGS_REPLAY_OPERATION	0x20000000

#define SMB2_NEGOTIATE_SIGNING_ENABLED	0x0001
#define SMB2_NEGOTIATE_SIGNING_REQUIRED	0x0002

#define SMB2_GLOBAL_CAP_DFS		0x00000001
#define SMB2_GLOBAL_CAP_LEASING		0x00000002
#define SMB2_GLOBAL_CAP_LARGE_MTU	0x00000004
#define SMB2_GLOBAL_CAP_MULTI_CHANNEL	0x00000008

#define SMB2_DIALECT_21		0x0210
#define SMB2_DIALECT_300	0x0300
#define SMB2_DIALECT_302	0x0302
#define SMB2_DIALECT_311	0x0311
#define SMB2_DIALECT_WILDCARD	0x02ff

#define SMB2_PREAUTH_INTEGRITY_CAPABILITIES	1
#define SMB2_ENCRYPTION_CAPABILITIES		2
#define SMB2_SIGNING_CAPABILITIES		8
#define SMB2_PREAUTH_SHA512			1
#define SMB2_SIGNING_AES_CMAC			1

#define SMB2_SESSION_FLAG_BINDING	0x01
#define SMB2_SESSION_FLAG_IS_GUEST	0x0001
#define SMB2_SESSION_FLAG_IS_NULL	0x0002

#define SMB2_SHARE_TYPE_DISK	1
#define SMB2_SHARE_TYPE_PIPE	2

#define SMB2_SHAREFLAG_DFS	0x00000001
#define SMB2_SHAREFLAG_DFS_ROOT	0x00000002
#define SMB2_SHARE_CAP_DFS	0x00000008

#define SMB2_O_INFO_FILE	1
#define SMB2_O_INFO_FILESYSTEM	2
#define SMB2_O_INFO_SECURITY	3
#define SMB2_O_INFO_QUOTA	4

#define SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB	0x0001

#define SMB2_RESTART_SCANS		0x01
#define SMB2_RETURN_SINGLE_ENTRY	0x02
#define SMB2_INDEX_SPECIFIED		0x04
#define SMB2_REOPEN			0x10

#define SMB2_0_IOCTL_IS_FSCTL		0x00000001
#define FSCTL_DFS_GET_REFERRALS			0x00060194
#define FSCTL_QUERY_NETWORK_INTERFACE_INFO	0x001401FC
#define FSCTL_VALIDATE_NEGOTIATE_INFO		0x00140204

/* CreateDisposition */
#define FILE_SUPERSEDE		0
#define FILE_OPEN		1
#define FILE_CREATE		2
#define FILE_OPEN_IF		3
#define FILE_OVERWRITE		4
#define FILE_OVERWRITE_IF	5
/* CreateOptions */
#define FILE_DIRECTORY_FILE	0x00000001
#define FILE_NON_DIRECTORY_FILE	0x00000040
#define FILE_DELETE_ON_CLOSE	0x00001000
/* CreateAction */
#define FILE_SUPERSEDED		0
#define FILE_OPENED		1
#define FILE_CREATED		2
#define FILE_OVERWRITTEN	3
/* File attributes */
#define FILE_ATTRIBUTE_READONLY		0x00000001
#define FILE_ATTRIBUTE_DIRECTORY	0x00000010
#define FILE_ATTRIBUTE_ARCHIVE		0x00000020
#define FILE_ATTRIBUTE_NORMAL		0x00000080

/* NTSTATUS values used here */
#define STATUS_SUCCESS			0x00000000
#define STATUS_PENDING			0x00000103
#define STATUS_BUFFER_OVERFLOW		0x80000005
#define STATUS_NO_MORE_FILES		0x80000006
#define STATUS_NOT_IMPLEMENTED		0xC0000002
#define STATUS_INVALID_INFO_CLASS	0xC0000003
#define STATUS_INFO_LENGTH_MISMATCH	0xC0000004
#define STATUS_INVALID_HANDLE		0xC0000008
#define STATUS_INVALID_PARAMETER	0xC000000D
#define STATUS_NO_SUCH_FILE		0xC000000F
#define STATUS_INVALID_DEVICE_REQUEST	0xC0000010
#define STATUS_END_OF_FILE		0xC0000011
#define STATUS_MORE_PROCESSING_REQUIRED	0xC0000016
#define STATUS_ACCESS_DENIED		0xC0000022
#define STATUS_BUFFER_TOO_SMALL		0xC0000023
#define STATUS_OBJECT_NAME_INVALID	0xC0000033
#define STATUS_OBJECT_NAME_NOT_FOUND	0xC0000034
#define STATUS_OBJECT_NAME_COLLISION	0xC0000035
#define STATUS_OBJECT_PATH_NOT_FOUND	0xC000003A
#define STATUS_SHARING_VIOLATION	0xC0000043
#define STATUS_DELETE_PENDING		0xC0000056
#define STATUS_LOGON_FAILURE		0xC000006D
#define STATUS_DISK_FULL		0xC000007F
#define STATUS_INSUFFICIENT_RESOURCES	0xC000009A
#define STATUS_FILE_IS_A_DIRECTORY	0xC00000BA
#define STATUS_NOT_SUPPORTED		0xC00000BB
#define STATUS_BAD_NETWORK_NAME		0xC00000CC
#define STATUS_REQUEST_NOT_ACCEPTED	0xC00000D0
#define STATUS_NOT_SAME_DEVICE		0xC00000D4
#define STATUS_DIRECTORY_NOT_EMPTY	0xC0000101
#define STATUS_NOT_A_DIRECTORY		0xC0000103
#define STATUS_NAME_TOO_LONG		0xC0000106
#define STATUS_FILE_CLOSED		0xC0000128
#define STATUS_FS_DRIVER_REQUIRED	0xC000019C
#define STATUS_NOT_FOUND		0xC0000225
#define STATUS_PATH_NOT_COVERED		0xC0000257
#define STATUS_USER_SESSION_DELETED	0xC0000203
#define STATUS_NETWORK_SESSION_EXPIRED	0xC000035C
#define STATUS_NETWORK_NAME_DELETED	0xC00000C9
#define STATUS_INTERNAL_ERROR		0xC00000E5

struct smb2_fileid {
	uint64_t persistent;
	uint64_t volatile_;
};

#define SMB2_FID_RELATED UINT64_MAX

/* A byte range inside the message: offset from the header start. */
struct smb2_blob {
	const uint8_t *p;
	uint32_t len;
};

struct smb2_req {
	/* header */
	uint16_t credit_charge;
	uint32_t channel_seq;
	uint16_t cmd;
	uint16_t credit_req;
	uint32_t flags;
	uint32_t next_command;
	uint64_t message_id;
	uint64_t async_id;
	uint32_t tree_id;
	uint64_t session_id;
	const uint8_t *signature;
	/* whole message (header + body [+ padding up to next_command]) */
	const uint8_t *msg;
	uint32_t msg_len;

	union {
		struct {
			uint16_t dialect_count;
			uint16_t security_mode;
			uint32_t capabilities;
			const uint8_t *client_guid;
			uint16_t dialects[64];
			/* negotiate contexts, raw (8-byte aligned list) */
			struct smb2_blob contexts;
			uint16_t context_count;
		} neg;
		struct {
			uint8_t flags;
			uint8_t security_mode;
			uint32_t capabilities;
			uint64_t previous_session_id;
			struct smb2_blob token;
		} sess;
		struct {
			uint16_t flags;
			struct smb2_blob path;	/* UTF-16LE */
		} tcon;
		struct {
			uint8_t oplock;
			uint32_t impersonation;
			uint32_t desired_access;
			uint32_t file_attributes;
			uint32_t share_access;
			uint32_t disposition;
			uint32_t options;
			struct smb2_blob name;	/* UTF-16LE */
			struct smb2_blob contexts;
		} create;
		struct {
			uint16_t flags;
			struct smb2_fileid fid;
		} close;
		struct {
			struct smb2_fileid fid;
		} flush;
		struct {
			uint8_t flags;
			uint32_t length;
			uint64_t offset;
			struct smb2_fileid fid;
			uint32_t minimum;
		} read;
		struct {
			uint64_t offset;
			struct smb2_fileid fid;
			uint32_t flags;
			struct smb2_blob data;
		} write;
		struct {
			uint32_t ctl_code;
			struct smb2_fileid fid;
			struct smb2_blob input;
			uint32_t max_output;
			uint32_t flags;
		} ioctl;
		struct {
			uint8_t info_class;
			uint8_t flags;
			uint32_t file_index;
			struct smb2_fileid fid;
			struct smb2_blob pattern;	/* UTF-16LE */
			uint32_t output_len;
		} qdir;
		struct {
			uint8_t info_type;
			uint8_t info_class;
			uint32_t output_len;
			struct smb2_blob input;
			uint32_t additional;
			uint32_t flags;
			struct smb2_fileid fid;
		} qinfo;
		struct {
			uint8_t info_type;
			uint8_t info_class;
			struct smb2_blob data;
			uint32_t additional;
			struct smb2_fileid fid;
		} sinfo;
		struct {
			uint16_t lock_count;
			struct smb2_fileid fid;
		} lock;
	};
};

/*
 * Parse one SMB2 message at msg[0..len) (len = its extent: NextCommand or the
 * rest of the frame).  Checks the header, the fixed structure size of the
 * command and that every offset/length stays inside the message.  Returns 0,
 * or an NTSTATUS to answer with (STATUS_INVALID_PARAMETER mostly); -1 if the
 * bytes are not an SMB2 header at all (drop the connection).
 */
long smb2_parse(const uint8_t *msg, size_t len, struct smb2_req *req);

/*
 * Walk a compound frame: fills ext[i] with each message's extent.  Returns the
 * number of messages (>= 1), or -1 for a malformed chain.
 */
int smb2_split(const uint8_t *frame, size_t len, size_t *off, size_t *ext,
	       int max);

const char *smb2_cmd_name(uint16_t cmd);

/*
 * An SMB1 SMB_COM_NEGOTIATE request ([MS-CIFS] 2.2.4.52.1), the first
 * message of a client that may not speak SMB2: what matters is whether
 * its dialect strings offer SMB2 ([MS-SMB2] 3.3.5.3).
 */
#define SMB1_HDR_LEN		32
#define SMB1_COM_NEGOTIATE	0x72
struct smb1_neg {
	int n_dialects;
	bool smb2_wildcard;	/* "SMB 2.???": 2.1 or 3.x */
	bool smb2_002;		/* "SMB 2.002" */
};

/* True if msg starts with the SMB1 protocol identifier 0xFF 'S' 'M' 'B' */
bool smb1_is_smb1(const uint8_t *msg, size_t len);
/*
 * Parse an SMB1 NEGOTIATE request at msg[0..len) (pure).  0, -EPROTO for
 * another SMB1 command, -EBADMSG for malformed bytes.
 */
int smb1_neg_parse(const uint8_t *msg, size_t len, struct smb1_neg *out);

/*
 * Walk the NEGOTIATE contexts of a 3.1.1 request (pure).  Returns 0 or an
 * NTSTATUS.  *preauth_ok: a SHA-512 preauth context was found;
 * *signing_ctx: a signing context was sent, *cmac_ok: AES-CMAC is in it
 * (or there was none).
 */
long smb2_neg_contexts(const uint8_t *p, size_t len, uint16_t count,
		       bool *preauth_ok, bool *signing_ctx, bool *cmac_ok);

#endif
