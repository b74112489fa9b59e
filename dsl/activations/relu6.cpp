#include "dsl/define.h"

namespace actgen {
const Activation &defined_activation() {
  static const Activation a{
      "relu6", {}, {},
      [](Expr x, const Params &) { return clamp_keeping_nan(x, 0.0f, 6.0f); },
      // 0 at both kinks, as PyTorch's hardtanh_backward.
      [](Expr x, Expr dy, const Params &) { return select(x > 0.0f && x < 6.0f, dy, 0.0f); },
      [](Expr x, const Params &) { return x <= 0.0f || x >= 6.0f; }};
  return a;
}
}  // namespace actgen
