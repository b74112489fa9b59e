#include "dsl/define.h"

namespace actgen {
const Activation &defined_activation() {
  static const Activation a{
      "relu", {}, {},
      [](Expr x, const Params &) { return select(x > 0.0f, x, 0.0f); },
      // relu'(0) = 0, as PyTorch.
      [](Expr x, Expr dy, const Params &) { return select(x > 0.0f, dy, 0.0f); },
      [](Expr x, const Params &) { return x <= 0.0f; }};
  return a;
}
}  // namespace actgen
