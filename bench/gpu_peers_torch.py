#!/usr/bin/env python3
"""PyTorch's CUDA activations beside actgen's on the same GPU, in the same run.

    bench_cuda --benchmark_out=gpu.json --benchmark_out_format=json     (actgen, this machine, just before)
    python3 bench/gpu_peers_torch.py gpu.json [--size 268435456] [--iters 50]

Times each torch.nn.functional activation the way bench_cuda times actgen's kernels: one call, then a device
synchronize, wall clock, averaged over --iters calls after a warm-up, on the same input distribution (uniform in
[-6, 6]). Also measures PyTorch's forward error in ulp against the same function evaluated by PyTorch in float64
on the GPU, over 2^20 points spread over [-20, 20] plus the far tails (to -100) and special values, and whether it
keeps subnormal results (silu(-100) and gelu(-13) are subnormal in float). Prints a Markdown table: actgen µs
(from gpu.json, same size), PyTorch µs, actgen / PyTorch, PyTorch max ulp. Needs torch with CUDA; activations
PyTorch has no single function for (swish, quick_gelu, squared_relu) are left out.
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F

# actgen name -> PyTorch call with actgen's (PyTorch's) default parameters.
PEERS = {
    "celu": lambda x: F.celu(x),
    "elu": lambda x: F.elu(x),
    "gelu": lambda x: F.gelu(x),
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "hardshrink": lambda x: F.hardshrink(x),
    "hardsigmoid": lambda x: F.hardsigmoid(x),
    "hardswish": lambda x: F.hardswish(x),
    "hardtanh": lambda x: F.hardtanh(x),
    "leaky_relu": lambda x: F.leaky_relu(x),
    "logsigmoid": lambda x: F.logsigmoid(x),
    "mish": lambda x: F.mish(x),
    "prelu": lambda x: F.prelu(x, torch.tensor([0.25], device=x.device, dtype=x.dtype)),
    "relu": lambda x: F.relu(x),
    "relu6": lambda x: F.relu6(x),
    "selu": lambda x: F.selu(x),
    "sigmoid": lambda x: torch.sigmoid(x),
    "silu": lambda x: F.silu(x),
    "softplus": lambda x: F.softplus(x),
    "softshrink": lambda x: F.softshrink(x),
    "softsign": lambda x: F.softsign(x),
    "tanh": lambda x: torch.tanh(x),
    "tanhshrink": lambda x: F.tanhshrink(x),
    "threshold": lambda x: F.threshold(x, 0.0, 0.0),
}


def actgen_times(path, size):
    """fwd/<activation>/<size> -> µs per call from bench_cuda's JSON."""
    out = {}
    for b in json.load(open(path))["benchmarks"]:
        name = b.get("run_name") or b["name"]
        if name.endswith("/real_time"):
            name = name[: -len("/real_time")]
        parts = name.split("/")
        if len(parts) == 3 and parts[0] == "fwd" and parts[2] == str(size) and "real_time" in b:
            scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3}[b.get("time_unit", "ns")]
            out[parts[1]] = b["real_time"] * scale
    return out


def time_call(fn, x, iters):
    for _ in range(3):
        fn(x)
    torch.cuda.synchronize()
    total = 0.0
    for _ in range(iters):
        start = time.perf_counter()
        fn(x)
        torch.cuda.synchronize()
        total += time.perf_counter() - start
    return total / iters * 1e6


def ulp_of(ref):
    """The spacing of float32 at |ref| (2^-149 at the bottom), in float64."""
    a = ref.abs().clamp(min=2.0 ** -126)
    e = torch.floor(torch.log2(a))
    return torch.where(ref.abs() < 2.0 ** -126, torch.full_like(ref, 2.0 ** -149), torch.pow(2.0, e - 23))


def max_ulp(fn, device):
    x = torch.cat([torch.linspace(-20, 20, 1 << 20, device=device), torch.linspace(-100, -20, 1 << 16, device=device),
                   torch.tensor([0.0, -0.0, 1e-30, -1e-30, 1e-45, -1e-45], device=device)]).float()
    got = fn(x).double()
    ref = fn(x.double())
    finite = torch.isfinite(ref)
    err = ((got - ref).abs() / ulp_of(ref))[finite]
    worst = int(torch.argmax(err))
    xs = x[finite]
    return float(err[worst]), float(xs[worst])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("json", help="bench_cuda's JSON from the same machine")
    ap.add_argument("--size", type=int, default=1 << 28)
    ap.add_argument("--iters", type=int, default=50)
    args = ap.parse_args()
    device = torch.device("cuda")
    ours = actgen_times(args.json, args.size)
    g = torch.Generator(device=device).manual_seed(12345)
    x = torch.rand(args.size, device=device, generator=g) * 12 - 6
    print(f"{torch.cuda.get_device_name(0)}, torch {torch.__version__}, n = {args.size}")
    print()
    print("| activation | actgen µs | PyTorch µs | actgen / PyTorch | PyTorch max ulp (vs float64) at x |")
    print("|---|---:|---:|---:|---|")
    for name, fn in PEERS.items():
        t = time_call(fn, x, args.iters)
        u, at = max_ulp(fn, device)
        mine = ours.get(name)
        ratio = f"{mine / t:.2f}" if mine else "—"
        mine_s = f"{mine:.0f}" if mine else "—"
        u_s = "inf" if math.isinf(u) else f"{u:.3g}"
        print(f"| {name} | {mine_s} | {t:.0f} | {ratio} | {u_s} at {at:.4g} |")


if __name__ == "__main__":
    main()
