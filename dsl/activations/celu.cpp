#include "dsl/define.h"

namespace actgen {
namespace {
// The fast cases (Activation::fast_when), in order. alpha = 1 (the default): elu's forms, e^x - 1 and e^x with no
// division by alpha (the same values: x / 1 is exact). alpha > 0: x / alpha <= 0 wherever the exponential side is
// taken, so math::expm1_nonpos (no overflow path) can replace math::expm1.
Expr alpha_is_one(const Params &p) { return p[0] == 1.0f; }
Expr alpha_positive(const Params &p) { return p[0] > 0.0f; }

// x / alpha as hi + lo (lo the rounding error of the quotient, exact remainder over alpha). alpha < 0 takes the
// exponential side at u = x / alpha >= 0, where e^u amplifies u's rounding by u (celu(-119; alpha = -1.5) was 43
// ulp with the rounded u): the exponential there takes u's low part. Non-finite u: lo is cleared.
DF quotient(Expr x, Expr alpha) {
  Expr u = x / alpha;
  DF p = math::two_prod(u, alpha);
  Expr lo = ((x - p.hi) - p.lo) / alpha;
  return {u, select(abs(u) < 1e30f, lo, 0.0f)};
}
}  // namespace

// max(0, x) + min(0, alpha (e^(x/alpha) - 1)) equals x > 0 ? x : alpha expm1(x / alpha) for either sign of alpha.
const Activation &defined_activation() {
  static const Activation a = [] {
    Activation a{"celu", {{"alpha", 1.0, Constraint::NonZero}}, {},
                 [](Expr x, const Params &p) {
                   // alpha < 0: u >= 0; below 1 expm1 (u's rounding costs at most 0.8 ulp there), above, e^(u + lo)
                   // - 1 (e^u / (e^u - 1) <= 1.6 magnifies exp's error).
                   DF u = quotient(x, p[0]);
                   Expr general = select(u.hi < 1.0f, math::expm1(u.hi), math::exp(u) - 1.0f);
                   return select(x > 0.0f, x,
                                 select(alpha_is_one(p), math::expm1_nonpos(x),
                                        p[0] * select(alpha_positive(p), math::expm1_nonpos(u.hi), general)));
                 },
                 // celu'(0) = 1 from the exponential side, as PyTorch.
                 [](Expr x, Expr dy, const Params &p) {
                   // alpha < 0: dy e^u with e^u formed 2^64 lower above u = 64, so that a finite product does not
                   // pass through an overflowed e^u.
                   DF u = quotient(x, p[0]);
                   const DF minus_64_ln2{Expr(-4.436141968e+01f), Expr(1.218978696e-07f)};
                   Expr high = (math::exp(math::add(u, minus_64_ln2)) * dy) * 18446744073709551616.0f;  // 2^64
                   Expr general = select(u.hi > 64.0f, high, dy * math::exp(u));
                   return select(x > 0.0f, dy,
                                 select(alpha_is_one(p), dy * math::exp(x),
                                        select(alpha_positive(p), dy * math::exp(u.hi), general)));
                 }};
    a.fast_when = [](const Params &p) { return std::vector<Expr>{alpha_is_one(p), alpha_positive(p)}; };
    return a;
  }();
  return a;
}
}  // namespace actgen
