#!/usr/bin/env bash
# Sets up (Debian packages), builds, installs into ./install, and runs the main job: `actgen info`, then the
# 64K-float benchmark of every activation against memcpy as a table.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$PWD/install"
cmake --build build -j"$(nproc)"
cmake --install build > /dev/null
./build/tools/actgen info
# Google Benchmark prints the machine context on stderr. Debian's libbenchmark is compiled without NDEBUG, so it
# adds "***WARNING*** Library was built as DEBUG. Timings may be affected.": the timed loops are this project's
# Release code (the library's own code runs outside them), so that line is dropped; the rest is shown.
status=0
./build/bench/bench_activations --benchmark_filter='^(memcpy|fwd|bwd)/.*65536$' --benchmark_min_time=0.05 \
  --benchmark_out=build/bench_64k.json --benchmark_out_format=json > /dev/null 2> build/bench_64k.stderr || status=$?
grep -vF 'Library was built as DEBUG' build/bench_64k.stderr >&2 || true
((status == 0)) || exit "$status"
python3 bench/summarize.py build/bench_64k.json --size 65536
