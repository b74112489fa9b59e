// Standard normal CDF and PDF: normal_cdf(x) = Phi(x), normal_pdf(x) = phi(x).
//
// Phi(x), |x| < 0.65:  1/2 + x P(x^2), P = c0 + w(x^2), with x * c0 formed exactly (two_prod) so that only the
//                      final addition rounds (the result is in [0.257, 0.743]).
// Phi(-t), t >= 0.65:  phi(t) M(t), M the Mills ratio Q(t)/phi(t), as e^(-t^2/2 - ln sqrt(2 pi)) * M(t) with
//                      t^2/2 formed exactly (two_prod) and exp taken as a double-float (detail::exp_df, ~2^-40):
//                      rounding x/sqrt2 or x^2 would cost |x|^2 ulp. M(t) is a polynomial in d = t - c on five
//                      intervals [0.65, 1.3), [1.3, 2.6), [2.6, 5.2), [5.2, 10.4), [10.4, 14.5] with centres
//                      c = 1, 2, 4, 8, 12 (so t - c is exact by Sterbenz' lemma), as c0 + w(d) with c0 a float kept
//                      exact through a two_prod with the exponential: the result rounds once (plus the small error
//                      of w). The exponent carries + 64 ln 2 and the result is scaled by 2^-64 at the end, so
//                      results down to the subnormal range are rounded once, not flushed. Beyond 14.5 the result
//                      (< 2^-150) is 0.
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
  DF q = two_prod(x, x);
  return {q.hi * -0.5f, q.lo * -0.5f};
}

// P(u) - c0, u = x^2 in [0, 0.4225], where (Phi(x) - 1/2) / x = P(x^2).
// fit_poly cdf_central_w 0 0.4225 6: horner no-FMA 0.093 ulp of P (c0_hi = 3.989422917e-01f)
const float kCentralC0 = 3.989422917e-01f;
const float kCentral[7] = {-1.133518168e-08f, -6.649038196e-02f, 9.973607957e-03f, -1.187808928e-03f,
                           1.174954450e-04f,  -1.354980304e-05f, 3.737123279e-06f};

// Mills ratio M(t) = c0 + w(t - c) on five intervals. Degree 10 (8 where that suffices; zeros pad).
struct MillsPiece {
  float c, c0;
  float w[11];
};
const MillsPiece kMills[5] = {
    // fit_poly mills_w -0.35 0.3 8 1: horner no-FMA 0.296 ulp of M
    {1.0f,
     6.556795239e-01f,
     {1.848058062e-08f, -3.443204463e-01f, 1.556795537e-01f, -6.288102269e-02f, 2.319890633e-02f, -7.922735065e-03f,
      2.563207410e-03f, -8.514989167e-04f, 1.029448831e-04f, 0.0f, 0.0f}},
    // fit_poly mills_w -0.7 0.6 8 2: horner no-FMA 0.405 ulp of M
    {2.0f,
     4.213692248e-01f,
     {4.818812904e-09f, -1.572615355e-01f, 5.342304707e-02f, -1.680531166e-02f, 4.953603260e-03f, -1.378217246e-03f,
      3.636176407e-04f, -9.755412611e-05f, 2.599317304e-05f, 0.0f, 0.0f}},
    // fit_poly mills_w -1.4 1.2 10 4: horner no-FMA 0.432 ulp of M
    {4.0f,
     2.366523892e-01f,
     {-6.307832923e-09f, -5.339046940e-02f, 1.154525671e-02f, -2.403140999e-03f, 4.831534170e-04f, -9.412240615e-05f,
      1.781511128e-05f, -3.246275128e-06f, 5.703709576e-07f, -1.179447864e-07f, 2.329456272e-08f}},
    // fit_poly mills_w -2.8 2.4 10 8: horner no-FMA 0.690 ulp of M
    {8.0f,
     1.231319606e-01f,
     {2.405659227e-09f, -1.494429447e-02f, 1.788807800e-03f, -2.112803049e-04f, 2.463406236e-05f, -2.839228728e-06f,
      3.243661126e-07f, -3.568050744e-08f, 3.719050179e-09f, -5.438271500e-10f, 7.637525334e-11f}},
    // fit_poly mills_w -1.6 2.5 8 12: horner no-FMA 0.229 ulp of M
    {12.0f,
     8.276628703e-02f,
     {-5.473994036e-10f, -6.804562174e-03f, 5.557715194e-04f, -4.510153667e-05f, 3.636701649e-06f, -2.916739845e-07f,
      2.343782946e-08f, -1.839492003e-09f, 1.031256885e-10f, 0.0f, 0.0f}},
};
const float kMillsEdge[4] = {1.3f, 2.6f, 5.2f, 10.4f};

// Per-lane pick of a table entry by interval (select chain: vectorizes as blends).
template <typename F>
Expr pick(const Expr &t, F &&get) {
  return select(t < kMillsEdge[0], Expr(get(kMills[0])), t < kMillsEdge[1], Expr(get(kMills[1])),
                t < kMillsEdge[2], Expr(get(kMills[2])), t < kMillsEdge[3], Expr(get(kMills[3])),
                Expr(get(kMills[4])));
}

// 2^64 Phi(-t) for t in [0.65, 14.5] (relative error ~0.5 ulp + w's error), a normal float.
// If e_out is given, 2^64 phi(t) (as hi + lo, ~2^-40 relative) is stored there.
Expr lower_tail_scaled(const Expr &t, DF *e_out = nullptr) {
  DF a = add(neg_half_square(t), df_const(kCdfShift));
  DF e = detail::exp_df(a.hi, a.lo);  // 2^64 phi(t), ~2^-40 relative
  if (e_out) *e_out = e;
  Expr d = t - pick(t, [](const MillsPiece &p) { return p.c; });         // exact (Sterbenz)
  Expr c0 = pick(t, [](const MillsPiece &p) { return p.c0; });
  Expr w = pick(t, [](const MillsPiece &p) { return p.w[10]; });
  for (int k = 9; k >= 0; --k) w = detail::mad(w, d, pick(t, [k](const MillsPiece &p) { return p.w[k]; }));
  DF p = two_prod(e.hi, c0);
  return p.hi + (p.lo + detail::mad(e.hi, w, e.lo * (c0 + w)));  // 2^64 phi(t) M(t), rounded once
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
  DF xc = two_prod(x, Expr(kCentralC0));
  DF s = fast_two_sum(Expr(0.5f), xc.hi);  // |xc.hi| < 0.26
  Expr central = s.hi + (s.lo + detail::add_mul(xc.lo, x, w));
  // tail_from_zero: t = min(|x|, 14.5) (so that e_out is 2^64 phi(x) for |x| <= 14.5 too); the tail value is then
  // meaningless for |x| < 0.65 (finite: the first Mills piece evaluated outside its interval), where callers
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
