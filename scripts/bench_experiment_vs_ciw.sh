#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Issue #15's speed figure, in one run: PoolLab's 10-point x 10-replication M/M/c sweep
# of 50,000 jobs each (bench/bench_experiment.cpp, 1 and 2 threads, with one replication
# alone as the baseline), then Ciw (../shared/peers/ciw) on the same workload, back to
# back, and a markdown report with the ratios.
#   scripts/bench_experiment_vs_ciw.sh [build-dir] > report.md
# Environment: CIW_REPLICATIONS (default 1): Ciw runs every point that many times and
#              its time is scaled to 10 (the full sweep takes Ciw minutes);
#              CIW_DIR (default ../shared/peers/ciw); POOLLAB_BENCH_SWEEP_JOBS (50000).
# Needs Debian's python3-numpy, python3-networkx and python3-tqdm for Ciw.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build/bench}
CIW_DIR=${CIW_DIR:-../shared/peers/ciw}
CIW_REPLICATIONS=${CIW_REPLICATIONS:-1}
JOBS=${POOLLAB_BENCH_SWEEP_JOBS:-50000}
OUT="$BUILD/bench-results"
mkdir -p "$OUT"

cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" --target bench_experiment -j "$(nproc)" >&2

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench_experiment_vs_ciw: PoolLab" >&2
POOLLAB_BENCH_SWEEP_JOBS=$JOBS "$BUILD/bench/bench_experiment" \
    --benchmark_out="$OUT/bench_experiment.json" --benchmark_out_format=json >&2
echo "bench_experiment_vs_ciw: Ciw, $CIW_REPLICATIONS replication(s) per point" >&2
PYTHONPATH="$CIW_DIR" /usr/bin/python3 scripts/ciw_mmc_sweep.py --workers 10:19 \
    --replications "$CIW_REPLICATIONS" --customers "$JOBS" > "$OUT/ciw_mmc_sweep.json"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$OUT" "$LOAD_BEFORE" "$LOAD_AFTER" "$JOBS" <<'PY'
import json, os, subprocess, sys
out, load_before, load_after, jobs = sys.argv[1:5]
bench = json.load(open(os.path.join(out, "bench_experiment.json")))
ciw = json.load(open(os.path.join(out, "ciw_mmc_sweep.json")))
runs = {b["name"]: b for b in bench["benchmarks"] if b.get("run_type", "iteration") == "iteration"}
def seconds(prefix):
    b = next(v for n, v in runs.items() if n.startswith(prefix))
    return b["real_time"] * {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1}[b["time_unit"]]
one = seconds("BM_OneReplication")
t1 = seconds("BM_Sweep10x10/threads:1")
t2 = seconds("BM_Sweep10x10/threads:2")
ciw_full = ciw["seconds"] * 10 / ciw["replications"]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
print(f"- CPU: {cpu}, nproc {nproc}; load average before {load_before}, after {load_after}")
print(f"- {int(jobs):,} jobs per replication; 10 points (workers 10 to 19) x 10 replications = "
      f"{100 * int(jobs):,} jobs; Poisson 80/s, exp(100ms)")
print(f"- Ciw ran {ciw['replications']} replication(s) per point "
      f"({ciw['replications'] * 10 * int(jobs):,} customers, {ciw['seconds']:.1f} s), scaled x{10 // ciw['replications']}\n")
print("| | wall time | per job | vs PoolLab, 2 threads |")
print("|---|---:|---:|---:|")
total = 100 * int(jobs)
print(f"| PoolLab, one replication alone (baseline) | {one * 1000:.1f} ms | {one / int(jobs) * 1e9:.0f} ns | |")
print(f"| PoolLab sweep, 1 thread | {t1:.2f} s | {t1 / total * 1e9:.0f} ns | {t1 / t2:.2f}x |")
print(f"| PoolLab sweep, 2 threads | {t2:.2f} s | {t2 / total * 1e9:.0f} ns | 1x |")
print(f"| Ciw, the same sweep (scaled) | {ciw_full:.1f} s | {ciw_full / total * 1e9:.0f} ns | {ciw_full / t2:.0f}x |")
print(f"\nSpeed-up from the second thread: {t1 / t2:.2f}x; the sweep on 1 thread against 100 lone "
      f"replications: {t1 / (100 * one):.2f}x. Ciw / PoolLab (2 threads): {ciw_full / t2:.0f}x.")
wait10 = next(v for n, v in runs.items() if n.startswith("BM_Sweep10x10/threads:2"))["wait_ms_c10"]
print(f"\nA look at the numbers: mean wait at c = 10 (Erlang C: 20.46 ms), PoolLab over 10 replications "
      f"{wait10:.2f} ms, Ciw {ciw['results'][0]['mean_wait_ms']:.2f} ms.")
PY
