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
  Expr sb = (tb << 23) + select(neg, Expr(shifter_exponent(64)), Expr(shifter_exponent(-64)));
  return {reinterpret(Float(32), sb), select(neg, 5.42101086242752217e-20f, 18446744073709551616.0f)};
}

// hi clamped to [-104, 89] (k in [-150, 128]); keep_nan: a NaN hi passes (exp_core's comment in internal.h).
Expr exp_argument(const Expr &hi, bool keep_nan) {
  return keep_nan ? clamp_keeping_nan(hi, Expr(-104.0f), Expr(89.0f)) : clamp(hi, -104.0f, 89.0f);
}
}  // namespace

DF exp_core_df(const Expr &hi, const Expr &lo, bool keep_nan) {
  // h clamped so that k = round(h / ln 2) is in [-150, 128]; reduce_ln2 takes k from the shifter sum's bits.
  Ln2Reduction red = reduce_ln2(exp_argument(hi, keep_nan));
  Expr kf = red.kf, r_hi = red.r1;  // r_hi exact
  Expr c = lo.defined() ? clamp(lo, -1e-3f, 1e-3f) - kf * kLn2Lo : -(kf * kLn2Lo);  // |c| < 1.3e-3
  Expr r = r_hi + c;  // rounded: used only in the polynomial term
  Expr q = exp_quadratic_tail(r);
  DF v = fast_two_sum(Expr(1.0f), r_hi);  // 1 + r_hi exactly
  DF y = fast_two_sum(v.hi, v.lo + add_product(c, r * r, q));  // y.hi rounded once (plus the small terms' error)
  Pow2Split sc = pow2_split(red.tb, red.k);
  return {(y.hi * sc.S) * sc.C, (y.lo * sc.S) * sc.C};
}

Expr exp_core(const Expr &hi, const Expr &lo, bool keep_nan) {
  if (!use_fma()) return exp_core_df(hi, lo, keep_nan).hi;
  // With the FMA path: the same reduction and scaling, and e^r by Horner with fused steps, 1 + r (1 + r q(r)),
  // whose last step rounds once (r's rounding and the inner step add about 0.3 ulp): within 1 ulp, six
  // operations fewer than the double-float sum exp_core_df keeps for its low part.
  Ln2Reduction red = reduce_ln2(exp_argument(hi, keep_nan));
  Expr kf = red.kf, r1 = red.r1;
  Expr r = lo.defined() ? r1 + fma(kf, Expr(-kLn2Lo), clamp(lo, -1e-3f, 1e-3f)) : fma(kf, Expr(-kLn2Lo), r1);
  Expr y = fma(r, fma(r, exp_quadratic_tail(r), Expr(1.0f)), Expr(1.0f));
  Pow2Split sc = pow2_split(red.tb, red.k);
  return (y * sc.S) * sc.C;
}

}  // namespace detail

Expr pow2i(const Expr &k) { return reinterpret(Float(32), (k + 127) << 23); }

Expr scale_pow2_nonpos(const Expr &q, const Expr &k) {
  Expr deep = k < -64;
  return (q * pow2i(k + select(deep, 64, 0))) * select(deep, 5.42101086242752217e-20f, 1.0f);
}

using detail::f32;

// A NaN x passes exp_core's clamp (keep_nan) and comes out of its arithmetic as NaN: no select.
Expr exp(Expr x) { return strict(detail::exp_core(x, Expr(), true)); }

Expr exp(const DF &x) { return strict(detail::exp_core(x.hi, x.lo, true)); }

Expr expm1(Expr x) {
  // expm1_nonpos' one-rounding form over the whole line: x clamped to [-18, 89] (e^-18 - 1 rounds to -1; e^89
  // overflows), k = round(x / ln 2) in [-26, 128], r = x - k ln 2 (Cody-Waite, rounded once: |error| <= 2^-26;
  // r = x exactly for k = 0), p = e^r - 1 = r + r^2 q(r), and e^x - 1 = (2^k - 1) + 2^k p with one rounding
  // (2^k - 1 exact for -24 <= k <= 24, its error otherwise below 2^-25 of the result; 2^k p exact). Above
  // k = 127 (x > 88.38, where the -1 no longer matters) 2^k is out of range: e^x = (2^127 (1 + p)) 2^(k - 127),
  // which overflows to inf past FLT_MAX. Measured 1.73 ulp (sse41) / 1.57 (FMA), near x = 0.4 (k = 1, where
  // 1 + 2p cancels to just under 0.5 and p's rounding doubles); the double-float form this replaced (1.0 ulp)
  // made celu 73 instructions per AVX-512 vector instead of 39.
  using detail::mad;
  detail::Ln2Reduction red = detail::reduce_ln2(clamp(x, -18.0f, 89.0f));
  Expr k = red.k;
  Expr r = mad(red.kf, Expr(-detail::kLn2Lo), red.r1);
  Expr p = mad(r * r, detail::exp_quadratic_tail(r), r);  // e^r - 1
  Expr P = pow2i(min(k, 127));
  Expr res = mad(P, p, P - 1.0f);
  Expr big = (P * (1.0f + p)) * pow2i(max(k - 127, 0));
  res = select(k > 127, big, res);
  // The result has x's sign: res has it for x != 0 (e^x - 1 and x agree in sign, and every step keeps it), and
  // +-0 and NaN return x itself (one compare, equal-or-unordered, and one blend where a NaN select and copysign
  // took five).
  return strict(select(x == 0.0f || is_nan(x), x, res));
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
  Expr P = pow2i(k);
  Expr res = mad(P, p, P - 1.0f);
  // x < 0 gives res < 0; +-0 and NaN return x itself (x > 0 gives res = +0, as the clamp makes it 0): one compare
  // and one blend where a NaN select and copysign took five.
  return strict(select(x == 0.0f || is_nan(x), x, res));
}

}  // namespace actgen::math
