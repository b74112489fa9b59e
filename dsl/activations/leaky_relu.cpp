#include "dsl/define.h"

namespace actgen {
const Activation &defined_activation() {
  static const Activation a{
      "leaky_relu", {{"negative_slope", 0.01, Constraint::Finite}}, {},
      [](Expr x, const Params &p) { return slope_below_zero(x, p[0]); },
      // leaky'(0) = negative_slope, as PyTorch.
      [](Expr x, Expr dy, const Params &p) { return select(x > 0.0f, dy, dy * p[0]); },
      // Only with a zero slope.
      [](Expr x, const Params &p) { return p[0] == 0.0f && x <= 0.0f; }};
  return a;
}
}  // namespace actgen
