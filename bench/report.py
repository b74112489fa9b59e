#!/usr/bin/python3
"""Markdown tables and PNG plots from bench_peers' JSON output (one file per thread count).

    bench_peers --threads=1 --benchmark_out=peers-t1.json --benchmark_out_format=json
    bench_peers --threads=2 --benchmark_out=peers-t2.json --benchmark_out_format=json
    bench/report.py peers-t1.json peers-t2.json --plots bench/plots --readme bench/README.md

For every file (its thread count is read from the context) and direction (f32, then the f16 and bf16 runs of the
activations some peer offers in that type, tables only), a table: one row per activation,
per size actgen's ns/elem, the fastest peer's ns/elem and name, and the ratio actgen / fastest peer (below 1:
actgen is faster; bold when actgen is more than 5% slower). memcpy and the non-temporal copy head the table.
With --plots DIR, writes per file and direction (tN = N threads):
    speed_<fwd|bwd>_tN.png   ns/elem vs size for a handful of activations (--activations), one line per library
    ratio_<fwd|bwd>_tN.png   actgen / fastest peer for every activation at every size
With --check FILE (bench_peers --check output), appends that accuracy table.
With --readme FILE, also replaces the text between "<!-- results:begin -->" and "<!-- results:end -->" in FILE
with the report (plots linked relative to FILE; without it, relative to the current directory).
With --benchmark_repetitions, medians are used. Needs python3-matplotlib for --plots only.
"""

import argparse
import json
import math
import os
import sys

from summarize import base_name  # same folder: Google Benchmark run names without their timing suffix

DEFAULT_PLOT_ACTIVATIONS = ["relu", "leaky_relu", "elu", "sigmoid", "tanh", "gelu", "gelu_tanh", "silu", "mish",
                            "softplus", "hardswish", "logsigmoid"]
def bytes_per_elem(direction):
    """Bytes a call moves per element; the copies move 8 (f32 in and out), so the roofline for f32 backward is
    the copy time x 12/8, for f16 forward x 4/8."""
    f32 = 12 if direction.endswith("bwd") else 8
    return f32 if "/" not in direction else f32 // 2


def direction_text(direction):
    kind = "backward" if direction.endswith("bwd") else "forward"
    return kind if "/" not in direction else "%s %s" % (direction.split("/")[0], kind)


def load(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    medians, runs = {}, {}
    for entry in data.get("benchmarks", []):
        if entry.get("error_occurred") or "ns_per_elem" not in entry:
            continue
        name = base_name(entry)
        if entry.get("run_type") == "aggregate":
            if entry.get("aggregate_name") == "median":
                medians[name] = entry["ns_per_elem"]
        else:
            runs.setdefault(name, []).append(entry["ns_per_elem"])
    values = {name: sum(v) / len(v) for name, v in runs.items()}
    values.update(medians)

    # (direction, activation, n) -> {library: ns/elem}; copies: (kind, n) -> ns/elem. Directions are "fwd" and
    # "bwd" for f32 and "<type>/fwd" etc. for the 16-bit types, in the order bench_peers registers them.
    results, copies, sizes, activations, libraries, directions = {}, {}, set(), [], [], []
    for name, ns in values.items():
        parts = name.split("/")
        if parts[0] in ("memcpy", "ntcopy") and len(parts) == 2:
            copies[(parts[0], int(parts[1]))] = ns
            continue
        if parts[0] == "actgen" and len(parts) == 4:
            lib, (direction, activation, n) = "actgen", parts[1:]
        elif parts[0] == "actgen" and len(parts) == 5:  # actgen/<type>/<dir>/...
            lib, (dtype, direction, activation, n) = "actgen", parts[1:]
            direction = dtype + "/" + direction
        elif parts[0] == "peer" and len(parts) == 5:
            lib, (direction, activation, n) = parts[1], parts[2:]
        elif parts[0] == "peer" and len(parts) == 6:  # peer/<lib>/<type>/<dir>/...
            lib, (dtype, direction, activation, n) = parts[1], parts[2:]
            direction = dtype + "/" + direction
        else:
            continue
        n = int(n)
        sizes.add(n)
        if activation not in activations:
            activations.append(activation)
        if direction not in directions:
            directions.append(direction)
        if lib not in libraries:
            libraries.append(lib)
        results.setdefault((direction, activation, n), {})[lib] = ns
    context = data.get("context", {})
    return {
        "path": path,
        "threads": context.get("bench_threads", "?"),
        "context": context,
        "results": results,
        "copies": copies,
        "sizes": sorted(sizes),
        "activations": activations,
        "libraries": libraries,
        "directions": directions,
    }


def size_label(n):
    for unit, scale in (("M", 1 << 20), ("K", 1 << 10)):
        if n >= scale and n % scale == 0:
            return "%d%s" % (n // scale, unit)
    return str(n)


def threads_text(threads):
    return "1 thread" if str(threads) == "1" else "%s threads" % threads


def fastest_peer(libs):
    peers = {lib: ns for lib, ns in libs.items() if lib != "actgen"}
    if not peers:
        return None, None
    lib = min(peers, key=peers.get)
    return lib, peers[lib]


def fmt(ns):
    return "%.3f" % ns if ns < 10 else "%.1f" % ns


def table(run, direction):
    sizes = run["sizes"]
    rows = [a for a in run["activations"] if any((direction, a, n) in run["results"] for n in sizes)]
    if not rows:
        return ""
    out = []
    header = ["activation"]
    for n in sizes:
        s = size_label(n)
        header += ["%s actgen" % s, "%s fastest peer" % s, "%s ratio" % s]
    out.append("| " + " | ".join(header) + " |")
    out.append("|---|" + "---:|---:|---:|" * len(sizes))
    scale = bytes_per_elem(direction) / 8.0
    for kind in ("memcpy", "ntcopy"):
        if any((kind, n) in run["copies"] for n in sizes):
            cells = ["*%s%s*" % (kind, " ×%g" % scale if scale != 1 else "")]
            for n in sizes:
                ns = run["copies"].get((kind, n))
                cells += [fmt(ns * scale) if ns is not None else "—", "", ""]
            out.append("| " + " | ".join(cells) + " |")
    for activation in rows:
        cells = [activation]
        for n in sizes:
            libs = run["results"].get((direction, activation, n), {})
            mine = libs.get("actgen")
            lib, ns = fastest_peer(libs)
            cells.append(fmt(mine) if mine is not None else "—")
            cells.append("%s %s" % (fmt(ns), lib) if lib else "—")
            if mine is not None and ns:
                ratio = mine / ns
                cells.append(("**%.2f**" if ratio > 1.05 else "%.2f") % ratio)
            else:
                cells.append("—")
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def style(lib):
    fixed = {"actgen": ("black", "-", 2.5), "onednn": ("tab:blue", "-", 1.5), "xnnpack": ("tab:orange", "-", 1.5),
             "eigen": ("tab:green", "-", 1.5), "plain": ("tab:red", "-", 1.2),
             "plain_fastmath": ("tab:purple", "-", 1.2), "memcpy": ("grey", "--", 1.0),
             "ntcopy": ("grey", ":", 1.0)}
    return fixed.get(lib, (None, "-", 1.2))


def plot(run, direction, activations, directory):
    try:
        import matplotlib
    except ImportError:
        sys.exit("report.py: --plots needs matplotlib (Debian: python3-matplotlib; run with /usr/bin/python3)")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes, threads = run["sizes"], run["threads"]
    scale = bytes_per_elem(direction) / 8.0
    present = [a for a in activations if any((direction, a, n) in run["results"] for n in sizes)]
    written = []
    if present:
        cols = min(4, len(present))
        rows = int(math.ceil(len(present) / float(cols)))
        fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.3 * rows), squeeze=False)
        for ax in axes.flat[len(present):]:
            ax.set_visible(False)
        for ax, activation in zip(axes.flat, present):
            libs = []
            for n in sizes:
                for lib in run["results"].get((direction, activation, n), {}):
                    if lib not in libs:
                        libs.append(lib)
            libs.sort(key=lambda lib: (lib != "actgen", lib))
            for lib in libs + ["memcpy", "ntcopy"]:
                xs, ys = [], []
                for n in sizes:
                    if lib in ("memcpy", "ntcopy"):
                        ns = run["copies"].get((lib, n))
                        ns = ns * scale if ns is not None else None
                    else:
                        ns = run["results"].get((direction, activation, n), {}).get(lib)
                    if ns is not None:
                        xs.append(n)
                        ys.append(ns)
                if xs:
                    color, line, width = style(lib)
                    ax.plot(xs, ys, line, color=color, linewidth=width, marker="o", markersize=3, label=lib)
            ax.set_xscale("log", base=2)
            ax.set_yscale("log")
            ax.set_xticks(sizes)
            ax.set_xticklabels([size_label(n) for n in sizes])
            ax.set_title(activation)
            ax.set_xlabel("elements")
            ax.set_ylabel("ns / element")
            ax.grid(True, which="both", alpha=0.3)
        # One legend for the figure: every library that appears in any panel.
        handles = {}
        for ax in axes.flat[:len(present)]:
            for handle, label in zip(*ax.get_legend_handles_labels()):
                handles.setdefault(label, handle)
        order = sorted(handles, key=lambda lib: (lib in ("memcpy", "ntcopy"), lib != "actgen", lib))
        fig.legend([handles[k] for k in order], order, loc="lower center", ncol=min(8, len(order)), fontsize=9)
        fig.suptitle("%s, %s: ns per element (lower is better)%s"
                     % ("forward" if direction == "fwd" else "backward", threads_text(threads),
                        "; copies ×1.5 for 12 B/elem" if scale != 1 else ""))
        fig.tight_layout(rect=(0, 0.06 if rows > 1 else 0.1, 1, 1))
        path = os.path.join(directory, "speed_%s_t%s.png" % (direction, threads))
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)

    # Ratio plot: every activation with a peer, one bar per size.
    ratios = {}
    for activation in run["activations"]:
        for n in sizes:
            libs = run["results"].get((direction, activation, n), {})
            _, ns = fastest_peer(libs)
            if "actgen" in libs and ns:
                ratios.setdefault(activation, {})[n] = libs["actgen"] / ns
    if ratios:
        names = list(ratios)
        fig, ax = plt.subplots(figsize=(max(8, 0.5 * len(names)), 5))
        width = 0.8 / len(sizes)
        for k, n in enumerate(sizes):
            xs = [i + (k - (len(sizes) - 1) / 2.0) * width for i in range(len(names))]
            ys = [ratios[a].get(n, float("nan")) for a in names]
            ax.bar(xs, ys, width, label=size_label(n))
        ax.axhline(1.0, color="black", linewidth=1)
        ax.set_yscale("log")
        ticks = [t for t in (0.25, 0.5, 1, 2, 5, 10, 20, 50, 100)
                 if min(min(r.values()) for r in ratios.values()) / 2 <= t <= 2 * max(max(r.values()) for r in ratios.values())]
        ax.set_yticks(ticks)
        ax.set_yticklabels(["%g" % t for t in ticks])
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels(names, rotation=60, ha="right")
        ax.set_ylabel("actgen / fastest peer (time)")
        ax.set_title("%s, %s: below 1, actgen is faster than every peer"
                     % ("forward" if direction == "fwd" else "backward", threads_text(threads)))
        ax.grid(True, axis="y", which="both", alpha=0.3)
        ax.legend(title="elements", fontsize=8)
        fig.tight_layout()
        path = os.path.join(directory, "ratio_%s_t%s.png" % (direction, threads))
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written


def update_readme(path, report):
    begin, end = "<!-- results:begin -->", "<!-- results:end -->"
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if begin not in text or end not in text:
        sys.exit("report.py: %s has no %s ... %s section" % (path, begin, end))
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + begin + "\n" + report + end + tail)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("json", nargs="+", help="bench_peers JSON output(s), e.g. one per thread count")
    parser.add_argument("--plots", metavar="DIR", help="write PNG plots into DIR")
    parser.add_argument("--activations", default=",".join(DEFAULT_PLOT_ACTIVATIONS),
                        help="activations in the speed plots, comma separated, or 'all'")
    parser.add_argument("--check", metavar="FILE", help="bench_peers --check output to append")
    parser.add_argument("--readme", metavar="FILE", help="replace FILE's results section with the report")
    args = parser.parse_args()
    lines = []
    emit = lines.append

    runs = [load(path) for path in args.json]
    if not any(run["results"] for run in runs):
        sys.exit("report.py: no actgen/peer results in %s" % ", ".join(args.json))
    if args.plots:
        os.makedirs(args.plots, exist_ok=True)

    # Image links are relative to the README when one is given, else to the current directory.
    link_base = os.path.dirname(os.path.abspath(args.readme)) if args.readme else os.getcwd()
    first = runs[0]["context"]
    emit("Machine: %s, %s CPUs; actgen %s; CPU features: %s." % (
        first.get("host_name", "?"), first.get("num_cpus", "?"), first.get("actgen_version", "?"),
        first.get("actgen_cpu_features", "?")))
    emit("")
    emit("Peers:")
    for key, value in sorted(first.items()):
        if key.startswith("peer_"):
            emit("- %s: %s" % (key[len("peer_"):], value))
    emit("")
    emit("ns per element (lower is better); ratio = actgen / fastest peer (below 1: actgen is faster). "
          "Timing: %s." % ("thread CPU time at 1 thread, wall time otherwise"))
    for run in runs:
        for direction in run["directions"]:
            text = table(run, direction)
            if not text:
                continue
            emit("")
            title = direction_text(direction)
            emit("### %s, %s" % (title if "/" in direction else title.capitalize(), threads_text(run["threads"])))
            emit("")
            emit(text)
            if args.plots and "/" not in direction:
                activations = run["activations"] if args.activations == "all" else args.activations.split(",")
                for path in plot(run, direction, activations, args.plots):
                    print("wrote %s" % path, file=sys.stderr)
                    emit("")
                    emit("![%s](%s)" % (os.path.basename(path), os.path.relpath(os.path.abspath(path), link_base)))
    if args.check:
        emit("")
        emit("### Accuracy against actgen (actgen: f32 forward within 4 ulp of exact, backward 16; f16 and bf16 "
             "within 1 ulp of the type; `bench_peers --check`, ulp of the type)")
        emit("")
        with open(args.check, encoding="utf-8") as f:
            emit(f.read().rstrip("\n"))
    report = "\n".join(lines) + "\n"
    sys.stdout.write(report)
    if args.readme:
        update_readme(args.readme, report)


if __name__ == "__main__":
    main()
