#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# CI: the metrics endpoint against the real tools. (1) promtool checks a scrape taken
# while a headless run is going; (2) a real Prometheus scrapes a run every second and
# must have stored the same totals the run's summary JSON reports.
# Everything listens on 127.0.0.1 only; everything started here is killed on exit.
#
# Usage: .ci/metrics_check.sh [path/to/poollab]   (default build/dev/app/poollab)
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${1:-build/dev/app/poollab}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/poollab-metrics-check.XXXXXX")
pids=()

cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
    echo "metrics_check: FAIL: $*" >&2
    exit 1
}
say() { echo "metrics_check: $*" >&2; }

# --- tools -------------------------------------------------------------------------
if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null || ! command -v curl >/dev/null; then
    say "installing prometheus (for promtool) and curl"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq >/dev/null || true
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus curl >/dev/null ||
        fail "cannot install prometheus and curl"
fi
[ -x "$bin" ] || fail "no poollab binary at $bin (pass its path as the first argument)"

# A port nothing listens on: a refused connect means free (the window until we bind is tiny).
free_port() {
    local port tries
    for tries in $(seq 1 200); do
        port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

# Polls a command every 0.1 s until it succeeds or the deadline (seconds) passes.
wait_for() {
    local deadline=$(( $(date +%s) + $1 ))
    shift
    until "$@" >/dev/null 2>&1; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.1
    done
}

# A number from the summary JSON: top-level "key", or "key" inside the object "section".
json_value() {
    local key=$1 section=${2:-}
    if [ -z "$section" ]; then
        sed -n "s/^  \"$key\": \([0-9][0-9]*\),\{0,1\}$/\1/p" "$tmp/summary.json"
    else
        awk -v s="\"$section\": {" -v k="\"$key\": " '
            index($0, s) { inside = 1; next }
            inside && /}/ { inside = 0 }
            inside && index($0, k) { v = substr($0, index($0, k) + length(k)); sub(/,$/, "", v); print v; exit }
        ' "$tmp/summary.json"
    fi
}

curl_opts=(--silent --show-error --max-time 5 --noproxy '*')

# --- 1: promtool on a live scrape, and the error statuses ----------------------------
port=$(free_port) || fail "no free port"
say "run 1: scrape 127.0.0.1:$port during a run, promtool check metrics"
timeout 60 "$bin" --headless --quiet --jobs 300 --workers 2 --latency 20ms \
    --metrics-port "$port" --metrics-linger 1s >"$tmp/run1.out" 2>&1 &
run1=$!
pids+=("$run1")
wait_for 15 curl "${curl_opts[@]}" --fail -o /dev/null "http://127.0.0.1:$port/metrics" ||
    fail "the endpoint never answered on 127.0.0.1:$port: $(cat "$tmp/run1.out")"
curl "${curl_opts[@]}" --fail -D "$tmp/headers1" -o "$tmp/scrape1" "http://127.0.0.1:$port/metrics" ||
    fail "scrape failed"
grep -qi '^content-type: text/plain; version=0.0.4' "$tmp/headers1" || fail "wrong content type: $(cat "$tmp/headers1")"
grep -q '^poollab_jobs_submitted_total ' "$tmp/scrape1" || fail "no poollab_jobs_submitted_total in the scrape"
if ! promtool check metrics <"$tmp/scrape1" >"$tmp/promtool.out" 2>&1; then
    cat "$tmp/promtool.out" >&2
    fail "promtool check metrics rejected the scrape"
fi
status=$(curl "${curl_opts[@]}" -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")
[ "$status" = 404 ] || fail "GET / answered $status, expected 404"
status=$(curl "${curl_opts[@]}" -X POST -D "$tmp/headers405" -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$port/metrics")
[ "$status" = 405 ] || fail "POST /metrics answered $status, expected 405"
grep -qi '^allow: GET, HEAD' "$tmp/headers405" || fail "405 without Allow: GET, HEAD"
wait "$run1" || fail "run 1 exited with $?: $(cat "$tmp/run1.out")"
pids=()
say "run 1: ok (promtool: clean; 404 and 405 as expected)"

# --- 2: a real Prometheus sees the summary's totals ----------------------------------
prom_port=$(free_port) || fail "no free port"
port=$(free_port) || fail "no free port"
[ "$port" != "$prom_port" ] || port=$(free_port)
cat >"$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: poollab
    static_configs:
      - targets: ["127.0.0.1:$port"]
EOF
say "run 2: prometheus on 127.0.0.1:$prom_port scraping 127.0.0.1:$port every 1s"
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
    --web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$tmp/prometheus.log" 2>&1 &
pids+=("$!")
prom="http://127.0.0.1:$prom_port"
wait_for 60 curl "${curl_opts[@]}" --fail "$prom/-/ready" ||
    fail "prometheus did not get ready: $(tail -20 "$tmp/prometheus.log")"

# About 4 s of arrivals, then 3 s of lingering: at least two scrapes see the final totals.
# Overloaded on purpose (500/s offered, a rate limit of 350/s, a small rejecting queue,
# failing and timing-out attempts with retries) so that most totals are not zero.
timeout 120 "$bin" --headless --quiet --arrival constant --rate 500 --jobs 2000 --workers 4 \
    --latency 'exp(8ms)' --timeout 30ms --failure-rate 0.2 --max-attempts 3 --backoff 'exp(5ms,20ms)' \
    --queue-capacity 10 --overflow reject --rate-limit 350 --burst 5 \
    --summary-json "$tmp/summary.json" --metrics-port "$port" --metrics-linger 3s >"$tmp/run2.out" 2>&1 ||
    fail "run 2 exited with $?: $(cat "$tmp/run2.out")"

# After the run the series are stale (the target is gone), so ask for the last value.
query() {
    curl "${curl_opts[@]}" --fail -G "$prom/api/v1/query" --data-urlencode "query=$1" |
        sed -n 's/.*"value":\[[^,]*,"\([^"]*\)"\].*/\1/p'
}
failures=0
check() {
    local what=$1 expected=$2 promql=$3 got
    got=$(query "$promql") || got="(query failed)"
    if [ "$got" = "$expected" ]; then
        say "  $what: $got"
    else
        say "  $what: prometheus has '${got}', summary says '$expected'  [$promql]"
        failures=$((failures + 1))
    fi
}
submitted=$(json_value submitted)
[ -n "$submitted" ] && [ "$submitted" -gt 0 ] || fail "no submitted count in the summary: $(cat "$tmp/summary.json")"
check submitted "$submitted" 'max_over_time(poollab_jobs_submitted_total[15m])'
for pair in success:succeeded failure:failed rejected:rejected dropped:dropped cancelled:cancelled; do
    check "outcome ${pair%%:*}" "$(json_value "${pair#*:}")" \
        "max_over_time(poollab_job_outcomes_total{outcome=\"${pair%%:*}\"}[15m])"
done
check attempts "$(json_value attempts)" 'max_over_time(poollab_attempts_total[15m])'
check retries "$(json_value retries)" 'max_over_time(poollab_retries_total[15m])'
check "timed out" "$(json_value timed_out)" 'max_over_time(poollab_attempt_timeouts_total[15m])'
check "throttled starts" "$(json_value throttled)" 'max_over_time(poollab_throttled_starts_total[15m])'
check "job latency count" "$(json_value count total)" 'max_over_time(poollab_job_latency_seconds_count[15m])'
[ "$failures" -eq 0 ] || fail "$failures total(s) differ between prometheus and the summary"
echo "metrics_check: PASS" >&2
