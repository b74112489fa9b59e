// f16 / bf16 <-> f32 conversions done by the runtime, for the calls that run an f32 kernel between conversions
// (runtime/converted.h, tile by tile):
// - the plain f16 kernels of the x86 targets whose features list "f16c" (cmake/targets.cmake): the target's f32
//   kernel between the processor's own F16C instructions, because Halide 14 cannot emit those instructions in a
//   generated kernel (docs/halide14.md section 9) and its integer conversions cost more than the activation for
//   the cheap kernels;
// - every f16 and bf16 fused-form call (runtime/forms.cpp): the forms' kernels are built for f32 only
//   (cmake/forms.cmake).
// f16 uses F16C where an x86 processor has it and FCVTL / FCVTN on AArch64 (under an FPCR set for them); bf16 AVX2
// integer code where an x86 processor has AVX2; the portable integer code below elsewhere (bf16 on AArch64, which
// the compiler vectorizes; riscv64) and for the tails.
// Semantics are the kernels' own (generators/dtype_convert.h, README "Half precision"): round to nearest even
// (whatever the floating-point environment says: the portable code is integer arithmetic, and vcvtps2ph takes
// immediate 0), f16 subnormals kept both ways (also under FTZ/DAZ), overflow to +-inf, NaN kept as NaN with its
// sign and high payload bits and the quiet bit set. The results are the in-kernel conversions' bit for bit.
#ifndef ACTGEN_RUNTIME_CONVERT_H
#define ACTGEN_RUNTIME_CONVERT_H

#include <cstddef>
#include <cstdint>

#include "actgen/actgen.h"

namespace actgen::rt {

// Whether this build has the F16C conversions (an x86-64 build) and the processor the instructions.
bool f16c_conversions_usable();
// n f16 bit patterns to f32 (exact); n f32 values to f16, rounded to nearest even. Only where usable.
void f16_to_f32(const uint16_t *in, float *out, size_t n);
void f32_to_f16(const float *in, uint16_t *out, size_t n);

// Any processor: n elements of a 16-bit dtype (ACTGEN_F16 or ACTGEN_BF16) to f32 (exact), and n f32 values to it
// (rounded to nearest even), with the vector code above where there is one.
void half_to_f32(actgen_dtype dtype, const uint16_t *in, float *out, size_t n);
void f32_to_half(actgen_dtype dtype, const float *in, uint16_t *out, size_t n);
// The portable code alone (what the two above use where F16C is not usable; tests hold it to F16C and to the
// IEEE formats).
void half_to_f32_portable(actgen_dtype dtype, const uint16_t *in, float *out, size_t n);
void f32_to_half_portable(actgen_dtype dtype, const float *in, uint16_t *out, size_t n);

// A converted call's scratch, per thread and kept for the thread's next calls, for the lease's lifetime. A thread of
// Halide's pool that waits for a kernel's own parallel loop runs other tasks meanwhile, possibly another converted
// task: a lease made while the thread's scratch is leased gets memory of its own (freed with the lease). get() is
// nullptr when there was no memory.
class ScratchLease {
 public:
  explicit ScratchLease(size_t bytes);
  ~ScratchLease();
  ScratchLease(const ScratchLease &) = delete;
  ScratchLease &operator=(const ScratchLease &) = delete;
  void *get() const { return pointer_; }

 private:
  void *pointer_ = nullptr;
  bool owned_ = false;  // memory of its own (re-entered); else the thread's scratch
};

}  // namespace actgen::rt

#endif  // ACTGEN_RUNTIME_CONVERT_H
