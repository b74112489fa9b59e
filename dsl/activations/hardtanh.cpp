#include "dsl/define.h"

namespace actgen {
const Activation &defined_activation() {
  static const Activation a{
      "hardtanh", {{"min_val", -1.0, Constraint::Finite}, {"max_val", 1.0, Constraint::Finite}}, {{0, 1}},
      [](Expr x, const Params &p) { return clamp_keeping_nan(x, p[0], p[1]); },
      // 0 at both bounds, as PyTorch.
      [](Expr x, Expr dy, const Params &p) { return select(x > p[0] && x < p[1], dy, 0.0f); },
      [](Expr x, const Params &p) { return x <= p[0] || x >= p[1]; }};
  return a;
}
}  // namespace actgen
