// log, log1p, log1pexp.
#include "dsl/math/internal.h"

#include <limits>

namespace actgen::math {

using namespace Halide;

namespace detail {

// kLn2Hi, kLn2Lo (internal.h): k * L2H is exact for |k| <= 149 + 24.

namespace {
// log(1 + f) = f - (hfsq - s (hfsq + R(s^2))) with hfsq = f^2 / 2 and s = f / (2 + f) (fdlibm); returns the
// bracket. Lg1..Lg4 are fdlibm's e_logf.c minimax coefficients: |(log(1+s) - log(1-s))/s - 2 - R| < 2^-34.24
// for s in [0, 0.1716], i.e. |f| <= 0.4143.
Expr log1p_correction(const Expr &f) {
  Expr s = f / (2.0f + f);
  Expr z = s * s;
  Expr R = add_product(Expr(0.28498786688f), z, Expr(0.24279078841f));
  R = add_product(Expr(0.40000972152f), z, R);
  R = add_product(Expr(0.66666662693f), z, R);
  R = z * R;
  Expr hfsq = 0.5f * f * f;
  return hfsq - s * (hfsq + R);
}
}  // namespace

Expr log_core(const Expr &u, const Expr &c) {
  // Subnormal u: scale by 2^24 (exact) so the exponent field is meaningful; compensate in k.
  Expr sub = u < 1.17549435e-38f;  // FLT_MIN
  Expr us = select(sub, u * 16777216.0f, u);
  Expr kadj = select(sub, -24, 0);
  // u = 2^k * m with m in [sqrt(1/2), sqrt(2)): shifting the bits by 0x3f800000 - 0x3f3504f3 (1.0 minus
  // sqrt(1/2)'s bit pattern) moves the binade boundary to sqrt(1/2) (musl's logf decomposition).
  Expr bits = reinterpret(Int(32), us) + (0x3f800000 - 0x3f3504f3);
  Expr k = (bits >> 23) - 127 + kadj;
  Expr m = reinterpret(Float(32), (bits & 0x007fffff) + 0x3f3504f3);
  Expr f = m - 1.0f;  // exact (Sterbenz), |f| <= 0.4143
  Expr dk = cast<float>(k);
  // k L2H + f is formed exactly (two_sum), so only the small terms carry rounding error.
  DF h = two_sum(dk * kLn2Hi, f);
  Expr small = (dk * kLn2Lo + c) - log1p_correction(f);
  return h.hi + (h.lo + small);
}

}  // namespace detail

Expr log1p_unit(const Expr &E) {
  // fit_poly log1p_r 0 1 8: r(E) = (log(1 + E) - E) / E^2 on [0, 1], Chebyshev interpolation refitted after each
  // coefficient's rounding: approx 0.153 x 2^-24 of log(1 + E). log(1 + E) = E + E^2 r: E^2 r is at most 0.44 of
  // the result (at E = 1) and E r rounds once (plus r's Horner errors), so it adds about 0.25 ulp, and the last
  // step rounds once (an fma with the FMA path; without, E (E r) and the sum round separately, E (E r) again at
  // most 0.44 of the result).
  using detail::mad;
  Expr r = -3.548479173e-03f;
  const float c[8] = {-4.999999702e-01f, 3.333202600e-01f,  -2.497198284e-01f, 1.975588799e-01f,
                      -1.551193744e-01f, 1.092253551e-01f,  -5.987380818e-02f, 2.130414173e-02f};
  for (int k = 7; k >= 0; --k) r = mad(r, E, Expr(c[k]));
  return mad(E, E * r, E);
}

Expr log(Expr x) {
  Expr r = detail::log_core(x, Expr(0.0f));
  const float inf = std::numeric_limits<float>::infinity();
  r = select(x == 0.0f, -inf, r);
  r = select(x < 0.0f, std::numeric_limits<float>::quiet_NaN(), r);
  r = select(x == inf || is_nan(x), x, r);
  return strict(r);
}

namespace {
// log(1 + y) for y = yh + yl, yh >= -1, handling u = 1 + yh in {0, inf} and u < 0.
Expr log1p_df(const Expr &yh, const Expr &yl) {
  Expr u = 1.0f + yh;
  // (1 + yh) - u exactly: for u <= 2^24 u - 1 is exact, so yh - (u - 1) is the rounding error of 1 + yh; above,
  // the correction is below 2^-24 of an ulp of the result and its inexactness does not matter.
  Expr c = ((yh - (u - 1.0f)) + yl) / u;
  Expr r = detail::log_core(u, c);
  const float inf = std::numeric_limits<float>::infinity();
  r = select(u == 0.0f, -inf, r);
  r = select(u < 0.0f, std::numeric_limits<float>::quiet_NaN(), r);
  r = select(u == inf, inf, r);
  return r;
}
}  // namespace

Expr log1p(Expr x) {
  Expr r = log1p_df(x, Expr(0.0f));
  // x == 0 keeps the sign of zero; NaN propagates.
  return strict(select(is_nan(x) || x == 0.0f, x, r));
}

namespace {
Expr log1pexp_impl(const Expr &hi, const Expr &lo) {
  // log(1 + e^x) = max(x, 0) + log(1 + E), E = e^-|x| from sigmoid_parts (within 0.9 ulp), log(1 + E)
  // from log1p_unit (E in [0, 1]; E's error reaches the result scaled by E / ((1 + E) log(1 + E)) <= 1).
  // Below x = -87 E is e^x itself, rounded once where subnormal, and log(1 + E) = E in float there.
  // (Until this release: log(D) + dl / D from 1 + E = D + dl and a log reduction with a division, 1.87 ulp at
  // 63 AVX2 instructions per vector for logsigmoid.)
  SigmoidParts p = sigmoid_parts(hi, lo, 104.0f, false);
  Expr L = log1p_unit(p.E);
  // NaN hi: p.neg is false and hi + (lo + L) is NaN (strict_float: no no-NaN folding), so no NaN select.
  return strict(select(p.neg, L, hi + (lo + L)));
}
}  // namespace

Expr log1pexp(Expr x) { return log1pexp_impl(x, Expr(0.0f)); }
Expr log1pexp(const DF &x) { return log1pexp_impl(x.hi, x.lo); }

}  // namespace actgen::math
