#!/usr/bin/env python3
"""Turns test_accuracy's ACCURACY lines (stdin) into the README's markdown table: per activation, the largest
forward ulp and backward ulp (dy = 1: among points whose error exceeds the contract's 1e-7 absolute tolerance,
and over all points: large only next to a zero of f') over all targets, defaults and parameter variants.   build/tests/test_accuracy | python3 scripts/accuracy_table.py"""
import re
import sys

fwd, bwd, raw, targets = {}, {}, {}, set()
line_re = re.compile(r"^ACCURACY (\S+) (fwd|bwd\(dy=1\)) (\S+) \[[^\]]*\] max_ulp=(\S+)(?:.*beyond-abs max_ulp=(\S+))?")
for line in sys.stdin:
    m = line_re.match(line)
    if not m:
        continue
    act, direction, target, worst, beyond = m.groups()
    targets.add(target)
    if direction == "fwd":
        fwd[act] = max(fwd.get(act, 0.0), float(worst))
    else:
        bwd[act] = max(bwd.get(act, 0.0), float(beyond))
        raw[act] = max(raw.get(act, 0.0), float(worst))
print("| activation | forward max ulp | backward max ulp, contract (errors > 1e-7 abs) | backward max ulp, all points |")
print("|---|---:|---:|---:|")
for act in sorted(fwd):
    print(f"| {act} | {fwd[act]:.2f} | {bwd.get(act, float('nan')):.2f} | {raw.get(act, float('nan')):.3g} |")
print(f"\nTargets: {', '.join(sorted(targets))}.")
