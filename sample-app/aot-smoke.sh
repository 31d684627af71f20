#!/usr/bin/env bash
# Smoke test of sample-app under Spring AOT on the JVM (the step before a native image):
#  1. builds it with the native profile, which runs process-aot, and checks that the
#     generated reachability metadata holds the hints of the starter's aot.factories
#     registrars and of the sample's own configuration class;
#  2. starts the jar with -Dspring.aot.enabled=true on a free port and a temporary config
#     dir seeded with one saved configuration and a crashed run's process record;
#  3. queries /actuator/plugins and one plugin's view, and checks the plugins, the
#     configuration, the worker's PIDs and the process records;
#  4. stops the application with SIGTERM and checks that its worker processes and its
#     process record are gone.
# Exits non-zero on the first problem, printing the end of the application's log. Every
# wait is bounded; the application is killed on any exit. Loopback only.
#
# Settings (environment): START_TIMEOUT seconds (120), STOP_TIMEOUT seconds (30),
# SKIP_BUILD=1 to reuse sample-app/target's jar.
set -euo pipefail
cd "$(dirname "$0")/.."

START_TIMEOUT=${START_TIMEOUT:-120}
STOP_TIMEOUT=${STOP_TIMEOUT:-30}
HOST=127.0.0.1
METADATA=sample-app/target/spring-aot/main/resources/META-INF/native-image/dev.unifiedplugins/sample-app/reachability-metadata.json

WORK=$(mktemp -d -t plugins-aot-smoke.XXXXXX)
LOG=$WORK/app.log
APP_PID=""
PIDS=""

log() { printf 'aot-smoke: %s\n' "$*" >&2; }

fail() {
	log "FAILED: $*"
	if [[ -s $LOG ]]; then
		log "last lines of the application's log:"
		tail -n 40 "$LOG" >&2
	fi
	exit 1
}

# alive <pid>: whether the process runs; a zombie (state Z or X) does not.
alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat:0:1} != Z && ${stat:0:1} != X ]]
}

# On any exit: stops the application as it would be stopped (SIGTERM, so that it ends its
# worker processes), SIGKILL after 15 s, then any of its worker processes still running.
cleanup() {
	if [[ -n $APP_PID ]] && kill -0 "$APP_PID" 2>/dev/null; then
		kill -TERM "$APP_PID" 2>/dev/null || true
		for _ in $(seq 1 150); do
			kill -0 "$APP_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$APP_PID" 2>/dev/null || true
		wait "$APP_PID" 2>/dev/null || true
	fi
	for pid in $PIDS; do
		if alive "$pid"; then
			kill -9 "$pid" 2>/dev/null || true
		fi
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# get <path> <file>: GETs the path into the file; prints the HTTP status.
get() {
	curl -sS --max-time 10 -o "$2" -w '%{http_code}' "http://$HOST:$PORT$1"
}

# expect <file> <fixed string> <what>: fails unless the file contains the string.
expect() {
	grep -qF -- "$2" "$1" || fail "$3: '$2' not found in $(head -c 2000 "$1")"
}

# ------------------------------------------------------------------------------ build
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
	log "building sample-app with process-aot (-Pnative)"
	# An unchanged module is not repackaged: without this a jar built without AOT stays.
	rm -f sample-app/target/sample-app-*.jar sample-app/target/sample-app-*.jar.original
	./mvnw -B -q -Pnative -pl sample-app -am -DskipTests package >&2
fi
JAR=$(ls sample-app/target/sample-app-*.jar | grep -v -- '-plain' | head -1)
[[ -f $METADATA ]] || fail "process-aot wrote no $METADATA"
# From PluginsRuntimeHints (listed in the starter's aot.factories) and from the sample's
# @RegisterReflectionForBinding of the plugins' config classes.
expect "$METADATA" '"dev.unifiedplugins.shutdown.ManagedProcessLedger$State"' "starter's runtime hints"
expect "$METADATA" '"jsv-messages"' "starter's runtime hints"
expect "$METADATA" '"dev.unifiedplugins.sample.transcription.WhisperConfig"' "sample's runtime hints"
expect "$METADATA" '"dev.unifiedplugins.sample.transcription.WhisperConfig$Device"' "sample's runtime hints"
expect "$METADATA" '"dev.unifiedplugins.sample.llm.Llama3CloudConfig$GpuType"' "sample's runtime hints"

# ------------------------------------------------------------------------------ start
CONFIGS=$WORK/configs
mkdir -p "$CONFIGS"
printf '{\n  "device": "cuda"\n}\n' >"$CONFIGS/transcription_whisper_tiny.json"
# The record of a run that crashed: its owner and process no longer run (no process has
# started at epoch millisecond 1), so the start reads it and deletes it, ending nothing.
CRASHED=$CONFIGS/.managed-processes.4194000-1.json
printf '{"owner":{"pid":4194000,"startTime":1},"processes":[{"pid":4194001,"startTime":1}]}' >"$CRASHED"

log "starting $JAR with -Dspring.aot.enabled=true"
java -Dspring.aot.enabled=true -jar "$JAR" --server.address=$HOST --server.port=0 \
	--plugins.config-dir="$CONFIGS" --plugins.shutdown.track-interval=1s >"$LOG" 2>&1 &
APP_PID=$!

deadline=$(($(date +%s) + START_TIMEOUT))
PORT=""
until [[ -n $PORT ]]; do
	kill -0 "$APP_PID" 2>/dev/null || fail "the application exited during startup"
	(($(date +%s) <= deadline)) || fail "the application did not start within ${START_TIMEOUT}s"
	sleep 0.2
	PORT=$(sed -n 's/.*Tomcat started on port \([0-9][0-9]*\).*/\1/p' "$LOG" | head -1)
done
# Boot says so when it runs the context initializer that process-aot generated.
expect "$LOG" "Starting AOT-processed SampleApplication" "AOT mode"

# ------------------------------------------------------------------------------ query
PLUGINS=$WORK/plugins.json
until [[ $(get /actuator/plugins "$PLUGINS" 2>/dev/null) == 200 ]]; do
	kill -0 "$APP_PID" 2>/dev/null || fail "the application exited"
	(($(date +%s) <= deadline)) || fail "/actuator/plugins did not answer 200 within ${START_TIMEOUT}s"
	sleep 0.2
done
log "/actuator/plugins answered on port $PORT"
expect "$PLUGINS" '"stats":{"total":4,"configured":1,' "stats"
expect "$PLUGINS" '{"name":"llm","displayName":"Language Models","plugins":2}' "categories"
expect "$PLUGINS" '{"name":"transcription","displayName":"Speech to Text","plugins":2}' "categories"
for id in transcription_whisper_tiny transcription_voxtral_vllm llm_ollama_local llm_llama3_cloud; do
	expect "$PLUGINS" "\"uniqueId\":\"$id\"" "plugins"
done
expect "$PLUGINS" '"hourlyUsd":4.4,' "cloud cost"
# The llm category is a ready-made manager over beans, loaded at start (load-on-start).
expect "$LOG" "Loaded the plugins of category 'llm'" "llm plugins loaded at start"
if grep -qF "Loaded the plugins of category 'llm'; failed" "$LOG"; then
	fail "an llm plugin failed to load at start"
fi
PIDS=$(sed -n 's/.*"managedPids":{[^}]*"transcription_voxtral_vllm":\[\([0-9,]*\)\].*/\1/p' "$PLUGINS" | tr ',' ' ')
[[ -n $PIDS ]] || fail "no managed PIDs for transcription_voxtral_vllm in $(head -c 2000 "$PLUGINS")"
for pid in $PIDS; do
	alive "$pid" || fail "managed PID $pid does not run"
done

DETAIL=$WORK/detail.json
status=$(get /actuator/plugins/transcription_whisper_tiny "$DETAIL")
[[ $status == 200 ]] || fail "/actuator/plugins/transcription_whisper_tiny answered $status"
expect "$DETAIL" '"uniqueId":"transcription_whisper_tiny"' "detail"
expect "$DETAIL" '"configured":true' "detail"
# Generated from WhisperConfig; saved values and defaults, masked.
expect "$DETAIL" '"beam_size":{' "detail schema"
expect "$DETAIL" '"config":{"device":"******","language":"******","beam_size":"******"}' "detail config"
status=$(get /actuator/plugins/transcription_nothing "$WORK/missing.json")
[[ $status == 404 ]] || fail "/actuator/plugins/transcription_nothing answered $status, not 404"

[[ ! -e $CRASHED ]] || fail "the crashed run's process record was not read and removed"
RECORD=""
until [[ -n $RECORD ]] && grep -qF "${PIDS%% *}" "$RECORD"; do
	(($(date +%s) <= deadline)) || fail "no process record with PID ${PIDS%% *} in $CONFIGS"
	sleep 0.2
	RECORD=$(ls "$CONFIGS"/.managed-processes."$APP_PID"-*.json 2>/dev/null | head -1 || true)
done

# ------------------------------------------------------------------------------ stop
log "stopping the application (SIGTERM)"
kill -TERM "$APP_PID"
stop_deadline=$(($(date +%s) + STOP_TIMEOUT))
while kill -0 "$APP_PID" 2>/dev/null; do
	(($(date +%s) <= stop_deadline)) || fail "the application did not stop within ${STOP_TIMEOUT}s of SIGTERM"
	sleep 0.2
done
wait "$APP_PID" 2>/dev/null || true
APP_PID=""
# The engine is the worker's child: once the worker is gone it may linger as a zombie
# until PID 1 reaps it, which alive() tells apart.
for pid in $PIDS; do
	for _ in $(seq 1 50); do
		alive "$pid" || break
		sleep 0.1
	done
	if alive "$pid"; then
		fail "managed PID $pid still runs after the application stopped"
	fi
done
[[ ! -e $RECORD ]] || fail "the process record $RECORD was left after a clean stop"
log "passed: AOT start, /actuator/plugins, one plugin's view, clean stop of PIDs $PIDS"
