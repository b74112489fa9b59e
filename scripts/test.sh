#!/usr/bin/env bash
# Runs every test: sets up and builds if needed, runs the CTest suites (unit, accuracy, memory, errors, math
# library, libm check, command-line tool, thread stress), then installs the package and builds and runs
# examples/consumer against it with find_package(actgen), and checks the pkg-config file; then the reliability runs
# (scripts/test_sanitizers.sh: ASan+UBSan suites, TSan stress, 60 s of libFuzzer) and the aarch64 build.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
jobs=$(nproc)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$PWD/install"
cmake --build build -j"$jobs"
(cd build && ctest -j"$jobs" --output-on-failure --timeout 900)

echo "== installed package: find_package(actgen) and pkg-config"
rm -rf install build-consumer
cmake --install build > /dev/null
cmake -S examples/consumer -B build-consumer -G Ninja -DCMAKE_PREFIX_PATH="$PWD/install"
cmake --build build-consumer
(cd build-consumer && ctest --output-on-failure)
export PKG_CONFIG_PATH="$PWD/install/lib/pkgconfig"
cc examples/consumer/main.c $(pkg-config --cflags --libs actgen) -lm -Wl,-rpath,"$PWD/install/lib" -o build-consumer/pkgconfig_c
./build-consumer/pkgconfig_c > /dev/null
./scripts/test_sanitizers.sh  # ASan+UBSan, TSan, libFuzzer, reusing build/'s generated kernels
./scripts/test_arm.sh  # aarch64: cross build with build/'s generators, its tests under qemu-aarch64
echo "== all tests passed"
