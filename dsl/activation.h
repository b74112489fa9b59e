// The activation catalog: one definition per activation, in dsl/activations/<name>.cpp.
//
// A definition names the activation and its parameters as PyTorch does, and gives the forward value and the
// backward product dy * f'(x) as Halide expressions of one f32 element. It says nothing about vectors, threads,
// targets or dtypes: generators/ decides those. The build globs dsl/activations/*.cpp, so the set of files is
// the catalog that generation, the runtime registry, the tests and the benchmarks all iterate.
#ifndef ACTGEN_DSL_ACTIVATION_H
#define ACTGEN_DSL_ACTIVATION_H

#include <Halide.h>

#include "common/kernel_signature.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace actgen {

using Halide::Expr;

// What values a parameter accepts (Constraint, common/kernel_signature.h: the runtime rejects others with
// ACTGEN_ERROR_INVALID_ARGUMENT); the enumerator's name, as the generator writes it into the runtime's manifest.
const char *constraint_name(Constraint c);

struct Param {
  std::string name;
  double default_value;
  Constraint constraint;
};

struct Activation {
  std::string name;
  std::vector<Param> params;
  // Pairs (i, j) of parameter indices that must satisfy p[i] <= p[j] (hardtanh's min_val <= max_val).
  std::vector<std::pair<int, int>> ordered;
  // f(x); p holds the parameters in declaration order, as f32 expressions.
  std::function<Expr(Expr x, const std::vector<Expr> &p)> forward;
  // dy * f'(x), with PyTorch's conventions at kinks.
  std::function<Expr(Expr x, Expr dy, const std::vector<Expr> &p)> backward;
  // The flat region, where f'(x) = 0 and `backward` returns 0 for every dy (dead units: relu's x <= 0), as a
  // condition on x and the parameters; empty when f' has no zero (smooth activations, whose f' only underflows).
  // The counting forward (actgen_forward_counted) counts the non-NaN inputs in it (it tests NaN itself: Halide
  // turns x <= 0 into !(0 < x), true for NaN).
  std::function<Expr(Expr x, const std::vector<Expr> &p)> flat;
  // The per-channel form (ACTGEN_FORM_CHANNEL; generators/form_generators.cpp): the index of the parameter a
  // network learns per channel (prelu's weight), or -1 when the activation has none; and dy * df/dp for that
  // parameter (the terms of dweight), with PyTorch's conventions at kinks. A definition sets both, as
  // `a.channel_param = k;` (cmake/forms.cmake finds the activations that take the form by that statement).
  int channel_param = -1;
  std::function<Expr(Expr x, Expr dy, const std::vector<Expr> &p)> param_backward;
  // Optional: conditions on the parameters under which the definitions simplify, in order (the first that holds
  // picks the form), and which the definitions test themselves as select(case 0, <form 0>, select(case 1,
  // <form 1>, <general form>)) (swish: beta = 1 is silu's form; |beta| >= 1 lets math::mul_sigmoid_small replace
  // math::mul_sigmoid). The generators give each CPU and GPU loop that evaluates the activation a specialization
  // on each case, nested in that order (generators/schedule.h, schedule_with_fast_case), where Halide's simplifier
  // knows the case true and the earlier ones false, and so drops the selects and the other forms: a call runs
  // only the form its parameters pick, and every kernel computes the same values as the plain ones (the forms
  // stay bit-identical to their composition). A loop left without the specializations (the per-channel parameter
  // form, where the parameter varies along the loop) evaluates every form and selects: the same values, slower.
  std::function<std::vector<Expr>(const std::vector<Expr> &p)> fast_when;
};

// An activation has at most kMaxParams parameters (common/kernel_signature.h: every kernel takes that many scalars).

// Each dsl/activations/<name>.cpp defines this for its own activation; a generator links exactly one.
const Activation &defined_activation();

}  // namespace actgen

#endif  // ACTGEN_DSL_ACTIVATION_H
