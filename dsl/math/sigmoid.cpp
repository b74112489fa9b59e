// sigmoid.
#include "dsl/math/internal.h"

namespace actgen::math {

using namespace Halide;

namespace {
Expr sigmoid_impl(const Expr &hi, const Expr &lo) {
  // E = e^-|x| as a double-float (exp_core_df); x >= 0: 1 / (1 + E), x < 0: E / (1 + E), one division. 1 + E is
  // kept as dh + dl and the quotient corrected to first order: (nh + nl) / (dh + dl) ~= q + (nl - q dl) / dh with
  // q = nh / dh; the correction is under 1 ulp of q, so 1 / dh (dh in [1, 2]) is replaced by 1.5 - dh / 2
  // (relative error < 0.09, i.e. < 0.1 ulp). E <= 1, so no overflow. Subnormal results (x < -87.3) come out of
  // exp rounded once and pass through exactly (dh = 1, q dl = 0).
  Expr neg = hi < 0.0f;
  Expr ah = select(neg, hi, -hi);  // -|x|
  DF E = detail::exp_core_df(ah, lo.defined() ? select(neg, lo, -lo) : Expr());
  DF d = detail::fast_two_sum(Expr(1.0f), E.hi);
  Expr dl = d.lo + E.lo;
  Expr nh = select(neg, E.hi, 1.0f), nl = select(neg, E.lo, 0.0f);
  Expr q = nh / d.hi;
  Expr t = q + (nl - q * dl) * (1.5f - 0.5f * d.hi);
  return detail::strict(select(detail::is_nan_bits(hi), hi, t));
}
}  // namespace

Expr sigmoid(Expr x) { return sigmoid_impl(x, Expr()); }
Expr sigmoid(const DF &x) { return sigmoid_impl(x.hi, x.lo); }

}  // namespace actgen::math
