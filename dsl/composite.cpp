#include "dsl/composite.h"

namespace actgen {

using Halide::select;

DF negate(const DF &t) { return {-t.hi, -t.lo}; }

Expr mul_exp(Expr a, const DF &t) {
  // 2^-64, exactly representable; applied up to three times (|a| < 2^128 = e^88.7, so below t = -200 the
  // product is under half the smallest subnormal and is zero).
  const float kDown = 5.42101086242752217e-20f;
  Expr k = Halide::floor(-t.hi * (1.0f / 64.0f));  // 0 for t > -64
  k = Halide::clamp(k, 0.0f, 3.0f);
  // t.hi + 64k is exact: |t.hi| < 256 has an ulp of at least 2^-16, and the sum, a multiple of it, is under 64.
  Expr e = math::exp(DF{t.hi + k * 64.0f, t.lo});
  Expr r = a * e;
  r = select(k >= 1.0f, r * kDown, r);
  r = select(k >= 2.0f, r * kDown, r);
  r = select(k >= 3.0f, r * kDown, r);
  Expr zero = select(a < 0.0f, -0.0f, 0.0f);
  return select(t.hi < -200.0f, zero, r);
}

Expr x_sigmoid(Expr x, const DF &t) {
  // Below t = -64, 1 + e^t rounds to 1, so x * sigmoid(t) = x * e^t; mul_exp keeps subnormal results exact.
  return select(t.hi < -64.0f, mul_exp(x, t), x * math::sigmoid(t));
}

Expr sigmoid_slope(const DF &t) {
  Expr e = math::exp(DF{select(t.hi > 0.0f, -t.hi, t.hi), select(t.hi > 0.0f, -t.lo, t.lo)});
  Expr one_e = 1.0f + e;
  return e / (one_e * one_e);
}

Expr d_x_sigmoid(Expr x, const DF &t, Expr dt) {
  Expr d = math::sigmoid(t) + x * dt * sigmoid_slope(t);
  // Beyond |t| = 100, sigmoid(-|t|) < 4e-44 and the derivative is its limit, 0 or 1 (without this, x = inf
  // would give inf * 0).
  return select(t.hi > 100.0f, 1.0f, select(t.hi < -100.0f, 0.0f, d));
}

}  // namespace actgen
