#!/usr/bin/env python3
"""Static cost report: instructions per vector of every kernel's hot loop, from the generated code, no timer.

    bench/cost_report.py [--gen-dir build] [--activations gelu,relu] [--targets x86-64-avx512,cuda]
                         [--directions fwd,bwd] [--dtype f32|f16|bf16] [--jobs 2] [--format md|json] [--detail]
                         [--no-mca] [--knobs 'vectors_per_iteration=4 unroll=1']

--dtype (default f32) names an entry of cmake/targets.cmake's ACTGEN_DTYPES (read from there): the kernels' buffers
get its Halide type, so the counts include the conversions at the edges (generators/dtype_convert.h).

For each activation (the build's actgen_gen_<activation> executables), direction (actgen_forward /
actgen_backward) and target (cmake/targets.cmake's ACTGEN_TARGETS, read from there: every entry, whatever
processor the build is for; libHalide cross-compiles to assembly), the generator is run as cmake/generate.cmake
runs it, but with `-e assembly` and the schedule knobs that make the hot loop exactly one native vector per
iteration: vectors_per_iteration=1 unroll=1 parallel_threshold=0 (0: no parallel specialization, so the
serial loop is the only loop), and on the GPU gpu_elements_per_thread=1. LLVM's runtime loop unrolling is
switched off (HL_LLVM_ARGS=-unroll-runtime=false), otherwise it unrolls small loops 4x on its own. Tuned
schedules (schedules/*.json) are not applied: the report measures the math, not the schedule.

What is counted
- CPU (x86 AT&T, aarch64): the innermost loop that LLVM's assembly comments mark (`=>This Inner Loop Header`,
  `in Loop: Header=...`) and that holds the most vector-register instructions. "instructions per vector" is
  every instruction of the loop's blocks (the loads of x / dy, the store, and the loop's own counter, compare and
  branch, 2-3 instructions, included) divided by the number of vector stores to non-stack memory (1 with these
  knobs; the JSON has it as "vectors"). Lanes: 16 (zmm), 8 (ymm), 4 (xmm, NEON .4s). A kernel whose activation
  has fast cases (Activation::fast_when: swish's beta = 1 and |beta| >= 1, celu's alpha = 1 and alpha > 0,
  softplus' beta = 1) has a specialization, and so a hot loop, for each case and the general one: the fastest is
  counted (the shortest storing loop), the one the default parameters run; on CUDA the kernel entry with fewer
  instructions.
  Split counts (JSON, and --detail): divisions (div/sqrt mnemonics: vdivps, divps, fdiv; sqrt separately),
  constant loads from memory (rip-relative operands, `{1toN}` broadcasts of them included; aarch64 :lo12:
  literal-pool loads), stack reloads (memory operands based on %rsp / sp that are read) and spills (stores
  to them), data loads (everything else read from memory: the inputs).
  llvm-mca-14: the loop body is fed to llvm-mca (100 iterations) for a named CPU model: znver3 for AVX2 and
  SSE4.1 (LLVM 14 has no znver4), icelake-server for AVX-512 (znver3 has no AVX-512), neoverse-n1 for NEON
  (LLVM 14 models it with Cortex-A57's tables). Reported: "Block RThroughput" (resource-bound cycles per
  iteration, dependencies ignored) and simulated cycles per iteration (Total Cycles / Iterations). Models,
  not measurements; use them for before/after comparisons on one model.
- CUDA: the PTX that Halide embeds (as a string) in the host assembly. With one element per thread a thread
  runs no loop: its kernel is entry -> full-block path -> store -> ret, or the tail block's bounds-checked path.
  Counted: the instructions (no directives, labels, braces, comments; `bra`, `ret` and `ld.param` included) of
  the entry-to-ret path that stores and passes the fewest conditional branches (the full-block path, where
  GuardWithIf does not check bounds); where the math itself branches, the longest such path. Per element:
  that count / gpu_elements_per_thread (1). Split counts: div / rcp / sqrt, ld.global (scalar or .v2/.v4).

The report is deterministic: the same code gives the same numbers on any machine (llvm-mca included).
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SOURCE_DIR, "cmake"))
import lists  # noqa: E402  (cmake/lists.py: the one reader of cmake/targets.cmake)
KNOBS = ["vectors_per_iteration=1", "unroll=1", "parallel_threshold=0"]
GPU_KNOBS = ["gpu_elements_per_thread=1"]
MCA = "llvm-mca-14"


def die(msg):
    print("cost_report: " + msg, file=sys.stderr)
    sys.exit(1)


def targets():
    """cmake/targets.cmake's ACTGEN_TARGETS, in order (cmake/lists.py reads it)."""
    try:
        return lists.targets()
    except (OSError, ValueError) as e:
        die(f"cannot read ACTGEN_TARGETS: {e}")


def dtypes():
    """cmake/targets.cmake's ACTGEN_DTYPES: name -> Halide type of the buffers."""
    try:
        return {d["name"]: d["halide"] for d in lists.dtypes()}
    except (OSError, ValueError) as e:
        die(f"cannot read ACTGEN_DTYPES: {e}")


def catalog(gen_dir):
    acts = sorted(f[len("actgen_gen_"):] for f in os.listdir(gen_dir)
                  if f.startswith("actgen_gen_") and os.access(os.path.join(gen_dir, f), os.X_OK))
    if not acts:
        die(f"no actgen_gen_<activation> executables in {gen_dir} (ninja -C build actgen_gen_gelu ...)")
    return acts


def kind(target):
    if target["memory"] == "cuda":
        return "ptx"
    if target["processor"] == "aarch64":
        return "aarch64"
    return "x86"


def mca_cpu(target):
    k = kind(target)
    if k == "aarch64":
        return "aarch64", "neoverse-n1"
    if k == "x86":
        return "x86_64", ("icelake-server" if "avx512" in target["halide"] else "znver3")
    return None, None


# ---------------------------------------------------------------------------------------------- CPU loops

def parse_blocks(asm, comment):
    """Basic blocks of the (single) function: [(label, innermost loop header or None, depth, [instructions])]."""
    blocks = []
    cur = None
    header_re = re.compile(re.escape(comment) + r"\s*=>This Inner Loop Header: Depth=(\d+)")
    inloop_re = re.compile(re.escape(comment) + r"\s*in Loop: Header=(\w+) Depth=(\d+)")
    for raw in asm.split("\n"):
        line = raw.rstrip()
        stripped = line.strip()
        m = re.match(r"^(\.?\w+):", line)  # .LBB0_46:
        bb = re.match(r"^\s*" + re.escape(comment) + r" %bb\.(\d+):", line)  # fall-through block, no label
        if m or bb:
            label = m.group(1) if m else "BB_" + bb.group(1)
            cur = {"label": label, "header": None, "depth": 0, "insns": []}
            blocks.append(cur)
        if cur is None:
            continue
        h = header_re.search(line)
        if h:
            cur["header"] = cur["label"].lstrip(".")
            cur["depth"] = int(h.group(1))
        il = inloop_re.search(line)
        if il:
            cur["header"] = il.group(1)
            cur["depth"] = int(il.group(2))
        if m or bb or not stripped or stripped.startswith(comment) or stripped.startswith("."):
            continue
        if not raw.startswith(("\t", " ")):
            continue
        insn = stripped.split(comment)[0].strip()
        if insn:
            cur["insns"].append(insn)
    return blocks


VEC_X86 = re.compile(r"%([xyz])mm\d+")
VEC_A64 = re.compile(r"\bv\d+\.(\d+)([bhsd])\b|\bq\d+\b")


def zero_stats(insns):
    """The counters every CPU loop reports, before the per-ISA pass fills them."""
    return {"instructions": len(insns), "div": 0, "sqrt": 0, "const_loads": 0, "stack_reloads": 0, "spills": 0,
            "data_loads": 0, "vectors": 0}


def x86_stats(insns):
    s = zero_stats(insns)
    widest = 0
    for insn in insns:
        mnem, ops = (insn.split(None, 1) + [""])[:2]
        for r in VEC_X86.findall(ops):
            widest = max(widest, {"x": 4, "y": 8, "z": 16}[r])
        if "div" in mnem and mnem.endswith(("ps", "ss")):
            s["div"] += 1
        if "sqrt" in mnem:
            s["sqrt"] += 1
        if "(" not in ops:
            continue
        # AT&T: the destination is the last operand (a mask like {%k1} may follow it).
        operands = [o.strip() for o in re.split(r",(?![^(]*\))", ops)]
        last = re.sub(r"\s*\{%k\d\}(\s*\{z\})?$", "", operands[-1])
        store = last.endswith(")") and len(operands) > 1 and "mov" in mnem
        mem = next(o for o in operands if "(" in o)
        if store:
            if "%rsp" in mem:
                s["spills"] += 1
            elif VEC_X86.search(operands[0]):
                s["vectors"] += 1
        elif "%rip" in mem:
            s["const_loads"] += 1
        elif "%rsp" in mem:
            s["stack_reloads"] += 1
        else:
            s["data_loads"] += 1
    s["lanes"] = widest
    return s


def a64_stats(insns):
    s = zero_stats(insns)
    lanes = 0
    for insn in insns:
        mnem, ops = (insn.split(None, 1) + [""])[:2]
        for count, size in re.findall(r"\bv\d+\.(\d+)([bhsd])\b", ops):
            if size == "s":
                lanes = max(lanes, int(count))
        if mnem.startswith("fdiv"):
            s["div"] += 1
        if mnem.startswith("fsqrt"):
            s["sqrt"] += 1
        if not mnem.startswith(("ld", "st")) or "[" not in ops:
            continue
        regs = len(re.findall(r"\b[qsdxw]\d+\b", ops.split("[")[0]))
        if mnem.startswith(("st",)):
            if "[sp" in ops:
                s["spills"] += 1
            elif re.search(r"\b[qd]\d+\b", ops.split("[")[0]):  # d: a vector of 4 16-bit elements
                s["vectors"] += regs
        elif ":lo12:" in ops:
            s["const_loads"] += 1
        elif "[sp" in ops:
            s["stack_reloads"] += 1
        else:
            s["data_loads"] += 1
    s["lanes"] = lanes or 4
    return s


def has_fast_case(act):
    """The activation's definition sets Activation::fast_when (found by that statement, as cmake/forms.cmake finds
    the per-channel ones by `a.channel_param =`): its kernels have a fast and a general hot loop."""
    path = os.path.join(SOURCE_DIR, "dsl", "activations", act + ".cpp")
    return os.path.exists(path) and "a.fast_when =" in open(path).read()


def hot_loop(asm, k, fast_case=False):
    comment = "#" if k == "x86" else "//"
    blocks = parse_blocks(asm, comment)
    loops = {}
    for b in blocks:
        if b["header"]:
            loops.setdefault(b["header"], []).append(b)
    vec = VEC_X86 if k == "x86" else VEC_A64
    cands = []
    for header, bs in loops.items():
        insns = [i for b in bs for i in b["insns"]]
        nvec = sum(1 for i in insns if vec.search(i))
        if nvec:
            cands.append((nvec, header, insns))
    if not cands:
        return None
    if not fast_case:
        _, header, insns = max(cands, key=lambda c: c[0])
        return header, insns
    # A kernel whose activation has fast cases (Activation::fast_when) has a hot loop per case and the general one
    # (a specialization each): the shortest of the loops that store vectors and hold at least a quarter of the
    # most vector instructions (not the few-instruction pieces LLVM's loop comments also name) is counted: what
    # the defaults run (swish's and softplus' beta = 1, celu's alpha = 1).
    stats = x86_stats if k == "x86" else a64_stats
    most = max(c[0] for c in cands)
    main = [c for c in cands if 4 * c[0] >= most and stats(c[2])["vectors"] >= 1] or cands
    _, header, insns = min(main, key=lambda c: len(c[2]))
    return header, insns


def mca(insns, triple, cpu):
    text = "\n".join(insns) + "\n"
    r = subprocess.run([MCA, f"-mtriple={triple}", f"-mcpu={cpu}", "-iterations=100"], input=text,
                       capture_output=True, text=True)
    if r.returncode != 0:
        return {"error": (r.stderr.strip().splitlines() or ["?"])[0]}
    it = int(re.search(r"Iterations:\s+(\d+)", r.stdout).group(1))
    cycles = int(re.search(r"Total Cycles:\s+(\d+)", r.stdout).group(1))
    rthr = float(re.search(r"Block RThroughput:\s+([0-9.]+)", r.stdout).group(1))
    return {"cpu": cpu, "block_rthroughput": rthr, "cycles_per_iteration": round(cycles / it, 2)}


# ---------------------------------------------------------------------------------------------- PTX

def extract_ptx(asm):
    m = re.search(r'\.asciz\s+"(//\\n// Generated by LLVM NVPTX.*?)"\s*$', asm, re.S | re.M)
    if not m:
        return None
    return m.group(1).encode("latin-1").decode("unicode_escape")


def ptx_stats(ptx):
    """Instructions on the full-block path of the kernel entry; see the module docstring. With an activation's
    fast case (two kernels, a specialization each) the entry with the fewer instructions: the fast one."""
    entries = [ptx_entry_stats(ptx[m.start():]) for m in re.finditer(r"\.entry", ptx)]
    entries = [e for e in entries if e]
    return min(entries, key=lambda e: e["instructions"]) if entries else None


def ptx_entry_stats(ptx):
    """ptx_stats for the entry ptx starts with (its body ends at the next .entry)."""
    body = ptx[:ptx.index(".entry", 1)] if ".entry" in ptx[1:] else ptx
    body = body[body.index("{") + 1:]
    blocks = [{"label": "entry", "insns": []}]
    for raw in body.split("\n"):
        line = raw.split("//")[0].strip()
        if not line or line == "}" or line.startswith("."):
            continue
        m = re.match(r"^(\$?\w+):$", line)
        if m:
            blocks.append({"label": m.group(1), "insns": []})
            continue
        blocks[-1]["insns"].append(line.rstrip(";").strip())
    # Flattened: instructions in order, labels as positions.
    code, labels = [], {}
    for b in blocks:
        labels[b["label"]] = len(code)
        code.extend(b["insns"])
    paths = []  # (conditional branches passed, instruction positions executed)

    def walk(pc, conds, trail, visited):
        while pc < len(code):
            if pc in visited or len(paths) > 10000:
                return  # a loop: none expected with one element per thread
            visited = visited | {pc}
            insn = code[pc]
            trail = trail + [pc]
            target = re.search(r"\bbra(?:\.uni)?\s+(\S+)$", insn)
            if insn.startswith("ret") or insn.startswith("exit"):
                break
            if target and insn.startswith("@"):
                walk(labels[target.group(1)], conds + 1, trail, visited)
                conds += 1
                pc += 1
                continue
            if target:
                pc = labels[target.group(1)]
                continue
            pc += 1
        paths.append((conds, trail))

    walk(0, 0, [], frozenset())
    storing = [p for p in paths if any(code[n].startswith("st.global") for n in p[1])]
    if not storing:
        return None
    fewest = min(p[0] for p in storing)
    conds, trail = max((p for p in storing if p[0] == fewest), key=lambda p: len(p[1]))
    count = len(trail)
    insns = [code[n] for n in trail]
    mnems = [i.split()[0] if not i.startswith("@") else i.split()[1] for i in insns]
    return {
        "instructions": count,
        "conditional_branches": conds,
        "div": sum(1 for m in mnems if m.startswith("div")),
        "rcp": sum(1 for m in mnems if m.startswith("rcp")),
        "sqrt": sum(1 for m in mnems if m.startswith("sqrt")),
        "ld_global": sum(1 for m in mnems if m.startswith("ld.global")),
        "ld_global_vector": sum(1 for m in mnems if m.startswith("ld.global") and re.search(r"\.v[24]\.", m)),
        "st_global": sum(1 for m in mnems if m.startswith("st.global")),
    }


# ---------------------------------------------------------------------------------------------- driver

def run_one(job, gen_dir, workdir, use_mca, halide_type="float32"):
    act, direction, target = job
    k = kind(target)
    fn = f"cost_{act}_{direction}_{target['suffix']}"
    out = os.path.join(workdir, fn)
    os.makedirs(out, exist_ok=True)
    io = ([f"x.type={halide_type}", f"y.type={halide_type}"] if direction == "fwd"
          else [f"x.type={halide_type}", f"dy.type={halide_type}", f"dx.type={halide_type}"])
    cmd = [os.path.join(gen_dir, "actgen_gen_" + act), "-g",
           "actgen_forward" if direction == "fwd" else "actgen_backward", "-f", fn, "-o", out, "-e", "assembly",
           f"target={target['halide']}-no_runtime", f"activation={act}"] + io + KNOBS + (
           GPU_KNOBS if k == "ptx" else [])
    env = dict(os.environ)
    env["HL_LLVM_ARGS"] = "" if k == "ptx" else "-unroll-runtime=false"
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    result = {"activation": act, "direction": direction, "target": target["name"], "kind": k}
    if r.returncode != 0:
        result["error"] = "generator failed: " + ((r.stderr.strip().splitlines() or ["?"])[-1])
        return result
    asm = open(os.path.join(out, fn + ".s")).read()
    shutil.rmtree(out)
    if k == "ptx":
        ptx = extract_ptx(asm)
        st = ptx_stats(ptx) if ptx else None
        if not st:
            result["error"] = "no PTX kernel found"
            return result
        result.update(st)
        result["lanes"] = 1
        result["per_vector"] = st["instructions"]  # one element per thread: per element
        return result
    loop = hot_loop(asm, k, has_fast_case(act))
    if not loop:
        result["error"] = "no vector loop found"
        return result
    header, insns = loop
    st = x86_stats(insns) if k == "x86" else a64_stats(insns)
    result.update(st)
    if st["vectors"] < 1:
        result["error"] = "no vector store in the loop"
        return result
    result["per_vector"] = round(st["instructions"] / st["vectors"], 2)
    result["per_element"] = round(st["instructions"] / st["vectors"] / st["lanes"], 2)
    if use_mca:
        triple, cpu = mca_cpu(target)
        m = mca(insns, triple, cpu)
        if "error" not in m:
            m["block_rthroughput"] = round(m["block_rthroughput"] / st["vectors"], 2)
            m["cycles_per_iteration"] = round(m["cycles_per_iteration"] / st["vectors"], 2)
        result["mca"] = m
    return result


def fmt(v):
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def markdown(results, acts, directions, tlist, detail):
    by = {(r["activation"], r["direction"], r["target"]): r for r in results}
    lines = ["Instructions per vector of each kernel's hot loop (CPU: one native vector per iteration; lanes: "
             + ", ".join(f"{t['suffix']} {by_lanes(results, t)}" for t in tlist)
             + "); CUDA: PTX instructions per element (one element per thread, full-block path).", ""]
    head = ["activation"] + [f"{d} {t['suffix']}" for d in directions for t in tlist]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|---|" + "---:|" * (len(head) - 1))
    for a in acts:
        row = [a]
        for d in directions:
            for t in tlist:
                r = by.get((a, d, t["name"]))
                row.append("error" if (r is None or "error" in r) else fmt(r["per_vector"]))
        lines.append("| " + " | ".join(row) + " |")
    if detail:
        lines += ["", "| kernel | target | lanes | instr / vector | instr / element | div | const loads | "
                  "stack reloads | spills | data loads | mca cycles / vector (model) | mca block rthroughput |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for a in acts:
            for d in directions:
                for t in tlist:
                    r = by.get((a, d, t["name"]))
                    if r is None or "error" in r:
                        lines.append(f"| {a} {d} | {t['suffix']} | error: {r and r.get('error')} |")
                        continue
                    if r["kind"] == "ptx":
                        lines.append(f"| {a} {d} | {t['suffix']} | 1 | {r['instructions']} | {r['instructions']} | "
                                     f"{r['div']} div, {r['rcp']} rcp | | | | {r['ld_global']} ld.global | | |")
                        continue
                    m = r.get("mca", {})
                    mc = f"{fmt(m['cycles_per_iteration'])} ({m['cpu']})" if "cpu" in m else ""
                    rt = fmt(m["block_rthroughput"]) if "cpu" in m else ""
                    lines.append(f"| {a} {d} | {t['suffix']} | {r['lanes']} | {fmt(r['per_vector'])} | "
                                 f"{fmt(r['per_element'])} | {r['div']} | {r['const_loads']} | {r['stack_reloads']} | "
                                 f"{r['spills']} | {r['data_loads']} | {mc} | {rt} |")
    return "\n".join(lines) + "\n"


def by_lanes(results, t):
    lanes = sorted({r["lanes"] for r in results if r["target"] == t["name"] and "lanes" in r})
    return "/".join(str(x) for x in lanes) if t["memory"] != "cuda" else "1 thread"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gen-dir", default=os.path.join(SOURCE_DIR, "build"),
                    help="directory with the actgen_gen_<activation> executables (a host build)")
    ap.add_argument("--activations", help="comma-separated (default: every generator in --gen-dir)")
    ap.add_argument("--targets", help="comma-separated names from cmake/targets.cmake (default: all)")
    ap.add_argument("--directions", default="fwd,bwd")
    ap.add_argument("--dtype", default="f32", help="an ACTGEN_DTYPES name from cmake/targets.cmake (default f32)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--format", choices=["md", "json"], default="md")
    ap.add_argument("--detail", action="store_true", help="md: add the split counts and llvm-mca per kernel")
    ap.add_argument("--no-mca", action="store_true", help="skip llvm-mca")
    ap.add_argument("--knobs", help="CPU schedule knobs instead of the default one-vector loop, e.g. "
                    "'vectors_per_iteration=4 unroll=1' (counts stay per vector: the loop's instructions over its "
                    "vector stores)")
    args = ap.parse_args()
    if args.knobs:
        global KNOBS
        given = args.knobs.split()
        names = {k.split("=")[0] for k in given}
        KNOBS = [k for k in KNOBS if k.split("=")[0] not in names] + given

    all_targets = targets()
    if args.targets:
        names = args.targets.split(",")
        unknown = [n for n in names if n not in [t["name"] for t in all_targets]]
        if unknown:
            die(f"unknown target(s) {', '.join(unknown)}; cmake/targets.cmake has "
                + ", ".join(t["name"] for t in all_targets))
        tlist = [t for t in all_targets if t["name"] in names]
    else:
        tlist = all_targets
    known = catalog(args.gen_dir)
    acts = args.activations.split(",") if args.activations else known
    missing = [a for a in acts if a not in known]
    if missing:
        die(f"no generator for {', '.join(missing)} in {args.gen_dir}")
    known_dtypes = dtypes()
    if args.dtype not in known_dtypes:
        die(f"unknown dtype {args.dtype}; cmake/targets.cmake has " + ", ".join(known_dtypes))
    halide_type = known_dtypes[args.dtype]
    directions = args.directions.split(",")
    if any(d not in ("fwd", "bwd") for d in directions):
        die("--directions takes fwd and/or bwd")
    use_mca = not args.no_mca and shutil.which(MCA) is not None

    jobs = [(a, d, t) for a in acts for d in directions for t in tlist]
    start = time.time()
    with tempfile.TemporaryDirectory(prefix="actgen-cost-") as work:
        with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
            results = list(pool.map(lambda j: run_one(j, args.gen_dir, work, use_mca, halide_type), jobs))
    elapsed = time.time() - start
    errors = [r for r in results if "error" in r]
    for r in errors:
        print(f"cost_report: {r['activation']} {r['direction']} {r['target']}: {r['error']}", file=sys.stderr)
    print(f"cost_report: {len(jobs)} kernels in {elapsed:.1f} s", file=sys.stderr)
    converted = [t["name"] for t in tlist if args.dtype == "f16" and "f16c" in t["features"].split()]
    if converted:
        print("cost_report: note: the build has no f16 kernels for " + ", ".join(converted) + " (f16c in their "
              "features): the runtime runs their f32 kernels between F16C conversions (runtime/convert.h); the "
              "counts here are what in-kernel conversions would cost", file=sys.stderr)
    if args.format == "json":
        meta = {"dtype": args.dtype, "knobs": KNOBS, "gpu_knobs": GPU_KNOBS, "llvm_args": "-unroll-runtime=false",
                "targets": [{k: t[k] for k in ("name", "suffix", "halide")} for t in tlist]}
        json.dump({"meta": meta, "kernels": results}, sys.stdout, indent=1, sort_keys=True)
        print()
    else:
        sys.stdout.write(markdown(results, acts, directions, tlist, args.detail))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
