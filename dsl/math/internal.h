// Internal helpers of actgen's math library (not part of dsl/math.h's API; shared by dsl/math/*.cpp).
//
// Halide 14 facts these helpers are built around (probed on x86 sse41/avx2-fma/avx512_skylake, JIT):
//  * Outside strict_float(), Halide's simplifier rewrites float algebra: (x + 1e8) - 1e8 becomes x, x != x
//    becomes false, and LLVM gets nnan/ninf/reassoc/contract flags. Error-free transformations (two_sum,
//    Dekker) and Cody-Waite reductions are destroyed by this.
//  * Wrapping only the ROOT in strict_float() is NOT enough: CSE hoists every shared subexpression into a let
//    outside the strict_float call, where the simplifier then rewrites it (two_sum's error term became wrong).
//    So every routine returns strict(e), which wraps EVERY float node of e in strict_float (no rewrites, no
//    FMA contraction). Results are therefore bit-identical on every target built with the same FMA setting
//    (math::set_fma: off for sse41, on for avx2-fma and avx512, whose results differ from sse41's in the last bit).
//  * is_nan(x) was folded to false where the guarded expression converted x to int (select(is_nan(x), x, f(x))
//    gave f(NaN): a NaN reaching fptosi is poison to LLVM), even under strict_float. No routine converts a float
//    to int (the shifter sums of reduce_ln2 carry k in their bits instead), so Halide's is_nan (one unordered
//    compare) is the library's NaN test, as it is the generators' (generators/generator_base.h); the contract
//    table (tests/math/contract_table.h) holds NaN -> NaN on every target. Halide's min/max/clamp do NOT
//    propagate NaN (max(NaN, 0) = 0): a routine either selects NaN or clamps with at_least / at_most below.
//  * Halide 14 has no fma() intrinsic, but Call::make(Float(32), "llvm.fma.f32", ..., PureExtern) is scalarized
//    per lane by Halide and re-vectorized by LLVM into vfmadd...ps (ymm on avx2-fma, zmm on avx512), also
//    under strict_float; on a target without FMA (sse41) it becomes a scalar fmaf call per lane. So fma() is
//    used only while math::set_fma(true) (the generator sets it from math::target_has_fma); otherwise
//    two_prod uses Dekker's splitting (exact on every target under strict) and polynomials are unfused.
//    (llvm.fmuladd is not fused under strict_float.)
#ifndef ACTGEN_DSL_MATH_INTERNAL_H
#define ACTGEN_DSL_MATH_INTERNAL_H

#include "dsl/math.h"

namespace actgen::math::detail {

using Halide::Expr;

// Process-wide FMA switch (math::set_fma), read while expressions are built.
bool use_fma();

// a * b + c rounded once (llvm.fma.f32). Only for use_fma(); all three Float(32).
inline Expr fma(const Expr &a, const Expr &b, const Expr &c) {
  return Halide::Internal::Call::make(Halide::Float(32), "llvm.fma.f32", {a, b, c},
                                      Halide::Internal::Call::PureExtern);
}

// Process-wide contracting-backend switch (math::set_contracting).
bool contracting();

// a * b rounded once, as the head of an exact product whose error term is computed separately: a plain multiply,
// or on a contracting backend (CUDA) fma(a, b, z) with z a zero carrying the product's sign, built from the
// operands' sign bits (integer operations), so that a * b + z == a * b exactly and LLVM can neither fold the fma
// back into a multiply (as it does for fma(x, x, +0), whose product cannot be -0) nor fuse the head into a later
// addition (see math::set_contracting). Only for use_fma().
inline Expr mul_head(const Expr &a, const Expr &b) {
  if (!contracting()) return a * b;
  using namespace Halide;
  const Expr sign = Internal::make_const(UInt(32), 0x80000000u);
  // a * a is never -0: a's own sign bit is opaque enough (x ^ x would fold to +0).
  Expr bits = Internal::equal(a, b) ? reinterpret(UInt(32), a) : reinterpret(UInt(32), a) ^ reinterpret(UInt(32), b);
  return fma(a, b, reinterpret(Float(32), bits & sign));
}

// a * b + c: fused (one rounding) with use_fma(), else a * b + c as two roundings (the no-FMA path). Sites written
// c + a * b use math::add_product, the same with the no-FMA path's operands in that order.
inline Expr mad(const Expr &a, const Expr &b, const Expr &c) {
  return use_fma() ? fma(a, b, c) : a * b + c;
}

// a^2 as hi + lo for finite a whose square neither overflows nor has an error term below the subnormal range:
// exact_prod(a, a) with the FMA path; without, Dekker with a single Veltkamp split of a (a = ah + al, 12 + 12
// bits; |a| < 2^100) and no scaling or infinity checks (math::two_prod has both): 13 operations instead of ~20.
inline DF exact_square(const Expr &a) {
  if (use_fma()) return exact_prod(a, a);
  Expr c = a * 4097.0f;
  Expr ah = c - (c - a);
  Expr al = a - ah;
  Expr p = a * a;
  return {p, ((ah * ah - p) + (ah + ah) * al) + al * al};
}

// x is finite (integer test on the bits).
inline Expr is_finite_bits(const Expr &x) {
  using namespace Halide;
  Expr b = reinterpret(UInt(32), x) & Internal::make_const(UInt(32), 0x7fffffff);
  return b < Internal::make_const(UInt(32), 0x7f800000);
}

inline Expr f32(double v) { return Halide::Expr(static_cast<float>(v)); }

// s + e == a + b exactly (Knuth). Caller wraps the final expression in strict_float.
inline DF two_sum(const Expr &a, const Expr &b) {
  Expr s = a + b;
  Expr bb = s - a;
  Expr e = (a - (s - bb)) + (b - bb);
  return {s, e};
}

// Renormalizes hi + lo (|hi| >= |lo|) into a DF; an infinite or NaN hi passes through with lo = 0.
inline DF renorm(const Expr &hi, const Expr &lo) {
  using namespace Halide;
  DF r = fast_two_sum(hi, lo);
  Expr fin = is_finite_bits(hi);
  return {select(fin, r.hi, hi), select(fin && is_finite_bits(r.hi), r.lo, 0.0f)};
}

// ln 2 split for Cody-Waite: L2H = 0x3f317200 has 15 significant bits, so k * L2H is exact for |k| < 2^9 (every
// k used in dsl/math), and h - k * L2H is exact by Sterbenz. L2L = ln 2 - L2H (to float precision; its own
// rounding, 2^-47 relative, only enters multiplied by k, i.e. below 2^-38 absolute). log2(e) rounded: only used
// to pick k; any error there just moves the reduced argument slightly beyond ln 2 / 2.
constexpr float kLn2Hi = 0.693145751953125f;
constexpr float kLn2Lo = 1.428606765330187045e-06f;
constexpr float kLog2e = 1.44269504088896341f;

// h = k ln 2 + r1 + (the L2L part) for finite |h| <= 280: k = round(h / ln 2) by the 1.5 * 2^23 shifter, whose
// sum t holds k in its low bits (tb = 0x4b400000 + k, so no float->int conversion: a NaN reaching fptosi is
// poison to LLVM), kf = k as a float, r1 = h - kf L2H exact. Through mad(): fused with the FMA path.
struct Ln2Reduction {
  Expr kf;  // Float(32)
  Expr tb;  // UInt(32), the shifter sum's bits
  Expr k;   // Int(32)
  Expr r1;  // Float(32)
};
Ln2Reduction reduce_ln2(const Expr &h);

// What to add to (tb << 23), tb = 0x4b400000 + k the shifter sum's bits, for the bits of the float 2^(k + e)
// (k + e + 127 in [1, 254]: a normal power of two; modulo 2^32, as intended).
constexpr uint32_t shifter_exponent(int e) {
  return (static_cast<uint32_t>(e) + 127u - 0x4b400000u) << 23;
}

// e^(hi + lo) as a float (lo undefined: e^hi), plain-float Cody-Waite, about 0.6 ulp, subnormal results rounded
// once, overflow -> inf, hi = -inf -> 0, +inf -> inf. NaN hi gives an unspecified (non-poison) value, or with
// keep_nan that NaN (the clamp of hi keeps it: math::exp, which then has no select; without, Halide's clamp is
// cheaper where registers are short, as the clamp bounds can be memory operands).
Expr exp_core(const Expr &hi, const Expr &lo, bool keep_nan = false);
// The same as hi + lo: lo the rounding error of hi to ~2^-28 relative in the normal range (polynomial error
// 0.18 * 2^-24 relative on top). Above 88.7 hi = inf and lo is inf or NaN: callers select.
DF exp_core_df(const Expr &hi, const Expr &lo, bool keep_nan = false);
// q(r) with e^r = 1 + r + r^2 q(r) on the reduced range [-0.35, 0.35]: degree 4, interpolating
// (e^r - 1 - r) / r^2 at the Chebyshev nodes (long double interpolation, coefficients rounded to float); max
// relative error of 1 + r + r^2 q(r) 0.18 * 2^-24. Shared by exp_core_df and sigmoid_parts.
Expr exp_quadratic_tail(const Expr &r);

// log(u) + c for finite u > 0 (subnormal u included) and a small correction c (|c| <~ ulp(u)/u), about 0.6 ulp.
// Does not handle u <= 0, inf or NaN.
Expr log_core(const Expr &u, const Expr &c);

// bits of x (a +0, a positive value, +inf or a NaN: its sign bit clear) with the sign of s: one operation fewer
// than copysign.
inline Expr copysign_nonneg(const Expr &x, const Expr &s) {
  using namespace Halide;
  Expr sg = reinterpret(UInt(32), s) & Halide::Internal::make_const(UInt(32), 0x80000000u);
  return reinterpret(Float(32), reinterpret(UInt(32), x) | sg);
}

// bits of x with the sign of s.
inline Expr copysign(const Expr &x, const Expr &s) {
  using namespace Halide;
  Expr m = reinterpret(UInt(32), x) & Halide::Internal::make_const(UInt(32), 0x7fffffff);
  Expr sg = reinterpret(UInt(32), s) & Halide::Internal::make_const(UInt(32), 0x80000000u);
  return reinterpret(Float(32), m | sg);
}

}  // namespace actgen::math::detail

#endif  // ACTGEN_DSL_MATH_INTERNAL_H
