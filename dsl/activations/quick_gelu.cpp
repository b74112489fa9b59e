#include "dsl/define.h"

namespace actgen {
namespace {
// 1.702 is not a float: the product is formed from a double-float constant so that sigmoid(1.702 x) keeps
// its digits at large |x|.
constexpr double kC = 1.702;
}  // namespace

const Activation &defined_activation() {
  static const Activation a{
      "quick_gelu", {}, {},
      [](Expr x, const Params &) { return math::mul_sigmoid_small(x, math::mul_df(kC, x)); },
      [](Expr x, Expr dy, const Params &) {
        return dy * d_x_sigmoid(x, math::mul_df(kC, x), static_cast<float>(kC));
      }};
  return a;
}
}  // namespace actgen
