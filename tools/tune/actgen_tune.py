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

The schedule knobs are the generator parameters of generators/schedule.h's ScheduleKnobs; their names and defaults
are read from the build's generators (Halide's description of a generator's parameters). A kernel's entry in
schedules/<target>.json lists only knobs that differ from the defaults; {} means the defaults won.
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
import tempfile
import time

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(SOURCE_DIR, "cmake"))
import lists  # noqa: E402  (cmake/lists.py: the one reader of cmake/targets.cmake)
DTYPE = "f32"  # tunes the f32 kernels; f16/bf16 kernels (ACTGEN_DTYPES) use the default schedule
AUTOSCHEDULERS = ["Adams2019", "Li2018", "Mullapudi2016"]

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


def knob_defaults(build, act):
    """The schedule knobs and their defaults, as the generator lists them (`--describe-knobs`: one "<name>
    <default>" line per entry of generators/schedule.h's ACTGEN_SCHEDULE_KNOBS, the one list)."""
    gen = os.path.join(build, "actgen_gen_" + act)
    r = subprocess.run([gen, "--describe-knobs"], capture_output=True, text=True)
    if r.returncode != 0:
        die(f"{gen} could not describe its schedule knobs:\n" + r.stderr[-2000:])
    defaults = {name: int(value) for name, value in (line.split() for line in r.stdout.splitlines() if line.strip())}
    # The grids name knobs: a knob renamed or dropped in schedule.h shows here, not as a generator error later.
    searched = {k for g in SERIAL_GRID + PARALLEL_GRID + GPU_GRID for k in g} | {"parallel_threshold"}
    if not searched <= defaults.keys():
        die(f"actgen_gen_{act} has no schedule knob {', '.join(sorted(searched - defaults.keys()))} "
            f"(its knobs: {', '.join(defaults) or 'none found'})")
    return defaults


def halide_paths(build):
    """The build's Halide as tools/CMakeLists.txt found it: {"include": HalideRuntime.h's folder,
    "autoscheduler_dir": the autoscheduler plugins' folder}."""
    path = os.path.join(build, "tools", "tune_halide.json")
    try:
        with open(path) as f:
            paths = json.load(f)
    except (OSError, ValueError) as e:
        die(f"cannot read {path} ({e}): the build tree's configure step writes it (tools/CMakeLists.txt); "
            f"re-run cmake on {build}")
    if not os.path.exists(os.path.join(paths.get("include", ""), "HalideRuntime.h")):
        die(f"{path}: no HalideRuntime.h in the build's Halide include folder '{paths.get('include')}'")
    if not os.path.isdir(paths.get("autoscheduler_dir", "")):
        die(f"{path}: the build's autoscheduler folder '{paths.get('autoscheduler_dir')}' does not exist")
    return paths


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


def autoscheduler_args(schedulers, plugin_dir, machine_params):
    """Generator arguments per autoscheduler: its plugin (Halide's file name, in the build's Halide's folder)."""
    entries = []
    for s in schedulers:
        plugin = os.path.join(plugin_dir, f"libautoschedule_{s.lower()}.so")
        if not os.path.exists(plugin):
            die(f"no {s} autoscheduler plugin: {plugin} does not exist")
        entries.append((s, ["-p", plugin, "-s", s, "auto_schedule=true", f"machine_params={machine_params}",
                            f"estimate={1 << 20}"]))
    return entries


def plan_report(acts, directions, tuned, machine_params, threads, quick, gpu, plugin_dir):
    plan = Plan(1 if gpu else threads)
    sizes = [1 << 12, 1 << 16] if quick else GPU_REPORT_SIZES if gpu else REPORT_SIZES
    schedulers = GPU_AUTOSCHEDULERS if gpu else AUTOSCHEDULERS[:1] if quick else AUTOSCHEDULERS
    autoscheduled = autoscheduler_args(schedulers, plugin_dir, machine_params)
    for act in acts:
        for d in directions:
            ref = plan.add(act, d, "default", [])
            plan.time(ref, sizes)
            entries = [("tuned", knob_args(tuned.get(key(act, d), {})))] + autoscheduled
            for label, args in entries:
                c = plan.add(act, d, label, args)
                plan.time(c, sizes)
                plan.check(c, ref, CHECK_SIZES[:3] if quick else CHECK_SIZES)
    return plan


def generator_command(build_dir, i, c, obj_dir, halide_target):
    """The generator run that makes candidate i's object, cand_<i>.o (float32 in and out, no runtime)."""
    io = ("x.type=float32 y.type=float32" if c["direction"] == "fwd"
          else "x.type=float32 dy.type=float32 dx.type=float32").split()
    return [os.path.join(build_dir, "actgen_gen_" + c["act"]),
            "-g", "actgen_forward" if c["direction"] == "fwd" else "actgen_backward", "-f", f"cand_{i}",
            "-o", obj_dir, "-e", "object", f"target={halide_target}", f"activation={c['act']}"] + io + c["args"]


def generate_candidates(plan, args, target, obj_dir):
    """Runs the candidates' generators, args.jobs at a time, with progress; stops at the first failures."""
    halide_target = target["halide"] + "-no_runtime"
    jobs = [generator_command(args.build_dir, i, c, obj_dir, halide_target) for i, c in enumerate(plan.candidates)]

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


def generate_runtime(plan, args, target, obj_dir):
    """The one Halide runtime the candidates share (tune_runtime.o): the target's architecture, and CUDA's."""
    base = "-".join(target["halide"].split("-")[:3]) + ("-cuda" if target["memory"] == "cuda" else "")
    gen0 = os.path.join(args.build_dir, "actgen_gen_" + plan.candidates[0]["act"])
    subprocess.run([gen0, "-r", "tune_runtime", "-o", obj_dir, "-e", "object", f"target={base}"],
                   check=True, capture_output=True)


def write_candidate_table(plan, acts_params, path):
    """candidates.cpp: tune_bench's table (tools/tune/tune_candidates.h). The candidates' declarations come from
    the kernel signature's one definition (common/kernel_signature.h); a candidate's parameters are its
    activation's defaults, the unused slots left to the array's zero fill."""
    table = ["// Generated by tools/tune/actgen_tune.py. Do not edit.", "#include <HalideRuntime.h>",
             '#include "common/kernel_signature.h"', '#include "tools/tune/tune_candidates.h"']
    for i, c in enumerate(plan.candidates):
        sig = ("halide_buffer_t *x, halide_buffer_t *dy" if c["direction"] == "bwd" else "halide_buffer_t *x")
        table.append(f'extern "C" int cand_{i}({sig}, ACTGEN_SCALAR_ARGS halide_buffer_t *out);')
    table.append("extern const Candidate kCandidates[] = {")
    for i, c in enumerate(plan.candidates):
        p = acts_params[c["act"]]
        table.append(f'  {{"{c["act"]} {c["direction"]} {c["label"]}", {str(c["direction"] == "bwd").lower()}, '
                     f'{{{", ".join(repr(float(v)) + "f" for v in p)}}}, (void *)cand_{i}}},')
    table.append("};")
    table.append(f"extern const int kCandidateCount = {len(plan.candidates)};")
    with open(path, "w") as f:
        f.write("\n".join(table) + "\n")


def link_tune_bench(plan, args, gpu, stage, obj_dir, halide_include):
    """Compiles tune_bench with the table and links the candidates' objects and the runtime into stage."""
    cxx = args.cxx or cmake_cache(args.build_dir, "CMAKE_CXX_COMPILER") or "c++"
    objs = [os.path.join(obj_dir, f"cand_{i}.o") for i in range(len(plan.candidates))]
    cuda_flags = ["-DTUNE_CUDA", "-I" + os.path.join(SOURCE_DIR, "tests")] if gpu else []
    cmd = [cxx, "-O2", "-std=c++17", "-I" + halide_include, "-I" + SOURCE_DIR] + cuda_flags + [
           os.path.join(SOURCE_DIR, "tools/tune/tune_bench.cpp"),
           os.path.join(stage, "candidates.cpp")] + objs + [os.path.join(obj_dir, "tune_runtime.o"),
                                                            "-o", os.path.join(stage, "tune_bench"),
                                                            "-lpthread", "-ldl"]
    log("actgen tune: linking tune_bench")
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        die("linking tune_bench failed:\n" + r.stderr[-2000:])


def build(plan, args, target, acts_params, stage, halide_include):
    """Generates every candidate's object, a runtime, the candidate table; links tune_bench into stage."""
    obj_dir = os.path.join(stage, "obj")
    os.makedirs(obj_dir, exist_ok=True)
    generate_candidates(plan, args, target, obj_dir)
    generate_runtime(plan, args, target, obj_dir)
    write_candidate_table(plan, acts_params, os.path.join(stage, "candidates.cpp"))
    link_tune_bench(plan, args, target["memory"] == "cuda", stage, obj_dir, halide_include)
    shutil.rmtree(obj_dir)


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


def curve(times, i):
    """Candidate i's measured times: size -> ns/element (sizes it ran at only)."""
    return {n: t for (c, n), t in times.items() if c == i and isinstance(t, float)}


def pick(cands, times, defaults, kind, sizes, what):
    """The best candidate of a kind by the geometric mean of its times at sizes, and the default's: each as
    (score, index, candidate). The default stays unless the best beats it by more than MARGIN."""
    scored = []
    for i, c in cands:
        if c["kind"] != kind:
            continue
        t = curve(times, i)
        if all(n in t for n in sizes):
            scored.append((geomean([t[n] for n in sizes]), i, c))
    if not scored:
        die(f"{what}: no {kind} candidate ran")
    best = min(scored, key=lambda s: s[0])
    dflt = [s for s in scored if all(s[2]["knobs"][k] == defaults[k] for k in s[2]["knobs"])]
    if dflt and best[0] > (1 - MARGIN) * dflt[0][0]:
        best = dflt[0]
    return best, (dflt[0] if dflt else best)


def parallel_threshold(serial, parallel, default):
    """The smallest measured size from which on the parallel curve is no slower than the serial one at every
    larger measured size (going parallel too early costs a task's overhead, too late up to the thread count).
    Where it loses even at the largest size (one core, or a busy machine), the default: never-parallel would be a
    guess."""
    sizes = sorted(n for n in serial if n in parallel)
    threshold = default
    for n in reversed(sizes):
        if parallel[n] <= serial[n]:
            threshold = n
        else:
            break
    return threshold


def choose(meta, times, act, d, cands):
    """One kernel's knobs (the non-default ones) and its summary row (best/default scores)."""
    defaults = meta["defaults"]
    quick = meta.get("quick", False)
    what = f"{act} {d}"
    if meta.get("memory") == "cuda":
        g_best, g_dflt = pick(cands, times, defaults, "gpu", [1 << 16] if quick else GPU_SCORE_SIZES, what)
        knobs = {k: v for k, v in g_best[2]["knobs"].items() if defaults[k] != v}
        return knobs, (key(act, d), g_best[0], g_dflt[0], None, None, knobs)
    s_best, s_dflt = pick(cands, times, defaults, "serial", [1 << 12] if quick else SERIAL_SCORE_SIZES, what)
    p_best, p_dflt = pick(cands, times, defaults, "parallel", [1 << 16] if quick else PARALLEL_SCORE_SIZES, what)
    knobs = {k: v for k, v in dict(s_best[2]["knobs"], **p_best[2]["knobs"]).items() if defaults[k] != v}
    threshold = parallel_threshold(curve(times, s_best[1]), curve(times, p_best[1]), defaults["parallel_threshold"])
    if threshold != defaults["parallel_threshold"]:
        knobs["parallel_threshold"] = threshold
    return knobs, (key(act, d), s_best[0], s_dflt[0], p_best[0], p_dflt[0], knobs)


def write_database(meta, chosen, out_path):
    """Merges the chosen knobs into the database at out_path (other kernels' entries stay)."""
    kernels = json.load(open(out_path)).get("kernels", {}) if os.path.exists(out_path) else {}
    doc = {k: meta[k] for k in ("target", "halide_target", "machine", "threads", "commit")}
    doc["tuned"] = datetime.date.today().isoformat()
    doc["by"] = "actgen tune search" + (" --quick" if meta.get("quick", False) else "")
    doc["kernels"] = dict(sorted(dict(kernels, **chosen).items()))
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w") as f:
        f.write(json.dumps(doc, indent=1, sort_keys=False) + "\n")


def print_search_summary(summary, gpu):
    if gpu:
        print("| kernel | best/default | knobs (non-default) |\n|---|---:|---|")
    else:
        print("| kernel | serial best/default | parallel best/default | knobs (non-default) |\n|---|---:|---:|---|")
    for k, sb, sd, pb, pd, knobs in summary:
        cells = f"{sb / sd:.3f}" + ("" if gpu else f" | {pb / pd:.3f}")
        print(f"| {k} | {cells} | {json.dumps(knobs) if knobs else 'defaults'} |")


def finish_search(meta, times, out_path):
    groups = {}
    for i, c in enumerate(meta["candidates"]):
        groups.setdefault((c["act"], c["direction"]), []).append((i, c))
    chosen, summary = {}, []
    for (act, d), cands in sorted(groups.items()):
        chosen[key(act, d)], row = choose(meta, times, act, d, cands)
        summary.append(row)
    write_database(meta, chosen, out_path)
    print_search_summary(summary, meta.get("memory") == "cuda")
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


def parse_args():
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
    return ap.parse_args()


def selection(args, params):
    """The activations (default: the catalog) and directions asked for, checked."""
    acts = args.activations.split(",") if args.activations else sorted(params)
    for a in acts:
        if a not in params:
            die(f"unknown activation {a}")
    directions = args.directions.split(",")
    if any(d not in ("fwd", "bwd") for d in directions):
        die("--directions takes fwd and/or bwd")
    return acts, directions


def make_plan(args, gpu, acts, directions, defaults, machine_params, plugin_dir):
    if args.mode == "search" and gpu:
        return plan_search_gpu(acts, directions, defaults, args.quick)
    if args.mode == "search":
        return plan_search(acts, directions, defaults, args.threads, args.quick)
    db = args.schedules or os.path.join(SOURCE_DIR, "schedules", args.target + ".json")
    tuned = json.load(open(db))["kernels"] if os.path.exists(db) else {}
    return plan_report(acts, directions, tuned, machine_params, args.threads, args.quick, gpu, plugin_dir)


def build_and_run(args, target, work):
    """Plans and builds the candidates in work, then runs tune_bench here unless --stage. Returns tune.json's
    contents and the results file (None when staged: the printed command makes it elsewhere)."""
    gpu = target["memory"] == "cuda"
    halide = halide_paths(args.build_dir)
    params = catalog(args.build_dir)
    acts, directions = selection(args, params)
    defaults = knob_defaults(args.build_dir, acts[0])
    machine_params = f"{args.threads},{llc_bytes()},40"
    plan = make_plan(args, gpu, acts, directions, defaults, machine_params, halide["autoscheduler_dir"])
    meta = {"target": args.target, "halide_target": target["halide"], "memory": target["memory"],
            "machine": "an NVIDIA GPU" if gpu else cpu_model(), "threads": 1 if gpu else args.threads,
            "commit": git_commit(), "defaults": defaults, "quick": args.quick,
            "reps": args.reps, "min_time": args.min_time, "machine_params": machine_params}
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    log(f"actgen tune {args.mode}: {args.target}, {len(acts)} activation(s) x {len(directions)} direction(s), "
        f"{len(plan.candidates)} candidates, {len(plan.lines)} measurements x {args.reps} rounds")
    build(plan, args, target, params, work, halide["include"])
    write_stage(plan, work, meta)
    run_cmd = [os.path.join(work, "tune_bench"), os.path.join(work, "plan.txt"),
               os.path.join(work, "results.txt"), "--min-time", str(args.min_time), "--reps", str(args.reps)]
    if args.stage:
        print("staged in " + work + "; on the target machine, from a copy of that folder, run:\n  "
              f"./tune_bench plan.txt results.txt --min-time {args.min_time} --reps {args.reps}\n"
              f"then here: actgen tune {args.mode} --target {args.target} --results <copy>/results.txt "
              f"(with tune.json beside it)")
        return meta, None
    log("actgen tune: timing (" + " ".join(run_cmd) + ")")
    if subprocess.run(run_cmd).returncode != 0:
        die("tune_bench failed")
    return meta, os.path.join(work, "results.txt")


def main():
    args = parse_args()
    all_targets = targets()
    if args.target not in all_targets:
        die(f"unknown target {args.target}; cmake/targets.cmake has {', '.join(all_targets)}")
    target = all_targets[args.target]
    work = args.work or os.path.join(args.build_dir, "tune", f"{args.target}-{args.mode}")
    out = args.out or os.path.join(SOURCE_DIR, "schedules", args.target + (".json" if args.mode == "search" else ".md"))

    if args.results:
        meta = json.load(open(os.path.join(os.path.dirname(os.path.abspath(args.results)), "tune.json")))
    else:
        meta, args.results = build_and_run(args, target, work)
        if args.results is None:
            return
    times, checks, machine = read_results(args.results)
    if machine:
        meta["machine"] = machine
    if args.mode == "search":
        finish_search(meta, times, out)
    else:
        finish_report(meta, times, checks, out)


if __name__ == "__main__":
    main()
