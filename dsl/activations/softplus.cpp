#include "dsl/define.h"

namespace actgen {
// log(1 + e^(beta x)) / beta, and x where beta x > threshold (PyTorch's linear region). beta x is kept as a
// double-float: in the lower tail softplus ~ e^(beta x) / beta amplifies its rounding by |beta x|.
const Activation &defined_activation() {
  static const Activation a{
      "softplus", {{"beta", 1.0, Constraint::NonZero}, {"threshold", 20.0, Constraint::Finite}}, {},
      [](Expr x, const Params &p) {
        DF t = math::two_prod(p[0], x);
        // Below t = -64, log(1 + e^t) = e^t to float precision; mul_exp keeps subnormal results.
        Expr soft = select(t.hi < -64.0f, mul_exp(1.0f / p[0], t), math::log1pexp(t) / p[0]);
        return select(t.hi > p[1], x, soft);
      },
      [](Expr x, Expr dy, const Params &p) {
        DF t = math::two_prod(p[0], x);
        return select(t.hi > p[1], dy, dy * math::sigmoid(t));
      }};
  return a;
}
}  // namespace actgen
