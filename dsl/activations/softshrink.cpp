#include "dsl/define.h"

namespace actgen {
const Activation &defined_activation() {
  static const Activation a{
      "softshrink", {{"lambd", 0.5, Constraint::NonNegative}}, {},
      [](Expr x, const Params &p) { return x - clamp_keeping_nan(x, -p[0], p[0]); },
      [](Expr x, Expr dy, const Params &p) { return select(Halide::abs(x) > p[0], dy, 0.0f); },
      [](Expr x, const Params &p) { return Halide::abs(x) <= p[0]; }};
  return a;
}
}  // namespace actgen
