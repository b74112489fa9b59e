#include "dsl/define.h"

namespace actgen {
namespace {
// 0.5 x (1 + tanh(u)) = x sigmoid(2u), u = sqrt(2/pi) (x + 0.044715 x^3). 2u is kept as a double-float:
// sigmoid's relative error grows with |2u| times the error of 2u, and at x = -5 |2u| is already 17.
constexpr double kC1 = 1.5957691216057307117597842397375;     // 2 sqrt(2/pi)
constexpr double kC3 = 1.5957691216057307117597842397375 * 0.044715;  // 2 sqrt(2/pi) 0.044715

// 2u = x (C1 + C3 x^2) as hi + lo to ~2^-44 relative, for |x| <= 12 (the callers' guards; everything finite
// there, so no renormalization or infinity checks): x^2 and C3 x^2 exact as hi + lo (FMA or Dekker), the sum
// with C1 by Fast2Sum (larger term first), the product with x exact again. The constants are double-float.
DF two_u(Expr x) {
  using math::add_product;
  const float c1h = static_cast<float>(kC1), c1l = static_cast<float>(kC1 - static_cast<double>(c1h));
  const float c3h = static_cast<float>(kC3), c3l = static_cast<float>(kC3 - static_cast<double>(c3h));
  DF w = math::exact_prod(x, x);
  DF a = math::exact_prod(Expr(c3h), w.hi);
  // c1h + a.hi exactly: both are >= 0, so Fast2Sum with the larger first (max / min: 5 operations, two_sum 6).
  DF g = math::fast_two_sum(max(Expr(c1h), a.hi), min(Expr(c1h), a.hi));
  Expr gl = g.lo + (a.lo + add_product(Expr(c1l), Expr(c3h), w.lo) + Expr(c3l) * w.hi);
  DF t = math::exact_prod(x, g.hi);
  return math::strict(DF{t.hi, add_product(t.lo, x, gl)});
}
}  // namespace

const Activation &defined_activation() {
  static const Activation a{
      "gelu_tanh", {}, {},
      // Beyond x = 10, 2u > 87 and sigmoid(2u) = 1 in float; below x = -12, 2u < -142 and the result is -0.
      // Both guards also keep x^3 from overflowing.
      [](Expr x, const Params &) {
        return select(x > 10.0f, x, select(x < -12.0f, -0.0f, math::mul_sigmoid_small(x, two_u(x))));
      },
      [](Expr x, Expr dy, const Params &) {
        Expr dt = static_cast<float>(kC1) + static_cast<float>(3.0 * kC3) * (x * x);
        Expr d = d_x_sigmoid(x, two_u(x), dt);
        return dy * select(x > 10.0f, 1.0f, select(x < -12.0f, 0.0f, d));
      }};
  return a;
}
}  // namespace actgen
