#!/usr/bin/env python3
"""One WGAN generator iteration in PyTorch on the CPU against this crate's Rust version.

The iteration is Algorithm 1 of Arjovsky, Chintala and Bottou (2017) as benches/train_step.rs
runs it: 5 critic steps (m real 8-Gaussians samples, m fakes from fresh z, RMSProp lr 5e-5
with PyTorch's defaults alpha=0.99 eps=1e-8, every critic parameter clamped to [-0.01, 0.01]
after each step) and 1 generator step, in float32. Generator 2 -> H -> H -> H -> 2 and
critic 2 -> H -> H -> H -> 1 with ReLU, for (H, m) = (128, 64) and (512, 256).

Usage:
    python3 scripts/bench_pytorch.py [--threads 1] [--skip-rust] [--seconds 5]

It runs `cargo bench --bench train_step` (unless --skip-rust) and reads criterion's median
estimates from target/criterion/wgan_generator_iteration{,_cpu}/*/new/estimates.json: wall
time, and CPU time of the benchmark thread. It then times the PyTorch loop (medians over
blocks of iterations) in wall time and in process CPU time, with torch.set_num_threads set
to --threads (the Rust code is single-threaded, so 1 is the like-for-like setting), and
prints both and the ratios. On a machine shared with other work, wall times of runs made
one after the other see different loads; CPU time is the steadier comparison.
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time

CASES = [(128, 64), (512, 256)]
N_CRITIC = 5
LR = 5e-5
CLIP = 0.01
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rust_seconds(width, batch, group):
    path = os.path.join(ROOT, "target", "criterion", group,
                        f"width{width}", f"batch{batch}", "new", "estimates.json")
    with open(path) as f:
        return json.load(f)["median"]["point_estimate"] * 1e-9


def torch_seconds(torch, width, batch, seconds):
    nn = torch.nn
    torch.manual_seed(0)

    def mlp(n_in, n_out):
        return nn.Sequential(nn.Linear(n_in, width), nn.ReLU(), nn.Linear(width, width),
                             nn.ReLU(), nn.Linear(width, width), nn.ReLU(),
                             nn.Linear(width, n_out))

    generator, critic = mlp(2, 2), mlp(2, 1)
    opt_g = torch.optim.RMSprop(generator.parameters(), lr=LR)
    opt_c = torch.optim.RMSprop(critic.parameters(), lr=LR)
    angles = torch.arange(8, dtype=torch.float32) * (math.pi / 4)
    centres = 2.0 * torch.stack([angles.cos(), angles.sin()], dim=1)

    def real_batch():
        k = torch.randint(0, 8, (batch,))
        return (centres[k] + 0.02 * torch.randn(batch, 2)) / 1.414

    def iteration():
        for _ in range(N_CRITIC):
            real = real_batch()
            with torch.no_grad():
                fake = generator(torch.randn(batch, 2))
            # paper sign: the critic ascends mean f(real) - mean f(fake)
            loss_c = critic(fake).mean() - critic(real).mean()
            opt_c.zero_grad(set_to_none=True)
            loss_c.backward()
            opt_c.step()
            with torch.no_grad():
                for p in critic.parameters():
                    p.clamp_(-CLIP, CLIP)
        for p in critic.parameters():
            p.requires_grad_(False)
        loss_g = -critic(generator(torch.randn(batch, 2))).mean()
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
        for p in critic.parameters():
            p.requires_grad_(True)

    for _ in range(20):  # warm-up
        iteration()
    block = max(1, int(0.02 / max(1e-6, time_one(iteration))))
    walls, cpus, start = [], [], time.perf_counter()
    while time.perf_counter() - start < seconds or len(walls) < 5:
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(block):
            iteration()
        walls.append((time.perf_counter() - wall) / block)
        cpus.append((time.process_time() - cpu) / block)
    return statistics.median(walls), statistics.median(cpus)


def time_one(iteration):
    start = time.perf_counter()
    iteration()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--skip-rust", action="store_true",
                        help="reuse the last criterion results instead of running cargo bench")
    parser.add_argument("--seconds", type=float, default=5.0, help="PyTorch timing per case")
    args = parser.parse_args()

    if not args.skip_rust:
        subprocess.run(["cargo", "bench", "--bench", "train_step"], cwd=ROOT, check=True,
                       stdout=sys.stderr)
    import torch
    torch.set_num_threads(args.threads)

    print(f"torch {torch.__version__}, torch threads {torch.get_num_threads()}, "
          f"Rust single-threaded (f32, nalgebra/matrixmultiply); iterations per second")
    print(f"{'width':>5} {'batch':>5} | {'rust wall':>9} {'torch wall':>10} {'ratio':>6} | "
          f"{'rust cpu':>9} {'torch cpu':>10} {'ratio':>6}")
    for width, batch in CASES:
        ours_wall = rust_seconds(width, batch, "wgan_generator_iteration")
        ours_cpu = rust_seconds(width, batch, "wgan_generator_iteration_cpu")
        theirs_wall, theirs_cpu = torch_seconds(torch, width, batch, args.seconds)
        print(f"{width:>5} {batch:>5} | {1 / ours_wall:>9.1f} {1 / theirs_wall:>10.1f} "
              f"{theirs_wall / ours_wall:>5.2f}x | {1 / ours_cpu:>9.1f} {1 / theirs_cpu:>10.1f} "
              f"{theirs_cpu / ours_cpu:>5.2f}x")


if __name__ == "__main__":
    main()
