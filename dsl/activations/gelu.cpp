#include "dsl/define.h"
#include "dsl/math/internal.h"

namespace actgen {
const Activation &defined_activation() {
  static const Activation a{
      "gelu", {}, {},
      // Below x = -20, x Phi(x) is under 1e-87: the float result is -0 (and -inf * 0 would be NaN).
      [](Expr x, const Params &) { return select(x < -20.0f, -0.0f, math::mul_normal_cdf(x, x)); },
      // Phi(x) + x phi(x): beyond x = 10 the second term is under 1e-21 and the slope is 1 in float; below
      // x = -20 both terms underflow. The guards also keep inf * 0 out.
      [](Expr x, Expr dy, const Params &) {
        Expr d = math::detail::normal_cdf_plus_x_pdf(x);
        return dy * select(x > 10.0f, 1.0f, select(x < -20.0f, 0.0f, d));
      }};
  return a;
}
}  // namespace actgen
