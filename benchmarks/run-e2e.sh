#!/usr/bin/env bash
# End-to-end measurements of sample-app with generated plugins (see BENCHMARKS.md):
#  1. startup time with the starter against the same app with plugins.enabled=false,
#     median of RUNS starts each, as a ratio ("Started ... in X seconds" and
#     time-to-first-200 on /actuator/health);
#  2. /actuator/plugins latency p50/p99 under a fixed load from wrk, beside
#     /actuator/health on the same app, and beside the same bytes served as a static file
#     by the same app (the transport floor), as ratios.
# The startup runs leave out the sample's worker JVM (sample.transcription.worker.enabled=
# false in both modes): its launch is the same with or without the starter and only adds
# noise. The latency runs keep it, so every request walks a real process tree.
# Loopback only; every wait is bounded. wrk is installed with apt-get when missing.
#
# Settings (environment): PLUGINS (1000), RUNS (9), PORT (18480), CONNECTIONS (32),
# THREADS (2), DURATION (15s), WARMUP (5s), START_TIMEOUT seconds (120),
# JAVA_OPTS (""), SKIP_BUILD=1 to reuse sample-app/target's jar.
set -euo pipefail
cd "$(dirname "$0")/.."

PLUGINS=${PLUGINS:-1000}
RUNS=${RUNS:-9}
PORT=${PORT:-18480}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-5s}
START_TIMEOUT=${START_TIMEOUT:-120}
JAVA_OPTS=${JAVA_OPTS:-}
HOST=127.0.0.1
BASE="http://$HOST:$PORT"

log() { printf '%s\n' "$*" >&2; }

ensure_tool() {
	local tool=$1
	if ! command -v "$tool" >/dev/null 2>&1; then
		log "installing $tool with apt-get"
		local sudo=""
		[[ $(id -u) -ne 0 ]] && sudo="sudo"
		$sudo apt-get install -y "$tool" >/dev/null 2>&1 \
			|| { $sudo apt-get update >/dev/null && $sudo apt-get install -y "$tool" >/dev/null; }
	fi
}
ensure_tool wrk
ensure_tool curl

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
	log "building sample-app"
	# Without the old jar gone, an unchanged sample-app is not repackaged and keeps stale
	# copies of the other modules.
	rm -f sample-app/target/sample-app-*.jar sample-app/target/sample-app-*.jar.original
	./mvnw -B -q -pl sample-app -am -DskipTests package >&2
fi
JAR=$(ls sample-app/target/sample-app-*.jar | grep -v -- '-plain' | head -1)

if (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; then
	log "port $PORT on $HOST is in use; set PORT"
	exit 1
fi

WORK=$(mktemp -d -t plugins-e2e.XXXXXX)
APP_PID=""
cleanup() {
	stop_app
	rm -rf "$WORK"
}
trap cleanup EXIT

# start_app <log file> [extra args...]: starts the app in the background, sets APP_PID and
# LAUNCH_NS.
start_app() {
	local logfile=$1
	shift
	LAUNCH_NS=$(date +%s%N)
	# shellcheck disable=SC2086
	java $JAVA_OPTS -jar "$JAR" --server.address=$HOST --server.port="$PORT" \
		--plugins.config-dir="$WORK/configs" --sample.generated-plugins="$PLUGINS" "$@" >"$logfile" 2>&1 &
	APP_PID=$!
}

# wait_ready: waits for the first 200 on /actuator/health; prints milliseconds since launch.
wait_ready() {
	local deadline=$(($(date +%s) + START_TIMEOUT))
	until curl -fsS -o /dev/null --max-time 2 "$BASE/actuator/health" 2>/dev/null; do
		if ! kill -0 "$APP_PID" 2>/dev/null; then
			log "the application exited during startup"
			return 1
		fi
		if (($(date +%s) > deadline)); then
			log "the application did not answer within ${START_TIMEOUT}s"
			return 1
		fi
		sleep 0.02
	done
	echo $((($(date +%s%N) - LAUNCH_NS) / 1000000))
}

stop_app() {
	if [[ -n "$APP_PID" ]] && kill -0 "$APP_PID" 2>/dev/null; then
		kill "$APP_PID" 2>/dev/null || true
		for _ in $(seq 1 100); do
			kill -0 "$APP_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$APP_PID" 2>/dev/null || true
		wait "$APP_PID" 2>/dev/null || true
	fi
	APP_PID=""
}

# phase_ms <log>: milliseconds from "Plugin configurations are kept" to the last
# generated category registered. Categories registered later (the sample's plugin system)
# wait for other beans first, whose creation is not the starter's work.
phase_ms() {
	awk 'function ms(t,  a) { split(substr(t, 12, 12), a, ":"); return (a[1] * 3600 + a[2] * 60 + a[3]) * 1000 }
		/Plugin configurations are kept in/ && !first { first = ms($1) }
		/Registered plugin category .generated_/ { last = ms($1) }
		END { printf "%.0f\n", last - first }' "$1"
}

mean_sd() { awk '{s += $1; q += $1 * $1} END {m = s / NR; v = q / NR - m * m; printf "%.3f +- %.3f", m, (v > 0) ? sqrt(v) : 0}'; }

median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a/b}'; }

# ---------------------------------------------------------------------------- startup
log "startup: $RUNS runs each, $PLUGINS generated plugins"
: >"$WORK/started-on" ; : >"$WORK/started-off" ; : >"$WORK/first200-on" ; : >"$WORK/first200-off"
: >"$WORK/registration-ms"
for run in $(seq 1 "$RUNS"); do
	# Alternate the order so that a trend in machine load hits both sides alike.
	if ((run % 2)); then order="on off"; else order="off on"; fi
	for mode in $order; do
		enabled=true
		[[ $mode == off ]] && enabled=false
		logfile="$WORK/start-$mode-$run.log"
		# Lets the previous JVM's exit settle before the next start is timed.
		sleep 1
		start_app "$logfile" --plugins.enabled=$enabled --sample.transcription.worker.enabled=false
		first200=$(wait_ready)
		started=$(sed -n 's/.*Started .* in \([0-9.]*\) seconds.*/\1/p' "$logfile" | head -1)
		if [[ $mode == on ]]; then
			if ! grep -q "Registered plugin category 'generated_00'" "$logfile"; then
				log "the starter did not register the generated plugins"
				cat "$logfile" >&2
				exit 1
			fi
			# The starter's own phase: from creating the config store to the last category
			# registered (log timestamps, HH:MM:SS.mmm).
			phase_ms "$logfile" >>"$WORK/registration-ms"
		fi
		stop_app
		echo "$started" >>"$WORK/started-$mode"
		echo "$first200" >>"$WORK/first200-$mode"
		log "  run $run, plugins.enabled=$enabled: Started in ${started}s, first 200 after ${first200} ms"
	done
done
started_on=$(median <"$WORK/started-on")
started_off=$(median <"$WORK/started-off")
first_on=$(median <"$WORK/first200-on")
first_off=$(median <"$WORK/first200-off")
registration_ms=$(median <"$WORK/registration-ms")

# ---------------------------------------------------------------------------- latency
# to_ms <wrk figure>: 850.00us, 1.23ms, 1.02s, 2.00m -> milliseconds
to_ms() {
	awk -v v="$1" 'BEGIN {
		if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
		else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
		else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
		else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
		else print v }'
}

# cpu_ticks: the application's user + system CPU time so far, in clock ticks
cpu_ticks() { awk '{print $14 + $15}' "/proc/$APP_PID/stat"; }

# load <path> <connections> <threads>: runs wrk, prints "p50 p99 requests/s cpu errors",
# cpu being the application's CPU time per request in microseconds: unlike latency, it
# hardly changes when other work shares the machine.
load() {
	local out="$WORK/wrk-$(echo "$1" | tr '/' '_')-$2.txt"
	local before after
	before=$(cpu_ticks)
	wrk -t"$3" -c"$2" -d"$DURATION" --timeout 10s --latency "$BASE$1" >"$out"
	after=$(cpu_ticks)
	local p50 p99 rps requests cpu errors
	p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
	p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
	rps=$(awk '/^Requests\/sec/ {print $2}' "$out")
	requests=$(awk '/requests in/ {print $1}' "$out")
	cpu=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" 'BEGIN {printf "%.0f", t * 1e6 / hz / n}')
	errors=$(awk '/Non-2xx|Socket errors/ {printf "%s ", $0}' "$out")
	echo "$p50 $p99 $rps $cpu ${errors:-none}"
}

log "latency: wrk, $DURATION per run, after a ${WARMUP} warm-up"
mkdir -p "$WORK/static"
start_app "$WORK/load.log" --plugins.enabled=true --spring.web.resources.static-locations="file:$WORK/static/"
wait_ready >/dev/null
# The transport floor: the same bytes as a static file, served by the same application.
curl -fsS --max-time 10 "$BASE/actuator/plugins" >"$WORK/static/plugins.json"
body_bytes=$(wc -c <"$WORK/static/plugins.json")
total=$(curl -fsS --max-time 10 "$BASE/actuator/plugins" | grep -o '"total":[0-9]*' | head -1 | cut -d: -f2)
# The sample's own four plugins come on top of the generated ones.
if [[ -z "$total" || "$total" -lt "$PLUGINS" ]]; then
	log "/actuator/plugins reports $total plugins, expected at least $PLUGINS"
	exit 1
fi
wrk -t2 -c8 -d"$WARMUP" "$BASE/actuator/plugins" >/dev/null
wrk -t2 -c8 -d"$WARMUP" "$BASE/actuator/health" >/dev/null
wrk -t2 -c8 -d"$WARMUP" "$BASE/plugins.json" >/dev/null
read -r plugins1_p50 plugins1_p99 plugins1_rps plugins1_cpu plugins1_err < <(load /actuator/plugins 1 1)
read -r health1_p50 health1_p99 health1_rps health1_cpu health1_err < <(load /actuator/health 1 1)
read -r static1_p50 static1_p99 static1_rps static1_cpu static1_err < <(load /plugins.json 1 1)
# While the load runs, sample a few bodies: an entry with an "error" under load means
# the endpoint refused or timed out calls, and the figures are not of a healthy answer.
(
	sleep 2
	for _ in 1 2 3 4 5; do
		curl -fsS --max-time 10 "$BASE/actuator/plugins" | grep -o '"error":' | wc -l
		sleep 1
	done
) >"$WORK/errors-under-load" 2>/dev/null &
sampler=$!
read -r plugins_p50 plugins_p99 plugins_rps plugins_cpu plugins_err < <(load /actuator/plugins "$CONNECTIONS" "$THREADS")
wait "$sampler" || true
entries_with_errors=$(paste -sd' ' "$WORK/errors-under-load")
read -r health_p50 health_p99 health_rps health_cpu health_err < <(load /actuator/health "$CONNECTIONS" "$THREADS")
read -r static_p50 static_p99 static_rps static_cpu static_err < <(load /plugins.json "$CONNECTIONS" "$THREADS")
stop_app

# ---------------------------------------------------------------------------- report
cat <<REPORT
== unified-plugins end-to-end, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)
sample-app with $PLUGINS generated plugins; $(java -version 2>&1 | head -1)

startup (median of $RUNS)         plugins.enabled=true   plugins.enabled=false   ratio
  "Started ... in X seconds"      ${started_on} s              ${started_off} s               $(ratio "$started_on" "$started_off")
  first 200 on /actuator/health   ${first_on} ms              ${first_off} ms               $(ratio "$first_on" "$first_off")
  "Started" mean +- sd            $(mean_sd <"$WORK/started-on") s    $(mean_sd <"$WORK/started-off") s
  starter's own phase (config store to last generated category registered, median): ${registration_ms} ms

latency (wrk, $DURATION)           p50 ms     p99 ms     req/s      cpu us/req  errors
  /actuator/plugins  c=1 t=1      $plugins1_p50      $plugins1_p99      $plugins1_rps    $plugins1_cpu        $plugins1_err
  /actuator/health   c=1 t=1      $health1_p50      $health1_p99      $health1_rps    $health1_cpu        $health1_err
  same body, static  c=1 t=1      $static1_p50      $static1_p99      $static1_rps    $static1_cpu        $static1_err
  /actuator/plugins  c=$CONNECTIONS t=$THREADS     $plugins_p50      $plugins_p99      $plugins_rps    $plugins_cpu        $plugins_err
  /actuator/health   c=$CONNECTIONS t=$THREADS     $health_p50      $health_p99      $health_rps    $health_cpu        $health_err
  same body, static  c=$CONNECTIONS t=$THREADS     $static_p50      $static_p99      $static_rps    $static_cpu        $static_err
  plugins/health ratio, c=1:  p50 $(ratio "$plugins1_p50" "$health1_p50")  p99 $(ratio "$plugins1_p99" "$health1_p99")
  plugins/health ratio, c=$CONNECTIONS: p50 $(ratio "$plugins_p50" "$health_p50")  p99 $(ratio "$plugins_p99" "$health_p99")
  plugins/static ratio, c=1:  p50 $(ratio "$plugins1_p50" "$static1_p50")  p99 $(ratio "$plugins1_p99" "$static1_p99")
  plugins/static ratio, c=$CONNECTIONS: p50 $(ratio "$plugins_p50" "$static_p50")  p99 $(ratio "$plugins_p99" "$static_p99")
  plugins/static CPU per request, c=1: $(ratio "$plugins1_cpu" "$static1_cpu")  c=$CONNECTIONS: $(ratio "$plugins_cpu" "$static_cpu")
  /actuator/plugins body: $body_bytes bytes
  entries with an "error" in 5 bodies sampled during the c=$CONNECTIONS run: ${entries_with_errors:-none sampled}
REPORT
