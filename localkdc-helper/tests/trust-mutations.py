#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Proof that each trust check can fail: every entry breaks the code (or the
# test's set-up) on purpose in a copy of localkdc-helper under /tmp, builds
# it, runs tests/trust.sh through run.sh and prints the lines of the check
# it targets and of every FAIL.  Each mutation must make its check FAIL.
# Not part of make check (about 25 s a mutation).  In the image:
#   scripts/in-image.sh python3 localkdc-helper/tests/trust-mutations.py [N...]
#
# Entries: (check, file, text, replacement)
import os, shutil, subprocess, sys
M = [
 ("trust-setup", "tests/trust.sh", 'setup --realm $RB --host b.test', 'setup --realm lower.b --host b.test'),
 ("trust-usage", "main.c", '	if (trust_subs[i].arg == 1 && !arg)', '	if (0)'),
 ("trust-offer-accept", "trust.c", 'rc = create(&t, k.from, n == 2 ? "both" : "in",', 'rc = create(&t, k.from, n == 2 ? "both" : "out",'),
 ("trust-cross-realm-ticket", "trust.c", '	pw[0] = hex(mem, raw, SECRET_LEN);\n	pw[1] = n == 2', '	raw[0] ^= 1;\n	pw[0] = hex(mem, raw, SECRET_LEN);\n	pw[1] = n == 2'),
 ("trust-list-status", "trust.c", '						 t.list[i].expires <= now ?', '						 now > 0 ?'),
 ("trust-garbage", "trust.c", 'return lkdc_fail(e, LOCALKDC_BADTOKEN, "the token is damaged "\n				 "(not MAGIC', 'return lkdc_fail(e, LOCALKDC_ERR, "the token is damaged "\n				 "(not MAGIC'),
 ("trust-tampered", "seal.c", "(const unsigned char *)aad,\n			      (int)strlen(aad))", "(const unsigned char *)aad,\n			      0)"),
 ("trust-wrong-passphrase", "seal.c", 'return EVP_PBE_scrypt(pass, strlen(pass),', '(void)pass; return EVP_PBE_scrypt("x", 1,'),
 ("trust-other-realm", "trust.c", '} else if (strcmp(k.to, t.st.realm) != 0) {', '} else if (0) {'),
 ("trust-expired-token", "trust.c", '} else if (k.expires <= (long long)time(NULL)) {', '} else if (0) {'),
 ("trust-clash", "trust.c", '	if (!t->o->force)\n		return lkdc_fail(t->e, LOCALKDC_EXISTS', '	if (0)\n		return lkdc_fail(t->e, LOCALKDC_EXISTS'),
 ("trust-rollback", "trust.c", "if (made & (1 << i))", "if (made & 0)"),
 ("trust-no-secret", "kdb.c", 'return addprinc(mem, p, realm, opts, princ, password, e);\n}', 'opts = talloc_asprintf(mem, "%s -pw %s", opts, password);\n	return addprinc(mem, p, realm, opts, princ, NULL, e);\n}'),
 ("trust-remove", "trust.c", '		if (!rc && has)\n			rc = lkdc_kdb_delprinc', '		if (0)\n			rc = lkdc_kdb_delprinc'),
 ("trust-expiry", "kdb.c", 'opts = talloc_asprintf(mem, "-expire \\"%s\\" -maxlife \\"%lld seconds\\"",\n			       date, maxlife);', 'opts = talloc_asprintf(mem, "-maxlife \\"%lld seconds\\"", maxlife);'),
 ("trust-expiry", "trust.c", '	if (maxlife > CROSS_MAXLIFE)\n		maxlife = CROSS_MAXLIFE;', '	maxlife = CROSS_MAXLIFE;'),
 ("trust-teardown", "trusts.c", '	rc = text ? lkdc_replace_file(p->trusts, 0600, text, e) :', '	rc = text ? (lkdc_replace_file(talloc_asprintf(text, "%s.bak", p->trusts), 0600, text, e), lkdc_replace_file(p->trusts, 0600, text, e)) :'),
 # --peer-host
 ("trust-usage", "main.c", '	{ "remove",	0, 1 },', '	{ "remove",	BIT(O_PEER_HOST), 1 },'),
 ("trust-offer-accept", "trusts.c", 'for (j = 0; text && j < list[i].n_hosts; j++)', 'for (j = 0; text && j < list[i].n_hosts && 0; j++)'),
 ("trust-offer-accept", "trust.c", '		if (j < t->n_hosts)\n			continue;', ''),
 ("trust-peer-host-mapped", "conf.c", 'for (j = 0; s && j < list[i].n_hosts; j++) {', 'for (j = 0; s && j < list[i].n_hosts && 0; j++) {'),
 ("trust-peer-host-mapped", "conf.c", '	return snippet_of(mem, p, realm, list, n);', '	(void)n;\n	return snippet_of(mem, p, realm, list, 0);'),
 ("trust-peer-host-kvno", "conf.c", '							   list[i].realm);', '							   realm);'),
 ("trust-peer-host-bad", "trusts.c", '++label > LABEL_MAX', '++label > 1000'),
 ("trust-peer-host-bad", "trusts.c", "(c >= '0' && c <= '9') || c == '-') ||", "(c >= '0' && c <= '9') || c == '-' || c == '_') ||"),
 ("trust-peer-host-bad", "trusts.c", '			if (label == 0 || i == len - 1)', '			if (0)'),
 ("trust-peer-host-bad", "trust.c", '				if (strcmp(o->hosts[k], t->hosts[i]) == 0)', '				if (0)'),
 ("trust-peer-host-bad", "trust.c", '		if (!h)\n			return lkdc_fail(t->e, LOCALKDC_USAGE,\n					 "bad --peer-host', '		if (!h && !lkdc_trusts_save(t->p, t->list, 0, NULL))\n			return lkdc_fail(t->e, LOCALKDC_USAGE,\n					 "bad --peer-host'),
 ("trust-peer-host-replace", "trust.c", '	i = lkdc_trusts_find(t->list, t->n, peer);\n	if (i >= 0) {\n		rc = drop(', '	i = lkdc_trusts_find(t->list, t->n, peer);\n	if (0) {\n		rc = drop('),
 ("trust-peer-host-replace", "trust.c", '	rc = lkdc_write_snippet(t->mem, t->p, t->st.realm, t->list, t->n, t->e);\n	if (!rc)\n		rc = lkdc_trusts_save', '	rc = 0;\n	if (!rc)\n		rc = lkdc_trusts_save'),
 ("trust-old-line", "trusts.c", '	if (i < 3 || i > 4 ||', '	if (i < 4 || i > 4 ||'),
 ("trust-old-line", "trusts.c", 'if (i == 4 && (strcmp(t->dir, "in") == 0 ||', 'if (i == 4 && (0 ||'),
 ("trust-old-line", "trusts.c", '		if (!norm || strcmp(norm, h) != 0 ||', '		if (!norm ||'),
 ("trust-list-status", "trust.c", '						 t.list[i].n_hosts ? "" : "-",', '						 "",'),
 ("trust-list-status", "status.c", '", hosts "', '", peers "'),
 ("trust-list-status", "status.c", '		o = json_strings(m, o, "hosts", s->trusts[i].hosts,\n				 s->trusts[i].n_hosts, false);\n', ''),
 ("trust-peer-host-oneway", "trust.c", 'if (!rc && o->n_peer_hosts && strcmp(k.ways, "both") != 0)', 'if (0)'),
 ("trust-teardown", "conf.c", '	rc = lkdc_replace_file(p->snippet, 0644, text, e);', '	rc = lkdc_replace_file(p->snippet, 0644, text, e);\n	if (n)\n		lkdc_replace_file(talloc_asprintf(text, "%s.old", p->snippet), 0644, text, e);'),
 ("trust-usage", "trust.c", '	rc = parse_hosts(&t);\n	if (!rc)\n		rc = begin(&t);\n	if (rc)\n		goto out;', '	rc = begin(&t);\n	if (!rc)\n		rc = parse_hosts(&t);\n	if (rc)\n		goto out;'),
]
src = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sel = sys.argv[1:]
for i, (test, f, old, new) in enumerate(M):
    if sel and str(i) not in sel:
        continue
    d = "/tmp/trust-mutation%d" % i
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(src, d, ignore=shutil.ignore_patterns("build"))
    p = os.path.join(d, f)
    s = open(p).read()
    if s.count(old) != 1:
        print("MUTATION %d (%s) does not apply" % (i, test)); continue
    open(p, "w").write(s.replace(old, new))
    b = subprocess.run(["make", "-s", "-C", d, "all", "build/host_realm"], capture_output=True, text=True)
    if b.returncode:
        print("MUTATION %d (%s) build failed: %s" % (i, test, b.stderr[-300:])); continue
    r = subprocess.run([d + "/tests/run.sh", d + "/build", "trust-*"], capture_output=True, text=True)
    lines = [l for l in r.stdout.splitlines() if "localkdc/%s" % test in l or "FAIL" in l]
    print("MUTATION %d %s in %s:" % (i, test, f))
    for l in lines:
        print("   " + l[:300])
    sys.stdout.flush()
