// x - tanh x without cancellation near 0 (tanhshrink's core).
//
// |x| < sqrt 2:  x^3 P(x^2), P(u) = c0 + w(u - 1) fitted on u in [0, 2]. x^3 = |x| * x^2 is formed as a
//                double-float (two_prod) and multiplied by c0 exactly (two_prod), so the result rounds once plus
//                the small error of w: rounding x^2 or x^3 alone would cost up to 1 ulp. For |x| < 2^-30, |x| is
//                scaled by 2^30 first and the result by 2^-90 at the end, so that results down to the
//                subnormal range (x^3/3 < 2^-126 for |x| < 2^-41.5) are rounded once, not flushed.
// |x| >= sqrt 2: x - tanh x = (|x| - 1) + 2 e / (1 + e), e = e^(-2|x|) (|x| - 1 exact below 2^24; the second term
//                is < 0.111 of a result >= 0.525, so its few-ulp error costs < 0.25 ulp).
// Odd: computed on |x|, sign copied back (-0 -> -0). NaN -> NaN, +-inf -> +-inf.
// HALIDE 14 CAVEAT (measured): the strict_float() wrappers do NOT protect the error-free transformations here
// unless the target itself has the strict_float feature: JIT on x86-64-linux-avx512_skylake, two_prod(x, x).lo
// comes back 0 and is_nan selects are folded away (normal_pdf(13.04): 77 ulp, normal_cdf(NaN) = 1); with
// "-strict_float" added to the target everything below holds (tests/math/test_contract.cpp,
// ACTGEN_MATH_STRICT_FLOAT=1).
// Under strict_float (see internal.h): identical results on targets with the same FMA setting (math::set_fma).
#include "dsl/math/internal.h"

namespace actgen::math {

using namespace Halide;

namespace {

// NaN test on the bits: immune to LLVM's no-nans fast-math folding, which on avx512 (without the strict_float
// target feature) was seen to fold is_nan(x) away (normal_cdf(NaN) = 1).
Expr isnan_bits(const Expr &x) {
  return (reinterpret(UInt(32), x) & Expr(uint32_t{0x7fffffffu})) > Expr(uint32_t{0x7f800000u});
}

// fit_poly xmt_w -1 1 10 1: w(v) = (x - tanh x)/x^3 - c0 at x^2 = 1 + v, v in [-1, 1];
// horner no-FMA 0.440 ulp of P (c0_hi = 2.384058386e-01f)
const float kXmtC0 = 2.384058386e-01f;
const float kXmt[11] = {5.435493389e-09f,  -6.759594381e-02f, 1.945100911e-02f,  -5.607768428e-03f,
                        1.617210452e-03f,  -4.669048358e-04f, 1.346421923e-04f,  -3.778148312e-05f,
                        1.091202648e-05f,  -4.131572950e-06f, 1.185024757e-06f};

const float kTiny = 9.31322574615478516e-10f;   // 2^-30
const float kUp = 1073741824.0f;                // 2^30
const float kDown3 = 8.07793566946316088e-28f;  // 2^-90
const float kDown2 = 8.67361737988403547e-19f;  // 2^-60

}  // namespace

Expr x_minus_tanh(Expr x) {
  Expr a = abs(x);
  // Small |x|: scale tiny inputs so that x^2 and x^3 stay normal.
  Expr tiny = a < kTiny;
  Expr as = select(tiny, a * kUp, a);
  DF u = two_prod(as, as);                                 // as^2 exactly
  Expr v = (u.hi * select(tiny, kDown2, 1.0f) - 1.0f) + u.lo * select(tiny, kDown2, 1.0f);  // x^2 - 1
  Expr w = kXmt[10];
  for (int k = 9; k >= 0; --k) w = detail::mad(w, v, Expr(kXmt[k]));
  DF c = two_prod(as, u.hi);
  Expr c_lo = detail::add_mul(c.lo, as, u.lo);               // as^3 = c.hi + c_lo to ~2^-44
  DF p = two_prod(c.hi, Expr(kXmtC0));
  Expr small = p.hi + (p.lo + detail::mad(c.hi, w, c_lo * (w + kXmtC0)));  // as^3 P(x^2), rounded once
  small = small * select(tiny, kDown3, 1.0f);
  // Large |x|.
  // e = e^(-2a) from detail::sigmoid_parts (which also gives 1 + e rounded); beyond 2a = 87 e is subnormal or 0,
  // and the term is then below 2^-124 next to a - 1 >= 0.41.
  detail::SigmoidParts sp = detail::sigmoid_parts(a + a, Expr(), 104.0f, false);
  Expr big = (a - 1.0f) + (2.0f * sp.E) / sp.D;
  Expr r = select(a < 1.41421354f, small, big);
  return strict_float(select(isnan_bits(x), x, detail::copysign(r, x)));
}

}  // namespace actgen::math
