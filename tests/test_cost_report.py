#!/usr/bin/env python3
"""ctest cost_report.structure: runs bench/cost_report.py on relu and gelu, every target in cmake/targets.cmake,
both directions, and checks the report's structure and sanity (no timing): every cell present, one vector per
loop iteration with the target's lane count, the expected loads and stores, relu's loop small, gelu's bigger.

    test_cost_report.py <build dir with actgen_gen_*>
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(os.path.dirname(HERE), "bench", "cost_report.py")
sys.path.insert(0, os.path.dirname(SCRIPT))
import cost_report  # noqa: E402  (its targets() reads cmake/targets.cmake)

failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)


def expected_lanes(t):
    if t["memory"] == "cuda":
        return 1
    if t["processor"] == "aarch64":
        return 4
    return 16 if "avx512" in t["halide"] else 8 if "avx2" in t["halide"] else 4


def main():
    gen_dir = sys.argv[1]
    acts = ["relu", "gelu"]
    base = [sys.executable, SCRIPT, "--gen-dir", gen_dir, "--activations", ",".join(acts), "--jobs", "2"]
    r = subprocess.run(base + ["--format", "json"], capture_output=True, text=True)
    check(r.returncode == 0, f"cost_report.py exited {r.returncode}: {r.stderr[-2000:]}")
    report = json.loads(r.stdout)
    targets = cost_report.targets()
    by = {(k["activation"], k["direction"], k["target"]): k for k in report["kernels"]}
    check(len(report["kernels"]) == len(acts) * 2 * len(targets), "one entry per activation x direction x target")
    for t in targets:
        for d in ("fwd", "bwd"):
            inputs = 1 if d == "fwd" else 2
            for a in acts:
                k = by.get((a, d, t["name"]))
                where = f"{a} {d} {t['name']}"
                if k is None or "error" in k:
                    check(False, f"{where}: missing or error: {k and k.get('error')}")
                    continue
                check(k["per_vector"] > 0, f"{where}: no instructions")
                check(k["lanes"] == expected_lanes(t), f"{where}: lanes {k['lanes']}")
                if k["kind"] == "ptx":
                    check(k["st_global"] == 1 and k["ld_global"] == inputs, f"{where}: ld/st.global {k}")
                    check(k["conditional_branches"] == 1, f"{where}: not the full-block path")
                else:
                    check(k["vectors"] == 1, f"{where}: {k['vectors']} vectors per iteration")
                    check(k["data_loads"] == inputs, f"{where}: {k['data_loads']} data loads, expected {inputs}")
            relu, gelu = by.get(("relu", d, t["name"])), by.get(("gelu", d, t["name"]))
            if relu and gelu and "error" not in relu and "error" not in gelu:
                check(relu["per_vector"] < gelu["per_vector"], f"{d} {t['name']}: relu not cheaper than gelu")
                limit = 40 if t["memory"] == "cuda" else 20
                check(relu["per_vector"] <= limit, f"relu {d} {t['name']}: {relu['per_vector']} > {limit}")
                check(relu["div"] == 0 and gelu["div"] + gelu.get("rcp", 0) >= 1,
                      f"{d} {t['name']}: divisions relu {relu['div']}, gelu {gelu['div']}")
    # The markdown table: a header with every direction x target, one row per activation, every cell a number.
    r = subprocess.run(base + ["--no-mca"], capture_output=True, text=True)
    check(r.returncode == 0, "md: exit status")
    rows = [l for l in r.stdout.splitlines() if l.startswith("| ")]
    head = [c.strip() for c in rows[0].strip("|").split("|")] if rows else []
    check(head == ["activation"] + [f"{d} {t['suffix']}" for d in ("fwd", "bwd") for t in targets],
          f"md header {head}")
    check([row.split("|")[1].strip() for row in rows[1:]] == acts, "md rows")
    for row in rows[1:]:
        cells = [c.strip() for c in row.strip("|").split("|")][1:]
        check(all(c.replace(".", "").isdigit() for c in cells), f"md row {row}")
    for f in failures:
        print("FAIL: " + f)
    print("cost_report: %d kernels checked, %d failures" % (len(report["kernels"]), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
