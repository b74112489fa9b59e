#include "dsl/define.h"

namespace actgen {
namespace {
// 1.702 is not a float: the product is formed from a double-float constant so that sigmoid(1.702 x) keeps
// its digits at large |x|.
constexpr double kC = 1.702;

// 1.702 x as hi + lo (to about 2^-44 relative) for finite 1.702 x: the exact product of x with the constant's
// head (math::exact_prod, a multiply and an fma with FMA) plus its tail times x. No renormalization and
// no infinity checks (math::mul_df has both): math::sigmoid_parts only needs |lo| <~ ulp(hi), and where
// 1.702 x is infinite (hi = inf, lo NaN) the callers' guards give the limits.
DF c_x(Expr x) {
  const float ch = static_cast<float>(kC), cl = static_cast<float>(kC - static_cast<double>(ch));
  DF p = math::exact_prod(Expr(ch), x);
  return math::strict(DF{p.hi, math::add_product(p.lo, Expr(cl), x)});
}
}  // namespace

const Activation &defined_activation() {
  static const Activation a{
      "quick_gelu", {}, {},
      // Beyond x = 60, sigmoid(1.702 x) rounds to 1 (1.702 x > 102): the result is x, +inf and overflowing
      // 1.702 x included. Below, mul_sigmoid_small gives a signed 0 for 1.702 x < -120 (-inf included) and NaN
      // for NaN x.
      [](Expr x, const Params &) { return select(x > 60.0f, x, math::mul_sigmoid_small(x, c_x(x))); },
      // d_x_sigmoid takes its limits beyond |t| = 100, infinite t included.
      [](Expr x, Expr dy, const Params &) { return dy * d_x_sigmoid(x, c_x(x), static_cast<float>(kC)); }};
  return a;
}
}  // namespace actgen
