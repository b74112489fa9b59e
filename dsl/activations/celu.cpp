#include "dsl/define.h"

namespace actgen {
// max(0, x) + min(0, alpha (e^(x/alpha) - 1)) equals x > 0 ? x : alpha expm1(x / alpha) for either sign of alpha.
const Activation &defined_activation() {
  static const Activation a{
      "celu", {{"alpha", 1.0, Constraint::NonZero}}, {},
      [](Expr x, const Params &p) { return select(x > 0.0f, x, p[0] * math::expm1(x / p[0])); },
      // celu'(0) = 1 from the exponential side, as PyTorch.
      [](Expr x, Expr dy, const Params &p) { return select(x > 0.0f, dy, dy * math::exp(x / p[0])); }};
  return a;
}
}  // namespace actgen
