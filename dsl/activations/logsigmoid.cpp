#include "dsl/define.h"

namespace actgen {
const Activation &defined_activation() {
  static const Activation a{
      "logsigmoid", {}, {},
      [](Expr x, const Params &) { return -math::log1pexp(-x); },
      // d/dx log sigmoid(x) = sigmoid(-x).
      [](Expr x, Expr dy, const Params &) { return dy * math::sigmoid(-x); }};
  return a;
}
}  // namespace actgen
