// tanh, and tanh|x| without the sign.
#include "dsl/math/internal.h"

namespace actgen::math {

using namespace Halide;

namespace {
// tanh a for a = |x| (>= +0 or a NaN): +0 <= result <= 1.
// tanh a = (1 - E) / (1 + E), E = e^(-2a) = 2^k (1 + p), p = e^r - 1 (expm1_nonpos' reduction: 2a exact, clamped to
// 20, beyond a = 9.01 where tanh rounds to 1; k in [-29, 0]; r rounded once). 1 - E and 1 + E are each formed in one
// rounding from exact parts (2^k p exact; 2^k -+ 1 exact for k >= -24, else within 2^-25 of -+1, under half an ulp),
// so 1 - E stays relative-accurate at small a (no cancellation) and the quotient sees two independent half-ulp
// roundings (forming 1 + E as 2 - (1 - E) measured 2.47 ulp). One path for the whole line, where the previous
// version computed a small-|x| polynomial and the quotient per lane and selected: 43 -> 35 AVX2 instructions (32
// with the single clamp and copysign_nonneg). Measured 1.88 ulp (near x = 0.5; it was 1.5).
Expr tanh_of_abs(const Expr &a) {
  using detail::mad;
  // -2a is exact and below +0, so one clamp (at -20) where two were. A NaN a passes the clamp and every later step:
  // no select.
  detail::Ln2Reduction red = detail::reduce_ln2(at_least(a * -2.0f, Expr(-20.0f)));
  Expr r = mad(red.kf, Expr(-detail::kLn2Lo), red.r1);
  Expr p = mad(r * r, detail::exp_quadratic_tail(r), r);  // e^r - 1
  Expr P = pow2i(red.k);
  // 1 - E as (1 - P) - P p in one rounding: +0 (never -0) at E = 1 whatever p's sign, so the quotient is >= +0.
  Expr num = mad(neg_bits(P), p, 1.0f - P);
  Expr den = mad(P, p, P + 1.0f);
  return num / den;
}
}  // namespace

// x's sign or-ed in (copysign_nonneg: one operation fewer than copysign; it keeps a NaN a NaN).
Expr tanh(Expr x) { return strict(detail::copysign_nonneg(tanh_of_abs(abs(x)), x)); }

Expr tanh_abs(Expr x) { return strict(tanh_of_abs(abs(x))); }

}  // namespace actgen::math
