#include "dsl/define.h"

namespace actgen {
const Activation &defined_activation() {
  static const Activation a{
      "silu", {}, {},
      [](Expr x, const Params &) { return math::mul_sigmoid_small(x, DF{x, 0.0f}); },
      [](Expr x, Expr dy, const Params &) { return dy * d_x_sigmoid(x, DF{x, 0.0f}, 1.0f); }};
  return a;
}
}  // namespace actgen
