#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# attacker.py: what an unprivileged local user tries against the IAKerb
# machinery (scenario 47-local-attacker.sh).  Every attempt is made with
# the raw system call, so that the errno is the kernel's and no library
# retries or hides anything.  One line per attempt:
#
#   refused NAME ERRNO        the kernel said no (what the scenario wants)
#   breach NAME DETAIL        the attempt worked
#   done                      every attempt was made
#
# Usage:
#   attacker.py keys KIND=SERIAL...   key operations on each serial
#   attacker.py forge UID             add/request keys of cifs' key types
#   attacker.py keyring KIND=SERIAL... OWNER_UID
#                                     search/list/link a user's keyring
#   attacker.py process PID WHAT      signal/ptrace/pidfd_getfd/proc files
#   attacker.py hunt LABEL NEEDLE_HEX FILE...
#                                     look for NEEDLE in every /proc file
#                                     and FILE we may read
#   attacker.py impostor PID LOG [kill]
#                                     a process of ours at PID, once the
#                                     agent there is gone (kill: we end it
#                                     ourselves), with a socket at fd 100
#                                     that answers like an agent; LOG gets
#                                     every message it receives
#   attacker.py watch STOPFILE FILE...
#                                     every open of FILE (inotify) until
#                                     STOPFILE exists: "opened FILE"
#   attacker.py wait FILE             the arguments, once FILE has them
# NEEDLE is given in hex so that it is in no process's command line.

import ctypes
import errno
import os
import signal
import sys
import time

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

# x86_64 system call numbers
SYS_ptrace = 101
SYS_add_key = 248
SYS_request_key = 249
SYS_keyctl = 250
SYS_process_vm_readv = 310
SYS_pidfd_send_signal = 424
SYS_pidfd_open = 434
SYS_pidfd_getfd = 438

KEYCTL = dict(update=2, revoke=3, chown=4, setperm=5, describe=6, clear=7,
              link=8, unlink=9, search=10, read=11, instantiate=12,
              negate=13, set_timeout=15, assume_authority=16, reject=19,
              invalidate=21, get_persistent=22)
KEY_SPEC_SESSION_KEYRING = -3

L = ctypes.c_long


def sysc(nr, *args):
    ctypes.set_errno(0)
    conv = []
    for a in args:
        conv.append(ctypes.c_char_p(a) if isinstance(a, bytes) else
                    a if isinstance(a, ctypes.Array) else L(a))
    r = libc.syscall(L(nr), *conv)
    return r, ctypes.get_errno()


def report(name, r, err, detail=""):
    if r < 0 and err == errno.EINTR:
        # a key under construction: the lookup waits for it before it
        # checks any permission, and our timer ended the wait
        print(f"refused {name} EINTR(waited-while-under-construction)")
    elif r < 0:
        print(f"refused {name} {errno.errorcode.get(err, err)}")
    else:
        print(f"breach {name} returned {r} {detail}".rstrip())


def keyctl(op, *args):
    return sysc(SYS_keyctl, KEYCTL[op], *args)


def attack_keys(specs):
    buf = ctypes.create_string_buffer(4096)
    # Every operation that looks a key up without KEY_LOOKUP_PARTIAL
    # (read, update, link, revoke, invalidate) waits, interruptibly,
    # for a key under construction: a timer keeps a leg's key from
    # holding us past the leg's own deadline.
    signal.signal(signal.SIGALRM, lambda *_: None)
    signal.setitimer(signal.ITIMER_REAL, 0.5, 0.5)
    for spec in specs:
        kind, serial = spec.split("=")
        k = int(serial, 0)
        r, e = keyctl("describe", k, buf, len(buf))
        report(f"describe-{kind}", r, e, buf.value[:80].decode(errors="replace"))
        r, e = keyctl("read", k, buf, len(buf))
        report(f"read-{kind}", r, e)
        r, e = keyctl("update", k, b"mallory", 7)
        report(f"update-{kind}", r, e)
        r, e = keyctl("link", k, KEY_SPEC_SESSION_KEYRING)
        report(f"link-{kind}", r, e)
        r, e = keyctl("setperm", k, 0x3f3f3f3f)
        report(f"setperm-{kind}", r, e)
        r, e = keyctl("chown", k, os.getuid(), -1)
        report(f"chown-{kind}", r, e)
        r, e = keyctl("set_timeout", k, 1)
        report(f"set-timeout-{kind}", r, e)
        # answering a leg, or the password key's own construction
        r, e = keyctl("instantiate", k, b"\0" * 64, 64,
                      KEY_SPEC_SESSION_KEYRING)
        report(f"instantiate-{kind}", r, e)
        r, e = keyctl("reject", k, 60, errno.EKEYREJECTED,
                      KEY_SPEC_SESSION_KEYRING)
        report(f"reject-{kind}", r, e)
        r, e = keyctl("assume_authority", k)
        report(f"assume-authority-{kind}", r, e)
        r, e = keyctl("invalidate", k)
        report(f"invalidate-{kind}", r, e)
        r, e = keyctl("revoke", k)
        report(f"revoke-{kind}", r, e)
    signal.setitimer(signal.ITIMER_REAL, 0, 0)
    print("done")


def attack_forge(uid):
    """Keys of cifs' own types, made or requested from userspace."""
    desc = (f"ver=0x2;host=iakerb-srv.test;ip4=169.254.77.2;sec=iakerb;"
            f"uid=0x{uid:x};creduid=0x{uid:x};user=alice;pid=0x{os.getpid():x};"
            f"exch=0123456789abcdef;leg=2;tmo=30").encode()
    cred = b"exch=0123456789abcdef"
    r, e = sysc(SYS_add_key, b"cifs.spnego", desc, b"\0" * 32, 32,
                KEY_SPEC_SESSION_KEYRING)
    report("add-cifs.spnego-key", r, e)
    r, e = sysc(SYS_add_key, b"cifs.iakerb_cred", cred, b"\0" * 32, 32,
                KEY_SPEC_SESSION_KEYRING)
    report("add-cifs.iakerb_cred-key", r, e)
    r, e = sysc(SYS_request_key, b"cifs.spnego", desc, b"", 0)
    report("request-cifs.spnego-key", r, e)
    r, e = sysc(SYS_request_key, b"cifs.iakerb_cred", cred, b"", 0)
    report("request-cifs.iakerb_cred-key", r, e)
    print("done")


def attack_keyring(specs, owner):
    buf = ctypes.create_string_buffer(4096)
    for spec in specs:
        kind, serial = spec.split("=")
        k = int(serial, 0)
        r, e = keyctl("read", k, buf, len(buf))
        report(f"read-{kind}", r, e)
        if kind.endswith("keyring"):
            for t, d in ((b"logon", b"cifs:a:"), (b"user", b"alice-note")):
                r, e = keyctl("search", k, t, d, 0)
                report(f"search-{kind}-{t.decode()}", r, e)
            r, e = keyctl("link", KEY_SPEC_SESSION_KEYRING, k)
            report(f"link-into-{kind}", r, e)
            r, e = keyctl("clear", k)
            report(f"clear-{kind}", r, e)
        else:
            r, e = keyctl("link", k, KEY_SPEC_SESSION_KEYRING)
            report(f"link-{kind}", r, e)
    r, e = keyctl("get_persistent", owner, KEY_SPEC_SESSION_KEYRING)
    report("get-persistent-keyring", r, e)
    print("done")


def attack_process(pid, what):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        print(f"gone {pid}")
        return
    except PermissionError:
        pass
    for sig, name in ((signal.SIGSTOP, "stop"), (signal.SIGTERM, "term"),
                      (signal.SIGKILL, "kill")):
        r, e = sysc(62, pid, int(sig))  # kill(2)
        report(f"signal-{name}-{what}", r, e)
    r, e = sysc(SYS_ptrace, 0x4206, pid, 0, 0)  # PTRACE_SEIZE
    report(f"ptrace-seize-{what}", r, e)
    r, e = sysc(SYS_ptrace, 16, pid, 0, 0)  # PTRACE_ATTACH
    report(f"ptrace-attach-{what}", r, e)
    # one page at the start of the heap-ish area: any address will do,
    # the permission check comes first
    buf = ctypes.create_string_buffer(4096)

    class IOV(ctypes.Structure):
        _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
    local = IOV(ctypes.cast(buf, ctypes.c_void_p), 4096)
    remote = IOV(0x400000, 4096)
    r, e = sysc(SYS_process_vm_readv, pid, ctypes.addressof(local), 1,
                ctypes.addressof(remote), 1, 0)
    if r < 0 and e == errno.EFAULT:
        # past the permission check: only the address was wrong
        r = 0
    report(f"process-vm-readv-{what}", r, e)
    pfd, e = sysc(SYS_pidfd_open, pid, 0)
    if pfd < 0:
        print(f"gone {pid} pidfd_open {errno.errorcode.get(e, e)}")
        return
    got = []
    last = errno.EPERM
    for fd in range(0, 128):
        r, e = sysc(SYS_pidfd_getfd, pfd, fd, 0)
        if r >= 0:
            got.append(f"{fd}:{os.readlink(f'/proc/self/fd/{r}')}")
            os.close(r)
        elif e != errno.EBADF:
            last = e
    if got:
        print(f"breach pidfd-getfd-{what} {' '.join(got)}")
    else:
        print(f"refused pidfd-getfd-{what} {errno.errorcode.get(last, last)}")
    r, e = sysc(SYS_pidfd_send_signal, pfd, int(signal.SIGKILL), 0, 0)
    report(f"pidfd-send-signal-{what}", r, e)
    for f in ("mem", "environ", "maps", "auxv"):
        try:
            # opening is the permission check (mem: reading at 0 fails
            # with EIO even for one who may)
            fd = os.open(f"/proc/{pid}/{f}", os.O_RDONLY)
            os.close(fd)
            print(f"breach open-proc-{f}-of-{what}")
        except OSError as ex:
            print(f"refused open-proc-{f}-of-{what} {errno.errorcode.get(ex.errno)}")
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
        print(f"breach list-proc-fd-of-{what} {' '.join(fds)}")
    except OSError as ex:
        print(f"refused list-proc-fd-of-{what} {errno.errorcode.get(ex.errno)}")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        print(f"gone {pid} after the attempts")
        return
    except PermissionError:
        pass
    print("done")


def readable(path):
    try:
        with open(path, "rb") as fh:
            return fh.read(1 << 20)
    except OSError:
        return None


def hunt(label, needle, files):
    """NEEDLE in anything we may read: every process' cmdline and environ,
    /proc/keys, /proc/mounts, the logs given."""
    me = str(os.getpid())
    where = []
    for p in os.listdir("/proc"):
        if not p.isdigit() or p == me:
            continue
        for f in ("cmdline", "environ"):
            data = readable(f"/proc/{p}/{f}")
            if data and needle in data:
                comm = (readable(f"/proc/{p}/comm") or b"?").strip()
                where.append(f"/proc/{p}/{f}({comm.decode()})")
    for f in ["/proc/keys", "/proc/key-users", "/proc/mounts",
              "/proc/fs/cifs/DebugData"] + files:
        data = readable(f)
        if data and needle in data:
            where.append(f)
    if where:
        print(f"breach {label} {' '.join(where)}")
    else:
        print(f"refused {label} nowhere")
    print("done")


# PROTOCOL.md §4 framing, §8 agent messages
MSG_HDR = 12
KIND_HELLO, KIND_PROOF, KIND_REQUEST, KIND_RESULT = 2, 3, 4, 5
T_NONCE, T_PROOF = 8, 9
AGENT_FD = 100


def msg_records(buf):
    """(kind, {type: value}) of one message, or (None, {})"""
    if len(buf) < MSG_HDR or buf[:4] != b"CIAK":
        return None, {}
    kind = buf[5]
    recs, off = {}, MSG_HDR
    while off + 8 <= len(buf):
        t = int.from_bytes(buf[off:off + 4], sys.byteorder)
        n = int.from_bytes(buf[off + 4:off + 8], sys.byteorder)
        recs[t] = buf[off + 8:off + 8 + n]
        off += 8 + n
    return kind, recs


def msg_build(kind, recs):
    body = b"".join(t.to_bytes(4, sys.byteorder) + len(v).to_bytes(4, sys.byteorder) + v
                    for t, v in recs)
    total = MSG_HDR + len(body)
    return (b"CIAK" + bytes([1, kind, 0, 0]) + total.to_bytes(4, sys.byteorder)
            + body)


def serve_as_agent(sock, log, seconds):
    """Answer every HELLO with a forged PROOF; log what comes"""
    import select
    end = time.monotonic() + seconds
    names = {KIND_HELLO: "HELLO", KIND_REQUEST: "REQUEST", 6: "LEG"}
    while time.monotonic() < end:
        r, _, _ = select.select([sock], [], [], 0.5)
        if not r:
            continue
        try:
            buf = sock.recv(1 << 17)
        except OSError as ex:
            log.write(f"recv error {ex.errno}\n")
            return
        if not buf:
            log.write("eof\n")
            return
        kind, recs = msg_records(buf)
        log.write(f"got {names.get(kind, kind)} {len(buf)} bytes, records "
                  f"{sorted(recs)}\n")
        if kind == KIND_HELLO and T_NONCE in recs:
            sock.send(msg_build(KIND_PROOF, [(T_NONCE, recs[T_NONCE]),
                                             (T_PROOF, b"M" * 16)]))
            log.write("sent a forged PROOF\n")


def impostor(pid, logname, kill):
    """A process of ours at the agent's pid, fd 100 a socket of ours"""
    import socket
    t0 = time.monotonic()
    if kill:
        r, e = sysc(62, pid, int(signal.SIGKILL))
        print(f"killed {pid} {r} {errno.errorcode.get(e, e) if r < 0 else ''}")
    for _ in range(200):
        if not os.path.exists(f"/proc/{pid}"):
            break
        time.sleep(0.05)
    else:
        print(f"still-there {pid}")
        return
    # fork until the pid comes round (the scenario keeps pid_max low)
    tries = 0
    while time.monotonic() - t0 < 20:
        tries += 1
        try:
            child = os.fork()
        except BlockingIOError:
            time.sleep(0.01)
            continue
        if child == 0:
            if os.getpid() != pid:
                os._exit(0)
            break
        if child == pid:
            print(f"got-pid {pid} after {tries} forks in "
                  f"{time.monotonic() - t0:.1f} s")
            return
        os.waitpid(child, 0)
    else:
        print(f"missed {pid} after {tries} forks")
        return
    # the child, at the agent's pid: an agent's kind of socket, made by
    # us, at the agent's fd
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    os.dup2(a.fileno(), AGENT_FD)
    a.close()
    with open(logname, "a", buffering=1) as log:
        log.write(f"impostor pid {os.getpid()} uid {os.getuid()} ready\n")
        serve_as_agent(b, log, 45)
    os._exit(0)


def watch(stop, files):
    """Who reads our files?  inotify IN_OPEN on each, until STOP exists"""
    import select
    IN_OPEN = 0x20
    fd = libc.inotify_init1(os.O_NONBLOCK)
    wds = {}
    for f in files:
        wd = libc.inotify_add_watch(fd, f.encode(), IN_OPEN)
        if wd < 0:
            print(f"unwatched {f}")
        wds[wd] = f
    print("watching", flush=True)
    while not os.path.exists(stop):
        r, _, _ = select.select([fd], [], [], 0.2)
        if not r:
            continue
        buf = os.read(fd, 4096)
        off = 0
        while off + 16 <= len(buf):
            wd = int.from_bytes(buf[off:off + 4], sys.byteorder, signed=True)
            n = int.from_bytes(buf[off + 12:off + 16], sys.byteorder)
            print(f"opened {wds.get(wd, wd)}", flush=True)
            off += 16 + n
    print("done")


def main():
    argv = sys.argv
    # wait FILE: start now, attack later.  Under emulation python takes
    # seconds to start, more than a leg may wait; the scenario writes
    # the arguments (one line) to FILE when the target is there.
    if argv[1] == "wait":
        for _ in range(1200):
            if os.path.exists(argv[2]):
                with open(argv[2]) as fh:
                    argv = [argv[0]] + fh.read().split()
                break
            time.sleep(0.1)
        else:
            sys.exit("attacker.py: nothing to attack")
    sys.argv = argv
    cmd = sys.argv[1]
    if cmd == "keys":
        attack_keys(sys.argv[2:])
    elif cmd == "forge":
        attack_forge(int(sys.argv[2]))
    elif cmd == "keyring":
        attack_keyring(sys.argv[2:-1], int(sys.argv[-1]))
    elif cmd == "process":
        attack_process(int(sys.argv[2]), sys.argv[3])
    elif cmd == "watch":
        watch(sys.argv[2], sys.argv[3:])
    elif cmd == "impostor":
        impostor(int(sys.argv[2]), sys.argv[3], sys.argv[4:] == ["kill"])
    elif cmd == "hunt":
        hunt(sys.argv[2], bytes.fromhex(sys.argv[3]), sys.argv[4:])
    else:
        sys.exit(f"attacker.py: unknown command {cmd}")
    sys.stdout.flush()


main()
