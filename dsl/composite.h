// Building blocks shared by several activations: products of x with an exponential or a sigmoid, formed so
// that results that land among the subnormals keep their digits, and infinities give the limit, not NaN.
#ifndef ACTGEN_DSL_COMPOSITE_H
#define ACTGEN_DSL_COMPOSITE_H

#include "dsl/math.h"

namespace actgen {

using Halide::Expr;
using math::DF;

// x > 0 ? x : s x (leaky_relu, prelu), with the limit 0 at x = -inf when s = 0 (not inf * 0 = NaN).
Expr slope_below_zero(Expr x, Expr s);

// x clamped to [lo, hi] as PyTorch's clamp: x < lo ? lo : x > hi ? hi : x, so x itself at a bound (relu6(-0) =
// -0 on x86; +0 on NEON, where LLVM makes the select an fmax: dsl/math.h) and a NaN x passes through (IEEE
// comparisons with a NaN are false). The generators' NaN rule then needs no select of its own
// (generators/generator_base.h, propagates_nan); on x86 each bound is one maxps / minps with x as the operand
// returned for a NaN, where Halide's clamp (max and min) is two plus the NaN compare and blend. at_least and
// at_most are the one-sided versions. The math library's own (dsl/math.h), which its routines clamp with too.
using math::at_least;
using math::at_most;
using math::clamp_keeping_nan;

// d/dx [x * sigmoid(t(x))] = sigmoid(t) + x * dt * sigmoid(t) * sigmoid(-t), where dt = t'(x).
Expr d_x_sigmoid(Expr x, const DF &t, Expr dt);

// sigmoid(t) * sigmoid(-t) = e / (1 + e)^2 with e = e^-|t|: sigmoid's derivative without 1 - sigmoid's
// cancellation.
Expr sigmoid_slope(const DF &t);

}  // namespace actgen

#endif  // ACTGEN_DSL_COMPOSITE_H
