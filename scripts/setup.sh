#!/usr/bin/env bash
# Installs everything actgen needs to build, test and benchmark, from Debian's packages only.
set -euo pipefail
pkgs=(cmake ninja-build g++ libhalide14-0-dev libgtest-dev libbenchmark-dev pkg-config)
# The cross builds (scripts/test_cross.sh aarch64 / riscv64): compilers, qemu-user (qemu-aarch64, qemu-riscv64) to
# run their tests, GoogleTest's sources (Debian has no cross package of the library), file.
pkgs+=(g++-aarch64-linux-gnu g++-riscv64-linux-gnu qemu-user googletest file)
# Benchmark peers (bench/bench_peers) and the plots of bench/report.py.
pkgs+=(libdnnl-dev libxnnpack-dev libpthreadpool-dev libeigen3-dev python3-matplotlib)
# Reliability runs (scripts/test_sanitizers.sh): clang with its sanitizer and libFuzzer runtimes; locales for the
# decimal-comma locale test_reliability builds with localedef.
pkgs+=(clang-14 libclang-rt-14-dev locales)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=""
  [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
