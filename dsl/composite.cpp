#include "dsl/composite.h"


namespace actgen {

using Halide::select;


Expr slope_below_zero(Expr x, Expr s) { return select(x > 0.0f, x, select(s == 0.0f, 0.0f, x * s)); }

Expr sigmoid_slope(const DF &t) {
  // E / (1 + E)^2 with E = e^-|t| from one reduction (math::sigmoid_parts; with the clamp at 104, where
  // the slope rounds to 0, E is e^-|t| itself, subnormal values rounded once).
  math::SigmoidParts p = math::sigmoid_parts(t.hi, t.lo, 104.0f, false);
  Expr r = p.E / (p.D * p.D);
  return math::strict(r);
}

Expr d_x_sigmoid(Expr x, const DF &t, Expr dt) {
  // sigmoid(t) + x dt sigmoid(t) sigmoid(-t) = (n + x dt E / D) / D with E = e^-|t|, D = 1 + E, n = E (t < 0) or 1
  // (t >= 0): one exponential and one division. Beyond |t| = 87 E is subnormal (few significant bits): the E
  // terms are then below 2^-100 of the result (t > 0) or the result itself is below 1e-36 (t < 0), far inside
  // the backward contract's 1e-7 |dy| absolute.
  math::SigmoidParts p = math::sigmoid_parts(t.hi, t.lo, 104.0f, false);
  Expr rinv = 1.0f / p.D;
  Expr xdt = Halide::Internal::is_const_one(dt) ? x : x * dt;
  Expr d = rinv * math::add_product(select(p.neg, p.E, 1.0f), xdt, p.E * rinv);
  // Beyond |t| = 100, sigmoid(-|t|) < 4e-44 and the derivative is its limit, 0 or 1 (without this, x = inf
  // would give inf * 0).
  return math::strict(select(t.hi > 100.0f, 1.0f, select(t.hi < -100.0f, 0.0f, d)));
}

}  // namespace actgen
