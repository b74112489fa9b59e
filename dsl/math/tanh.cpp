// tanh.
#include "dsl/math/internal.h"

namespace actgen::math {

using namespace Halide;

Expr tanh(Expr x) {
  // tanh a = E / (E + 2) with E = e^(2a) - 1 (a = |x|): no cancellation anywhere, so a single expm1 serves the
  // whole range. 2a is clamped at 19: tanh(9.5) already rounds to 1 (1 - tanh a < 2^-25 from a = 9.01).
  Expr a = abs(x);
  DF E = detail::expm1_df(min(2.0f * a, 19.0f));
  // D = E + 2 as dh + dl; t = (Eh + El) / (dh + dl) ~= q + (El - q dl) / dh with q = Eh / dh.
  DF d = detail::two_sum(E.hi, Expr(2.0f));
  Expr dl = d.lo + E.lo;
  Expr q = E.hi / d.hi;
  Expr t = q + (E.lo - q * dl) / d.hi;
  Expr r = detail::copysign(t, x);  // sign restored bitwise, so -0 -> -0
  return detail::strict(select(detail::is_nan_bits(x), x, r));
}

}  // namespace actgen::math
