#!/usr/bin/env python3
"""Markdown table of bench_activations results at one size.

    bench_activations --benchmark_format=json > out.json      (or --benchmark_out=out.json)
    bench/summarize.py out.json [--size 65536]

Columns: activation | fwd ns/elem | fwd × memcpy | bwd ns/elem | bwd × memcpy. "× memcpy" is the kernel's
bandwidth (bytes it must move: 8 per element forward, 12 backward) as a fraction of memcpy's at the same size:
1.00 means the kernel runs at memcpy speed. memcpy is the memcpy/<size> benchmark of the same run when the file
has it, otherwise the memcpy_frac counter (memcpy timed once at start-up by the benchmark itself).
With --benchmark_repetitions, medians are used. --per-call prints µs per call instead of ns per element (for
the GPU benchmark, bench_cuda, whose calls take hundreds of µs at 2^28 floats). Standard library only.
"""

import argparse
import json
import sys

TIME_SUFFIXES = ("/real_time", "/manual_time", "/process_time")


def base_name(entry):
    name = entry.get("run_name") or entry["name"]
    for suffix in TIME_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name


def collect(benchmarks):
    """run name -> counters of one representative run (median aggregate if present, else mean of runs)."""
    medians, runs = {}, {}
    for entry in benchmarks:
        if entry.get("error_occurred"):
            continue
        name = base_name(entry)
        if entry.get("run_type") == "aggregate":
            if entry.get("aggregate_name") == "median":
                medians[name] = entry
        else:
            runs.setdefault(name, []).append(entry)
    result = {}
    for name, entries in runs.items():
        if name in medians:
            result[name] = medians[name]
            continue
        merged = {"label": entries[0].get("label", "")}
        for key in ("ns_per_elem", "GBps", "memcpy_frac"):
            values = [e[key] for e in entries if key in e]
            if values:
                merged[key] = sum(values) / len(values)
        result[name] = merged
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("json", nargs="?", default="-", help="Google Benchmark JSON output ('-': stdin)")
    parser.add_argument("--size", type=int, default=65536, help="elements per call (default 65536)")
    parser.add_argument("--per-call", action="store_true", help="µs per call instead of ns per element")
    args = parser.parse_args()

    text = sys.stdin.read() if args.json == "-" else open(args.json, encoding="utf-8").read()
    data = json.loads(text)
    results = collect(data.get("benchmarks", []))

    memcpy = results.get("memcpy/%d" % args.size, {}).get("GBps")
    activations = []
    for name in results:
        parts = name.split("/")
        if len(parts) == 3 and parts[0] in ("fwd", "bwd") and parts[2] == str(args.size):
            if parts[1] not in activations:
                activations.append(parts[1])
    if not activations:
        sys.exit("summarize.py: no fwd/bwd results at size %d in %s" % (args.size, args.json))

    def cells(direction, activation):
        r = results.get("%s/%s/%d" % (direction, activation, args.size))
        if not r or "ns_per_elem" not in r:
            return ["—", "—"]
        if memcpy and "GBps" in r:
            frac = r["GBps"] / memcpy
        else:
            frac = r.get("memcpy_frac")
        value = r["ns_per_elem"] * args.size * 1e-3 if args.per_call else r["ns_per_elem"]
        return ["%.4g" % value, "—" if frac is None else "%.2f" % frac]

    context = data.get("context", {})
    targets = sorted({r.get("label", "") for n, r in results.items() if n.startswith(("fwd/", "bwd/"))} - {""})
    baseline = "%.1f GB/s" % memcpy if memcpy else "start-up measurement"
    print("n = %d, target %s, %s thread(s), memcpy baseline %s" %
          (args.size, ", ".join(targets) or "?", context.get("actgen_threads", "?"), baseline))
    print()
    unit = "µs/call" if args.per_call else "ns/elem"
    print("| activation | fwd %s | fwd × memcpy | bwd %s | bwd × memcpy |" % (unit, unit))
    print("|---|---:|---:|---:|---:|")
    for activation in activations:
        print("| %s |" % " | ".join([activation] + cells("fwd", activation) + cells("bwd", activation)))


if __name__ == "__main__":
    main()
