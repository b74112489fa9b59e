#!/usr/bin/env python3
"""Turns the accuracy tests' output into the README's markdown tables.

    build/tests/test_accuracy | python3 scripts/accuracy_table.py
    python3 scripts/accuracy_table.py host.txt aarch64.txt      # one column group per architecture
    build/tests/test_half | python3 scripts/accuracy_table.py   # the f16/bf16 table

ACCURACY lines (test_accuracy): per activation, the largest forward ulp and backward ulp (dy = 1: among points
whose error exceeds the contract's 1e-7 absolute tolerance, and over all points: large only next to a zero of f')
over every target, default and parameter variant of an architecture (x86-64, arm-64, ...).
HALF lines (test_half): per activation and dtype, the largest error in ulp of the narrow type and the most results,
of 65536, that are faithful but not correctly rounded, over the cases (target, parameters, dy); a case with an
unfaithful result is reported, since the contract excludes it."""
import re
import sys
from collections import defaultdict

ACC = re.compile(r"^ACCURACY (\S+) (fwd|bwd\(dy=1\)) (\S+) \[[^\]]*\] max_ulp=(\S+)(?:.*beyond-abs max_ulp=(\S+))?")
HALF = re.compile(r"^HALF (\S+) (f16|bf16) (fwd|bwd)\S* (\S+) \[[^\]]*\] max_ulp=(\S+) .*"
                  r"not_correctly_rounded=(\d+) unfaithful=(\d+)")


def arch(target):
    return target.split("-")[0] + "-" + target.split("-")[1]


def read(lines, acc, half, targets):
    for line in lines:
        m = ACC.match(line)
        if m:
            act, direction, target, worst, beyond = m.groups()
            a = arch(target)
            targets[a].add(target)
            key = (act, a)
            if direction == "fwd":
                acc["fwd"][key] = max(acc["fwd"].get(key, 0.0), float(worst))
            else:
                acc["bwd"][key] = max(acc["bwd"].get(key, 0.0), float(beyond))
                acc["raw"][key] = max(acc["raw"].get(key, 0.0), float(worst))
            continue
        m = HALF.match(line)
        if m:
            act, dtype, direction, target, worst, not_cr, unfaithful = m.groups()
            targets["half"].add(target)
            key = (act, dtype, direction)
            ulp, ncr, bad = half.get(key, (0.0, 0, 0))
            half[key] = (max(ulp, float(worst)), max(ncr, int(not_cr)), bad + int(unfaithful))


def f32_table(acc, targets):
    archs = sorted((a for a in targets if a != "half"), key=lambda a: (a != "x86-64", a))
    if not archs:
        return
    cols = [("forward max ulp", "fwd", "{:.2f}"), ("backward max ulp, contract (errors > 1e-7 abs)", "bwd", "{:.2f}"),
            ("backward max ulp, all points", "raw", "{:.3g}")]
    head = [f"{name}{', ' + a if len(archs) > 1 else ''}" for name, _, _ in cols for a in archs]
    print("| activation | " + " | ".join(head) + " |")
    print("|---|" + "---:|" * len(head))
    for act in sorted({act for act, _ in acc["fwd"]}):
        cells = [fmt.format(acc[k].get((act, a), float("nan"))) for _, k, fmt in cols for a in archs]
        print(f"| {act} | " + " | ".join(cells) + " |")
    print("\nTargets: " + "; ".join(", ".join(sorted(targets[a])) for a in archs) + ".")


def half_table(half, targets):
    if not half:
        return
    cases = [(d, r) for d in ("f16", "bf16") for r in ("fwd", "bwd")]
    print("| activation | " + " | ".join(f"{d} {r} max ulp | {d} {r} not CR" for d, r in cases) + " |")
    print("|---|" + "---:|" * (2 * len(cases)))
    unfaithful = []
    for act in sorted({k[0] for k in half}):
        cells = []
        for d, r in cases:
            ulp, ncr, bad = half.get((act, d, r), (float("nan"), 0, 0))
            cells += [f"{ulp:.3f}", str(ncr)]
            if bad:
                unfaithful.append(f"{act} {d} {r}: {bad}")
        print(f"| {act} | " + " | ".join(cells) + " |")
    print("\nTargets: " + ", ".join(sorted(targets["half"])) + ".")
    print("Unfaithful results: " + ("; ".join(unfaithful) if unfaithful else "none") + ".")


def main(paths):
    acc, half, targets = {"fwd": {}, "bwd": {}, "raw": {}}, {}, defaultdict(set)
    for path in paths or ["-"]:
        with (sys.stdin if path == "-" else open(path)) as f:
            read(f, acc, half, targets)
    f32_table(acc, targets)
    if acc["fwd"] and half:
        print()
    half_table(half, targets)


if __name__ == "__main__":
    main(sys.argv[1:])
