// SPDX-License-Identifier: GPL-2.0
/*
 * Compile check only: the codec built by kbuild as a module.  Never
 * loaded; it references each entry point so that all of them are built.
 */
#include <linux/module.h>
#include "iakerb_codec.h"

static int __init iakerb_kcheck_init(void)
{
	static const void *const used[] __used = {
		iakerb_desc_parse, iakerb_desc_build, iakerb_desc_from_describe,
		iakerb_text_ok, iakerb_sec_from_mechs,
		iakerb_desc_same_exchange, iakerb_msg_begin, iakerb_msg_put,
		iakerb_msg_put_u32, iakerb_msg_end, iakerb_msg_parse,
		iakerb_callout_check, iakerb_callout_build,
		iakerb_payload_parse, iakerb_payload_build, iakerb_cred_parse,
		iakerb_cred_build, iakerb_outcome_msg, iakerb_wipe,
	};

	return used[0] ? 0 : -EINVAL;
}
module_init(iakerb_kcheck_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("compile check of the cifs IAKerb upcall codec");
