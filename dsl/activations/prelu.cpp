#include "dsl/define.h"

namespace actgen {
// One weight shared by all elements (PyTorch's num_parameters=1).
const Activation &defined_activation() {
  static const Activation a{
      "prelu", {{"weight", 0.25, Constraint::Finite}}, {},
      [](Expr x, const Params &p) { return slope_below_zero(x, p[0]); },
      [](Expr x, Expr dy, const Params &p) { return select(x > 0.0f, dy, dy * p[0]); }};
  return a;
}
}  // namespace actgen
