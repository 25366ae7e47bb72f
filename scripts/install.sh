#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install / make uninstall: copy the built files to where they belong,
# or remove them again.  It runs where it is called (the host for a real
# machine, the image in tests) and builds nothing: `make` first.
#
# Usage: scripts/install.sh install|uninstall|list MODE:SRC:DEST...
#   MODE  octal mode of the installed file
#   SRC   relative to the top of the repository; a name ending in .in is
#         installed with @PREFIX@, @SBINDIR@, @MANDIR@, @UNITDIR@ replaced
#   DEST  absolute path on the target system (without DESTDIR)
# Env:   DESTDIR   staging root (default: none, i.e. the live system)
#        PREFIX SBINDIR MANDIR UNITDIR   the values substituted in .in files
#
# Uninstall removes exactly the DEST files and leaves directories in place
# (as automake's uninstall does): /etc/request-key.d, man8, sbin are
# shared with other packages.  Only files are ever touched; cifs-utils'
# /etc/request-key.d/cifs.spnego.conf is refused as a DEST.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "install: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: $0 install|uninstall|list MODE:SRC:DEST..."
action=$1
shift
destdir=${DESTDIR:-}
case "$destdir" in
''|/*) ;;
*) die "DESTDIR must be an absolute path (got $destdir)" ;;
esac

# Split and check every entry before touching anything.
modes=() srcs=() dests=()
for e in "$@"; do
	IFS=: read -r mode src dest extra <<<"$e"
	[ -z "${extra:-}" ] && [ -n "$mode" ] && [ -n "$src" ] && [ -n "$dest" ] ||
		die "bad entry '$e' (want MODE:SRC:DEST)"
	case "$mode" in [0-7][0-7][0-7]|[0-7][0-7][0-7][0-7]) ;;
	*) die "bad mode in '$e'" ;; esac
	case "$dest" in /*) ;; *) die "DEST of '$e' is not absolute" ;; esac
	case "$dest" in */request-key.d/cifs.spnego.conf)
		die "$dest belongs to cifs-utils: install ours under another name" ;;
	esac
	modes+=("$mode") srcs+=("$src") dests+=("$dest")
done

subst() {
	local v
	for v in PREFIX SBINDIR MANDIR UNITDIR; do
		[ -n "${!v:-}" ] || die "$1 needs $v set"
	done
	sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@SBINDIR@|$SBINDIR|g" \
		-e "s|@MANDIR@|$MANDIR|g" -e "s|@UNITDIR@|$UNITDIR|g" "$top/$1"
}

case "$action" in
list)
	for d in "${dests[@]}"; do echo "$destdir$d"; done
	;;
install)
	for i in "${!srcs[@]}"; do
		[ -f "$top/${srcs[$i]}" ] ||
			die "${srcs[$i]} is missing: run make first"
	done
	tmp=$(mktemp)
	trap 'rm -f "$tmp"' EXIT
	for i in "${!srcs[@]}"; do
		src=$top/${srcs[$i]} dest=$destdir${dests[$i]}
		if [ "${src%.in}" != "$src" ]; then
			subst "${srcs[$i]}" >"$tmp"
			grep -q '@[A-Z]*@' "$tmp" &&
				die "${srcs[$i]}: unknown @VAR@ left after substitution"
			src=$tmp
		fi
		install -D -m "${modes[$i]}" "$src" "$dest"
		echo "  INSTALL $dest"
	done
	;;
uninstall)
	for d in "${dests[@]}"; do
		if [ -e "$destdir$d" ] || [ -L "$destdir$d" ]; then
			rm -f "$destdir$d"
			echo "  RM      $destdir$d"
		fi
	done
	;;
*)
	die "unknown action $action (install, uninstall, list)"
	;;
esac
