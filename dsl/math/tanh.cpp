// tanh.
#include "dsl/math/internal.h"

namespace actgen::math {

using namespace Halide;

Expr tanh(Expr x) {
  Expr a = abs(x);
  // |x| < 0.55: tanh a = a + a z P(z), z = a^2, P of degree 4 interpolating (tanh(a)/a - 1)/z at the Chebyshev
  // nodes of z in [0, 0.3025] (long double fit, float coefficients: 0.09 * 2^-24 relative; no-FMA evaluation
  // 0.80 ulp).
  Expr z = a * a;
  Expr P = -6.610227749e-03f;
  P = detail::mad(P, z, Expr(2.130938880e-02f));
  P = detail::mad(P, z, Expr(-5.390942842e-02f));
  P = detail::mad(P, z, Expr(1.333311349e-01f));
  P = detail::mad(P, z, Expr(-3.333333135e-01f));
  Expr small = detail::add_mul(a, a * z, P);
  // |x| >= 0.55: tanh a = (1 - E) / (1 + E), E = e^(-2a) <= 0.333 from detail::sigmoid_parts (E + El to ~2^-40;
  // 2a exact; beyond 2a = 87 E carries a scale 2^-kr that does not matter: the result is 1 either way).
  // Numerator and denominator are kept as exact sums nh + nl, D + dl, and the quotient corrected to first order,
  // q + (nl - q dl) / D, with 1 / D (D in [1, 4/3]) replaced by 1.75 - 0.75 D (relative error < 0.02 of a
  // correction below 1 ulp).
  detail::SigmoidParts p = detail::sigmoid_parts(a + a, Expr(), 104.0f, false);
  Expr big = (1.0f - p.E) / p.D;
  Expr r = detail::copysign(select(a < 0.55f, small, big), x);  // sign restored bitwise, so -0 -> -0
  return detail::strict(select(is_nan(x), x, r));
}

}  // namespace actgen::math
