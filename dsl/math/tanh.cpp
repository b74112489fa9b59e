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
  // |x| >= 0.55: tanh a = (1 - E) / (1 + E), E = e^(-2a) <= 0.333 from detail::sigmoid_parts (E within 0.8 ulp;
  // 2a exact; beyond 2a = 87 E is subnormal or 0, which does not matter: the result is 1 either way). 1 - E,
  // 1 + E and the quotient each round once; E's error reaches the result scaled by 2E / (1 - E^2) <= 0.75.
  // Measured 1.5 ulp (tests/math), within the 2 stated; the double-float numerator and corrected quotient
  // this replaced (1.0 ulp) cost 15 more instructions per vector.
  detail::SigmoidParts p = detail::sigmoid_parts(a + a, Expr(), 104.0f, false);
  Expr big = (1.0f - p.E) / p.D;
  Expr r = detail::copysign(select(a < 0.55f, small, big), x);  // sign restored bitwise, so -0 -> -0
  return detail::strict(select(is_nan(x), x, r));
}

}  // namespace actgen::math
