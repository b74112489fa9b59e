#!/usr/bin/env bash
# Reliability runs, called by scripts/test.sh after the host build (build/ must be built):
#   1. ASan + UBSan: the runtime, the C++ wrapper, the tools and every test suite built with clang-14
#      -fsanitize=address,undefined in build-asan; the fast suites run whole, the accuracy suite at
#      ACTGEN_SANITIZE_INPUT_SCALE (default 0.1) of its inputs, the >2^31-element relu call but not the bias form's
#      (125 s under ASan on the 2-core machine, against 51 s natively, where scripts/test.sh runs it). Any report
#      fails the run (halt_on_error=1).
#   2. TSan: tests/test_stress.cpp (8 threads) built with -fsanitize=thread in build-tsan, with
#      tests/tsan.supp naming the Halide runtime's uninstrumented locks.
#   3. libFuzzer: tests/fuzz/fuzz_kernel_create (in build-asan) for ACTGEN_FUZZ_SECONDS (default 30) seconds in
#      libFuzzer's fork mode, one worker per core (on the 2-core CI machine about as many executions as the single
#      process's 60 s took: 10-12 million), from the seed corpus tests/fuzz/corpus with tests/fuzz/kernel_create.dict;
#      new inputs go to build-asan/fuzz-corpus. A crash in a worker stops the run with a non-zero status and its
#      input in build-asan/crash-*.
# The kernels are not rebuilt: both builds link build/generated's kernel objects and Halide runtime
# (ACTGEN_HOST_GENERATORS + ACTGEN_HOST_KERNELS); generated code needs no instrumentation.
# ACTGEN_SANITIZERS=asan,tsan,fuzz (the default) chooses the parts.
set -euo pipefail
cd "$(dirname "$0")/.."
host=$(realpath "${ACTGEN_HOST_BUILD:-build}")
if [[ ! -f $host/generated/actgen_halide_runtime.o ]]; then
  echo "test_sanitizers.sh: no generated kernels in $host: build the host build first (scripts/test.sh)" >&2
  exit 1
fi
parts=${ACTGEN_SANITIZERS:-asan,tsan,fuzz}
jobs=$(nproc)
scale=${ACTGEN_SANITIZE_INPUT_SCALE:-0.1}
fuzz_seconds=${ACTGEN_FUZZ_SECONDS:-30}
summary=()
configure() {  # configure <dir> <sanitizers> [more cmake arguments]
  local dir=$1 san=$2
  shift 2
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-14 \
    -DCMAKE_CXX_COMPILER=clang++-14 -DACTGEN_HOST_GENERATORS="$host" -DACTGEN_HOST_KERNELS=ON \
    -DACTGEN_SANITIZE="$san" -DACTGEN_BUILD_BENCH=OFF "$@" > /dev/null
}

if [[ ,$parts, == *,asan,* || ,$parts, == *,fuzz,* ]]; then
  echo "== ASan + UBSan build (build-asan)"
  start=$SECONDS
  configure build-asan address,undefined,fuzzer-no-link -DACTGEN_BUILD_FUZZERS=ON -DACTGEN_TEST_INPUT_SCALE="$scale"
  cmake --build build-asan -j"$jobs"
  summary+=("ASan+UBSan build: $((SECONDS - start)) s")
fi

if [[ ,$parts, == *,asan,* ]]; then
  echo "== ASan + UBSan: the test suites (accuracy at $scale of its inputs)"
  start=$SECONDS
  (cd build-asan &&
    ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    ctest -j"$jobs" --output-on-failure --timeout 900 -E '^Large\.BiasBackwardBeyondInt32$')
  summary+=("ASan+UBSan tests: $((SECONDS - start)) s")
fi

if [[ ,$parts, == *,tsan,* ]]; then
  echo "== TSan: the thread stress test (build-tsan)"
  start=$SECONDS
  configure build-tsan thread
  cmake --build build-tsan -j"$jobs" --target test_stress
  build_s=$((SECONDS - start))
  start=$SECONDS
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp" \
    build-tsan/tests/test_stress
  summary+=("TSan build: $build_s s" "TSan stress run: $((SECONDS - start)) s")
fi

if [[ ,$parts, == *,fuzz,* ]]; then
  echo "== libFuzzer: fuzz_kernel_create for $fuzz_seconds s"
  start=$SECONDS
  mkdir -p build-asan/fuzz-corpus
  log=build-asan/fuzz.log
  if ! ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    build-asan/tests/fuzz/fuzz_kernel_create -fork="$jobs" -max_total_time="$fuzz_seconds" \
      -dict=tests/fuzz/kernel_create.dict -artifact_prefix=build-asan/ build-asan/fuzz-corpus tests/fuzz/corpus \
      > "$log" 2>&1; then
    tail -n 60 "$log"
    echo "test_sanitizers.sh: the fuzzer found a failure (its input is in build-asan/crash-*)" >&2
    exit 1
  fi
  # Fork mode's status lines: "#<executions>: cov: ... corp: ... time: <s>s job: <n> ..."; the last one counts all.
  last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -n 1 || true)
  echo "$last"
  runs=$(sed -E 's/^#([0-9]+):.*/\1/' <<< "$last")
  summary+=("fuzz: $runs executions in $((SECONDS - start)) s")
fi

echo "== reliability runs passed:"
printf '  %s\n' "${summary[@]}"
