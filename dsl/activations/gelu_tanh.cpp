#include "dsl/define.h"

namespace actgen {
namespace {
// 0.5 x (1 + tanh(u)) = x sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3). 2u is kept as a double-float:
// sigmoid's relative error grows with |2u| times the error of 2u, and at x = -5 |2u| is already 17.
constexpr double kC1 = 1.5957691216057307117597842397375;     // 2 sqrt(2/pi)
constexpr double kC3 = 1.5957691216057307117597842397375 * 0.044715;  // 2 sqrt(2/pi) 0.044715

DF two_u(Expr x) {
  DF x2 = math::two_prod(x, x);
  DF c3x = math::mul_df(kC3, x);
  DF c3x3 = math::add(math::mul(c3x, x2.hi), DF{c3x.hi * x2.lo, 0.0f});
  return math::add(math::mul_df(kC1, x), c3x3);
}
}  // namespace

const Activation &defined_activation() {
  static const Activation a{
      "gelu_tanh", {}, {},
      // Beyond x = 10, 2u > 87 and sigmoid(2u) = 1 in float; below x = -12, 2u < -142 and the result is -0.
      // Both guards also keep x^3 from overflowing.
      [](Expr x, const Params &) {
        return select(x > 10.0f, x, select(x < -12.0f, -0.0f, x_sigmoid(x, two_u(x))));
      },
      [](Expr x, Expr dy, const Params &) {
        Expr dt = static_cast<float>(kC1) + static_cast<float>(3.0 * kC3) * (x * x);
        Expr d = d_x_sigmoid(x, two_u(x), dt);
        return dy * select(x > 10.0f, 1.0f, select(x < -12.0f, 0.0f, d));
      }};
  return a;
}
}  // namespace actgen
