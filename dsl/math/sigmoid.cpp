// sigmoid, a * sigmoid(t), and the shared reduction sigmoid_parts.
#include "dsl/math/internal.h"

namespace actgen::math {

using namespace Halide;

namespace detail {

namespace {
// ln 2 split as in exp.cpp: L2H has 15 significant bits, so k * L2H is exact for |k| < 2^9 and m - k * L2H is
// exact (with or without FMA).
const float kLn2Hi = 0.693145751953125f;
const float kLn2Lo = 1.428606765330187045e-06f;
const float kLog2e = 1.44269504088896341f;
const float kShifter = 12582912.0f;  // 1.5 * 2^23, bits 0x4b400000

bool is_zero_const(const Expr &e) { return !e.defined() || Internal::is_const_zero(e); }
}  // namespace

SigmoidParts sigmoid_parts(const Expr &hi, const Expr &lo, float clamp_lo) {
  Expr neg = hi < 0.0f;
  // m = -|t| (sign bit set), lo with the matching sign.
  Expr mh = reinterpret(Float(32), reinterpret(UInt(32), hi) | Expr(uint32_t{0x80000000u}));
  mh = max(mh, -std::abs(clamp_lo));
  Expr ml;
  if (!is_zero_const(lo)) ml = select(neg, lo, neg_bits(lo));
  // k = round(m / ln 2) by the shifter (no float->int conversion: see exp_core_df); k in [-280, 0].
  Expr tt = mad(mh, Expr(kLog2e), Expr(kShifter));
  Expr kf = tt - kShifter;
  // Unsigned arithmetic: Halide's simplifier would otherwise fold k's offset into later shifts and overflow.
  Expr k = reinterpret(Int(32), reinterpret(UInt(32), tt) - Expr(uint32_t{0x4b400000u}));
  Expr r1 = mad(kf, Expr(-kLn2Hi), mh);  // exact
  Expr c = ml.defined() ? mad(kf, Expr(-kLn2Lo), clamp(ml, -1e-3f, 1e-3f)) : kf * -kLn2Lo;
  Expr r = r1 + c;  // rounded: only used in the polynomial term
  // e^r = 1 + r + r^2 q(r): exp_core_df's polynomial (0.18 * 2^-24 relative on [-0.35, 0.35]).
  Expr q = exp_quadratic_tail(r);
  DF v = fast_two_sum(Expr(1.0f), r1);  // 1 + r1 exactly
  Expr w = v.lo + add_mul(c, r * r, q);
  Expr y = v.hi + w;                     // e^(m + ml) * 2^-k, rounded once (plus small terms)
  Expr yl = (v.hi - y) + w;              // y's rounding error (|v.hi| >= |w|)
  Expr kc = max(k, -125);
  Expr P = pow2i(kc);
  Expr E = y * P, El = yl * P;  // E normal (y >= 0.7), both exact
  DF d = fast_two_sum(Expr(1.0f), E);  // E <= 1
  return {neg, E, El, d.hi, d.lo + El, k - kc};
}

}  // namespace detail

namespace {
// q = n / D corrected for D's rounding: n / (D + dl) ~= q - q dl / D, with 1 / D (D in [1, 2]) replaced by
// 1.5 - D / 2 (relative error < 0.09 of a correction below 1 ulp).
// q = nh / D corrected for the numerator's low part nl and D's rounding: (nh + nl) / (D + dl) ~= q + (nl - q dl) / D,
// with 1 / D (D in [1, 2]) replaced by 1.5 - D / 2 (relative error < 0.09 of a correction below 1 ulp).
Expr div_corrected(const Expr &nh, const Expr &nl, const detail::SigmoidParts &p) {
  Expr q = nh / p.D;
  Expr rinv = detail::mad(p.D, Expr(-0.5f), Expr(1.5f));
  Expr e = nl.defined() ? detail::mad(detail::neg_bits(q), p.dl, nl) : detail::neg_bits(q * p.dl);
  return detail::mad(e, rinv, q);
}

Expr sigmoid_impl(const Expr &hi, const Expr &lo) {
  // x >= 0: 1 / (1 + E); x < 0: E / (1 + E), E = e^-|x|. Below x = -104 the result rounds to 0, so one scale
  // factor 2^kr (kr >= -26) suffices; a subnormal result is rounded once (in that multiply).
  detail::SigmoidParts p = detail::sigmoid_parts(hi, lo, 104.0f);
  Expr q = div_corrected(select(p.neg, p.E, 1.0f), select(p.neg, p.El, 0.0f), p);
  Expr t = q * detail::pow2i(select(p.neg, p.kr, 0));
  return detail::strict(select(detail::is_nan_bits(hi), hi, t));
}
}  // namespace

Expr sigmoid(Expr x) { return sigmoid_impl(x, Expr()); }
Expr sigmoid(const DF &x) { return sigmoid_impl(x.hi, x.lo); }

Expr mul_sigmoid(Expr a, const DF &t) {
  // t >= 0: a / (1 + E); t < 0: a E / (1 + E) * 2^kr, kr in [-154, 0] applied in two factors after the
  // division, so a result that is subnormal is rounded at most twice (< 1 ulp together). Below t = -193,
  // |a| e^t < 2^128 e^-193 is under half the smallest subnormal: the clamp gives 0 there for finite a.
  detail::SigmoidParts p = detail::sigmoid_parts(t.hi, t.lo, 193.0f);
  // Numerator a * (E + El) (t < 0) or a, as nh + nl: the product's rounding error goes into the quotient's
  // correction, so the result is rounded about once before the scaling (measured 1.2 ulp against 2.4 for
  // a * sigmoid(t), for 3 more operations).
  Expr m = select(p.neg, p.E, 1.0f);
  Expr nh = detail::use_fma() ? detail::mul_head(a, m) : a * m;
  Expr nl = detail::use_fma() ? detail::fma(a, m, detail::neg_bits(nh)) : two_prod(a, m).lo;
  nl = detail::add_mul(nl, a, select(p.neg, p.El, 0.0f));
  Expr q = div_corrected(nh, nl, p);
  Expr kr = select(p.neg, p.kr, 0);
  Expr k2 = kr >> 1;
  Expr r = (q * detail::pow2i(k2)) * detail::pow2i(kr - k2);
  // a = +-inf: the limit (a for t >= 0, a signed 0 for t < 0); the formula above would give inf - inf. The sign
  // is a's in every case (sigmoid > 0), restored bitwise so that zero results keep it (a = -0 -> -0).
  r = select(detail::is_finite_bits(a), r, select(p.neg, 0.0f, a));
  r = detail::copysign(r, a);
  return detail::strict(select(detail::is_nan_bits(a) || detail::is_nan_bits(t.hi), a + t.hi, r));
}

}  // namespace actgen::math
