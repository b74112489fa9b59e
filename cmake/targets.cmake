# The targets kernels are generated for: one entry per target, best first (the runtime prefers earlier ones).
# Fields: name users and ACTGEN_TARGET use | kernel symbol suffix | Halide target | processor that runs it
# (CMAKE_SYSTEM_PROCESSOR) | CPU features the runtime must detect before selecting it (names as
# runtime/cpu_features.cpp reports them: x86 from cpuid, aarch64 from the kernel's hwcaps, e.g. neon = HWCAP_ASIMD;
# "cuda": the runtime's own driver probe found a device) | where the kernel's data lives (host or cuda: a cuda
# kernel takes device pointers and is only selected by name, never automatically).
# A build generates kernels for the entries whose processor is the one it builds for; an aarch64 build is a cross
# build (cmake/toolchain-aarch64.cmake) that runs a host build's generators. Keep strict_float: without it Halide
# rewrites the float algebra the math library relies on.
set(ACTGEN_TARGETS
  "x86-64-avx512|avx512|x86-64-linux-avx-avx2-avx512-avx512_skylake-f16c-fma-sse41-strict_float|x86_64|avx512f avx512cd avx512bw avx512dq avx512vl avx2 fma|host"
  "x86-64-avx2|avx2|x86-64-linux-avx-avx2-f16c-fma-sse41-strict_float|x86_64|avx2 fma|host"
  "x86-64-sse41|sse41|x86-64-linux-sse41-strict_float|x86_64|sse41|host"
  "arm-64-neon|neon|arm-64-linux-strict_float|aarch64|neon|host"
  # PTX for compute capability 5.0, which every newer GPU's driver JIT-compiles.
  "cuda|cuda|x86-64-linux-cuda-cuda_capability_50-strict_float|x86_64|cuda|cuda"
)
# The element types kernels are generated for: actgen_dtype enumerator | symbol suffix | Halide type name.
set(ACTGEN_DTYPES
  "ACTGEN_F32|f32|float32"
)
