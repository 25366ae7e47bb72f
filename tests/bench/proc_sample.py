#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Sample /proc for make bench until a stop file appears.

Usage: proc_sample.py STOPFILE

Every 50 ms it counts the request-key helpers and agents alive and adds
up their resident memory; it creates STOPFILE.ready once it runs, and
when STOPFILE exists prints the peaks, one NAME=VALUE a line:
samples, peak_helpers, peak_agents, peak_request_key, peak_rss_kb (the
largest sum over helpers and agents in one sample), peak_locked_kb.

An agent is a cifs-upcall-iakerb process holding IAKERB_AGENT_FD (100,
keyutils-glue/iakerb_abi_user.h), the socket it serves the legs on; the
helper that answers one leg is the same program without it, and so is
stock cifs.upcall.
"""
import os
import sys
import time

AGENT_FD = 100
HELPERS = ("cifs-upcall-iak", "cifs.upcall")


def status_kb(pid, field):
    try:
        with open("/proc/%s/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def sample():
    helpers = agents = rk = rss = locked = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/comm" % pid) as f:
                comm = f.read().strip()
        except OSError:
            continue
        if comm == "request-key":
            rk += 1
            continue
        if comm not in HELPERS:
            continue
        if os.path.lexists("/proc/%s/fd/%d" % (pid, AGENT_FD)):
            agents += 1
        else:
            helpers += 1
        rss += status_kb(pid, "VmRSS")
        locked += status_kb(pid, "VmLck")
    return helpers, agents, rk, rss, locked


def main():
    stop = sys.argv[1]
    peak = [0, 0, 0, 0, 0]
    n = 0
    open(stop + ".ready", "w").close()
    while True:
        done = os.path.exists(stop)
        s = sample()
        n += 1
        peak = [max(a, b) for a, b in zip(peak, s)]
        if done:
            break
        time.sleep(0.05)
    names = ("peak_helpers", "peak_agents", "peak_request_key",
             "peak_rss_kb", "peak_locked_kb")
    print("samples=%d" % n)
    for k, v in zip(names, peak):
        print("%s=%d" % (k, v))


if __name__ == "__main__":
    main()
