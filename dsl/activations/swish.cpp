#include "dsl/define.h"

namespace actgen {
namespace {
// beta x as a double-float (sigmoid amplifies the rounding of beta x by |beta x|); beta = 0 gives x / 2 even
// at x = +-inf, where the product would be NaN.
DF beta_x(Expr x, Expr beta) {
  DF t = math::two_prod(beta, x);
  return DF{select(beta == 0.0f, 0.0f, t.hi), select(beta == 0.0f, 0.0f, t.lo)};
}
}  // namespace

const Activation &defined_activation() {
  static const Activation a{
      "swish", {{"beta", 1.0, Constraint::Finite}}, {},
      [](Expr x, const Params &p) { return math::mul_sigmoid(x, beta_x(x, p[0])); },
      [](Expr x, Expr dy, const Params &p) { return dy * d_x_sigmoid(x, beta_x(x, p[0]), p[0]); }};
  return a;
}
}  // namespace actgen
