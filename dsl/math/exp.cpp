// e^x, e^(hi+lo), e^x - 1.
#include "dsl/math/internal.h"

namespace actgen::math {

using namespace Halide;

namespace detail {

Ln2Reduction reduce_ln2(const Expr &h) {
  const float shifter = 12582912.0f;  // 1.5 * 2^23, bits 0x4b400000
  Expr t = mad(h, Expr(kLog2e), Expr(shifter));
  Expr kf = t - shifter;
  Expr tb = reinterpret(UInt(32), t);
  // Unsigned arithmetic: Halide's simplifier would otherwise fold k's offset into later shifts and overflow.
  Expr k = reinterpret(Int(32), tb - Expr(uint32_t{0x4b400000u}));
  return {kf, tb, k, mad(kf, Expr(-kLn2Hi), h)};
}

ExpParts exp_parts(const Expr &hi, const Expr &lo, double clamp_lo, double clamp_hi) {
  // Clamp keeps k in range for scale2; beyond the clamp the results are 0 / inf / -1 anyway. lo is bounded so a
  // huge hi (whose lo may be large too) cannot poison s.
  // NaN is replaced by 0 first (callers select NaN results themselves): a NaN reaching the float->int conversion
  // is poison to LLVM, which then folded the callers' NaN tests away.
  Expr h = clamp(select(is_nan_bits(hi), 0.0f, hi), f32(clamp_lo), f32(clamp_hi));
  Expr l = clamp(lo, -1e-3f, 1e-3f);
  Expr kf = round(h * kLog2e);
  Expr k = cast<int32_t>(kf);
  Expr r_hi = h - kf * kLn2Hi;  // exact
  Expr c = l - kf * kLn2Lo;     // small: |c| <= 150 * 1.43e-6 + 1e-3
  DF sr = two_sum(r_hi, c);     // s + s_lo = r exactly
  Expr s = sr.hi, s_lo = sr.lo;
  // Taylor coefficients 1/2! ... 1/8! of (e^s - 1 - s)/s^2 = 1/2 + s/6 + ...: with |s| <= 0.3468 the truncation
  // (s^9/9!, 2^-32 relative) is far below float rounding, so no minimax fit is needed.
  // Horner through mad(): fused with the FMA path (math::set_fma), two roundings per step without.
  Expr q = 1.0f / 40320.0f;
  q = mad(q, s, Expr(1.0f / 5040.0f));
  q = mad(q, s, Expr(1.0f / 720.0f));
  q = mad(q, s, Expr(1.0f / 120.0f));
  q = mad(q, s, Expr(1.0f / 24.0f));
  q = mad(q, s, Expr(1.0f / 6.0f));
  q = mad(q, s, Expr(0.5f));
  // e^(s + s_lo) - 1 - s = s^2 q(s) + s_lo (1 + s) to ~2^-50.
  Expr tail = s * s * q + (s_lo + s_lo * s);
  return {k, s, tail};
}


DF expm1_df(const Expr &x) {
  // e^x - 1 = (2^k - 1) + 2^k s + 2^k tail. For k <= 24, A = 2^k - 1 is exact; for 24 < k <= 60 its rounding
  // error (-1) is recovered exactly in a_err. For x < -18 (k <= -26), A rounds to -1 (error < 2^-26, 0.25 ulp)
  // and the exact result rounds to -1 too. |A| >= |2^k s| for every k != 0, and A = 0 for k = 0, so
  // fast_two_sum applies. Above k = 60 the -1 is below 2^-59 relative: the result is e^x (scale2 overflows right).
  ExpParts p = exp_parts(x, Expr(0.0f), -18.0, 89.0);
  Expr P = pow2i(min(p.k, 60));
  Expr A = P - 1.0f;
  Expr a_err = (P - A) - 1.0f;
  DF S = fast_two_sum(A, P * p.s);
  Expr lo = S.lo + (P * p.tail + a_err);
  DF r = fast_two_sum(S.hi, lo);
  DF v = fast_two_sum(Expr(1.0f), p.s);
  Expr big = scale2(v.hi + (v.lo + p.tail), p.k);
  Expr is_big = p.k > 60;
  return {select(is_big, big, r.hi), select(is_big, 0.0f, r.lo)};
}

Expr exp_quadratic_tail(const Expr &r) {
  Expr q = 1.392691862e-03f;
  q = mad(q, r, Expr(8.363766596e-03f));
  q = mad(q, r, Expr(4.166654870e-02f));
  q = mad(q, r, Expr(1.666657329e-01f));
  return mad(q, r, Expr(0.5f));
}

namespace {
// y * 2^k as (y * 2^(k -+ 64)) * 2^+-64, k in [-150, 128] held in t's bits (tb = 0x4b400000 + k, the shifter sum):
// the first factor's exponent field (k -+ 64 + 127 in [41, 254]) is built from tb, the second keeps subnormal
// results rounded once and gives inf on overflow. Unsigned arithmetic: wraps modulo 2^32 as intended (Halide
// rejects signed overflow when it folds constants).
struct Pow2Split {
  Expr S, C;
};
Pow2Split pow2_split(const Expr &tb, const Expr &k) {
  Expr neg = k < 0;
  Expr sb = (tb << 23) + select(neg, Expr(uint32_t{(64u + 127u - 0x4b400000u) << 23}),
                                Expr(uint32_t{(127u - 64u - 0x4b400000u) << 23}));
  return {reinterpret(Float(32), sb), select(neg, 5.42101086242752217e-20f, 18446744073709551616.0f)};
}
}  // namespace

DF exp_core_df(const Expr &hi, const Expr &lo) {
  // k = round(h / ln 2) by the 1.5 * 2^23 shifter: the sum's low bits hold k, so no float->int conversion
  // (a NaN reaching fptosi is poison to LLVM, see exp_parts); h is clamped so k is in [-150, 128].
  Expr h = clamp(hi, -104.0f, 89.0f);
  const float shifter = 12582912.0f;  // 1.5 * 2^23, bits 0x4b400000
  Expr t = h * kLog2e + shifter;
  Expr kf = t - shifter;
  Expr tb = reinterpret(UInt(32), t);  // 0x4b400000 + k (k in two's complement)
  Expr k = reinterpret(Int(32), tb - Expr(uint32_t{0x4b400000u}));
  Expr r_hi = h - kf * kLn2Hi;  // exact
  Expr c = lo.defined() ? clamp(lo, -1e-3f, 1e-3f) - kf * kLn2Lo : -(kf * kLn2Lo);  // |c| < 1.3e-3
  Expr r = r_hi + c;  // rounded: used only in the polynomial term
  Expr q = exp_quadratic_tail(r);
  DF v = fast_two_sum(Expr(1.0f), r_hi);  // 1 + r_hi exactly
  DF y = fast_two_sum(v.hi, v.lo + add_mul(c, r * r, q));  // y.hi rounded once (plus the small terms' error)
  Pow2Split sc = pow2_split(tb, k);
  return {(y.hi * sc.S) * sc.C, (y.lo * sc.S) * sc.C};
}

Expr exp_core(const Expr &hi, const Expr &lo) {
  if (!use_fma()) return exp_core_df(hi, lo).hi;
  // With the FMA path: the same reduction and scaling, and e^r by Horner with fused steps, 1 + r (1 + r q(r)),
  // whose last step rounds once (r's rounding and the inner step add about 0.3 ulp): within 1 ulp, six
  // operations fewer than the double-float sum exp_core_df keeps for its low part.
  Ln2Reduction red = reduce_ln2(clamp(hi, -104.0f, 89.0f));
  Expr kf = red.kf, r1 = red.r1;
  Expr r = lo.defined() ? r1 + fma(kf, Expr(-kLn2Lo), clamp(lo, -1e-3f, 1e-3f)) : fma(kf, Expr(-kLn2Lo), r1);
  Expr y = fma(r, fma(r, exp_quadratic_tail(r), Expr(1.0f)), Expr(1.0f));
  Pow2Split sc = pow2_split(red.tb, red.k);
  return (y * sc.S) * sc.C;
}

}  // namespace detail

using detail::f32;

Expr exp(Expr x) {
  return detail::strict(select(detail::is_nan_bits(x), x, detail::exp_core(x, Expr())));
}

Expr exp(const DF &x) {
  return detail::strict(select(detail::is_nan_bits(x.hi), x.hi, detail::exp_core(x.hi, x.lo)));
}

Expr expm1(Expr x) {
  Expr r = detail::expm1_df(x).hi;
  // x == 0 keeps the sign of zero; NaN propagates.
  return detail::strict(select(detail::is_nan_bits(x) || x == 0.0f, x, r));
}

Expr expm1_nonpos(Expr x) {
  // For x in [-18, 0] (clamped; e^-18 - 1 rounds to -1): k = round(x / ln 2) in [-26, 0], r = x - k ln 2 (r1 exact
  // by Cody-Waite, then the low part of ln 2; rounded once, |error| <= 2^-26), p = e^r - 1 = r + r^2 q(r) with
  // exp_core_df's polynomial q, and e^x - 1 = (2^k - 1) + 2^k p, added in one rounding: A = 2^k - 1 is exact for
  // k >= -24 (below, its error 2^k <= 2^-25 is under half an ulp of the result, ~-1), and 2^k p is exact, so the
  // sum rounds once (an fma with the FMA path). Measured 1.1 ulp (tests/math), within 1.5. No overflow, no
  // big-k path, no float->int conversion.
  using detail::mad;
  detail::Ln2Reduction red = detail::reduce_ln2(clamp(x, -18.0f, 0.0f));
  Expr k = red.k;
  Expr r = mad(red.kf, Expr(-detail::kLn2Lo), red.r1);
  Expr p = mad(r * r, detail::exp_quadratic_tail(r), r);  // e^r - 1
  Expr P = detail::pow2i(k);
  Expr res = mad(P, p, P - 1.0f);
  // The result has x's sign (-0 -> -0, +0 -> +0); NaN propagates.
  return detail::strict(select(is_nan(x), x, detail::copysign(res, x)));
}

}  // namespace actgen::math
