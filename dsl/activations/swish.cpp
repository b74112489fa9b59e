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

// The fast cases (Activation::fast_when), in order. beta = 1 (the default): silu's forms, with t = x exact (no
// double-float product, no clamp): the same values as the general forms at beta = 1. |beta| >= 1: |x| <= |beta x|,
// the condition of math::mul_sigmoid_small, which takes 11 fewer AVX-512 instructions per vector than
// math::mul_sigmoid.
Expr beta_is_one(const Params &p) { return p[0] == 1.0f; }
Expr beta_at_least_one(const Params &p) { return abs(p[0]) >= 1.0f; }
}  // namespace

const Activation &defined_activation() {
  static const Activation a = [] {
    Activation a{"swish", {{"beta", 1.0, Constraint::Finite}}, {},
                 [](Expr x, const Params &p) {
                   DF t = beta_x_clamped(x, p[0]);
                   return select(beta_is_one(p), math::mul_sigmoid_small(x, DF{x, 0.0f}),
                                 select(beta_at_least_one(p), math::mul_sigmoid_small(x, t), math::mul_sigmoid(x, t)));
                 },
                 [](Expr x, Expr dy, const Params &p) {
                   return dy * select(beta_is_one(p), d_x_sigmoid(x, DF{x, 0.0f}, 1.0f),
                                      d_x_sigmoid(x, beta_x(x, p[0]), p[0]));
                 }};
    a.fast_when = [](const Params &p) { return std::vector<Expr>{beta_is_one(p), beta_at_least_one(p)}; };
    return a;
  }();
  return a;
}
}  // namespace actgen
