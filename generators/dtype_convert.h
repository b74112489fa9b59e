// Element-type conversions at the edges of a kernel: every activation computes in f32 (its definition as it is),
// and a kernel whose buffers hold a narrower type converts on load (to_f32) and on store (from_f32). Which
// conversion is chosen by the buffer's Halide type, as cmake/targets.cmake's ACTGEN_DTYPES names it:
//   float32  f32, no conversion
//   float16  IEEE binary16 (f16)
//   uint16   bfloat16 bit patterns (bf16): Halide 14's generators have no bfloat16 type name, and its bf16
//            conversions do not compile for CUDA (docs/halide14.md section 9), so bf16 buffers are uint16.
// The conversions are written here with integer operations (and one exact float add / multiply) rather than left
// to Halide: Halide 14 emulates float16 casts with integer code anyway, and its emulation turns NaN into inf.
// The exception: on ARM targets with Halide's `arm_fp16` feature (ARMv8.2-FP16; the arm-64-neon_fp16 target)
// Halide 14 lowers float16 casts to the hardware's fcvtl / fcvtn, which meet the same contract (FPCR's defaults:
// round to nearest even, no flush, NaN kept and quieted), so f16 uses its casts there (target_converts_f16;
// docs/halide14.md section 15). bf16 stays integer code everywhere.
// Contract (README, "Half precision"): round to nearest even; NaN stays NaN (the sign and the payload's high bits
// are kept and the quiet bit set, so a NaN whose payload lies only in the dropped low bits stays NaN); overflow
// and +-inf give +-inf; f16 subnormals are kept in both directions (no flush to zero, and the f32 value of every
// f16 subnormal is exact; f32 inputs below f16's range round to +-0 or the nearest f16 subnormal).
#ifndef ACTGEN_GENERATORS_DTYPE_CONVERT_H
#define ACTGEN_GENERATORS_DTYPE_CONVERT_H

#include <Halide.h>

namespace actgen {

namespace dtype_detail {
inline Halide::Expr u32(uint32_t v) { return Halide::Internal::make_const(Halide::UInt(32), v); }
}  // namespace dtype_detail

// Whether Halide 14 lowers float16 <-> float32 casts to hardware conversions on this target (ARM with arm_fp16).
inline bool target_converts_f16(const Halide::Target &t) {
  return t.arch == Halide::Target::ARM && t.has_feature(Halide::Target::ARMFp16);
}

// The f32 value of a stored element, in a kernel for `target`.
inline Halide::Expr to_f32(Halide::Expr stored, const Halide::Target &target) {
  using namespace Halide;
  using dtype_detail::u32;
  const Type t = stored.type();
  if (t == Float(32)) return stored;
  if (t == UInt(16)) {  // bf16: the high half of the f32 pattern, exact
    return reinterpret<float>(cast<uint32_t>(stored) << 16);
  }
  if (t == Float(16) && target_converts_f16(target)) return strict_float(cast<float>(stored));  // fcvtl: exact
  if (t == Float(16)) {
    Expr h = cast<uint32_t>(reinterpret<uint16_t>(stored));
    Expr sign = (h << 16) & u32(0x80000000u);
    Expr shifted = (h & u32(0x7fffu)) << 13;  // exponent and mantissa in place, exponent still biased by 15
    // Normal, subnormal and zero in one exact multiply: read as an f32, `shifted` is the value times 2^-112 (a
    // normal f16 lands in f32's normal range, a subnormal one in f32's subnormals, exactly), so the product by
    // 2^112 is the value, exact. Inf/NaN (exponent 31): exponent 255, payload kept (a NaN stays NaN).
    Expr scaled = reinterpret<uint32_t>(strict_float(reinterpret<float>(shifted) * 5.192296858534828e33f));
    Expr magnitude = select(shifted >= u32(0x0f800000u), shifted | u32(0x7f800000u), scaled);
    return reinterpret<float>(magnitude | sign);
  }
  Halide::Internal::ErrorReport(__FILE__, __LINE__, nullptr, Halide::Internal::ErrorReport::User) << "actgen: no conversion from element type " << t << " to f32\n";
  return Expr();
}

// The stored element (of type `stored`) nearest to an f32 value, ties to even, in a kernel for `target`.
inline Halide::Expr from_f32(Halide::Expr value, Halide::Type stored, const Halide::Target &target) {
  using namespace Halide;
  using dtype_detail::u32;
  if (stored == Float(32)) return value;
  if (stored == Float(16) && target_converts_f16(target)) return strict_float(cast(Float(16), value));  // fcvtn
  Expr u = reinterpret<uint32_t>(value);
  Expr a = u & u32(0x7fffffffu);
  const Expr is_nan = a > u32(0x7f800000u);  // on the bits: Halide may fold is_nan() (docs/halide14.md section 2)
  if (stored == UInt(16)) {  // bf16
    Expr rounded = (u + (u32(0x7fffu) + ((u >> 16) & u32(1u)))) >> 16;  // overflow carries into the exponent: inf
    Expr nan = (u >> 16) | u32(0x0040u);                            // quiet bit: never the inf pattern
    return cast<uint16_t>(select(is_nan, nan, rounded));
  }
  if (stored == Float(16)) {
    Expr sign = (u >> 16) & u32(0x8000u);
    // Normal range [2^-14, 65520): rebias by 112 and round the 13 dropped bits to nearest even.
    Expr r = a - u32(112u << 23);
    Expr normal = (r + (u32(0x0fffu) + ((r >> 13) & u32(1u)))) >> 13;
    // Below 2^-14: |x| + 0.5 rounds (to nearest even) at 2^-24, f16's subnormal spacing; the low bits of the sum
    // are then the f16 pattern (0x400 when it rounds up to the smallest normal). Exact otherwise.
    Expr fa = reinterpret<float>(a);
    Expr sub = reinterpret<uint32_t>(strict_float(fa + 0.5f)) - u32(0x3f000000u);
    Expr nan = u32(0x7e00u) | ((a >> 13) & u32(0x03ffu));
    Expr magnitude = select(is_nan, nan, a >= u32(0x477ff000u), u32(0x7c00u), a < u32(0x38800000u), sub, normal);
    return reinterpret(Float(16), cast<uint16_t>(magnitude | sign));
  }
  Halide::Internal::ErrorReport(__FILE__, __LINE__, nullptr, Halide::Internal::ErrorReport::User) << "actgen: no conversion from f32 to element type " << stored << "\n";
  return Expr();
}

}  // namespace actgen

#endif  // ACTGEN_GENERATORS_DTYPE_CONVERT_H
