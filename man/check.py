#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The man pages against man(1) and against the code they describe.

Nothing in the pages is generated: this reads the helper's --help and
error messages, cifs_iakerb_abi.h, iakerb_codec.h, upcall.h, the helper's
krb5.conf readers, the request-key.d template and the kernel series, and
fails when a page says something else or leaves something out.

Usage: check.py HELPER   (the built cifs-upcall-iakerb)
Prints PASS man/<name> or FAIL man/<name>: why, then "N passed, N failed".
"""
import errno
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
PAGES = {"cifs-upcall-iakerb.8": None, "cifs-iakerb.7": None}
results = [0, 0]


def report(name, why):
    if why:
        print(f"FAIL man/{name}: {why}")
        results[1] += 1
    else:
        print(f"PASS man/{name}")
        results[0] += 1


def read(*path):
    with open(os.path.join(TOP, *path), encoding="utf-8") as f:
        return f.read()


def plain(src):
    """A page's source with the escapes this project uses undone."""
    for a, b in (("\\-", "-"), ("\\(aq", "'"), ("\\(em", "--"),
                 ("\\(lq", '"'), ("\\(rq", '"'), ("\\e", "\\"),
                 ("\\&", "")):
        src = src.replace(a, b)
    return re.sub(r"\\f[BIRP]", "", src)


def render(page):
    env = dict(os.environ, MANWIDTH="80", LANG="C.UTF-8")
    p = subprocess.run(["man", "--warnings=w", "-E", "UTF-8", "-l",
                        os.path.join(HERE, page)], env=env,
                       capture_output=True, text=True)
    text = re.sub(r".\x08", "", p.stdout)
    return p.returncode, text, p.stderr.strip()


def help_text(helper):
    p = subprocess.run([helper, "--help"], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def option_block(text, opt):
    """The rendered paragraph of one option: from its tag to the next."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^ {1,8}(-\w, )?" + re.escape(opt) + r"\b", line):
            out = [line]
            for nxt in lines[i + 1:]:
                if re.match(r"^ {1,8}-", nxt) or re.match(r"^[A-Z]", nxt):
                    break
                out.append(nxt)
            return "\n".join(out)
    return None


def main():
    helper = sys.argv[1]
    src = {p: read("man", p) for p in PAGES}
    txt = {p: plain(s) for p, s in src.items()}
    rendered = {}

    # 1. man --warnings=w (groff -ww: every warning; -wall would leave
    # out mac, di and reg, and so an undefined macro):
    # no warning, a NAME section, every page
    for p in PAGES:
        rc, out, err = render(p)
        rendered[p] = out
        why = None
        if rc != 0:
            why = f"man exited {rc}: {err}"
        elif err:
            why = "warnings: " + err.replace("\n", " | ")
        elif "NAME" not in out or len(out) < 500:
            why = "rendered to almost nothing"
        report(f"warnings-{p}", why)

    page8, t8, r8 = "cifs-upcall-iakerb.8", txt["cifs-upcall-iakerb.8"], \
        rendered["cifs-upcall-iakerb.8"]
    t7 = txt["cifs-iakerb.7"]
    rc, hlp = help_text(helper)
    if rc != 0 or "Usage:" not in hlp:
        report("helper-help", f"{helper} --help exited {rc}")
        return

    # 2. every option of --help is in the page, and the page names no
    # option the helper does not have
    longs = sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", hlp)))
    shorts = sorted(set(re.findall(r"^\s+(-[a-zA-Z]),", hlp, re.M)))
    missing = [o for o in longs + shorts
               if not re.search(r"(?<![\w-])" + re.escape(o) + r"(?![\w-])", t8)]
    report("options-in-page", f"not in {page8}: {missing}" if missing else
           (None if len(longs) >= 10 else f"only {longs} in --help?"))
    opts_sec = t8.split(".SH OPTIONS", 1)[-1].split("\n.SH ", 1)[0]
    documented = set(re.findall(r"^\.B[IR]? (--[a-z][a-z0-9-]*)", opts_sec, re.M))
    documented |= set(re.findall(r'^\.BR? -\w, "?(--[a-z][a-z0-9-]*)', opts_sec, re.M))
    stale = sorted(o for o in documented if o not in longs)
    report("page-options-exist",
           f"documented but not in --help: {stale}" if stale else
           (None if documented else "no option found in OPTIONS"))

    # 3. the values of each enumerated option, as the helper lists them
    # when given a bad one, in that option's paragraph
    bad = []
    for opt in ("--iakerb-password", "--store-tickets", "--dialect"):
        p = subprocess.run([helper, f"{opt}=-bogus-", "1"],
                           capture_output=True, text=True)
        m = re.search(r"bad " + re.escape(opt) + r" value \(([^)]*)\)",
                      p.stdout + p.stderr)
        if not m:
            bad.append(f"{opt}: the helper lists no values")
            continue
        block = option_block(r8, opt) or ""
        for v in (x.strip() for x in m.group(1).split(",")):
            if not re.search(r"\b" + re.escape(v) + r"\b", block):
                bad.append(f"{opt}={v}")
    report("option-values", f"not in their paragraphs: {bad}" if bad else None)

    # 4. the default keytab and the version
    keytab = re.search(r'#define UPCALL_DEFAULT_KEYTAB\s+"([^"]+)"',
                       read("cifs-upcall-iakerb", "upcall.h")).group(1)
    block = option_block(r8, "--keytab") or ""
    report("default-keytab",
           None if re.search(re.escape(keytab) + r"(?!\w)", block) else
           f"{keytab} not in the --keytab paragraph")
    ver = subprocess.run([helper, "--version"], capture_output=True,
                         text=True).stdout.split()[-1]
    ths = re.findall(r'^\.TH \S+ \d \S+ "cifs-upcall-iakerb ([^"]+)"',
                     "\n".join(src.values()), re.M)
    report("version", None if ths and all(v == ver for v in ths) else
           f"helper says {ver}, .TH lines say {ths}")

    # 5. every krb5.conf [appdefaults] key the helper reads
    code = "".join(read("cifs-upcall-iakerb", f)
                   for f in sorted(os.listdir(os.path.join(TOP, "cifs-upcall-iakerb")))
                   if f.endswith(".c"))
    keys = set(re.findall(r'\bappdefault\(\s*\w+,\s*"([a-z_]+)"', code))
    keys |= set(re.findall(
        r'krb5_appdefault_string\([^,]+,[^,]+,[^,]+,\s*"([a-z_]+)"', code))
    conf = t8.split(".SS krb5.conf", 1)[-1].split("\n.SH ", 1)[0]
    missing = sorted(k for k in keys
                     if not re.search(r"^\.B " + k + "$", conf, re.M)
                     or not re.search(r"^\s+" + k + " = ", conf, re.M))
    report("appdefaults-keys",
           f"keys the code reads but the page lacks: {missing}" if missing
           else (None if len(keys) >= 3 else f"found only {sorted(keys)} in the code"))

    # 6. the outcomes: name, errno, number, kernel line, nothing stale
    abi = (read("keyutils-glue", "cifs_iakerb_abi.h") +
           read("keyutils-glue", "iakerb_abi_user.h"))
    rows = re.findall(r"IAKERB_OUTCOME_ROW\(X, ([A-Z_]+)\)",
                      read("keyutils-glue", "iakerb_codec.h"))
    errs = dict(re.findall(r"#define IAKERB_ERR_(\w+)\s+(E\w+)", abi))
    msgs = dict(re.findall(r'#define IAKERB_MSG_(\w+)\s*\\\n\s*"([^"]*)"', abi))
    entries = {m.group(1): (m.group(2), int(m.group(3)), m.group(4))
               for m in re.finditer(r"^\.B (\w+) -- (E\w+) \((\d+)\)\n(.*)$",
                                    t8, re.M)}
    bad = []
    for r in rows:
        e = errs.get(r)
        if r not in entries:
            bad.append(f"{r}: no entry")
            continue
        name, num, line = entries[r]
        if name != e or num != getattr(errno, e, -1):
            bad.append(f"{r}: page says {name} ({num}), code {e} ({getattr(errno, e, '?')})")
        if line != msgs.get(r):
            bad.append(f"{r}: kernel line '{line}' is not '{msgs.get(r)}'")
    bad += [f"{n}: not an outcome" for n in entries if n not in rows]
    report("outcomes", "; ".join(bad) if bad else
           (None if len(rows) >= 10 else f"only {len(rows)} outcomes found"))

    # 7. the time limits the pages quote
    lim = {k: re.search(r"#define IAKERB_" + k + r"\s+(\d+)", abi).group(1)
           for k in ("TMO_DEFAULT", "AGENT_IDLE_SEC", "EXCHANGE_MAX_SEC")}
    want = [(t8, f"after {lim['AGENT_IDLE_SEC']} s without a leg"),
            (t8, f"or {lim['EXCHANGE_MAX_SEC']} s after it started"),
            (t8, f"minus 1 s, {lim['TMO_DEFAULT']} s by default"),
            (t7, f"at most {lim['EXCHANGE_MAX_SEC']} s ({lim['TMO_DEFAULT']} s a round trip)")]
    bad = [w for t, w in want if w not in " ".join(t.split())]
    report("time-limits", f"not found: {bad}" if bad else None)

    # 8. the request-key line the page shows is the one make install writes
    tmpl = [ln for ln in read("keyutils-glue", "request-key.d",
                              "cifs-iakerb.conf.in").splitlines()
            if ln.strip() and not ln.startswith("#")]
    shown = re.findall(r"^create .*$", t8, re.M)
    want = [ln.replace("@SBINDIR@", "/usr/local/sbin").split() for ln in tmpl]
    report("request-key-line", None if [s.split() for s in shown] == want
           else f"page shows {shown}, template has {tmpl}")

    # 9. the sec= values the series adds are in cifs-iakerb(7)
    series = "".join(read("fs-smb-client-iakerb", f) for f in
                     sorted(os.listdir(os.path.join(TOP, "fs-smb-client-iakerb")))
                     if f.endswith(".patch"))
    secs = re.findall(r'^\+\s*\{ Opt_sec_\w+, "(\w+)" \}', series, re.M)
    missing = [s for s in secs if f"sec={s}" not in t7]
    report("sec-options", f"not in cifs-iakerb.7: {missing}" if missing else
           (None if secs else "the series adds no sec= value?"))

    # 10. the pages name each other and exist under those names
    report("cross-references",
           None if "cifs-iakerb (7)" in t8.replace(".BR cifs-iakerb", "cifs-iakerb")
           and "cifs-upcall-iakerb (8)" in t7.replace(".BR cifs-upcall-iakerb", "cifs-upcall-iakerb")
           else "the pages do not refer to each other")

    print(f"{results[0]} passed, {results[1]} failed")
    sys.exit(1 if results[1] else 0)


main()
