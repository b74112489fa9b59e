#include "dsl/define.h"

namespace actgen {
namespace {
// beta x as a double-float (sigmoid amplifies the rounding of beta x by |beta x|); beta = 0 gives x / 2 even
// at x = +-inf, where the product would be NaN.
DF beta_x(Expr x, Expr beta) {
  DF t = math::two_prod(beta, x);
  return DF{select(beta == 0.0f, 0.0f, t.hi), select(beta == 0.0f, 0.0f, t.lo)};
}

// The forward's beta x: x clamped to the finite range first, so that beta = 0 gives t = 0 (and x / 2) at
// x = +-inf too; for beta != 0 and x = +-inf, t is then a finite value or +-inf of beta x's sign, which gives
// math::mul_sigmoid's limits for an infinite a (a for t >= 0, a signed 0 for t < 0) just as t = +-inf does. Two
// min/max instead of beta_x's two selects on beta == 0, which LLVM 14 keeps as a scalar compare and branch in
// the hot loop. A NaN x gives NaN (mul_sigmoid selects it from a) whatever the clamp makes of it.
DF beta_x_clamped(Expr x, Expr beta) {
  const float big = 3.40282347e+38f;  // FLT_MAX
  return math::two_prod(beta, clamp(x, -big, big));
}
}  // namespace

const Activation &defined_activation() {
  static const Activation a{
      "swish", {{"beta", 1.0, Constraint::Finite}}, {},
      [](Expr x, const Params &p) { return math::mul_sigmoid(x, beta_x_clamped(x, p[0])); },
      [](Expr x, Expr dy, const Params &p) { return dy * d_x_sigmoid(x, beta_x(x, p[0]), p[0]); }};
  return a;
}
}  // namespace actgen
