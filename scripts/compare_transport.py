#!/usr/bin/env python3
"""Exact transport, side by side: this crate against SciPy and POT on the same data.

Generates the data once (NumPy, fixed seed), writes it as .npy, and times
  1-D W1:  scipy.stats.wasserstein_distance(x, y)  vs  our sorted W1 in process
           (examples/compare_transport.rs, mode w1d) and the `divergence w1` command
           end to end (process start, reading both .npy files, output);
  2-D W1:  M = ot.dist(x, y, metric='euclidean'); ot.emd2(a, b, M)  (cost matrix
           included, as a user calls it)  vs  our network simplex (mode simplex, cost
           matrix included) and `divergence w1` end to end.
Every value must agree with the reference to 1e-9 relative; the simplex's dual
certificate is checked by the bench binary (max f_i + g_j - c_ij is printed).
Peak memory is the peak resident set of the process that solved the problem (POT runs
in a child Python process so that its peak is its own).

Usage (from the repository root; not part of the test suite):
  python3 scripts/compare_transport.py                     # default sizes
  python3 scripts/compare_transport.py --sizes-2d 1000 10000 --repeat 1
Needs numpy, scipy and POT (pip install numpy scipy pot).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

AGREEMENT = 1e-9

# Largest accepted dual violation max(f_i + g_j - c_ij), relative to the largest cost
# (sqrt 2 on the unit square).
CERTIFICATE = 1e-11 * 2**0.5


def best_time(run, repeat):
    """Best wall time of `repeat` calls and the last value."""
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = run()
        best = min(best, time.perf_counter() - start)
    return best, value


def pot_worker(x_path, y_path, repeat):
    """Child process: POT on one instance; prints value, seconds and peak RSS as JSON."""
    import ot

    x, y = np.load(x_path), np.load(y_path)
    a = np.full(len(x), 1.0 / len(x))
    b = np.full(len(y), 1.0 / len(y))

    def run():
        cost = ot.dist(x, y, metric="euclidean")
        return ot.emd2(a, b, cost, numItermax=10**9)

    seconds, value = best_time(run, repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"value": float(value), "seconds": seconds, "peak_rss_bytes": peak}))


def ours(binary, mode, x_path, y_path, repeat):
    out = subprocess.run(
        [binary, mode, x_path, y_path, "--repeat", str(repeat)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout)


def command(binary, x_path, y_path, repeat):
    """`divergence w1 A B --json` end to end: best wall time and the value."""
    def run():
        out = subprocess.run(
            [binary, "w1", x_path, y_path, "--json"],
            check=True, capture_output=True, text=True,
            env=dict(os.environ, DIVERGENCE_MEMORY_LIMIT=str(16 << 30)),
        )
        return json.loads(out.stdout)["value"]
    return best_time(run, repeat)


def agree(value, reference):
    return abs(value - reference) <= AGREEMENT * abs(reference)


def mib(n_bytes):
    return f"{n_bytes / 2**20:.0f} MiB"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes-1d", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--sizes-2d", type=int, nargs="*", default=[500, 1000, 2000, 4000])
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="target/compare_transport", help="data folder")
    parser.add_argument("--no-build", action="store_true", help="skip cargo build")
    parser.add_argument("--pot-worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pot_worker:
        pot_worker(args.pot_worker[0], args.pot_worker[1], int(args.pot_worker[2]))
        return 0

    import ot
    import scipy
    from scipy.stats import wasserstein_distance

    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--example", "compare_transport",
                        "--bin", "divergence"], check=True)
    bench = os.path.join("target", "release", "examples", "compare_transport")
    divergence = os.path.join("target", "release", "divergence")
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    print(f"numpy {np.__version__}, scipy {scipy.__version__}, POT {ot.__version__}, "
          f"seed {args.seed}, best of {args.repeat}")
    failures = 0

    print("\n| 1-D W1, n per side | SciPy | ours (in process) | ratio | "
          "`divergence w1` (end to end) | ratio | agree |")
    print("|---|---|---|---|---|---|---|")
    for n in args.sizes_1d:
        x, y = rng.normal(0.0, 1.0, n), rng.normal(0.5, 1.5, n)
        x_path, y_path = (os.path.join(args.out, f"w1d_{s}_{n}.npy") for s in "xy")
        np.save(x_path, x)
        np.save(y_path, y)
        ref_time, ref = best_time(lambda: wasserstein_distance(x, y), args.repeat)
        mine = ours(bench, "w1d", x_path, y_path, args.repeat)
        cmd_time, cmd_value = command(divergence, x_path, y_path, args.repeat)
        ok = agree(mine["value"], ref) and agree(cmd_value, ref)
        failures += not ok
        print(f"| {n:,} | {ref_time:.4f} s | {mine['seconds']:.4f} s | "
              f"{ref_time / mine['seconds']:.1f}x | {cmd_time:.4f} s | "
              f"{ref_time / cmd_time:.1f}x | {'yes' if ok else 'NO'} |")

    print("\n| 2-D W1, n = m | POT (dist + emd2) | POT peak | ours | ours peak | "
          "ours / POT | pivots | dual violation | `divergence w1` | agree |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for n in args.sizes_2d:
        x, y = rng.random((n, 2)), rng.random((n, 2))
        x_path, y_path = (os.path.join(args.out, f"emd_{s}_{n}.npy") for s in "xy")
        np.save(x_path, x)
        np.save(y_path, y)
        pot = subprocess.run(
            [sys.executable, __file__, "--pot-worker", x_path, y_path, str(args.repeat)],
            check=True, capture_output=True, text=True,
        )
        pot = json.loads(pot.stdout.strip().splitlines()[-1])
        mine = ours(bench, "simplex", x_path, y_path, args.repeat)
        cmd_time, cmd_value = command(divergence, x_path, y_path, 1)
        ok = agree(mine["value"], pot["value"]) and agree(cmd_value, pot["value"])
        ok = ok and mine["dual_violation"] <= CERTIFICATE
        failures += not ok
        print(f"| {n:,} | {pot['seconds']:.3f} s | {mib(pot['peak_rss_bytes'])} | "
              f"{mine['seconds']:.3f} s | {mib(mine['peak_rss_bytes'])} | "
              f"{mine['seconds'] / pot['seconds']:.2f} | {mine['pivots']:,} | "
              f"{mine['dual_violation']:.1e} | {cmd_time:.3f} s | {'yes' if ok else 'NO'} |")

    if failures:
        print(f"\n{failures} disagreement(s) beyond {AGREEMENT} relative, or a dual "
              f"violation above {CERTIFICATE:.1e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
