#include "dsl/define.h"

namespace actgen {
const Activation &defined_activation() {
  static const Activation a{
      "elu", {{"alpha", 1.0, Constraint::Finite}}, {},
      [](Expr x, const Params &p) { return select(x > 0.0f, x, p[0] * math::expm1_nonpos(x)); },
      // elu'(0) = alpha, as PyTorch (x <= 0 takes the exponential side).
      [](Expr x, Expr dy, const Params &p) { return select(x > 0.0f, dy, dy * (p[0] * math::exp(x))); },
      // Only with alpha = 0.
      [](Expr x, const Params &p) { return p[0] == 0.0f && x <= 0.0f; }};
  return a;
}
}  // namespace actgen
