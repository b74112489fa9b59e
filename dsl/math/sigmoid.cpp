// sigmoid.
#include "dsl/math/internal.h"

namespace actgen::math {

using namespace Halide;

namespace {
Expr sigmoid_impl(const Expr &hi, const Expr &lo) {
  // E = e^-|x| as a double-float; x >= 0: 1 / (1 + E), x < 0: E / (1 + E). 1 + E is kept exactly as dh + dl,
  // and the quotient is corrected to first order, so the only sizeable error is the division's rounding.
  // Subnormal results (x < -87.3) come out of exp rounded once and pass through exactly (dh = 1).
  Expr neg = hi < 0.0f;
  Expr ah = select(neg, hi, -hi), al = select(neg, lo, -lo);  // -|x|
  DF E = detail::exp_df(ah, al);
  DF d = detail::fast_two_sum(Expr(1.0f), E.hi);  // E <= 1
  Expr dl = d.lo + E.lo;
  Expr nh = select(neg, E.hi, 1.0f), nl = select(neg, E.lo, 0.0f);
  Expr q = nh / d.hi;
  Expr t = q + (nl - q * dl) / d.hi;
  return detail::strict(select(detail::is_nan_bits(hi), hi, t));
}
}  // namespace

Expr sigmoid(Expr x) { return sigmoid_impl(x, Expr(0.0f)); }
Expr sigmoid(const DF &x) { return sigmoid_impl(x.hi, x.lo); }

}  // namespace actgen::math
