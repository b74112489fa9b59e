// f16 <-> f32 conversions done by the runtime with the processor's own instructions, for the f16 kernels of
// targets that have them (x86 F16C: the targets whose features in cmake/targets.cmake list "f16c"). Such an f16
// call runs the target's f32 kernel between these conversions, block by block (runtime/api.cpp), because Halide
// 14 cannot emit the conversion instructions in a generated kernel (docs/halide14.md section 9) and its integer
// conversions cost more than the activation for the cheap kernels.
// Semantics are the kernels' own (generators/dtype_convert.h, README "Half precision"): round to nearest even
// (whatever MXCSR's rounding mode), f16 subnormals kept both ways, overflow to +-inf, NaN kept as NaN with its
// sign and high payload bits and the quiet bit set. The results are the f16 kernels' bit for bit.
#ifndef ACTGEN_RUNTIME_CONVERT_H
#define ACTGEN_RUNTIME_CONVERT_H

#include <cstddef>
#include <cstdint>

namespace actgen::rt {

// Whether this build has the conversions (an x86-64 build) and the processor the F16C instructions.
bool f16c_conversions_usable();
// n f16 bit patterns to f32 (exact); n f32 values to f16, rounded to nearest even. Only where usable.
void f16_to_f32(const uint16_t *in, float *out, size_t n);
void f32_to_f16(const float *in, uint16_t *out, size_t n);

}  // namespace actgen::rt

#endif  // ACTGEN_RUNTIME_CONVERT_H
