// actgen's vectorizable math library: f32 routines written as Halide expressions.
//
// Halide 14's own exp/log/erf are inaccurate or wrong at special values on x86, and its tanh/sinh/cosh lower
// to one scalar libm call per lane (see docs/halide14.md), so activations use these instead. Every routine
// takes and returns Float(32) expressions, vectorizes on every target, calls no libm function, and states
// its maximum error (in ulp of the exact result, subnormal results included) and special values; one table,
// tests/math/contract_table.h, compiled ahead of time for every target a build generates kernels for, holds each
// of them to its statement on each of those targets (test_contract: the x86 levels with and without FMA, NEON and
// riscv64 under qemu, and as built for CUDA): a bound changed here changes there too.
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

// ---- Building blocks: the steps the routines above are made of, for definitions (dsl/activations/*.cpp,
// dsl/composite.cpp) that combine them into a formula of their own. Each has its bound held by the contract table
// like the routines (tests/math/contract_table.h). ----

// e wrapped, every floating-point node of it (shared subexpressions included), in strict_float: Halide then
// neither rewrites its float algebra nor lets LLVM contract it (docs/halide14.md section 1; wrapping only the root
// is not enough: CSE hoists shared nodes out of it). Every routine's result is strict already; a definition that
// combines error-free steps itself returns strict(...) of its result. No change of value: e's IEEE value, exactly.
Expr strict(const Expr &e);
DF strict(const DF &d);

// x clamped as PyTorch's clamp, a NaN x passing through (IEEE comparisons with a NaN are false): at_least is
// x < lo ? lo : x, at_most x > hi ? hi : x, clamp_keeping_nan both. Exact; x itself at a bound, but for the sign
// of a zero at a zero bound: -0 stays -0 on x86, while on NEON LLVM 14 lowers the select to fmax / fmin, which
// order -0 below +0 (at_least(-0, 0) = +0 there; the contract table found it). On x86 each bound is one maxps /
// minps with x as the operand returned for a NaN, as many instructions as Halide's max / min, which return the
// bound for a NaN: a routine clamped this way can leave its NaN select out where every later step is an IEEE
// operation on the clamped value (the generators' NaN rule, generators/generator_base.h's propagates_nan, then
// sees that too and adds none).
Expr at_least(const Expr &x, const Expr &lo);
Expr at_most(const Expr &x, const Expr &hi);
Expr clamp_keeping_nan(const Expr &x, const Expr &lo, const Expr &hi);

// -x by flipping the sign bit: exact, NaN -> NaN (sign flipped), -0 <-> +0. LLVM folds it into vfnmadd / fmls.
Expr neg_bits(const Expr &x);

// 2^k for an Int(32) k in [-126, 127], built from the exponent field: exact. Outside that range the value is
// unspecified.
Expr pow2i(const Expr &k);

// q * 2^k for an Int(32) k in [-190, 0]: below k = -64 as (q * 2^(k + 64)) * 2^-64, both factors normal, else
// q * 2^k. Exact where the result is normal (q normal); a subnormal result is rounded at most twice: max 1 ulp.
Expr scale_pow2_nonpos(const Expr &q, const Expr &k);

// hi + lo = a + b exactly, hi = a + b rounded, provided |a| >= |b| or a = 0 (Dekker's Fast2Sum; 3 operations),
// for a + b finite.
DF fast_two_sum(const Expr &a, const Expr &b);

// a * b exactly as hi + lo (hi rounded), for finite a, b whose product neither overflows nor has an error term
// below the subnormal range (|a b| >= 2^-100 or so): two_prod without its infinity check (with the FMA path one
// multiply and one fma).
DF exact_prod(const Expr &a, const Expr &b);

// log(1 + E) for E in [0, 1] (E = e^-|t| in softplus): E + E (E r(E)), r a degree-8 polynomial. No log reduction,
// no division. Max 1.5 ulp (measured 1.17 with FMA, 1.45 without, near E = 0.97). Subnormal E: E itself. Outside
// [0, 1] (NaN included) unspecified.
Expr log1p_unit(const Expr &E);

// Phi(x) + x phi(x) (gelu's derivative) from one exponential, each term as normal_cdf and normal_pdf compute it,
// for finite |x| <= 10 (callers select beyond). Max 5 ulp outside [-1.5, -0.3] (measured 4.64 with FMA near
// x = -0.02, 4.88 without near -1.58); inside, where Phi(x) and x phi(x) cancel towards the zero x0 = -0.75179,
// the error is absolute: 1 + the result within 2 ulp of 1 + the exact value (measured 1.37 and 1.62), about
// 2^-24. NaN not handled (the callers select).
Expr normal_cdf_plus_x_pdf(Expr x);

// e^-|t| for t = hi + lo (lo may be undefined), with the pieces sigmoid-like quotients need, from one reduction
// and one polynomial. hi is clamped below at -|clamp_lo| first (callers choose how far the tail must reach: 104
// for results that are e^-|t| itself, 193 for a product with any finite float). e^-|t| = E 2^kr, kr <= 0 an
// integer.
//  * with_low (double-float): E is a normal float, E + El within about 0.25 ulp of e^-|t| 2^-kr (the
//    polynomial's 0.18 ulp: E + El rounded to float within 0.8 ulp, measured 0.76), only 2^max(k, -125) folded
//    into E, so kr = 0 unless |t| > 86.6; E 2^kr within 1.5 ulp (a subnormal result rounded once more).
//  * without: E within 0.9 ulp (measured 0.899; El undefined); E 2^kr within 1.5 ulp. For clamp_lo <= 120,
//    kr = 0 and E is e^-|t| itself, subnormal values rounded once (and E64 = e^-|t| 2^64, normal, the same value
//    2^64 high); beyond, E is normal and kr as above.
// D + dl = 1 + E (+ El) exactly, D = 1 + E rounded (within 1 ulp of 1 + e^-|t|). neg: t < 0.
// NaN hi: some finite value (callers select NaN themselves), unless keep_nan: then hi passes the clamp and E and
// D are NaN (sign bit set), for a caller whose result is computed from E and D alone (sigmoid), which then needs
// no NaN select. (A caller that combines E with t itself (x E, t + log(1 + E)) must not use keep_nan: it would
// meet two NaNs of opposite signs in one operation, and which one comes out depends on the operand order the
// compiler picks; generators/generator_base.h, NanCarry.)
struct SigmoidParts {
  Expr neg;  // Bool: hi < 0
  Expr E;    // Float(32)
  Expr El;   // Float(32), with_low only: E's rounding error (E + El = e^-|t| 2^-kr to ~2^-40 + polynomial's)
  Expr D;    // Float(32)
  Expr dl;   // Float(32)
  Expr kr;   // Int(32), in [clamp_lo * log2(e) + 126, 0]
  Expr E64;  // Float(32), without with_low and for clamp_lo <= 120 only: e^-|t| 2^64, a normal float (E = E64 2^-64)
};
SigmoidParts sigmoid_parts(const Expr &hi, const Expr &lo, float clamp_lo, bool with_low, bool keep_nan = false);

}  // namespace actgen::math

#endif  // ACTGEN_DSL_MATH_H
