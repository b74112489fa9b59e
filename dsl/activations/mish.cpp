#include "dsl/define.h"

namespace actgen {
namespace {
// mish from one exponential E = e^-|x| (math::sigmoid_parts with its low part El): with u = e^x,
//   x < 0:  tanh(softplus(x)) = m / (1 + m), m = n / 2 = E + E^2 / 2 (n = u (u + 2));
//   x >= 0: 1 - w, w = 2 / (n + 2) = 2E^2 / (1 + 2E + 2E^2) <= 0.4 (its error reaches t damped by w / t <= 0.67).
// x < 0: m is kept as hi + lo (E^2 exact, one error-free sum), 1 + m as D + dl exactly, and the quotient corrected
// once: t = q + (m_lo - q dl) / D with 1 / D = 1 - t taken as 1 - q (the term is below an ulp). Without the
// correction and the low parts the chain reached 3.7 ulp near x = -13.8 (measured), and 3.1 near x = -3.4 with
// E's own rounding. Below x = -87 E carries a scale 2^-kr (t ~= E there), applied to the product at the end, so a
// subnormal result is rounded about once. Below x = -112, |x| e^x is under half the smallest subnormal: -0.
Expr mish_forward(Expr x) {
  using math::add_product;
  using math::fast_two_sum;
  math::SigmoidParts p = math::sigmoid_parts(x, Expr(), 112.0f, true);
  Expr E = p.E, El = p.El;
  DF sq = math::exact_prod(E, E);
  // x < 0: m / (1 + m).
  Expr s2 = add_product(add_product(sq.hi * 0.5f, sq.lo, Expr(0.5f)), El, 1.0f + E);  // E^2 / 2 + El (1 + E)
  DF m = fast_two_sum(E, s2);              // E >= E^2 / 2
  DF D = fast_two_sum(Expr(1.0f), m.hi);   // m <= 1.5: same binade as 1
  Expr dl = D.lo + m.lo;
  // x >= 0: 1 - w, w = c / ((1 + 2E) + c).
  Expr c = sq.hi + sq.hi;
  // One division for both sides, the operands selected per lane (the same values as dividing on each side and
  // selecting the results, at half the divisions: vdivps is the most expensive instruction of the loop).
  Expr q = select(p.neg, m.hi, c) / select(p.neg, D.hi, (1.0f + (E + E)) + c);
  Expr t_neg = add_product(q, add_product(m.lo, math::neg_bits(q), dl), 1.0f - q);
  Expr t_pos = 1.0f - q;
  Expr r = (x * select(p.neg, t_neg, t_pos)) * math::pow2i(select(p.neg, p.kr, 0));
  return math::strict(select(x < -112.0f, -0.0f, r));
}
}  // namespace

const Activation &defined_activation() {
  static const Activation a{
      "mish", {}, {},
      [](Expr x, const Params &) { return mish_forward(x); },
      // tanh(sp) + x sech^2(sp) sigmoid(x) = (n n2 (1 + u) + 4 x (n + 1) u) / (n2^2 (1 + u)), n2 = n + 2: one
      // division. Beyond x = 15 the slope is 1 in float (x sech^2 sigmoid < 6e-12), and the guard keeps the
      // denominator (~u^5) finite; below x = -100 it is 0. The guards also keep inf * 0 out.
      [](Expr x, Expr dy, const Params &) {
        Expr u = math::exp(x);
        Expr n = u * (u + 2.0f);
        Expr n2 = n + 2.0f;
        Expr u1 = 1.0f + u;
        Expr num = (n * n2) * u1 + (4.0f * x) * ((n + 1.0f) * u);
        Expr d = num / ((n2 * n2) * u1);
        return dy * select(x > 15.0f, 1.0f, select(x < -100.0f, 0.0f, d));
      }};
  return a;
}
}  // namespace actgen
