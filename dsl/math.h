// actgen's vectorizable math library: f32 routines written as Halide expressions.
//
// Halide 14's own exp/log/erf are inaccurate or wrong at special values on x86, and its tanh/sinh/cosh lower
// to one scalar libm call per lane (see docs/halide14.md), so activations use these instead. Every routine
// takes and returns Float(32) expressions, vectorizes on every target, calls no libm function, and states
// its maximum error (in ulp of the exact result, subnormal results included) and special values; one table in
// tests/math/test_contract.cpp holds each of them to its statement on every x86 level the machine runs (sse41
// without FMA, avx2 and avx512 with it) and built as for CUDA: a bound changed here changes there too.
//
// "df" arguments are double-float values hi + lo with |lo| <= ulp(hi)/2: they let a caller pass an argument
// that was not exactly representable (c*x for a constant or parameter c) without losing the digits that an
// exponential would amplify.
#ifndef ACTGEN_DSL_MATH_H
#define ACTGEN_DSL_MATH_H

#include <Halide.h>

namespace actgen::math {

using Halide::Expr;

// Fused multiply-add path, process-wide (default off): expressions built while it is on use llvm.fma.f32 (one
// vfmadd per vector on x86 targets with FMA) in two_prod and in the hot polynomials; while off, routines are
// built exactly as without it (Dekker's two_prod, unfused Horner). Only turn it on for targets that have FMA
// (target_has_fma): elsewhere LLVM lowers llvm.fma.f32 to one scalar fmaf call per lane. Read when an
// expression is built, not when it is compiled; the stated error bounds hold on both paths.
void set_fma(bool on);
bool fma_enabled();
// True for x86 targets with FMA (the fma feature, or any AVX-512 level: all of them include FMA; Halide's
// avx512_skylake target does not list fma itself), for 64-bit ARM (fmla is in every AArch64 Advanced SIMD unit)
// and for CUDA (fma.rn.f32). False elsewhere.
bool target_has_fma(const Halide::Target &t);

// Contracting backend, process-wide (default off): the target's code generator fuses a * b + c into one fma even
// under strict_float. Halide 14 compiles PTX with FP-op fusion on (CodeGen_PTX_Dev), so LLVM turns the head p of
// an exact product into fma(a, b, lo) wherever p is added to something, while the error term elsewhere still
// assumes the rounded p: the error is then counted twice (measured: quick_gelu 62 ulp at x = -46, gelu_tanh 36
// at x = -9.6). While on, the head is formed as fma(a, b, z), z a zero with the product's sign taken from the
// operands' bits: the same value as a * b, and opaque to LLVM, so nothing fuses it further. Read when an
// expression is built, like set_fma.
void set_contracting(bool on);
// True for targets whose backend contracts regardless of strict_float: CUDA.
bool target_contracts(const Halide::Target &t);

// c + a * b rounded once (llvm.fma.f32) while fma_enabled(), else rounded twice: for accumulations outside the
// math routines (the channel form's dw sums).
Expr add_product(Expr c, Expr a, Expr b);

// A value hi + lo represented as two floats.
struct DF {
  Expr hi;
  Expr lo;
};

// a * b exactly, as hi + lo (FMA where the target has it, Dekker's splitting where it has not).
DF two_prod(Expr a, Expr b);
// c * x where c is a constant given in double precision: c is split into two floats, the product kept as
// hi + lo to about 2^-44 relative (hi within 0.5 ulp of c x while lo is normal, |c x| >~ 1e-30).
DF mul_df(double c, Expr x);

// Double-float sum, about 2^-44 relative: (a.hi + a.lo) + (b.hi + b.lo) (hi within 0.5 ulp while lo is normal).
DF add(const DF &a, const DF &b);

// e^x. Max 1 ulp. NaN -> NaN, +inf -> +inf, -inf -> 0, overflow -> +inf, subnormal results kept.
Expr exp(Expr x);
// e^(hi + lo). Max 1 ulp (relative to the exact e^(hi+lo)). Special values as exp(hi).
Expr exp(const DF &x);
// e^x - 1. Max 2 ulp (measured 1.73 on sse41, 1.57 with FMA, near x = 0.4 where 1 + 2 (e^r - 1) cancels to
// below 0.5). NaN -> NaN, +inf -> +inf, -inf -> -1, -0 -> -0, overflow (x > 88.72) -> +inf.
Expr expm1(Expr x);
// e^x - 1 for x <= 0 only (x > 0 is taken as 0 and returns +0): cheaper than expm1 (no overflow path). Max 1.5 ulp.
// NaN -> NaN, -inf -> -1, -0 -> -0.
Expr expm1_nonpos(Expr x);
// Natural log. Max 1 ulp for all x > 0 including subnormal x. 0 -> -inf, x < 0 -> NaN, +inf -> +inf, NaN -> NaN.
Expr log(Expr x);
// log(1 + x). Max 1.5 ulp. -1 -> -inf, x < -1 -> NaN, +inf -> +inf, NaN -> NaN, -0 -> -0.
Expr log1p(Expr x);
// log(1 + e^x) (softplus' core), accurate in both tails. Max 2.5 ulp (measured 1.77 with FMA, 2.15 without, near
// x = 0 where log(1 + E) rounds its E^2 r term separately without FMA). NaN -> NaN, +inf -> +inf, -inf -> 0.
Expr log1pexp(Expr x);
Expr log1pexp(const DF &x);
// 1 / (1 + e^-x). Max 2.5 ulp. NaN -> NaN, +inf -> 1, -inf -> 0, subnormal results kept.
Expr sigmoid(Expr x);
Expr sigmoid(const DF &x);
// a * sigmoid(t) from one exponential, for finite t or t = +-inf: subnormal products keep their digits (rounded
// at most twice), a = +-inf gives the limit (a for t >= 0, a signed 0 for t < 0), a = -0 -> -0. Max 3 ulp.
// NaN a or t -> NaN.
Expr mul_sigmoid(Expr a, const DF &t);
// a * sigmoid(t) for |a| <= |t| (x sigmoid(c x) with |c| >= 1: silu, quick_gelu, gelu_tanh), as mul_sigmoid with
// fewer operations (the product formed 2^64 high instead of a split scaling). Max 3 ulp. Special values as
// mul_sigmoid but for a NaN t with a number a, which is the caller's to select (each caller's t is c a, NaN only
// with a, and the generators' NaN rule selects x); below t = -120 the result is a signed 0.
Expr mul_sigmoid_small(Expr a, const DF &t);
// tanh x. Max 2.5 ulp (measured 1.88 sse41, 1.86 FMA). NaN -> NaN, +-inf -> +-1, -0 -> -0.
Expr tanh(Expr x);
// tanh|x| = |tanh x|, for callers that need no sign (tanh^2 x): tanh without its copysign. Max 2.5 ulp (as tanh).
// NaN -> NaN, +-inf -> 1, +-0 -> +0.
Expr tanh_abs(Expr x);
// x - tanh x without cancellation near 0. Max 2.5 ulp (measured 1.96 with FMA, 2.19 without), subnormal results
// kept. NaN -> NaN, +-inf -> +-inf, -0 -> -0.
Expr x_minus_tanh(Expr x);
// Phi(x) = (1 + erf(x / sqrt 2)) / 2, the standard normal CDF, accurate in the lower tail (relative error,
// subnormal results kept) where 1 + erf(...) cancels. Max 3.5 ulp (3.0 measured without FMA, 2.6 with).
// NaN -> NaN, -inf -> 0, +inf -> 1.
Expr normal_cdf(Expr x);
// a * Phi(x) for |a| <= 32, rounded about once even where the product is subnormal (gelu's lower tail, where
// Phi(x) alone would already be subnormal). Max 3 ulp. x > 6 -> a (a = +inf included). NaN x -> NaN when a is
// NaN too (a = x); with a number a, a NaN x gives a number: the caller selects (as every generator does,
// generators/generator_base.h's propagate_nan).
Expr mul_normal_cdf(Expr a, Expr x);
// phi(x) = e^(-x^2/2) / sqrt(2 pi), with x^2/2 formed exactly. Max 2 ulp. NaN -> NaN, +-inf -> 0.
Expr normal_pdf(Expr x);

}  // namespace actgen::math

#endif  // ACTGEN_DSL_MATH_H
