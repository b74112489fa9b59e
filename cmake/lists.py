"""cmake/targets.cmake's lists for the Python tools (bench/cost_report.py, tools/tune/actgen_tune.py): the one reader.

targets() -> ACTGEN_TARGETS in order, each {name, suffix, halide, processor, features, memory, shared} (shared: the
             optional seventh field, "<dtype> ... from <target>", or "");
dtypes()  -> ACTGEN_DTYPES in order, each {enum, name, halide}.
Only the quoted entries inside each set(...) block count: comments (which may quote an example) are skipped.
"""
import os
import re

TARGETS_CMAKE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "targets.cmake")


def _entries(variable, nfields, optional=0):
    """The '|'-separated quoted entries of set(<variable> ...) in targets.cmake, comment lines left out."""
    text = open(TARGETS_CMAKE).read()
    block = re.search(r"^set\(" + variable + r"\b(.*?)^\)", text, re.S | re.M)
    if not block:
        raise ValueError(f"cmake/targets.cmake has no set({variable} ...)")
    out = []
    for line in block.group(1).splitlines():
        line = line.strip()
        if not line.startswith('"'):
            continue  # blank or a comment
        fields = line.strip('"').split("|")
        if not nfields <= len(fields) <= nfields + optional:
            raise ValueError(f"cmake/targets.cmake: {variable} entry {line} has {len(fields)} fields, not {nfields}"
                             + (f" to {nfields + optional}" if optional else ""))
        out.append(fields)
    if not out:
        raise ValueError(f"cmake/targets.cmake: {variable} is empty")
    return out


def targets():
    keys = ("name", "suffix", "halide", "processor", "features", "memory", "shared")
    return [dict(zip(keys, f + [""] * (len(keys) - len(f)))) for f in _entries("ACTGEN_TARGETS", len(keys) - 1, 1)]


def dtypes():
    keys = ("enum", "name", "halide")
    return [dict(zip(keys, f)) for f in _entries("ACTGEN_DTYPES", len(keys))]
