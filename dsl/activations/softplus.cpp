#include "dsl/define.h"

namespace actgen {
namespace {
// log(1 + e^t) / beta with t = beta x kept as a double-float (in the lower tail softplus ~ e^t / beta amplifies
// the rounding of beta x by |t|), from one exponential: E = e^-|t| (math::sigmoid_parts),
// log(1 + e^t) = max(t, 0) + log(1 + E), the latter from math::log1p_unit (E in [0, 1], no log reduction
// and no division). Below t = -87 E carries a scale 2^-kr; there log(1 + E) = E in float, so the scale is
// applied after the division by beta, in two factors (a subnormal result is rounded at most twice). Below
// t = -193 the result is under half the smallest subnormal for every beta: the clamp gives 0. unit_beta: the form
// for beta = 1, t = x exact and no division (the same values as the general form there).
Expr softplus_forward(Expr x, Expr beta, Expr threshold, bool unit_beta) {
  DF t = unit_beta ? DF{x, Expr()} : math::two_prod(beta, x);
  math::SigmoidParts p = math::sigmoid_parts(t.hi, t.lo, 193.0f, false);
  Expr L = math::log1p_unit(p.E);  // log(1 + e^-|t|) (times 2^-kr below t = -87)
  Expr soft = unit_beta ? select(p.neg, L, t.hi + L) : select(p.neg, L, t.hi + (t.lo + L)) / beta;
  soft = math::scale_pow2_nonpos(soft, select(p.neg, p.kr, 0));
  return math::strict(select(t.hi > threshold, x, soft));
}

// The fast case (Activation::fast_when): beta = 1, the default.
Expr beta_is_one(const Params &p) { return p[0] == 1.0f; }
}  // namespace

// PyTorch's softplus: log(1 + e^(beta x)) / beta, and x where beta x > threshold (its linear region).
const Activation &defined_activation() {
  static const Activation a = [] {
    Activation a{"softplus", {{"beta", 1.0, Constraint::NonZero}, {"threshold", 20.0, Constraint::Finite}}, {},
                 [](Expr x, const Params &p) {
                   return select(beta_is_one(p), softplus_forward(x, p[0], p[1], true),
                                 softplus_forward(x, p[0], p[1], false));
                 },
                 [](Expr x, Expr dy, const Params &p) {
                   DF t = math::two_prod(p[0], x);
                   Expr general = select(t.hi > p[1], dy, dy * math::sigmoid(t));
                   return select(beta_is_one(p), select(x > p[1], dy, dy * math::sigmoid(x)), general);
                 }};
    a.fast_when = [](const Params &p) { return std::vector<Expr>{beta_is_one(p)}; };
    return a;
  }();
  return a;
}
}  // namespace actgen
