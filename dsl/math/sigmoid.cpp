// sigmoid, a * sigmoid(t), and the shared reduction sigmoid_parts.
#include "dsl/math/internal.h"

namespace actgen::math {

using namespace Halide;

namespace {
bool is_zero_const(const Expr &e) { return !e.defined() || Internal::is_const_zero(e); }
}  // namespace

SigmoidParts sigmoid_parts(const Expr &hi, const Expr &lo, float clamp_lo, bool with_low, bool keep_nan) {
  using namespace detail;
  const float clamp_mag = std::abs(clamp_lo);
  Expr neg = hi < 0.0f;
  // m = -|t| (sign bit set), lo with the matching sign.
  Expr mh = reinterpret(Float(32), reinterpret(UInt(32), hi) | Expr(uint32_t{0x80000000u}));
  mh = keep_nan ? at_least(mh, Expr(-clamp_mag)) : max(mh, -clamp_mag);  // one maxps either way
  Expr ml;
  if (!is_zero_const(lo)) ml = select(neg, lo, neg_bits(lo));
  // k = round(m / ln 2) in [-280, 0], r1 = m - k L2H exact.
  Ln2Reduction red = reduce_ln2(mh);
  Expr kf = red.kf, tb = red.tb, r1 = red.r1;
  // e^(r1 + c) = e^(m + ml) 2^-k, |c| < 1.3e-3.
  Expr c = ml.defined() ? mad(kf, Expr(-kLn2Lo), clamp(ml, -1e-3f, 1e-3f)) : kf * -kLn2Lo;
  Expr y, yl;
  if (with_low) {
    Expr r = r1 + c;  // rounded: only used in the polynomial term
    Expr q = exp_quadratic_tail(r);  // e^r = 1 + r + r^2 q(r), 0.18 * 2^-24 relative on [-0.35, 0.35]
    DF v = fast_two_sum(Expr(1.0f), r1);  // 1 + r1 exactly
    Expr w = v.lo + add_product(c, r * r, q);
    y = v.hi + w;         // e^(m + ml) 2^-k, rounded once (plus small terms)
    yl = (v.hi - y) + w;  // y's rounding error (|v.hi| >= |w|)
  } else if (use_fma()) {
    // Horner with fused steps, 1 + r (1 + r q): the last step rounds once; r's rounding (2^-26) and the inner
    // step add about 0.3 ulp (measured: y within 0.8 ulp).
    Expr r = ml.defined() ? r1 + c : fma(kf, Expr(-kLn2Lo), r1);
    Expr q = exp_quadratic_tail(r);
    y = fma(r, fma(r, q, Expr(1.0f)), Expr(1.0f));
  } else {
    // Unfused, Horner would round twice per step: 1 + (r1 + (c + r^2 q)) rounds only the two additions.
    Expr r = r1 + c;
    y = 1.0f + (r1 + (c + (r * r) * exp_quadratic_tail(r)));
  }
  Expr E, El, kr, E64;
  if (clamp_mag <= 120.0f && !with_low) {
    // k >= -174: E = (y 2^(k + 64)) 2^-64, the first factor (E64, normal) y times a normal power of two built
    // from the shifter's bits (exact product), the second rounding once where e^-|t| is subnormal. kr = 0.
    Expr S = reinterpret(Float(32), (tb << 23) + Expr(shifter_exponent(64)));
    E64 = y * S;
    E = E64 * 5.42101086242752217e-20f;  // 2^-64
    kr = Expr(0);
  } else {
    Expr k = red.k;
    Expr kc = max(k, -125);
    Expr P = pow2i(kc);
    E = y * P;  // E normal (y >= 0.7), exact
    if (with_low) El = yl * P;
    kr = k - kc;
  }
  DF d = fast_two_sum(Expr(1.0f), E);  // E <= 1
  return {neg, E, El, d.hi, with_low ? d.lo + El : d.lo, kr, E64};
}

namespace {
// num / D corrected for 1 + E's rounding (D + dl exact): q - q dl / D, 1 / D (D in [1, 2]) taken as 1.5 - D / 2.
// Shared by mul_sigmoid and mul_sigmoid_small, which take it only without the FMA path: with it the plain
// quotient is within their bound (mul_sigmoid_small(x, x) 2.57 -> 2.78 ulp, tests/math), without it it is not
// (2.45 -> 3.14), and the correction is 5 of silu's 42 AVX-512 instructions.
Expr quotient_by_one_plus_e(const Expr &num, const SigmoidParts &p) {
  Expr q0 = num / p.D;
  if (detail::use_fma()) return q0;
  return detail::mad(neg_bits(q0 * p.dl), detail::mad(p.D, Expr(-0.5f), Expr(1.5f)), q0);
}

// +-0 with a's sign (the callers' zero results).
Expr signed_zero(const Expr &a) {
  return reinterpret(Float(32), reinterpret(UInt(32), a) & Internal::make_const(UInt(32), 0x80000000u));
}

// The result's sign is a's in every case (sigmoid > 0). With the FMA path r has it already: a times positive
// factors and divided by D > 0, each rounding keeping the sign (zeros and underflows included), and the callers'
// zero results are signed_zero(a). Without it the quotient's correction (q0 - q0 dl / D) can turn -0 into +0, so
// the sign is restored bitwise (3 operations). NaN a or t gives NaN.
Expr signed_result(const Expr &r, const Expr &a) { return detail::use_fma() ? r : detail::copysign(r, a); }

Expr finish_mul_sigmoid(const Expr &r, const Expr &a, const DF &t) {
  return strict(select(is_nan(a) || is_nan(t.hi), a + t.hi, signed_result(r, a)));
}

Expr sigmoid_impl(const Expr &hi, const Expr &lo) {
  // x >= 0: 1 / (1 + E); x < 0: E / (1 + E), E = e^-|x|. Below x = -104 the result rounds to 0; with that clamp
  // E is e^-|x| itself, rounded once where subnormal (and 1 + E = 1 there, so the quotient is E).
  // Error: E (<= 0.9 ulp), 1 + E (0.5), the division (0.5); measured in tests/math. A NaN x comes out of the
  // division as NaN (keep_nan: E and D are NaN), with no select.
  SigmoidParts p = sigmoid_parts(hi, lo, 104.0f, false, true);
  return strict(select(p.neg, p.E, 1.0f) / p.D);
}
}  // namespace

Expr sigmoid(Expr x) { return sigmoid_impl(x, Expr()); }
Expr sigmoid(const DF &x) { return sigmoid_impl(x.hi, x.lo); }

Expr mul_sigmoid(Expr a, const DF &t) {
  // t >= 0: a / (1 + E); t < 0: a E / (1 + E) * 2^kr, kr in [-154, 0] applied in at most two factors after
  // the division, so a result that is subnormal is rounded at most twice (< 1 ulp together). Below t = -193,
  // |a| e^t < 2^128 e^-193 is under half the smallest subnormal: the clamp gives 0 there for finite a.
  // (a E) / (1 + E) (t < 0) or a / (1 + E), with the quotient corrected for 1 + E's rounding (D + dl exact):
  // q - q dl / D, 1 / D (D in [1, 2]) taken as 1.5 - D / 2 (its error is < 0.09 of a term below 1 ulp). That
  // correction costs 3 operations and takes the worst case from 3.1 to about 2.4 ulp without the FMA path; with
  // it the plain quotient measures 2.8 and is kept. E (0.7 ulp), the product and the division still round once
  // each. a E <= |a| (E <= 1): no overflow.
  SigmoidParts p = sigmoid_parts(t.hi, t.lo, 193.0f, false);
  Expr q = quotient_by_one_plus_e(a * select(p.neg, p.E, 1.0f), p);
  Expr r = scale_pow2_nonpos(q, select(p.neg, p.kr, 0));
  // a = +-inf: the limit (a for t >= 0, a signed 0 for t < 0); the formula above would give inf - inf.
  return finish_mul_sigmoid(select(detail::is_finite_bits(a), r, select(p.neg, signed_zero(a), a)), a, t);
}

Expr mul_sigmoid_small(Expr a, const DF &t) {
  // As mul_sigmoid, for |a| <= |t|: below t = -120 the result |a| e^t <= 120 e^-120 < 2^-150 is a signed 0, and
  // above, |a| <= 120 where t < 0, so the product is formed 2^64 high, (a E64) / (1 + E) with E64 = e^-|t| 2^64 a
  // normal float (exact scaling), corrected for 1 + E's rounding as mul_sigmoid does, and scaled back by one
  // multiplication by 2^-64 (one rounding where the result is subnormal). No scaling split (kr): 10 fewer
  // operations than mul_sigmoid.
  SigmoidParts p = sigmoid_parts(t.hi, t.lo, 120.0f, false);
  Expr q = quotient_by_one_plus_e(a * select(p.neg, p.E64, 1.0f), p);
  Expr r = q * select(p.neg, 5.42101086242752217e-20f, 1.0f);  // 2^-64 where t < 0
  // a = +-inf (so t = +-inf): the limit, a or 0; t < -120: 0. The plain quotient (FMA path) gives a itself for an
  // infinite a (D = 1 there); the correction would give inf - inf.
  if (!detail::use_fma()) r = select(detail::is_finite_bits(a), r, a);
  // No NaN select (3 operations): a NaN a comes out as NaN (the NaN product, or a itself above without FMA); a
  // NaN t with a number a is the caller's to select (math.h).
  return strict(signed_result(select(t.hi < -120.0f, signed_zero(a), r), a));
}

}  // namespace actgen::math
