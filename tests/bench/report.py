#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""make bench's report: the raw data guest-bench.sh wrote, as a table on
stdout and a JSON file.

Usage: report.py RAWDIR JSONFILE CPU_MODE WALL_SECONDS

RAWDIR is the VM run's out/<run>/bench directory.  Ends with one PASS or
FAIL line per row the bench must produce (make bench's smoke check) and
exits 1 if any is missing.
"""
import datetime
import glob
import json
import os
import re
import statistics
import sys

PATHS = [
    ("stock", "stock cifs.upcall, sec=krb5, service ticket in cache"),
    ("ours", "cifs-upcall-iakerb, sec=krb5, same ticket"),
    ("iakerb-ticket", "IAKerb, stored service ticket"),
    ("iakerb-tgt", "IAKerb, cached TGT, no service ticket"),
    ("iakerb-password", "IAKerb, password (discovery, AS, TGS, AP)"),
    ("ntlmssp", "Samba, NTLMSSP"),
]
LEG_PATHS = ["stock", "ours", "iakerb-ticket", "iakerb-tgt", "iakerb-password"]

results = []


def result(name, ok, why=""):
    results.append((name, ok))
    print("PASS bench/%s" % name if ok else "FAIL bench/%s: %s" % (name, why))


def pct(xs, q):
    """The q-quantile (0..1) of xs, linear between the order statistics."""
    xs = sorted(xs)
    if not xs:
        return None
    i = q * (len(xs) - 1)
    lo = int(i)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (i - lo)


def summary(xs):
    if not xs:
        return None
    return {"n": len(xs), "median": pct(xs, 0.5), "p10": pct(xs, 0.1),
            "p90": pct(xs, 0.9)}


def kv(path):
    out = {}
    try:
        with open(path) as f:
            for line in f:
                if "=" in line and not line.startswith(" "):
                    k, v = line.rstrip("\n").split("=", 1)
                    out[k.strip()] = v
    except OSError:
        pass
    return out


def num(s, default=None):
    try:
        return float(s)
    except (TypeError, ValueError):
        return default


# --- paths ---------------------------------------------------------------

def read_reps(raw):
    """{path: {rep: total_ms}} and the error lines."""
    times, errors = {}, []
    with open(os.path.join(raw, "reps.tsv")) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3:
                continue
            rep, path, res = parts[0], parts[1], parts[2]
            w = res.split()
            if w and w[0] == "ok" and len(w) == 5:
                times.setdefault(path, {})[int(rep)] = float(w[4])
            else:
                errors.append("%s rep %s: %s" % (path, rep, res))
    return times, errors


TRACE = re.compile(r"^\s*(.*)-(\d+)\s+\[\d+\].*?\s(\d+\.\d+):\s+(\w+):\s?(.*)$")
LEG = re.compile(r"leg=(\d+) dir=(\w+) len=(\d+) status=0x([0-9a-f]+)")


def legs_of_mount(tracefile, smbsrvfile):
    """One mount's legs: [{what, upcall_ms, rtt_ms, kdc_ms}], the final
    upcall's ms and the whole authentication's ms, from the cifs trace
    events (smb3_kerberos_auth when request_key() returned, the event
    before it being when the kernel asked; smb3_krb5_leg "send" and "recv"
    around a round trip, "final" once the session is set up) and
    smbsrv's SESSLEG lines (what the leg was, accept_ms: the KDC's share
    on a proxied leg)."""
    ev = []
    with open(tracefile) as f:
        for line in f:
            m = TRACE.match(line)
            if m:
                ev.append((int(m.group(2)), float(m.group(3)) * 1e3,
                           m.group(4), m.group(5)))
    srv = []
    try:
        with open(smbsrvfile) as f:
            for line in f:
                what = re.search(r" what=(\S+)", line)
                acc = re.search(r" accept_ms=([\d.]+)", line)
                kdc = re.search(r" kdc=(\d)", line)
                srv.append({"what": what.group(1) if what else "-",
                            "accept_ms": float(acc.group(1)) if acc else None,
                            "kdc": kdc and kdc.group(1) == "1"})
    except OSError:
        pass
    legs, cur, first_start, final_t, last_recv = [], None, None, None, None
    for i, (pid, t, name, rest) in enumerate(ev):
        if name == "smb3_kerberos_auth":
            # request_key() returned; the kernel asked after the event
            # before it (the mounts are serial: the response that
            # ended the previous step, on whichever task read it)
            if i == 0:
                continue
            prev = ev[i - 1][1]
            if first_start is None:
                first_start = prev
            cur = {"upcall_ms": t - prev, "rtt_ms": None, "send": None}
            legs.append(cur)
            continue
        if name != "smb3_krb5_leg":
            continue
        m = LEG.search(rest)
        if not m:
            continue
        d = m.group(2)
        if d == "send" and cur is not None and cur["send"] is None:
            cur["send"] = t
        elif d == "recv" and cur is not None and cur["send"] is not None \
                and cur["rtt_ms"] is None:
            cur["rtt_ms"] = t - cur["send"]
            last_recv = t
        elif d == "final":
            final_t = t
    final_upcall = None
    if legs and legs[-1]["rtt_ms"] is None:
        final_upcall = legs.pop()["upcall_ms"]
    for k, leg in enumerate(legs):
        del leg["send"]
        s = srv[k] if k < len(srv) else {}
        leg["what"] = s.get("what", "-")
        leg["kdc_ms"] = s.get("accept_ms") if s.get("kdc") else None
        leg["server_ms"] = s.get("accept_ms")
    # a LEGACY answer (stock cifs.upcall) ends with its one round trip
    end = final_t or last_recv
    auth = (end - first_start) if end and first_start else None
    return legs, final_upcall, auth


def leg_summary(raw, path):
    mounts = []
    for tf in sorted(glob.glob(os.path.join(raw, "legs", path + ".*.trace"))):
        sf = tf[:-len(".trace")] + ".smbsrv"
        legs, fin, auth = legs_of_mount(tf, sf)
        if legs:
            mounts.append((legs, fin, auth))
    if not mounts:
        return None
    # the most common number of legs (a failed mount has others)
    nlegs = statistics.mode(len(m[0]) for m in mounts)
    use = [m for m in mounts if len(m[0]) == nlegs]
    out = {"mounts": len(use), "legs": []}
    for k in range(nlegs):
        ls = [m[0][k] for m in use]
        up = [x["upcall_ms"] for x in ls]
        rtt = [x["rtt_ms"] for x in ls if x["rtt_ms"] is not None]
        kdc = [x["kdc_ms"] for x in ls if x["kdc_ms"] is not None]
        share = [x["upcall_ms"] / (x["upcall_ms"] + x["rtt_ms"])
                 for x in ls if x["rtt_ms"]]
        out["legs"].append({
            "leg": k + 1, "what": ls[0]["what"],
            "upcall_ms": summary(up), "rtt_ms": summary(rtt),
            "kdc_ms": summary(kdc), "upcall_share": summary(share)})
    fins = [m[1] for m in use if m[1] is not None]
    out["final_upcall_ms"] = summary(fins)
    shares = []
    for legs, fin, auth in use:
        if auth:
            shares.append((sum(x["upcall_ms"] for x in legs) +
                           (fin or 0)) / auth)
    out["auth_ms"] = summary([m[2] for m in use if m[2]])
    out["upcalls_share_of_auth"] = summary(shares)
    return out


PROC = re.compile(r"sched_process_(exec|fork|exit): (.*)$")
HELPER_EXE = ("/cifs-upcall-iakerb", "/cifs.upcall")


def proc_peaks(procsfile):
    """The helpers and agents alive at once, from the process events of
    one run (guest-bench.sh's trace instance): a helper is a process that
    exec'ed cifs-upcall-iakerb or cifs.upcall, an agent a child a helper
    forked; both live until their exit.  None when there is no file."""
    try:
        f = open(procsfile)
    except OSError:
        return None
    helpers, agents = set(), set()
    out = {"peak_helpers": 0, "peak_agents": 0, "peak_both": 0,
           "helpers_run": 0, "agents_run": 0}
    with f:
        for line in f:
            m = PROC.search(line)
            if not m:
                continue
            ev, rest = m.groups()
            if ev == "exec":
                fn = re.search(r"filename=(\S+)", rest)
                pid = re.search(r" pid=(\d+)", rest)
                if fn and pid and fn.group(1).endswith(HELPER_EXE):
                    helpers.add(pid.group(1))
                    out["helpers_run"] += 1
            elif ev == "fork":
                pid = re.search(r" pid=(\d+)", rest)
                child = re.search(r"child_pid=(\d+)", rest)
                if pid and child and pid.group(1) in helpers:
                    agents.add(child.group(1))
                    out["agents_run"] += 1
            else:
                pid = re.search(r" pid=(\d+)", rest)
                if pid:
                    helpers.discard(pid.group(1))
                    agents.discard(pid.group(1))
            out["peak_helpers"] = max(out["peak_helpers"], len(helpers))
            out["peak_agents"] = max(out["peak_agents"], len(agents))
            out["peak_both"] = max(out["peak_both"],
                                   len(helpers) + len(agents))
    return out


def fmt(x, f="%.0f"):
    return "-" if x is None else f % x


def main():
    raw, jsonfile, mode, wall = sys.argv[1:5]
    env = kv(os.path.join(raw, "env.txt"))
    doc = {"date": env.get("date") or
           datetime.datetime.now(datetime.timezone.utc)
           .strftime("%Y-%m-%dT%H:%M:%SZ"),
           "cpu_mode": mode, "kernel": env.get("kernel"),
           "cpus": env.get("cpus"), "cpu_model": env.get("cpu_model"),
           "reps": int(env.get("reps", "0") or 0),
           "hung_task_timeout_secs": env.get("hung_task_timeout_secs"),
           "run_seconds": int(wall), "measure": "mount(2)+stat(2)+umount(2)",
           "paths": [], "legs": {}, "concurrency": [], "storm": None}

    try:
        times, errors = read_reps(raw)
    except OSError:
        times, errors = {}, ["no reps.tsv"]
    base = times.get("stock", {})
    print("make bench, %s, %s, kernel %s, %d repetitions, %s" %
          (mode, env.get("cpu_model", "?"), doc["kernel"], doc["reps"],
           doc["date"]))
    print()
    print("%-52s %7s %7s %7s %6s %4s" %
          ("path (mount+stat+umount)", "median", "p10", "p90", "ratio", "n"))
    for p, label in PATHS:
        t = times.get(p, {})
        s = summary(list(t.values()))
        ratios = [t[r] / base[r] for r in t if r in base and base[r] > 0]
        rs = summary(ratios)
        row = {"path": p, "label": label, "ms": s,
               "ratio_to_stock": rs, "errors": doc["reps"] - len(t)}
        doc["paths"].append(row)
        print("%-52s %7s %7s %7s %6s %4d" %
              (label, fmt(s and s["median"]), fmt(s and s["p10"]),
               fmt(s and s["p90"]), fmt(rs and rs["median"], "%.2f"),
               len(t)))
    print("(ms; ratio: median of the per-repetition ratios to stock sec=krb5)")
    for e in errors:
        print("  error: %s" % e)
    try:
        with open(os.path.join(raw, "paths.leftovers")) as f:
            left = [line.strip() for line in f if line.strip()]
    except OSError:
        left = []
    doc["paths_leftovers"] = left
    print("leftover keys and processes after these mounts: %d" % len(left))
    for line in left:
        print("  %s" % line)

    for p in LEG_PATHS:
        ls = leg_summary(raw, p)
        doc["legs"][p] = ls
        if not ls:
            continue
        print()
        print("legs of %s (%d mounts; medians, ms):" % (p, ls["mounts"]))
        print("  %-4s %-14s %8s %8s %8s %14s" %
              ("leg", "what", "upcall", "SMB rtt", "KDC", "upcall share"))
        for leg in ls["legs"]:
            g = lambda k: leg[k] and leg[k]["median"]
            print("  %-4d %-14s %8s %8s %8s %13s%%" %
                  (leg["leg"], leg["what"][:14], fmt(g("upcall_ms"), "%.1f"),
                   fmt(g("rtt_ms"), "%.1f"), fmt(g("kdc_ms"), "%.1f"),
                   fmt(g("upcall_share") and 100 * g("upcall_share"))))
        f = ls["final_upcall_ms"]
        a = ls["upcalls_share_of_auth"]
        print("  final upcall %s ms; upcalls are %s%% of the authentication "
              "(%s ms)" % (fmt(f and f["median"], "%.1f"),
                           fmt(a and 100 * a["median"]),
                           fmt(ls["auth_ms"] and ls["auth_ms"]["median"])))

    print()
    print("concurrent IAKerb password mounts (each mount+stat+umount; "
          "hung: tasks/reports):")
    print("  %-9s %4s %8s %4s %5s %8s %7s %8s %9s %9s %9s" %
          ("users", "N", "wall s", "ok", "fail", "helpers", "agents",
           "RSS MB", "locked MB", "hung", "leftover"))
    for rf in sorted(glob.glob(os.path.join(raw, "conc.*.*.result")),
                     key=lambda x: (int(x.split(".")[-2]), x)):
        _, mode_, n = os.path.basename(rf)[:-len(".result")].split(".")
        r = kv(rf)
        smp = kv(rf[:-len(".result")] + ".sample")
        wall_s = None
        if num(r.get("t1")) and num(r.get("t0")):
            wall_s = num(r["t1"]) - num(r["t0"])
        pp = proc_peaks(rf[:-len(".result")] + ".procs") or {
            "peak_helpers": int(smp.get("peak_helpers", 0)),
            "peak_agents": int(smp.get("peak_agents", 0))}
        row = {"users": mode_, "n": int(n), "wall_s": wall_s,
               "ok": int(r.get("ok", 0)), "failed": int(r.get("failed", 0)),
               "peak_helpers": pp["peak_helpers"],
               "peak_agents": pp["peak_agents"],
               "helpers_run": pp.get("helpers_run"),
               "agents_run": pp.get("agents_run"),
               "peak_rss_kb": int(smp.get("peak_rss_kb", 0)),
               "peak_locked_kb": int(smp.get("peak_locked_kb", 0)),
               "hung_tasks": int(r.get("hung_tasks", 0)),
               "hung_reports": int(r.get("hung_reports", 0)),
               "leftovers": int(r.get("leftovers", 0))}
        doc["concurrency"].append(row)
        print("  %-9s %4d %8s %4d %5d %8d %7d %8.1f %9.1f %9s %9d" %
              (mode_, row["n"], fmt(wall_s, "%.1f"), row["ok"],
               row["failed"], row["peak_helpers"], row["peak_agents"],
               row["peak_rss_kb"] / 1024, row["peak_locked_kb"] / 1024,
               "%d/%d" % (row["hung_tasks"], row["hung_reports"]),
               row["leftovers"]))

    r = kv(os.path.join(raw, "storm.result"))
    if r:
        smp = kv(os.path.join(raw, "storm.sample"))
        pp = proc_peaks(os.path.join(raw, "storm.procs")) or {
            "peak_helpers": int(smp.get("peak_helpers", 0)),
            "peak_agents": int(smp.get("peak_agents", 0))}
        last = None
        try:
            with open(os.path.join(raw, "storm.last")) as f:
                last = num(f.read().strip())
        except OSError:
            pass
        # from when smbsrv listened again (its log), or else from when
        # smbsrv-start.sh saw the port open
        back = num(r.get("server_start")) or num(r.get("t0"))
        lsess = num(r.get("last_session"))
        st = {"sessions": int(r.get("sessions", 0)),
              "recovered": int(r.get("recovered", 0)),
              "all_usable_s": (last - back) if last and back else None,
              "last_session_s": (lsess - back) if lsess and back else None,
              "server_down_s": (back - num(r["tstop"])) if
              back and num(r.get("tstop")) else None,
              "sessions_after": int(r.get("sessions_after", 0)),
              "kdc_legs": int(r.get("kdc_legs", 0)),
              "failed_legs": int(r.get("failed_legs", 0)),
              "peak_helpers": pp["peak_helpers"],
              "peak_agents": pp["peak_agents"],
              "helpers_run": pp.get("helpers_run"),
              "agents_run": pp.get("agents_run"),
              "peak_rss_kb": int(smp.get("peak_rss_kb", 0)),
              "hung_tasks": int(r.get("hung_tasks", 0)),
              "hung_reports": int(r.get("hung_reports", 0)),
              "leftovers": int(r.get("leftovers", 0))}
        doc["storm"] = st
        print()
        print("re-authentication storm: %d sessions with stored tickets, "
              "each its own connection, smbsrv restarted:" % st["sessions"])
        print("  %d usable again %s s after smbsrv listened again (it "
              "was down %s s), the last session set up at %s s;"
              % (st["recovered"], fmt(st["all_usable_s"], "%.1f"),
                 fmt(st["server_down_s"], "%.1f"),
                 fmt(st["last_session_s"], "%.1f")))
        print("  %d sessions set up, %d KDC legs, %d failed legs;" %
              (st["sessions_after"], st["kdc_legs"], st["failed_legs"]))
        print("  %s helpers and %s agents ran, at most %d and %d at once, "
              "%.1f MB RSS sampled;" %
              (fmt(st["helpers_run"], "%d"), fmt(st["agents_run"], "%d"),
               st["peak_helpers"], st["peak_agents"],
               st["peak_rss_kb"] / 1024))
        print("  %d hung tasks (%d reports); %d leftovers" %
              (st["hung_tasks"],
               st["hung_reports"], st["leftovers"]))

    os.makedirs(os.path.dirname(jsonfile), exist_ok=True)
    with open(jsonfile, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print()
    print("json: %s" % jsonfile)

    # --- the rows a run must produce --------------------------------------
    result("cpu-mode", mode in ("TCG", "KVM"), "not recorded: %s" % mode)
    for row in doc["paths"]:
        result("path-" + row["path"], row["ms"] is not None and
               row["ratio_to_stock"] is not None, "no successful mount")
    pw = doc["legs"].get("iakerb-password")
    result("legs-iakerb-password", bool(pw and pw["legs"] and all(
        leg["upcall_ms"] and leg["rtt_ms"] for leg in pw["legs"]) and
        any(leg["kdc_ms"] for leg in pw["legs"])),
        "no upcall/round trip/KDC split from the trace")
    conc = {(c["users"], c["n"]) for c in doc["concurrency"] if c["ok"]}
    for n in [int(x) for x in env.get("conc", "").replace(",", " ").split()]:
        for u in ("distinct", "same"):
            result("conc-%s-%d" % (u, n), (u, n) in conc,
                   "no row, or no mount succeeded")
    result("storm", bool(doc["storm"] and doc["storm"]["recovered"] and
                         doc["storm"]["all_usable_s"] is not None),
           "no session usable after the restart")
    try:
        with open(jsonfile) as f:
            ok = json.load(f)["paths"] is not None
    except (OSError, ValueError, KeyError):
        ok = False
    result("json", ok, "unreadable")
    return 0 if all(ok for _, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
