#!/usr/bin/env python3
"""actgen tune: finds each kernel's schedule by measuring AOT-built candidates, and reports how the result compares.

  actgen tune search [options]   builds a grid of candidate schedules per (activation, direction, dtype), times
                                 them, writes the winners to schedules/<target>.json (read by cmake/generate.cmake)
  actgen tune report [options]   times the tuned schedule against the default and Halide 14's autoschedulers
                                 (Adams2019, Li2018, Mullapudi2016), checks every candidate's output against the
                                 default's bit for bit, writes schedules/<target>.md

Candidates are built here with the build tree's generators (build/actgen_gen_<activation>) into one benchmark
executable (tools/tune/tune_bench.cpp) that runs on the machine being tuned for (for the cuda target: a machine
with an NVIDIA GPU; the candidates take device memory there):
  --stage DIR       build into DIR and stop; run the printed command on the target machine (copy DIR there)
  --results FILE    skip building and timing: read FILE (tune_bench's output from that machine; DIR/tune.json
                    beside it describes the candidates) and finish the search or the report
Without either, it builds, runs here, and finishes.

The schedule knobs are the generator parameters of generators/schedule.h's ScheduleKnobs; their defaults are read
from there. A kernel's entry in schedules/<target>.json lists only knobs that differ from the defaults; {} means
the defaults won.
"""
import argparse
import concurrent.futures
import datetime
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SOURCE_DIR, "cmake"))
import lists  # noqa: E402  (cmake/lists.py: the one reader of cmake/targets.cmake)
DTYPE = "f32"  # tunes the f32 kernels; f16/bf16 kernels (ACTGEN_DTYPES) use the default schedule
AUTOSCHEDULERS = ["Adams2019", "Li2018", "Mullapudi2016"]
HALIDE_PLUGIN_DIR = "/usr/lib/x86_64-linux-gnu/halide14"

# The search grid. Serial candidates never go parallel at the measured sizes (threshold 2^30), parallel ones always
# do (1): both keep the parallel specialization, so their code is laid out as the final kernel's. The threshold is
# then where the best parallel candidate starts beating the best serial one.
SERIAL_GRID = [{"vectors_per_iteration": v, "unroll": u} for v in (1, 2, 4, 8) for u in (1, 2)]
PARALLEL_GRID = [{"parallel_chunk": c, "parallel_vectors": v}
                 for c in (1 << 13, 1 << 15, 1 << 17, 1 << 19) for v in (1, 2, 4)]
SERIAL_SCORE_SIZES = [1 << 12, 1 << 16]          # in cache: the serial knobs' score
PARALLEL_SCORE_SIZES = [1 << 18, 1 << 20, 1 << 24]  # the parallel knobs' score (2^18: a grain too coarse for
                                                   # mid sizes leaves threads idle there)
THRESHOLD_SIZES = [1 << 15, 1 << 16, 1 << 17, 1 << 18, 1 << 19, 1 << 20, 1 << 24]
REPORT_SIZES = [1 << 12, 1 << 16, 1 << 18, 1 << 20, 1 << 24]
CHECK_SIZES = [1, 37, 1001, 4099, 65541, 300001]  # odd sizes for tails; 300001 takes the default parallel path
MARGIN = 0.03  # a candidate must beat the default by more than this (relative) to replace it: noise guard

# CUDA targets: block size x elements per thread (each thread's elements are one vector). Below 2^20 floats a call
# is launch latency, whatever the schedule; the score sizes are where the kernel itself shows. Adams2019 and
# Mullapudi2016 make CPU schedules only in Halide 14, so the report compares with Li2018 alone there.
GPU_GRID = [{"gpu_threads": t, "gpu_elements_per_thread": e} for t in (64, 128, 256, 512, 1024) for e in (1, 2, 4, 8)]
GPU_SCORE_SIZES = [1 << 20, 1 << 24, 1 << 28]
GPU_REPORT_SIZES = [1 << 16, 1 << 20, 1 << 24, 1 << 28]
GPU_AUTOSCHEDULERS = ["Li2018"]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def die(msg):
    log("actgen tune: " + msg)
    sys.exit(1)


def knob_defaults():
    """The schedule knobs and their defaults, from generators/schedule.h's ACTGEN_SCHEDULE_KNOBS (the one list)."""
    text = open(os.path.join(SOURCE_DIR, "generators", "schedule.h")).read()
    body = text[text.index("#define ACTGEN_SCHEDULE_KNOBS(X)"):]
    body = body[:body.index("\n\n")]
    defaults = {}
    for name, value in re.findall(r"X\((\w+), ([0-9<() ]+)\)", body):
        defaults[name] = int(eval(value, {"__builtins__": {}}))  # "1 << 18" and plain integers only
    if "vectors_per_iteration" not in defaults:
        die("cannot read ScheduleKnobs' defaults from generators/schedule.h")
    return defaults


def param_slots():
    """How many scalar parameters every kernel takes: common/kernel_signature.h's ACTGEN_PARAM_SLOTS entries."""
    text = open(os.path.join(SOURCE_DIR, "common", "kernel_signature.h")).read()
    m = re.search(r"#define ACTGEN_PARAM_SLOTS\(X\)(.*)", text)
    slots = re.findall(r"X\((\d+)\)", m.group(1)) if m else []
    if not slots:
        die("cannot read ACTGEN_PARAM_SLOTS from common/kernel_signature.h")
    return len(slots)


def targets():
    """cmake/targets.cmake's list (cmake/lists.py reads it): name -> {suffix, halide, processor, memory, ...}."""
    try:
        return {t["name"]: t for t in lists.targets()}
    except (OSError, ValueError) as e:
        die(f"cannot read ACTGEN_TARGETS: {e}")


def catalog(build):
    """Activation -> parameter defaults, from the generators' descriptions (build/generated/<act>.desc.inc)."""
    gen = os.path.join(build, "generated")
    acts = {}
    for f in sorted(os.listdir(gen)):
        if not f.endswith(".desc.inc"):
            continue
        text = open(os.path.join(gen, f)).read()
        name = re.match(r'\{"(\w+)"', text).group(1)
        acts[name] = [float(v) for v in re.findall(r'\{"\w+", ([-+0-9.eE]+), Constraint', text)]
    if not acts:
        die(f"no activations described in {gen}: build the project first")
    return acts


def cmake_cache(build, key):
    for line in open(os.path.join(build, "CMakeCache.txt")):
        if line.startswith(key + ":"):
            return line.split("=", 1)[1].strip()
    return None


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def llc_bytes():
    try:
        text = open("/sys/devices/system/cpu/cpu0/cache/index3/size").read().strip()
        return int(text[:-1]) * 1024 if text.endswith("K") else int(text)
    except (OSError, ValueError):
        return 32 << 20


def git_commit():
    try:
        return subprocess.run(["git", "-C", SOURCE_DIR, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def key(act, direction):
    return f"{act}.{direction}.{DTYPE}"


class Plan:
    """Candidates (one kernel each) and the plan lines tune_bench runs."""

    def __init__(self, threads):
        self.threads = threads
        self.candidates = []  # dicts: act, direction, label, args (generator arguments)
        self.lines = []

    def add(self, act, direction, label, args):
        self.candidates.append({"act": act, "direction": direction, "label": label, "args": args})
        return len(self.candidates) - 1

    def time(self, c, sizes):
        self.lines += [f"time {c} {n} {self.threads}" for n in sizes]

    def check(self, c, ref, sizes):
        self.lines += [f"check {c} {ref} {n}" for n in sizes]


def knob_args(knobs):
    return [f"{k}={v}" for k, v in sorted(knobs.items())]


def plan_search_gpu(acts, directions, defaults, quick):
    plan = Plan(1)
    grid = GPU_GRID[:2] if quick else GPU_GRID
    sizes = [1 << 16] if quick else GPU_SCORE_SIZES
    default = {k: defaults[k] for k in grid[0]}
    if default not in grid:
        grid = grid + [default]
    for act in acts:
        for d in directions:
            for g in grid:
                c = plan.add(act, d, "gpu:" + ",".join(f"{k}={v}" for k, v in sorted(g.items())), knob_args(g))
                plan.candidates[c]["kind"], plan.candidates[c]["knobs"] = "gpu", g
                plan.time(c, sizes)
    return plan


def plan_search(acts, directions, defaults, threads, quick):
    plan = Plan(threads)
    serial_grid = SERIAL_GRID[:2] if quick else SERIAL_GRID
    parallel_grid = PARALLEL_GRID[:2] if quick else PARALLEL_GRID
    serial_sizes = sorted(set(SERIAL_SCORE_SIZES + THRESHOLD_SIZES))
    parallel_sizes = sorted(set(PARALLEL_SCORE_SIZES + THRESHOLD_SIZES))
    if quick:
        serial_sizes, parallel_sizes = [1 << 12], [1 << 16]
    for act in acts:
        for d in directions:
            default_serial = {k: defaults[k] for k in serial_grid[0]}
            default_parallel = {k: defaults[k] for k in parallel_grid[0]}
            grid = [("serial", g) for g in serial_grid] + [("parallel", g) for g in parallel_grid]
            if default_serial not in serial_grid:
                grid.append(("serial", default_serial))
            if default_parallel not in parallel_grid:
                grid.append(("parallel", default_parallel))
            for kind, g in grid:
                knobs = dict(g, parallel_threshold=1 << 30 if kind == "serial" else 1)
                c = plan.add(act, d, kind + ":" + ",".join(f"{k}={v}" for k, v in sorted(g.items())),
                             knob_args(knobs))
                plan.candidates[c]["kind"], plan.candidates[c]["knobs"] = kind, g
                plan.time(c, serial_sizes if kind == "serial" else parallel_sizes)
    return plan


def plan_report(acts, directions, tuned, machine_params, threads, quick, gpu):
    plan = Plan(1 if gpu else threads)
    sizes = [1 << 12, 1 << 16] if quick else GPU_REPORT_SIZES if gpu else REPORT_SIZES
    schedulers = GPU_AUTOSCHEDULERS if gpu else AUTOSCHEDULERS[:1] if quick else AUTOSCHEDULERS
    for act in acts:
        for d in directions:
            ref = plan.add(act, d, "default", [])
            plan.time(ref, sizes)
            entries = [("tuned", knob_args(tuned.get(key(act, d), {})))]
            for s in schedulers:
                plugin = os.path.join(HALIDE_PLUGIN_DIR, f"libautoschedule_{s.lower()}.so")
                entries.append((s, ["-p", plugin, "-s", s, "auto_schedule=true",
                                    f"machine_params={machine_params}", f"estimate={1 << 20}"]))
            for label, args in entries:
                c = plan.add(act, d, label, args)
                plan.time(c, sizes)
                plan.check(c, ref, CHECK_SIZES[:3] if quick else CHECK_SIZES)
    return plan


def build(plan, args, target, acts_params, stage):
    """Generates every candidate's object, a runtime, the candidate table; links tune_bench into stage."""
    os.makedirs(os.path.join(stage, "obj"), exist_ok=True)
    halide_target = target["halide"] + "-no_runtime"
    jobs = []
    for i, c in enumerate(plan.candidates):
        gen = os.path.join(args.build_dir, "actgen_gen_" + c["act"])
        io = ("x.type=float32 y.type=float32" if c["direction"] == "fwd"
              else "x.type=float32 dy.type=float32 dx.type=float32").split()
        cmd = [gen, "-g", "actgen_forward" if c["direction"] == "fwd" else "actgen_backward", "-f", f"cand_{i}",
               "-o", os.path.join(stage, "obj"), "-e", "object", f"target={halide_target}",
               f"activation={c['act']}"] + io + c["args"]
        jobs.append(cmd)

    def generate(cmd):
        r = subprocess.run(cmd, capture_output=True, text=True)
        return cmd, r

    failures = []
    start = time.time()
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        for n, (cmd, r) in enumerate(pool.map(generate, jobs), 1):
            if r.returncode != 0:
                failures.append((cmd, r.stderr.strip().splitlines()[-1:] or ["?"]))
            if n % 20 == 0 or n == len(jobs):
                log(f"\ractgen tune: generated {n}/{len(jobs)} candidates ({time.time() - start:.0f} s)")
    if failures:
        for cmd, err in failures[:5]:
            log("failed: " + " ".join(cmd) + "\n  " + err[0])
        die(f"{len(failures)} candidates failed to generate")

    gpu = target["memory"] == "cuda"
    base = "-".join(target["halide"].split("-")[:3]) + ("-cuda" if gpu else "")
    gen0 = os.path.join(args.build_dir, "actgen_gen_" + plan.candidates[0]["act"])
    subprocess.run([gen0, "-r", "tune_runtime", "-o", os.path.join(stage, "obj"), "-e", "object",
                    f"target={base}"], check=True, capture_output=True)

    # The candidates' declarations come from the kernel signature's one definition (common/kernel_signature.h).
    slots = param_slots()
    table = ["// Generated by tools/tune/actgen_tune.py. Do not edit.", "#include <HalideRuntime.h>",
             '#include "common/kernel_signature.h"',
             "struct Candidate { const char *name; bool backward; float params[actgen::kMaxParams]; void *fn; };"]
    for i, c in enumerate(plan.candidates):
        sig = ("halide_buffer_t *x, halide_buffer_t *dy" if c["direction"] == "bwd" else "halide_buffer_t *x")
        table.append(f'extern "C" int cand_{i}({sig}, ACTGEN_SCALAR_ARGS halide_buffer_t *out);')
    table.append("extern const Candidate kCandidates[] = {")
    for i, c in enumerate(plan.candidates):
        p = (acts_params[c["act"]] + [0.0] * slots)[:slots]
        table.append(f'  {{"{c["act"]} {c["direction"]} {c["label"]}", {str(c["direction"] == "bwd").lower()}, '
                     f'{{{", ".join(repr(float(v)) + "f" for v in p)}}}, (void *)cand_{i}}},')
    table.append("};")
    table.append(f"extern const int kCandidateCount = {len(plan.candidates)};")
    with open(os.path.join(stage, "candidates.cpp"), "w") as f:
        f.write("\n".join(table) + "\n")
    cxx = args.cxx or cmake_cache(args.build_dir, "CMAKE_CXX_COMPILER") or "c++"
    halide_include = "/usr/include/halide14"
    objs = [os.path.join(stage, "obj", f"cand_{i}.o") for i in range(len(plan.candidates))]
    cuda_flags = ["-DTUNE_CUDA", "-I" + os.path.join(SOURCE_DIR, "tests")] if gpu else []
    cmd = [cxx, "-O2", "-std=c++17", "-I" + halide_include, "-I" + SOURCE_DIR] + cuda_flags + [
           os.path.join(SOURCE_DIR, "tools/tune/tune_bench.cpp"),
           os.path.join(stage, "candidates.cpp")] + objs + [os.path.join(stage, "obj", "tune_runtime.o"),
                                                            "-o", os.path.join(stage, "tune_bench"),
                                                            "-lpthread", "-ldl"]
    log("actgen tune: linking tune_bench")
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        die("linking tune_bench failed:\n" + r.stderr[-2000:])
    shutil.rmtree(os.path.join(stage, "obj"))


def write_stage(plan, stage, meta):
    with open(os.path.join(stage, "plan.txt"), "w") as f:
        f.write("\n".join(plan.lines) + "\n")
    meta["candidates"] = plan.candidates
    with open(os.path.join(stage, "tune.json"), "w") as f:
        json.dump(meta, f, indent=1)


def read_results(path):
    times, checks, machine = {}, {}, None
    for line in open(path):
        f = line.split(maxsplit=5)
        if line.startswith("# machine "):
            machine = line[len("# machine "):].strip()
        elif f[0] == "time":
            ok = f[5].strip() == "ok"
            times[(int(f[1]), int(f[2]))] = float(f[4]) if ok else f[5].strip()
        elif f[0] == "check":
            checks.setdefault(int(f[1]), []).append((int(f[3]), line.split(maxsplit=4)[4].strip()))
    return times, checks, machine


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values))


def finish_search(meta, times, out_path):
    defaults = meta["defaults"]
    groups = {}
    for i, c in enumerate(meta["candidates"]):
        groups.setdefault((c["act"], c["direction"]), []).append((i, c))
    quick = meta.get("quick", False)
    gpu = meta.get("memory") == "cuda"
    serial_sizes = [1 << 12] if quick else SERIAL_SCORE_SIZES
    parallel_sizes = [1 << 16] if quick else PARALLEL_SCORE_SIZES
    gpu_sizes = [1 << 16] if quick else GPU_SCORE_SIZES
    chosen, summary = {}, []
    for (act, d), cands in sorted(groups.items()):
        def curve(i):
            return {n: t for (c, n), t in times.items() if c == i and isinstance(t, float)}

        def pick(kind, sizes):
            scored = []
            for i, c in cands:
                if c["kind"] != kind:
                    continue
                t = curve(i)
                if all(n in t for n in sizes):
                    scored.append((geomean([t[n] for n in sizes]), i, c))
            if not scored:
                die(f"{act} {d}: no {kind} candidate ran")
            best = min(scored, key=lambda s: s[0])
            dflt = [s for s in scored if all(s[2]["knobs"][k] == defaults[k] for k in s[2]["knobs"])]
            if dflt and best[0] > (1 - MARGIN) * dflt[0][0]:
                best = dflt[0]
            return best, (dflt[0] if dflt else best)

        if gpu:
            g_best, g_dflt = pick("gpu", gpu_sizes)
            knobs = {k: v for k, v in g_best[2]["knobs"].items() if defaults[k] != v}
            chosen[key(act, d)] = knobs
            summary.append((key(act, d), g_best[0], g_dflt[0], None, None, knobs))
            continue
        s_best, s_dflt = pick("serial", serial_sizes)
        p_best, p_dflt = pick("parallel", parallel_sizes)
        knobs = {k: v for k, v in dict(s_best[2]["knobs"], **p_best[2]["knobs"]).items() if defaults[k] != v}
        # Threshold: the smallest measured size from which on the chosen parallel kernel is no slower than the
        # chosen serial one at every larger measured size (going parallel too early costs a task's overhead, too
        # late up to the thread count). Where it loses even at the largest size (one core, or a busy machine),
        # the default threshold stays: never-parallel would be a guess.
        sc, pc = curve(s_best[1]), curve(p_best[1])
        sizes = sorted(n for n in sc if n in pc)
        threshold = defaults["parallel_threshold"]
        for n in reversed(sizes):
            if pc[n] <= sc[n]:
                threshold = n
            else:
                break
        if threshold != defaults["parallel_threshold"]:
            knobs["parallel_threshold"] = threshold
        chosen[key(act, d)] = knobs
        summary.append((key(act, d), s_best[0], s_dflt[0], p_best[0], p_dflt[0], knobs))

    kernels = json.load(open(out_path)).get("kernels", {}) if os.path.exists(out_path) else {}
    doc = {k: meta[k] for k in ("target", "halide_target", "machine", "threads", "commit")}
    doc["tuned"] = datetime.date.today().isoformat()
    doc["by"] = "actgen tune search" + (" --quick" if quick else "")
    doc["kernels"] = dict(sorted(dict(kernels, **chosen).items()))
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w") as f:
        f.write(json.dumps(doc, indent=1, sort_keys=False) + "\n")
    if gpu:
        print("| kernel | best/default | knobs (non-default) |\n|---|---:|---|")
    else:
        print("| kernel | serial best/default | parallel best/default | knobs (non-default) |\n|---|---:|---:|---|")
    for k, sb, sd, pb, pd, knobs in summary:
        cells = f"{sb / sd:.3f}" + ("" if gpu else f" | {pb / pd:.3f}")
        print(f"| {k} | {cells} | {json.dumps(knobs) if knobs else 'defaults'} |")
    log(f"actgen tune: wrote {out_path} ({len(chosen)} kernels)")


def finish_report(meta, times, checks, out_path):
    sizes = sorted({n for (_, n) in times})
    by_group = {}
    for i, c in enumerate(meta["candidates"]):
        by_group.setdefault((c["act"], c["direction"]), {})[c["label"]] = i
    labels = ["default"] + [l for l in AUTOSCHEDULERS if any(l in g for g in by_group.values())]
    gpu = meta.get("memory") == "cuda"
    where = "device memory, launches queued back to back" if gpu else f"{meta['threads']} thread(s)"

    rows, losses, speedups, faults = [], [], {l: [] for l in labels}, []
    for (act, d), g in sorted(by_group.items()):
        tuned = g["tuned"]
        for lab, i in g.items():
            for n, status in checks.get(i, []):
                if status != "ok":
                    faults.append(f"{act} {d} {lab} n={n}: {status}")
        for n in sizes:
            t = times.get((tuned, n))
            cells = []
            for lab in labels:
                o = times.get((g[lab], n))
                if not isinstance(o, float):
                    cells.append("rejects" if o else "-")
                    continue
                if isinstance(t, float):
                    r = o / t
                    speedups[lab].append(r)
                    if r < 1 - MARGIN:
                        losses.append(f"{act} {d} n={n}: {lab} {r:.2f}x of tuned's time")
                    cells.append(f"{r:.2f}")
            tt = f"{t:.4g}" if isinstance(t, float) else str(t)
            rows.append(f"| {act} {d} | {n} | {tt} | " + " | ".join(cells) + " |")
    with open(out_path, "w") as f:
        f.write(f"# Tuned schedules on {meta['target']}: report\n\n")
        f.write(f"Made by `actgen tune report` at commit {meta['commit']} on {datetime.date.today().isoformat()}: "
                f"{meta['machine']}, {where}, best of {meta['reps']} rounds of "
                f"{meta['min_time']} s, wall clock. Each cell is the other schedule's time / the tuned schedule's "
                f"time at that size (> 1: tuned is faster). Autoschedulers ran with "
                f"machine_params={meta['machine_params']} and an estimate of {1 << 20} elements."
                + (" Adams2019 and Mullapudi2016 are left out: in Halide 14 they make CPU schedules only."
                   if gpu else "") + "\n\n")
        f.write("| schedule | geometric mean of time / tuned time | worst (min) |\n|---|---:|---:|\n")
        for lab in labels:
            if speedups[lab]:
                f.write(f"| {lab} | {geomean(speedups[lab]):.3f} | {min(speedups[lab]):.3f} |\n")
        f.write(f"\nOutputs compared with the default schedule's bit for bit at n = "
                f"{', '.join(str(n) for n in sorted({n for v in checks.values() for n, _ in v}))}:\n\n")
        for lab in ["tuned"] + labels[1:]:
            mine = [x for x in faults if x.split()[2] == lab]
            f.write(f"- {lab}: " + ("all equal\n" if not mine else f"{len(mine)} calls rejected or different, e.g. "
                                   + "; ".join(mine[:3]) + "\n"))
        f.write(f"\nWhere another schedule beat the tuned one by more than {MARGIN:.0%}: "
                + ("nowhere.\n" if not losses else f"{len(losses)} cases:\n\n" + "\n".join("- " + x for x in losses)
                   + "\n"))
        f.write("\n| kernel | n | tuned ns/element | " + " | ".join(labels) + " |\n")
        f.write("|---|---:|---:|" + "---:|" * len(labels) + "\n")
        f.write("\n".join(rows) + "\n")
    for lab in labels:
        if speedups[lab]:
            print(f"{lab}: time / tuned time geometric mean {geomean(speedups[lab]):.3f}, "
                  f"min {min(speedups[lab]):.3f}")
    tuned_faults = [x for x in faults if x.split()[2] == "tuned"]
    print(f"rejected or different calls: tuned {len(tuned_faults)}, others {len(faults) - len(tuned_faults)}; "
          f"cases where another schedule beat tuned by >{MARGIN:.0%}: {len(losses)}")
    log(f"actgen tune: wrote {out_path}")
    if tuned_faults:
        die("the tuned schedules rejected or changed calls the default accepts: " + "; ".join(tuned_faults[:5]))


def main():
    ap = argparse.ArgumentParser(prog="actgen tune", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["search", "report"])
    ap.add_argument("--build-dir", default=os.path.join(SOURCE_DIR, "build"))
    ap.add_argument("--target", default="x86-64-avx512", help="a name from cmake/targets.cmake")
    ap.add_argument("--activations", help="comma-separated (default: the whole catalog)")
    ap.add_argument("--directions", default="fwd,bwd")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="threads the kernels use")
    ap.add_argument("--jobs", type=int, default=os.cpu_count(), help="parallel generator runs")
    ap.add_argument("--min-time", type=float, default=0.01, help="seconds per measurement")
    ap.add_argument("--reps", type=int, default=3, help="rounds; each measurement keeps its best")
    ap.add_argument("--out", help="default: schedules/<target>.json (search), schedules/<target>.md (report)")
    ap.add_argument("--schedules", help="the tuned database the report reads (default: schedules/<target>.json)")
    ap.add_argument("--work", help="working folder (default: <build-dir>/tune/<target>-<mode>)")
    ap.add_argument("--cxx", help="compiler for tune_bench (default: the build's)")
    ap.add_argument("--stage", action="store_true", help="build and stop: run the printed command elsewhere")
    ap.add_argument("--results", help="tune_bench's results from the target machine")
    ap.add_argument("--quick", action="store_true", help="tiny grid and sizes: for testing the tool itself")
    args = ap.parse_args()

    all_targets = targets()
    if args.target not in all_targets:
        die(f"unknown target {args.target}; cmake/targets.cmake has {', '.join(all_targets)}")
    target = all_targets[args.target]
    gpu = target["memory"] == "cuda"
    work = args.work or os.path.join(args.build_dir, "tune", f"{args.target}-{args.mode}")
    schedules_dir = os.path.join(SOURCE_DIR, "schedules")
    out = args.out or os.path.join(schedules_dir, args.target + (".json" if args.mode == "search" else ".md"))

    if args.results:
        meta = json.load(open(os.path.join(os.path.dirname(os.path.abspath(args.results)), "tune.json")))
    else:
        params = catalog(args.build_dir)
        acts = args.activations.split(",") if args.activations else sorted(params)
        for a in acts:
            if a not in params:
                die(f"unknown activation {a}")
        directions = args.directions.split(",")
        if any(d not in ("fwd", "bwd") for d in directions):
            die("--directions takes fwd and/or bwd")
        defaults = knob_defaults()
        machine_params = f"{args.threads},{llc_bytes()},40"
        if args.mode == "search" and gpu:
            plan = plan_search_gpu(acts, directions, defaults, args.quick)
        elif args.mode == "search":
            plan = plan_search(acts, directions, defaults, args.threads, args.quick)
        else:
            db = args.schedules or os.path.join(schedules_dir, args.target + ".json")
            tuned = json.load(open(db))["kernels"] if os.path.exists(db) else {}
            plan = plan_report(acts, directions, tuned, machine_params, args.threads, args.quick, gpu)
        meta = {"target": args.target, "halide_target": target["halide"], "memory": target["memory"],
                "machine": "an NVIDIA GPU" if gpu else cpu_model(), "threads": 1 if gpu else args.threads,
                "commit": git_commit(), "defaults": defaults, "quick": args.quick,
                "reps": args.reps, "min_time": args.min_time, "machine_params": machine_params}
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        log(f"actgen tune {args.mode}: {args.target}, {len(acts)} activation(s) x {len(directions)} direction(s), "
            f"{len(plan.candidates)} candidates, {len(plan.lines)} measurements x {args.reps} rounds")
        build(plan, args, target, params, work)
        write_stage(plan, work, meta)
        run_cmd = [os.path.join(work, "tune_bench"), os.path.join(work, "plan.txt"),
                   os.path.join(work, "results.txt"), "--min-time", str(args.min_time), "--reps", str(args.reps)]
        if args.stage:
            print("staged in " + work + "; on the target machine, from a copy of that folder, run:\n  "
                  f"./tune_bench plan.txt results.txt --min-time {args.min_time} --reps {args.reps}\n"
                  f"then here: actgen tune {args.mode} --target {args.target} --results <copy>/results.txt "
                  f"(with tune.json beside it)")
            return
        log("actgen tune: timing (" + " ".join(run_cmd) + ")")
        if subprocess.run(run_cmd).returncode != 0:
            die("tune_bench failed")
        args.results = os.path.join(work, "results.txt")

    times, checks, machine = read_results(args.results)
    if machine:
        meta["machine"] = machine
    if args.mode == "search":
        finish_search(meta, times, out)
    else:
        finish_report(meta, times, checks, out)


if __name__ == "__main__":
    main()
