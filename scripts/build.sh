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
./build/bench/bench_activations --benchmark_filter='/65536$' --benchmark_min_time=0.05 \
  --benchmark_out=build/bench_64k.json --benchmark_out_format=json > /dev/null
python3 bench/summarize.py build/bench_64k.json --size 65536
