# The targets kernels are generated for: one entry per target, best first (the runtime prefers earlier ones).
# Fields: name users and ACTGEN_TARGET use | kernel symbol suffix | Halide target | processor that runs it
# (CMAKE_SYSTEM_PROCESSOR) | CPU features the runtime must detect before selecting it (names as
# runtime/cpu_features.cpp reports them: x86 from cpuid, aarch64 from the kernel's hwcaps, e.g. neon = HWCAP_ASIMD,
# riscv64 the single-letter extensions in the kernel's hwcaps, e.g. v;
# "cuda": the runtime's own driver probe found a device) | where the kernel's data lives (host or cuda: a cuda
# kernel takes device pointers and is only selected by name, never automatically) | optional: "<dtype> ... from
# <target>", dtypes whose kernels (plain, counting, forms) are the named target's, because they would be the same
# code (that target must generate them itself); the entry then generates only the other dtypes.
# f16c in the features (x86): the target's f16 plain kernels run as its f32 kernels between the runtime's F16C
# conversions (runtime/convert.h), which Halide 14 cannot put in a kernel (docs/halide14.md section 9).
# The features field may be empty: such a target needs nothing the runtime detects (it runs wherever its processor
# does; runtime/cpu_features.cpp detects nothing on architectures it does not know).
# A build generates kernels for the entries whose processor is the one it builds for; any other processor is a
# cross build (cmake/toolchain-cross.cmake with its GNU triple, scripts/test_cross.sh <arch>) that runs a host
# build's generators. Keep strict_float: without it Halide rewrites the float algebra the math library relies on.
# A build adds targets without editing this file with -DACTGEN_EXTRA_TARGETS="<entry>[;<entry>...]" (same fields),
# appended after these by cmake/generate.cmake; scripts/test.sh builds and tests riscv64 that way, with the one
# entry (unquoted here, so that the scripts reading this file do not take the example for a target)
#   riscv-64-rv64gc|rv64gc|riscv-64-linux-strict_float|riscv64||host
set(ACTGEN_TARGETS
  "x86-64-avx512|avx512|x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41-strict_float|x86_64|avx512f avx512cd avx512bw avx512dq avx512vl avx2 fma f16c|host"
  "x86-64-avx2|avx2|x86-64-linux-avx-avx2-f16c-fma-sse41-strict_float|x86_64|avx2 fma f16c|host"
  "x86-64-sse41|sse41|x86-64-linux-sse41-strict_float|x86_64|sse41|host"
  # ARMv8.2-FP16 (hwcaps fphp and asimdhp): Halide's arm_fp16 gives the f16 kernels the hardware's conversions
  # (fcvtl / fcvtn, generators/dtype_convert.h); its f32 and bf16 kernels would be the same code as arm-64-neon's,
  # so they are arm-64-neon's.
  "arm-64-neon_fp16|neon_fp16|arm-64-linux-arm_fp16-strict_float|aarch64|neon fp16|host|f32 bf16 from arm-64-neon"
  "arm-64-neon|neon|arm-64-linux-strict_float|aarch64|neon|host"
  # PTX for compute capability 5.0, which every newer GPU's driver JIT-compiles.
  "cuda|cuda|x86-64-linux-cuda-cuda_capability_50-strict_float|x86_64|cuda|cuda"
)
# The element types kernels are generated for: actgen_dtype enumerator | name (symbol suffix, and the name users,
# the CLI and the tests use) | Halide type of the kernel's buffers. The public enum (actgen/actgen_dtypes.h: an
# entry's value is its position here, so entries are only ever appended) and the runtime's dtype table (names,
# element sizes, buffer types, in the manifest) are generated from this list; nothing else lists the dtypes. Every kernel
# computes in f32; generators/dtype_convert.h converts at the edges, chosen by the buffer type (bf16 is stored
# as uint16: Halide 14's generators have no bfloat16 type name).
set(ACTGEN_DTYPES
  "ACTGEN_F32|f32|float32"
  "ACTGEN_F16|f16|float16"
  "ACTGEN_BF16|bf16|uint16"
)
