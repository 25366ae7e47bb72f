# SPDX-License-Identifier: GPL-2.0
# --fault random: many exchanges of our IAKerb client through a server
# that mutates most of them.  The server outlives them all, every client
# run ends by itself (no timeout, no crash), the log names a sub-seed per
# exchange, and one exchange replays alone with --fault chaos-replay=SUB.
# CHAOS_N (default 1000) exchanges; SMBSRV_CHAOS_SEED fixes the seed.

chaos_n=${CHAOS_N:-1000}
chaos_seed=${SMBSRV_CHAOS_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}

f_chaos_many() {
	local i rc bad=0 ok=0 mit=0 pid
	srv_restart --fault "random=$chaos_seed:90" || return 1
	log_mark
	for i in $(seq "$chaos_n"); do
		ic --user alice --password alicepw --no-io; rc=$?
		case $rc in
		0) ok=$((ok + 1)) ;;
		1|2|3) ;;
		# MIT krb5's own crash (iakerb_client.c, mit_crash): known
		# upstream, counted and shown, not ours to fail on
		4) mit=$((mit + 1))
		   echo "run $i: $(echo "$ICOUT" | grep -m1 MIT-CRASH)" \
			>>"$W/chaos.mit" ;;
		*) bad=$((bad + 1))
		   echo "run $i: exit $rc: $(echo "$ICOUT" | tail -n 1)" ;;
		esac
	done
	pid=$(cat "$W/pids/smbsrv")
	kill -0 "$pid" 2>/dev/null || { echo "smbsrv died"; return 1; }
	local ex mut
	ex=$(log_since | grep -c ' CHAOS conn=')
	mut=$(log_since | sed -n 's/.* CHAOS-APPLY .* exch=\([0-9]*\) .*/\1/p' |
		sort -u | wc -l)
	echo "seed $chaos_seed: $ex exchanges, $mut mutated, $ok succeeded," \
		"$mit crashed inside MIT krb5" >"$W/chaos.stats"
	[ -s "$W/chaos.mit" ] && sed 's/^/MIT krb5 crash (known upstream): /' \
		"$W/chaos.mit" >>"$W/chaos.stats"
	[ "$bad" = 0 ] && [ "$ex" -ge "$chaos_n" ] && [ "$mut" -ge $((chaos_n / 2)) ]
}

# the first mutated exchange (but a replay of another one's token,
# which a fresh server has not got) again, alone: same plan, same kinds
f_chaos_replay() {
	local ex line sub plan apply again
	for ex in $(srvlog | sed -n 's/.* CHAOS-APPLY .* exch=\([0-9]*\) .*/\1/p' |
		    uniq); do
		line=$(srvlog | grep " CHAOS conn=.* exch=$ex ")
		case $line in *replay*) continue ;; esac
		break
	done
	[ -n "$line" ] || { echo "no mutated exchange"; return 1; }
	sub=$(echo "$line" | sed 's/.* sub=\([0-9a-fx]*\) .*/\1/')
	plan=${line##* plan=}
	apply=$(srvlog | grep " CHAOS-APPLY .* exch=$ex " |
		sed 's/.* what=\([a-z-]*\).*/\1/')
	srv_restart --fault "chaos-replay=$sub" || return 1
	log_mark
	ic --user alice --password alicepw --no-io
	[ "$(log_since | grep -m1 ' CHAOS conn=' | sed 's/.* plan=//')" = "$plan" ] ||
		{ echo "plan $plan not replayed: $(log_since | grep ' CHAOS ')"; return 1; }
	again=$(log_since | grep ' CHAOS-APPLY ' | sed 's/.* what=\([a-z-]*\).*/\1/')
	[ "$again" = "$apply" ] ||
		{ echo "exch $ex sub $sub: applied '$apply', replay '$again'"; return 1; }
}

t chaos-many-exchanges f_chaos_many
cat "$W/chaos.stats" 2>/dev/null
t chaos-replay-one-exchange f_chaos_replay
srv_stop
