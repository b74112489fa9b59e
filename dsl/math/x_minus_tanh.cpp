// x - tanh x without cancellation near 0 (tanhshrink's core).
//
// |x| < sqrt 2:  |x| h, h = x^2 P(x^2), P(u) = 1/4 + w(u - 1), w of degree 9 fitted on u in [0, 2] (see
//                x_minus_tanh below). x^2 = u + ul exactly, u/4 exact, so the rounding errors are w's (fit and
//                Horner, relative to P), the bracket u w + ul/4's (at most 0.34 of h), h's and the final
//                product's: about 2 ulp (measured 1.96 with FMA, 2.19 without, near x = 0.0035 and 0.028;
//                bound 2.5). The previous form (x^3 as a double-float times c0 exactly, degree 10, a 2^30 scaling
//                for tiny |x|) measured 1.39 / 1.66 at 83 AVX2 instructions per vector (tanhshrink) against 54.
// |x| >= sqrt 2: x - tanh x = (|x| - 1) + 2 e / (1 + e), e = e^(-2|x|) (|x| - 1 exact below 2^24; the second term
//                is < 0.111 of a result >= 0.525, so its few-ulp error costs < 0.25 ulp).
// Odd: computed on |x|, sign copied back (-0 -> -0). NaN -> NaN, +-inf -> +-inf.
// HALIDE 14 CAVEAT (measured): the strict_float() wrappers do NOT protect the error-free transformations here
// unless the target itself has the strict_float feature: JIT on x86-64-linux-avx512_skylake, two_prod(x, x).lo
// comes back 0 and is_nan selects are folded away (normal_pdf(13.04): 77 ulp, normal_cdf(NaN) = 1); with
// "-strict_float" added to the target everything below holds (tests/math/contract_table.h builds with it,
// as cmake/targets.cmake builds the kernels).
// Under strict_float (see internal.h): identical results on targets with the same FMA setting (math::set_fma).
#include "dsl/math/internal.h"

namespace actgen::math {

using namespace Halide;

namespace {

// fit_poly xmt -1 1 9 1: P(1 + v) = (x - tanh x)/x^3 at x^2 = 1 + v, v in [-1, 1] (Chebyshev interpolation):
// approx 0.667 x 2^-24 relative; horner 1.14 ulp of P. kXmt[0] is replaced by kXmtW0 = float(kXmt[0] - 1/4)
// (exact): P = 1/4 + w(v).
const float kXmt[10] = {2.384058535e-01f,  -6.759593636e-02f, 1.945079863e-02f,  -5.607846659e-03f,
                        1.618475770e-03f,  -4.666555324e-04f, 1.315988629e-04f,  -3.809008922e-05f,
                        1.407452055e-05f,  -4.001110938e-06f};
const float kXmtW0 = -1.1594146490e-02f;

}  // namespace

Expr x_minus_tanh(Expr x) {
  Expr a = abs(x);
  // Small |x|: u + ul = a^2 exactly (detail::exact_square: a multiply and an fma with the FMA path, Dekker without),
  // P(u) = 1/4 + w(u - 1), h = (u + ul) P = u/4 + (u w + ul/4) with u/4 exact and the bracket (at most 0.34 of h)
  // rounded before the one rounding of h, and the result a h. Errors (relative): w's fit and Horner rounding,
  // the bracket's, h's and the final product's roundings; no scaling is needed for tiny |x|: u and h stay normal
  // down to |x| = 2^-62, where the result (x^3/3 < 2^-187) is already 0, and a h rounds once into the subnormal
  // range (x^3/3 < 2^-126 for |x| < 2^-41.5).
  DF u = detail::exact_square(a);  // garbage for a >= 2^100, whose lanes take the large-|x| path
  Expr v = u.hi - 1.0f;  // exact for u in [0.5, 2]; below, its rounding error (< 2^-25) is damped by w's slope
  Expr w = kXmt[9];
  for (int k = 8; k >= 1; --k) w = detail::mad(w, v, Expr(kXmt[k]));
  w = detail::mad(w, v, Expr(kXmtW0));
  Expr h = detail::mad(u.hi, Expr(0.25f), detail::mad(u.hi, w, u.lo * 0.25f));
  Expr small = a * h;
  // Large |x|.
  // e = e^(-2a) from sigmoid_parts (which also gives 1 + e rounded); beyond 2a = 87 e is subnormal or 0,
  // and the term is then below 2^-124 next to a - 1 >= 0.41.
  SigmoidParts sp = sigmoid_parts(a + a, Expr(), 104.0f, false);
  Expr big = (a - 1.0f) + (2.0f * sp.E) / sp.D;
  Expr r = select(a < 1.41421354f, small, big);
  // r >= +0 (a h with h >= +0, or (a - 1) + a positive term): x's sign is or-ed in (copysign_nonneg). NaN x:
  // a < sqrt 2 is false and a - 1 is NaN, so r is NaN (strict_float: no no-NaN folding), and so is the result:
  // no NaN select.
  return strict(detail::copysign_nonneg(r, x));
}

}  // namespace actgen::math
