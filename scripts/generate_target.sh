#!/usr/bin/env bash
# usage: scripts/generate_target.sh --target <Halide target> [--name N] [--features "F ..."] [--out DIR]
#                                   [--build-dir HOST_BUILD] [--dry-run] [-D<cmake option> ...] [-- <ctest options>]
# `actgen generate` runs this from the build tree the tool was built in (--build-dir is that tree).
#
# A complete kernel library for a Halide target the build does not list: the target becomes one
# ACTGEN_EXTRA_TARGETS entry (cmake/targets.cmake's fields: name|suffix|Halide target|processor|features|memory; the optional seventh, shared dtypes, is not used here),
# and the project is configured and built with it into DIR/build, running the host build's generators (every
# catalog activation, both directions, every dtype, the fused forms where its processor is the host's, the Halide
# runtime, the manifest), then installed into DIR: include/, lib/libactgen.a and libactgen.so (the runtime with
# the kernels of every target of that processor, the new one included), bin/actgen, lib/cmake, lib/pkgconfig.
# Its processor comes from the target's architecture (x86-64 -> x86_64, arm-64 -> aarch64, riscv-64 -> riscv64);
# another processor than this machine's is a cross build (cmake/toolchain-cross.cmake, Debian's
# g++-<processor>-linux-gnu), whose programs run here under qemu-<processor>. strict_float is added to the target
# when it is missing (the math library relies on it). --features names what the runtime must detect before it
# selects the target (runtime/cpu_features.cpp's names; empty: wherever its processor runs). The test suite is built
# too; after "--" the script runs it (ctest with those options; under qemu for a cross build), e.g. `-- -L catalog`.
# --dry-run prints the entry and the commands without running them.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
usage() { sed -n '2,3p' "$0" | sed 's/^# //' >&2; exit 2; }
target="" name="" features="" out="" host="${ACTGEN_HOST_BUILD:-$src/build}" dry=0 run_tests=0
cmake_extra=() ctest_args=()
while (($#)); do
  case $1 in
    --target) target=${2-}; shift 2 || usage ;;
    --name) name=${2-}; shift 2 || usage ;;
    --features) features=${2-}; shift 2 || usage ;;
    --out) out=${2-}; shift 2 || usage ;;
    --build-dir) host=${2-}; shift 2 || usage ;;
    --dry-run) dry=1; shift ;;
    -D*) cmake_extra+=("$1"); shift ;;
    --) shift; run_tests=1; ctest_args=("$@"); break ;;
    # The help is the comment block at the top (line 2 up to the first line that is not a comment).
    -h | --help) sed -n '2,${/^#/!q;p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "generate_target.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ -n $target ]] || { echo "generate_target.sh: --target <Halide target> is required" >&2; usage; }
case $target in
  x86-64-*) proc=x86_64 ;;
  arm-64-*) proc=aarch64 ;;
  riscv-64-*) proc=riscv64 ;;
  *) echo "generate_target.sh: '$target': not an x86-64, arm-64 or riscv-64 Halide target" >&2; exit 2 ;;
esac
if [[ $target == *cuda* || $target == *opencl* || $target == *metal* || $target == *vulkan* ]]; then
  echo "generate_target.sh: '$target' is a GPU target: this script makes CPU targets (the cuda entry of" \
       "cmake/targets.cmake shows a GPU one)" >&2
  exit 2
fi
[[ $target == *strict_float* ]] || target=$target-strict_float
# The name, of the documented form <arch>-<bits>-<what> (test_catalog's Catalog.TargetNames holds every target to
# it): the target's architecture and bits, then its features without the OS and strict_float, '_'-joined, or
# "base" when it has none (riscv-64-linux -> riscv-64-base, arm-64-linux-sve2-arm_fp16 -> arm-64-sve2_arm_fp16).
# The kernel symbol suffix: the name with every character but letters and digits as '_'.
if [[ -z $name ]]; then
  IFS=- read -r -a parts <<< "$target"
  what=$(printf '%s\n' "${parts[@]:2}" | { grep -v -x -E 'linux|android|osx|windows|ios|noos|strict_float' || true; } |
         paste -sd_ -)
  name=${parts[0]}-${parts[1]}-${what:-base}
fi
[[ $name =~ ^(x86|arm|riscv)-(32|64)-[a-z0-9_]+$ ]] ||
  { echo "generate_target.sh: name '$name' is not of the form <arch>-<bits>-<what> (e.g. riscv-64-base)" >&2; exit 2; }
suffix=$(tr -c 'A-Za-z0-9\n' '_' <<< "$name")
out=${out:-$PWD/actgen-$name}
entry="$name|$suffix|$target|$proc|$features|host"
args=(-S "$src" -B "$out/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DACTGEN_HOST_GENERATORS="$host"
      -DCMAKE_INSTALL_PREFIX="$out" -DACTGEN_EXTRA_TARGETS="$entry")
runner=()
if [[ $proc != "$(uname -m)" ]]; then
  triple=$proc-linux-gnu
  args+=(-DCMAKE_TOOLCHAIN_FILE="$src/cmake/toolchain-cross.cmake" -DACTGEN_CROSS_TRIPLE="$triple")
  runner=("qemu-$proc" -L "/usr/$triple" -E LD_LIBRARY_PATH="$out/lib")
fi
args+=(${cmake_extra[@]+"${cmake_extra[@]}"})
echo "entry      $entry"
echo "configure  cmake ${args[*]}"
echo "build      cmake --build $out/build && cmake --install $out/build"
((run_tests)) && echo "test       (cd $out/build && ctest ${ctest_args[*]-})"
echo "check      ${runner[*]-} $out/bin/actgen info"
((dry)) && exit 0

if [[ ! -x $host/actgen_gen_relu ]]; then
  echo "generate_target.sh: no generators in $host (build the host build first, or give --build-dir)" >&2
  exit 1
fi
if ((${#runner[@]})); then
  for tool in "$triple-g++" "qemu-$proc"; do
    command -v "$tool" > /dev/null || { echo "generate_target.sh: $tool is missing (Debian: scripts/setup.sh)" >&2; exit 1; }
  done
fi
start=$SECONDS
cmake "${args[@]}" > /dev/null
cmake --build "$out/build"  # ninja's [done/total] lines are the progress
cmake --install "$out/build" > /dev/null
echo "== built and installed into $out in $((SECONDS - start)) s"
if ((run_tests)); then
  (cd "$out/build" && ctest --output-on-failure --timeout 900 ${ctest_args[@]+"${ctest_args[@]}"})
fi
info=$(${runner[@]+"${runner[@]}"} "$out/bin/actgen" info)
echo "$info"
if ! grep -q "^target  *$name " <<< "$info"; then
  echo "generate_target.sh: the installed library does not list target $name" >&2
  exit 1
fi
