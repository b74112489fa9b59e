#include "dsl/define.h"

namespace actgen {
const Activation &defined_activation() {
  static const Activation a{
      "threshold", {{"threshold", 0.0, Constraint::Finite}, {"value", 0.0, Constraint::Finite}}, {},
      [](Expr x, const Params &p) { return select(x > p[0], x, p[1]); },
      [](Expr x, Expr dy, const Params &p) { return select(x > p[0], dy, 0.0f); },
      [](Expr x, const Params &p) { return x <= p[0]; }};
  return a;
}
}  // namespace actgen
