// Standard normal CDF and PDF: normal_cdf(x) = Phi(x), normal_pdf(x) = phi(x).
//
// One form for the whole line (no per-region pieces, so no per-lane blends of two evaluations):
//   Q(t) = Phi(-t) = e^(-t^2/2) G(t),  t = |x| (clamped to 14.5, where a * Q(t) is below half the least subnormal),
//   G(t) = s P(s - D),  s = 1 / (1 + C t) in (0.147, 1],  C = 0.4, D = 0.574,
// P a degree-9 polynomial (G/s is smooth and bounded on s's interval: 0.5 at s = 1, C / sqrt(2 pi) as s -> 0).
// Phi(x) = Q(t) for x < 0 and 1 - Q(t) for x >= 0 (Q <= 1/2: no cancellation). The error analysis that sets the
// cost (measured, with a scalar model of exactly these operations, over the float inputs of [-14.5, 14.5]):
// rounding each factor of a * s * P(v) * e^(-t^2/2) separately costs ~3.9 ulp, so
//  * s carries its own error: d = 1 + C t rounded and its exact residual dl, then 1 - s (d + dl) = e (exact
//    residual plus the small dl term), so that s (1 + e) is 1/(1 + C t) to ~2^-45; v = s - D + s e;
//  * a * s and its product with P are exact products (hi + lo), e^r = 1 + w (w = r (1 + r q(r))) is applied as
//    z + (z w + low (1 + w)), so the result rounds about once after P's own error (Horner, ~1 ulp at the far end);
//  * -t^2/2 is exact as hi + lo (rounding t^2 would cost t^2 ulp of e^(-t^2/2)), reduced by one Cody-Waite step;
//  * the exponent carries + 64 and the result is scaled by 2^-64 at the end, so products down to the subnormal
//    range are rounded once, not flushed, and 2^(k + 64) is always a normal float (no scaling split).
// Measured (tests/math/contract_table.h, x Phi(x)): 2.58 ulp with FMA, 2.85 without; gelu's forward 64 AVX-512
// instructions per vector (bench/cost_report.py; the two-region Mills-ratio version it replaces took 146, at 2.1 ulp).
// The derivative Phi(x) + x phi(x) = 1 + e^(-t^2/2) (t / sqrt(2 pi) - G) for x >= 0, and -e^(-t^2/2) (t / sqrt(2 pi)
// - G) for x < 0, in plain float steps: its bound (16 ulp or 1e-7 absolute) does not need the exact products.
// The bounds hold on targets with the strict_float feature, as the kernels are built (cmake/targets.cmake).
// Coefficients: scripts/fit/fit_poly.cpp, command beside the table.
#include "dsl/math/internal.h"

namespace actgen::math {

using namespace Halide;
using detail::mad;

namespace {

// ln sqrt(2 pi) = 0.9189385332046727.
const double kLnSqrt2Pi = 0.9189385332046727;
const float kTwoM64 = 5.42101086242752217e-20f;  // 2^-64
const float kInvSqrt2Pi = 0.398942280401432678f;
const float kTailClamp = 14.5f;

DF df_const(double c) {
  const float h = static_cast<float>(c);
  const float l = static_cast<float>(c - static_cast<double>(h));
  return {Expr(h), Expr(l)};
}

// (x^2 / 2) negated, exactly, as hi + lo (|x| <= 20 so x^2 is finite; tiny x: both parts may underflow, harmless).
DF neg_half_square(const Expr &x) {
  DF q = exact_prod(x, x);  // finite: no infinity check needed
  return {q.hi * -0.5f, q.lo * -0.5f};
}

// G(t) e^(t^2/2) / s = P(s - D), s = 1/(1 + C t), on s in [1/(1 + 14.5 C), 1].
// fit_poly mills_s -0.4270411764705882 0.426 9 0.4 0.574: approx 0.365, horner no-FMA 1.358 ulp, FMA 1.038 ulp
const float kTailC = 0.4f;
const float kTailD = 0.574f;
const float kTailP[10] = {3.094785810e-01f,  3.775565326e-01f, 2.012828141e-01f,  -5.899324641e-02f,
                          -9.254068881e-02f, 4.458175972e-02f, 4.268949479e-02f,  -4.781131819e-02f,
                          -1.045266353e-02f, 3.287884966e-02f};

Expr tail_poly(const Expr &v) {
  Expr p = kTailP[9];
  for (int k = 8; k >= 0; --k) p = mad(p, v, Expr(kTailP[k]));
  return p;
}

// 1 + C t as d + dl exactly (t >= 0 finite).
DF one_plus_ct(const Expr &t) {
  if (detail::use_fma()) {
    Expr d = detail::fma(Expr(kTailC), t, Expr(1.0f));
    return {d, detail::fma(Expr(kTailC), t, 1.0f - d)};  // 1 - d exact (d in [1, 6.8])
  }
  DF ct = two_prod(Expr(kTailC), t);
  DF d = detail::two_sum(Expr(1.0f), ct.hi);
  return {d.hi, d.lo + ct.lo};
}

// 1 - s d exactly (s = 1/d rounded, so the result is tiny).
Expr one_minus_prod(const Expr &s, const Expr &d) {
  if (detail::use_fma()) return detail::fma(neg_bits(s), d, Expr(1.0f));
  DF p = two_prod(s, d);
  return (1.0f - p.hi) - p.lo;  // 1 - p.hi exact (Sterbenz)
}

// 2^64 a Q(t) for t = min(|x|, 14.5) (NaN x: some value; callers select), |a| <= 2^64 finite; rounded about once
// after the polynomial's error (see the head of the file).
Expr mul_upper_tail_scaled(const Expr &a, const Expr &t) {
  // e^(-t^2/2) = 2^k (1 + w): one Cody-Waite step on the exact hi + lo.
  DF nh = neg_half_square(t);
  detail::Ln2Reduction red = detail::reduce_ln2(nh.hi);
  Expr r = add_product(red.r1, red.kf, Expr(-detail::kLn2Lo)) + nh.lo;
  Expr w = r * mad(r, detail::exp_quadratic_tail(r), Expr(1.0f));
  // s = 1/(1 + C t) with its correction e: 1/(1 + C t) = s (1 + e) to ~2^-45.
  DF d = one_plus_ct(t);
  Expr s = 1.0f / d.hi;
  Expr e = add_product(one_minus_prod(s, d.hi), neg_bits(s), d.lo);
  Expr p = tail_poly(add_product(s - kTailD, s, e));
  // a s P as z + low, then (z + low) (1 + w) rounded once.
  DF y = exact_prod(a, s);
  Expr yl = add_product(y.lo, y.hi, e);
  DF z = exact_prod(y.hi, p);
  Expr low = add_product(z.lo, yl, p);
  Expr b = z.hi + add_product(add_product(low, low, w), z.hi, w);
  return b * pow2i(red.k + 64);
}

// a Phi(x) for finite |a| <= 32 or a = +-inf with x > 6; see the head of the file.
Expr mul_cdf(const Expr &a, const Expr &x) {
  Expr t = min(abs(x), kTailClamp);
  Expr b = mul_upper_tail_scaled(a, t) * kTwoM64;  // a Q(t)
  // Beyond 6, Q(t) < 2^-26: a (1 - Q) rounds to a for every a.
  return select(x > 6.0f, a, select(x < 0.0f, b, a - b));
}

}  // namespace

Expr normal_cdf(Expr x) {
  return strict(select(is_nan(x), x, mul_cdf(Expr(1.0f), x)));
}

Expr mul_normal_cdf(Expr a, Expr x) {
  // No NaN select of its own (2 instructions): a NaN x with a NaN a comes out of a - b as NaN, and a caller
  // that passes a number a with a NaN x selects itself (math.h).
  return strict(mul_cdf(a, x));
}

Expr normal_cdf_plus_x_pdf(Expr x) {
  Expr t = min(abs(x), kTailClamp);
  DF nh = neg_half_square(t);
  Expr e = detail::exp_core(nh.hi, nh.lo);  // e^(-t^2/2)
  Expr s = 1.0f / mad(Expr(kTailC), t, Expr(1.0f));
  Expr g = s * tail_poly(s - kTailD);
  Expr c = e * mad(t, Expr(kInvSqrt2Pi), neg_bits(g));  // e^(-t^2/2) (t / sqrt(2 pi) - G(t))
  return strict(select(x < 0.0f, neg_bits(c), 1.0f + c));
}

Expr normal_pdf(Expr x) {
  // |x| > 14.1: the result is below 2^-150 and rounds to 0; the clamp keeps x^2 finite (inf -> 0).
  Expr ax = min(abs(x), 20.0f);
  DF arg = add(neg_half_square(ax), df_const(-kLnSqrt2Pi));
  return strict_float(select(is_nan(x), x, math::exp(arg)));
}

}  // namespace actgen::math
