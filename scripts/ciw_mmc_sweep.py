#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Ciw (../shared/peers/ciw) on the M/M/c workload of bench/bench_experiment.cpp: Poisson
# 80/s, exponential service with mean 100 ms, c servers, N customers per replication.
# Prints one JSON object: the wall-clock seconds of the simulations alone (not the
# import) and each point's mean wait in ms, for a look next to PoolLab's.
#   PYTHONPATH=../shared/peers/ciw /usr/bin/python3 scripts/ciw_mmc_sweep.py \
#       --workers 10:19 --replications 1 --customers 50000
import argparse
import json
import time

import ciw


def run(servers, seed, customers):
    network = ciw.create_network(arrival_distributions=[ciw.dists.Exponential(80.0)],
                                 service_distributions=[ciw.dists.Exponential(10.0)],
                                 number_of_servers=[servers])
    ciw.seed(seed)
    sim = ciw.Simulation(network)
    sim.simulate_until_max_customers(customers, method="Finish")
    waits = [r.waiting_time for r in sim.get_all_records()]
    return 1000 * sum(waits) / len(waits)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", default="10:19", help="FROM:TO, inclusive")
    parser.add_argument("--replications", type=int, default=1)
    parser.add_argument("--customers", type=int, default=50000)
    args = parser.parse_args()
    lo, hi = (int(v) for v in args.workers.split(":"))
    points = []
    start = time.perf_counter()
    for c in range(lo, hi + 1):
        waits = [run(c, seed, args.customers) for seed in range(1, args.replications + 1)]
        points.append({"workers": c, "mean_wait_ms": sum(waits) / len(waits)})
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "points": len(points), "replications": args.replications,
                      "customers": args.customers, "results": points}))


if __name__ == "__main__":
    main()
