#include "dsl/define.h"
#include "dsl/math/internal.h"

namespace actgen {
namespace {
// mish from one exponential E = e^-|x| (math::detail::sigmoid_parts, E + El to ~2^-40): with u = e^x,
//   x < 0:  tanh(softplus(x)) = n / (n + 2), n = u (u + 2) = E (E + 2);
//   x >= 0: n / (n + 2) = (1 + 2E) / (1 + 2E + 2E^2) (numerator and denominator divided by u^2).
// Numerator and denominator are kept as hi + lo (error-free sums and products) and the quotient is corrected
// once with an exact residual (the plain float chain reached 3.1 ulp near x = -3.4). Below x = -87 E carries a
// scale 2^-kr (n / (n + 2) ~= E there), applied to the product at the end, so a subnormal result is rounded
// about once. Below x = -112, |x| e^x is under half the smallest subnormal: -0.
Expr mish_forward(Expr x) {
  using math::detail::add_mul;
  using math::detail::fast_two_sum;
  using math::detail::mad;
  math::detail::SigmoidParts p = math::detail::sigmoid_parts(x, Expr(), 112.0f, true);
  Expr E = p.E, El = p.El;
  Expr e2 = E + E;
  // x < 0: n = E (E + 2), d = n + 2.
  DF s = fast_two_sum(Expr(2.0f), E);
  DF en = math::detail::exact_prod(E, s.hi);
  Expr nl_neg = en.lo + add_mul(El * (s.hi + E), E, s.lo);
  DF dn = fast_two_sum(Expr(2.0f), en.hi);  // en.hi <= 3: same binade as 2 or below
  // x >= 0: n = 1 + 2E, d = n + 2E^2.
  DF np = fast_two_sum(Expr(1.0f), e2);
  Expr nl_pos = np.lo + (El + El);
  DF sq = math::detail::exact_prod(e2, E);
  DF dp = fast_two_sum(np.hi, sq.hi);  // np.hi = 1 + 2E >= 2E^2
  Expr nh = select(p.neg, en.hi, np.hi);
  Expr nl = select(p.neg, nl_neg, nl_pos);
  Expr dh = select(p.neg, dn.hi, dp.hi);
  Expr dl = select(p.neg, dn.lo + nl_neg, dp.lo + (nl_pos + sq.lo));
  // (nh + nl) / (dh + dl): q0 = nh / dh through the reciprocal, the residual nh - q0 dh exactly (FMA or
  // two_prod), one correction step.
  Expr rinv = 1.0f / dh;
  Expr q0 = nh * rinv;
  DF qd = math::detail::exact_prod(q0, dh);
  Expr resid = ((nh - qd.hi) - qd.lo) + (nl - q0 * dl);
  Expr t = add_mul(q0, resid, rinv);
  Expr r = (x * t) * math::detail::pow2i(select(p.neg, p.kr, 0));
  return math::detail::strict(select(x < -112.0f, -0.0f, r));
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
