// Standard normal CDF and PDF: normal_cdf(x) = Phi(x), normal_pdf(x) = phi(x).
//
// Phi(x), |x| < 0.65:  1/2 + x P(x^2), P = c0 + w(x^2), with x * c0 formed exactly (two_prod) so that only the
//                      final addition rounds (the result is in [0.257, 0.743]).
// Phi(-t), t >= 0.65:  phi(t) M(t), M the Mills ratio Q(t)/phi(t), as e^(-t^2/2 - ln sqrt(2 pi)) * M(t) with
//                      t^2/2 formed exactly (two_prod) and exp taken as a double-float (detail::exp_df, ~2^-40):
//                      rounding x/sqrt2 or x^2 would cost |x|^2 ulp. For t < 2.6, M(t) is one polynomial of
//                      degree 12 in d = t - 1.625 (exact), as c0 + w(d) with c0 a float kept exact through a
//                      two_prod with the exponential: the result rounds once (plus the error of w). For t >= 2.6,
//                      t M(t) = 1 - v H(v), v = 1/t^2 <= 0.148, H a polynomial; 1/t is carried as hi + lo (exact
//                      residual) and e * (1/t)_hi as a two_prod, so again only the final addition rounds, plus
//                      v H's error (<= 0.108 of t M(t), so its rounding costs ~0.1 ulp). Both forms are computed
//                      and selected per lane (one blend). The exponent carries + 64 ln 2 and the result is scaled by 2^-64
//                      at the end, so results down to the subnormal range are rounded once, not flushed. Beyond
//                      14.5 the result (< 2^-150) is 0.
// Phi(t), t >= 0.65:   1 - Phi(-t) (Phi(-t) <= 0.26: no cancellation).
// phi(x):              e^(-x^2/2 - ln sqrt(2 pi)), x^2/2 exact, through exp(DF).
// The bounds hold on targets with the strict_float feature, as the kernels are built (cmake/targets.cmake).
// Everything under strict_float (see internal.h): results are identical on targets with the same FMA setting
// (math::set_fma; the FMA path fuses two_prod and the Horner steps, within the same bounds).
// Coefficients: scripts/fit/fit_poly.cpp, command beside each table.
#include "dsl/math/internal.h"

namespace actgen::math {

using namespace Halide;
using detail::fast_two_sum;

namespace {

// NaN test on the bits: immune to LLVM's no-nans fast-math folding, which on avx512 (without the strict_float
// target feature) was seen to fold is_nan(x) away (normal_cdf(NaN) = 1).
Expr isnan_bits(const Expr &x) {
  return (reinterpret(UInt(32), x) & Expr(uint32_t{0x7fffffffu})) > Expr(uint32_t{0x7f800000u});
}

// e^(64 ln 2 - ln sqrt(2 pi)) as hi + lo: 64 ln 2 - 0.5 ln(2 pi) = 43.442481022631824 (double).
const double kCdfShift = 43.442481022631824;
// ln sqrt(2 pi) = 0.9189385332046727.
const double kLnSqrt2Pi = 0.9189385332046727;
const float kTwoM64 = 5.42101086242752217e-20f;  // 2^-64

DF df_const(double c) {
  const float h = static_cast<float>(c);
  const float l = static_cast<float>(c - static_cast<double>(h));
  return {Expr(h), Expr(l)};
}

// (x^2 / 2) negated, exactly, as hi + lo (|x| <= 20 so x^2 is finite; tiny x: both parts may underflow, harmless).
DF neg_half_square(const Expr &x) {
  DF q = detail::exact_prod(x, x);  // finite: no infinity check needed
  return {q.hi * -0.5f, q.lo * -0.5f};
}

// P(u) - c0, u = x^2 in [0, 0.4225], where (Phi(x) - 1/2) / x = P(x^2).
// fit_poly cdf_central_w 0 0.4225 6: horner no-FMA 0.093 ulp of P (c0_hi = 3.989422917e-01f)
const float kCentralC0 = 3.989422917e-01f;
const float kCentral[7] = {-1.133518168e-08f, -6.649038196e-02f, 9.973607957e-03f, -1.187808928e-03f,
                           1.174954450e-04f,  -1.354980304e-05f, 3.737123279e-06f};

// Mills ratio M(t) = c0 + w(t - 1.625) on [0.65, 2.6) (degree 12). One piece: no per-lane pick of coefficients
// (the two-piece version of degree 8 spent a blend per coefficient and, with 22 constants live, 40 stack reloads
// per AVX-512 vector); its Horner evaluation is 0.3 ulp of M worse, within gelu's budget.
// fit_poly mills_w -0.975 0.975 12 1.625: approx 0.026, horner no-FMA 0.717 ulp, FMA 0.556 ulp of M
const float kMillsC = 1.625f;
const float kMillsC0 = 4.888504446e-01f;
const float kMillsW[13] = {-3.027708750e-09f, -2.056180388e-01f, 7.736057788e-02f, -2.663560957e-02f,
                           8.519271389e-03f,  -2.558784094e-03f, 7.275521057e-04f, -1.957905624e-04f,
                           4.982542305e-05f,  -1.348452770e-05f, 4.050609277e-06f, -4.723230518e-07f,
                           -1.856773082e-07f};
// Beyond kFarEdge: t M(t) = 1 - v H(v), v = 1/t^2 in [0.00476, 0.148] (t in [2.6, 14.5]).
// (A single rational P(t)/Q(t) on [0.65, 14.5] fits to 9e-10 relative at degree 4/5 in long double, but its
// float Horner evaluation cost 6-8.5 ulp: rejected.)
const float kFarEdge = 2.6f;
// fit_poly mills_tail 0.004756 0.148 8: approx 0.098, horner no-FMA 0.213, FMA 0.171 (units of 2^-24 t M(t))
const float kMillsTail[9] = {9.999977350e-01f,  -2.999036312e+00f, 1.488028145e+01f,
                             -9.784877777e+01f, 6.911511841e+02f,  -4.240753906e+03f,
                             1.893008789e+04f,  -5.172707031e+04f, 6.354859375e+04f};

// 2^64 Phi(-t) for t in [0.65, 14.5] (relative error ~0.5 ulp + the Mills ratio's error), a normal float.
// If e_out is given, 2^64 phi(t) (as hi + lo, ~2^-40 relative) is stored there.
// t < 2.6: e (c0 + w(d)), d = t - 1.625 exact, c0 exact through a two_prod.
// t >= 2.6: e u (1 - k), u = 1/t = uh + ul (ul from the exact residual 1 - uh t), k = v H(v) <= 0.108 with
// v = uh^2 + (its rounding error + 2 uh ul) (so k is within ~0.1 ulp of t M(t)'s size); e uh exact (two_prod):
// 2^64 Phi(-t) = qh + (low - (qh + low) k), low = ql + e.hi ul + e.lo uh, rounded once at the end.
Expr lower_tail_scaled(const Expr &t, DF *e_out = nullptr) {
  // -t^2/2 + kCdfShift as hi + lo: math::add without its infinity checks (everything is finite here).
  DF nh = neg_half_square(t), c = df_const(kCdfShift);
  DF s = detail::two_sum(nh.hi, c.hi);
  DF a = fast_two_sum(s.hi, s.lo + (nh.lo + c.lo));
  DF e = detail::exp_df(a.hi, a.lo);  // 2^64 phi(t), ~2^-40 relative
  if (e_out) *e_out = e;
  // Near: one piece. d = t - 1.625 is exact for t in [0.65, 2.6) (Sterbenz above 0.8125; below, both are
  // multiples of 2^-24 and |d| < 1).
  Expr d = t - kMillsC;
  Expr c0 = kMillsC0;
  Expr w = kMillsW[12];
  for (int k = 11; k >= 0; --k) w = detail::mad(w, d, Expr(kMillsW[k]));
  DF p = detail::exact_prod(e.hi, c0);  // finite (e.hi < 2^63): no infinity check needed
  Expr near = p.hi + (p.lo + detail::mad(e.hi, w, e.lo * (c0 + w)));  // 2^64 phi(t) M(t), rounded once
  // Far: 1/t. tf >= 2.6 keeps the lanes that take `near` finite (t may be 0 with tail_from_zero).
  Expr tf = max(t, kFarEdge);
  Expr uh = 1.0f / tf;
  Expr r;  // 1 - uh tf, exact
  if (detail::use_fma()) {
    r = detail::fma(detail::neg_bits(uh), tf, Expr(1.0f));
  } else {
    DF ut = two_prod(uh, tf);
    r = (1.0f - ut.hi) - ut.lo;  // 1 - ut.hi exact (Sterbenz)
  }
  Expr ul = r * uh;
  DF v = detail::exact_prod(uh, uh);
  Expr dv = detail::add_mul(v.lo, uh * 2.0f, ul);
  Expr h = kMillsTail[8];
  for (int k = 7; k >= 0; --k) h = detail::mad(h, v.hi, Expr(kMillsTail[k]));
  Expr kk = detail::mad(h, v.hi, h * dv);
  DF q = detail::exact_prod(e.hi, uh);
  Expr low = detail::add_mul(detail::add_mul(q.lo, e.hi, ul), e.lo, uh);
  Expr far = q.hi + detail::add_mul(low, detail::neg_bits(q.hi + low), kk);
  return select(t < kFarEdge, near, far);
}

// Phi(-t); subnormal results rounded ~once.
Expr lower_tail(const Expr &t) { return lower_tail_scaled(t) * kTwoM64; }

}  // namespace

namespace {

// The two pieces of Phi(x): the central polynomial (used for |x| < 0.65) and 2^64 Phi(-t) with
// t = clamp(|x|, 0.65, 14.5) (the tails). normal_cdf and mul_normal_cdf share them so that a kernel computes
// the Mills-ratio tail once.
struct CdfParts {
  Expr central;
  Expr scaled_lower_tail;
};

CdfParts cdf_parts(const Expr &x, DF *e_out = nullptr, bool tail_from_zero = false) {
  // Central: 1/2 + x c0 + x w(x^2), x c0 exact, 1/2 + hi exact-sum.
  Expr u = x * x;
  Expr w = kCentral[6];
  for (int k = 5; k >= 0; --k) w = detail::mad(w, u, Expr(kCentral[k]));
  DF xc = detail::exact_prod(x, Expr(kCentralC0));  // inf x: NaN lo, but central is only taken for |x| < 0.65
  DF s = fast_two_sum(Expr(0.5f), xc.hi);  // |xc.hi| < 0.26
  Expr central = s.hi + (s.lo + detail::add_mul(xc.lo, x, w));
  // tail_from_zero: t = min(|x|, 14.5) (so that e_out is 2^64 phi(x) for |x| <= 14.5 too); the tail value is then
  // meaningless for |x| < 0.65 (finite: the near polynomial evaluated outside its interval), where callers
  // take the central value anyway.
  Expr t = tail_from_zero ? min(abs(x), 14.5f) : clamp(abs(x), 0.65f, 14.5f);
  return {central, lower_tail_scaled(t, e_out)};
}

}  // namespace

Expr normal_cdf(Expr x) {
  CdfParts p = cdf_parts(x);
  Expr lt = p.scaled_lower_tail * kTwoM64;
  Expr tail = select(x < 0.0f, lt, 1.0f - lt);
  Expr r = select(abs(x) < 0.65f, p.central, tail);
  return strict_float(select(isnan_bits(x), x, r));
}

Expr mul_normal_cdf(Expr a, Expr x) {
  // In the lower tail the product is formed with the 2^64-scaled Phi so that a subnormal a * Phi(x) is rounded
  // once, not after Phi(x) itself was rounded to a subnormal.
  CdfParts p = cdf_parts(x);
  Expr lower = select(x < -14.5f, a * 0.0f, (a * p.scaled_lower_tail) * kTwoM64);
  Expr upper = a * (1.0f - p.scaled_lower_tail * kTwoM64);
  Expr r = select(abs(x) < 0.65f, a * p.central, select(x < 0.0f, lower, upper));
  return strict_float(select(isnan_bits(x), x, r));
}

namespace detail {
Expr normal_cdf_plus_x_pdf(Expr x) {
  // One exponential for both: the tail's 2^64 phi(t) with t = min(|x|, 14.5) is phi(x) scaled (rounded once
  // when scaled back). Beyond |x| = 14.5, phi(14.5) stands in for phi(x): both are below 1e-46.
  DF e;
  CdfParts p = cdf_parts(x, &e, true);
  Expr lt = p.scaled_lower_tail * kTwoM64;
  Expr cdf = select(abs(x) < 0.65f, p.central, select(x < 0.0f, lt, 1.0f - lt));
  Expr pdf = e.hi * kTwoM64;
  return strict_float(detail::add_mul(cdf, x, pdf));
}
}  // namespace detail

Expr normal_pdf(Expr x) {
  // |x| > 14.1: the result is below 2^-150 and rounds to 0; the clamp keeps x^2 finite (inf -> 0).
  Expr ax = min(abs(x), 20.0f);
  DF arg = add(neg_half_square(ax), df_const(-kLnSqrt2Pi));
  return strict_float(select(isnan_bits(x), x, math::exp(arg)));
}

}  // namespace actgen::math
