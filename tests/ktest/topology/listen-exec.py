#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# listen-exec.py PATH CMD...: bind a UNIX stream socket at PATH, listen
# with the system's largest backlog and exec CMD with it as fd 3,
# LISTEN_FDS=1 and LISTEN_PID (the exec keeps the pid), as systemd's
# ListenStream= and localkdc's activator hand the socket to krb5kdc.
#
# Why: krb5kdc binding its own socket listens with a backlog of 5, and a
# connect() to a UNIX socket whose backlog is full fails at once
# (EAGAIN), where TCP would retry: with dozens of IAKerb exchanges at
# once, the server's acceptor then reports its KDC unreachable.  A KDC
# deployed with socket activation never has that limit; neither should
# the test server's.
import os
import socket
import sys

if len(sys.argv) < 3:
    sys.exit("usage: listen-exec.py PATH CMD...")
path = sys.argv[1]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
os.chmod(path, 0o666)
s.listen(socket.SOMAXCONN)
if s.fileno() != 3:
    os.dup2(s.fileno(), 3)
    s.close()
os.set_inheritable(3, True)
os.environ["LISTEN_FDS"] = "1"
os.environ["LISTEN_PID"] = str(os.getpid())
os.execvp(sys.argv[2], sys.argv[2:])
