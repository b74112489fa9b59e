#include "dsl/define.h"

namespace actgen {
namespace {
// With u = e^x: tanh(softplus(x)) = n / (n + 2), n = u (u + 2); sech^2(softplus(x)) = 4 (n + 1) / (n + 2)^2.
struct MishTerms {
  Expr u, n, tanh_sp;
};
MishTerms terms(Expr x) {
  Expr u = math::exp(x);
  Expr n = u * (u + 2.0f);
  return {u, n, n / (n + 2.0f)};
}

// n / (n + 2) with n = u^2 + 2u and n + 2 kept as double-floats and the quotient corrected once: the plain
// float chain rounds five times and reached 3.9 ulp of mish near x = -3.4.
Expr tanh_softplus_precise(Expr u) {
  DF n = math::add(math::two_prod(u, u), DF{2.0f * u, 0.0f});
  DF d = math::add(n, DF{Halide::Expr(2.0f), Halide::Expr(0.0f)});
  Expr q = n.hi / d.hi;
  DF qd = math::two_prod(q, d.hi);
  return q + (((n.hi - qd.hi) - qd.lo) + (n.lo - q * d.lo)) / d.hi;
}
}  // namespace

const Activation &defined_activation() {
  static const Activation a{
      "mish", {}, {},
      // Beyond x = 20, 2/(n+2) < 1e-17: mish = x. Below x = -20, n / (n + 2) = u (1 - u/2 + ...) = u to float
      // precision and mish = x e^x, taken through mul_exp so subnormal results keep their digits.
      [](Expr x, const Params &) {
        Expr t = tanh_softplus_precise(math::exp(x));
        return select(x > 20.0f, x, select(x < -20.0f, mul_exp(x, DF{x, 0.0f}), x * t));
      },
      // tanh(sp) + x sech^2(sp) sigmoid(x); limits 1 and 0 beyond +-20 and +-100 keep inf * 0 out.
      [](Expr x, Expr dy, const Params &) {
        MishTerms t = terms(x);
        Expr n2 = t.n + 2.0f;
        Expr d = t.tanh_sp + x * ((4.0f * (t.n + 1.0f)) * t.u) / ((n2 * n2) * (1.0f + t.u));
        return dy * select(x > 20.0f, 1.0f, select(x < -100.0f, 0.0f, d));
      }};
  return a;
}
}  // namespace actgen
