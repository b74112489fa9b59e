#include "dsl/define.h"
#include "dsl/math/internal.h"

namespace actgen {
namespace {
// log(1 + e^t) / beta with t = beta x kept as a double-float (in the lower tail softplus ~ e^t / beta amplifies
// the rounding of beta x by |t|), from one exponential: E = e^-|t| (math::detail::sigmoid_parts),
// log(1 + e^t) = max(t, 0) + log(1 + E), the latter from math::detail::log1p_unit (E in [0, 1], no log reduction
// and no division). Below t = -87 E carries a scale 2^-kr; there log(1 + E) = E in float, so the scale is
// applied after the division by beta, in two factors (a subnormal result is rounded at most twice). Below
// t = -193 the result is under half the smallest subnormal for every beta: the clamp gives 0.
Expr softplus_forward(Expr x, Expr beta, Expr threshold) {
  DF t = math::two_prod(beta, x);
  math::detail::SigmoidParts p = math::detail::sigmoid_parts(t.hi, t.lo, 193.0f, false);
  Expr L = math::detail::log1p_unit(p.E);  // log(1 + e^-|t|) (times 2^-kr below t = -87)
  Expr soft = select(p.neg, L, t.hi + (t.lo + L)) / beta;
  soft = math::detail::scale_pow2_nonpos(soft, select(p.neg, p.kr, 0));
  return math::detail::strict(select(t.hi > threshold, x, soft));
}
}  // namespace

// PyTorch's softplus: log(1 + e^(beta x)) / beta, and x where beta x > threshold (its linear region).
const Activation &defined_activation() {
  static const Activation a{
      "softplus", {{"beta", 1.0, Constraint::NonZero}, {"threshold", 20.0, Constraint::Finite}}, {},
      [](Expr x, const Params &p) { return softplus_forward(x, p[0], p[1]); },
      [](Expr x, Expr dy, const Params &p) {
        DF t = math::two_prod(p[0], x);
        return select(t.hi > p[1], dy, dy * math::sigmoid(t));
      }};
  return a;
}
}  // namespace actgen
