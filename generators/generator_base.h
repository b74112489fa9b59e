// What every actgen generator shares: the definition lookup (with the math library set up for the target), the
// schedule knobs as generator parameters, the schedule-or-estimate step, and the contract's NaN rule. Used by the
// plain generators (activation_generator.cpp) and the fused forms (form_generators.cpp).
#ifndef ACTGEN_GENERATORS_GENERATOR_BASE_H
#define ACTGEN_GENERATORS_GENERATOR_BASE_H

#include "dsl/activation.h"
#include "dsl/math.h"
#include "generators/dtype_convert.h"
#include "generators/schedule.h"

#include <array>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace actgen {

using namespace Halide;

// The contract's NaN rule, for every activation: NaN in x (or dy) gives NaN out, whatever the definition's
// comparisons would do with it.
inline Expr propagate_nan(Expr value, Expr x) { return select(is_nan(x), x, value); }

// The scalar inputs every generator declares where the kernel signature puts them (common/kernel_signature.h):
// Input<float> p0{"p0"}; Input<float> p1{"p1"}; ...
#define ACTGEN_SLOT_INPUT_DECL(k) Input<float> p##k{"p" #k};
#define ACTGEN_PARAM_INPUTS ACTGEN_PARAM_SLOTS(ACTGEN_SLOT_INPUT_DECL)

template <typename T>
class ActivationBase : public Generator<T> {
 public:
  GeneratorParam<std::string> activation{"activation", ""};
  // One parameter per schedule knob (generators/schedule.h's list), named as the knob, defaulting to its default.
#define ACTGEN_KNOB_PARAM(name, value) GeneratorParam<int> name{#name, value};
  ACTGEN_SCHEDULE_KNOBS(ACTGEN_KNOB_PARAM)
#undef ACTGEN_KNOB_PARAM
  // With auto_schedule=true (Halide's autoschedulers, for `actgen tune report`): the element count the
  // autoscheduler is told to expect. The hand schedule ignores it.
  GeneratorParam<int> estimate{"estimate", 1 << 20};

 protected:
  // The definition this generator was asked for, with the math library set up for the target (its FMA path on
  // avx2-fma, avx512 and CUDA, off for sse41 and others; fusion-proof exact products on CUDA). Called first
  // thing by generate().
  const Activation &definition() {
    math::set_fma(math::target_has_fma(this->get_target()));
    math::set_contracting(math::target_contracts(this->get_target()));
    const Activation &a = defined_activation();
    if (a.name != activation.value()) {
      std::cerr << "this generator defines '" << a.name << "', asked for '" << activation.value() << "'\n";
      std::abort();  // build-time tool: a mismatch is a build-system bug
    }
    return a;
  }

  // The generator's scalar inputs p0, p1, ... (ACTGEN_PARAM_INPUTS, where its signature puts them).
  std::array<GeneratorInput<float> *, kMaxParams> scalar_inputs() {
    T *g = static_cast<T *>(this);
#define ACTGEN_SLOT_INPUT(k) &g->p##k,
    return {ACTGEN_PARAM_SLOTS(ACTGEN_SLOT_INPUT)};
#undef ACTGEN_SLOT_INPUT
  }

  // The element conversions at the kernel's edges (generators/dtype_convert.h), for this generator's target.
  Expr to_f32(const Expr &stored) { return actgen::to_f32(stored, this->get_target()); }
  Expr from_f32(const Expr &value, const Type &stored) { return actgen::from_f32(value, stored, this->get_target()); }

  // The activation's parameters: the first of the scalar inputs, as f32 expressions.
  std::vector<Expr> params() {
    const Activation &a = definition();
    std::vector<Expr> p;
    for (size_t k = 0; k < a.params.size(); ++k) p.push_back(*scalar_inputs()[k]);
    return p;
  }

  // The definition's fast cases (Activation::fast_when) for these parameters, in order; none without.
  std::vector<Expr> fast_case(const std::vector<Expr> &p) {
    const Activation &a = definition();
    return a.fast_when ? a.fast_when(p) : std::vector<Expr>{};
  }

  ScheduleKnobs knobs() const {
    ScheduleKnobs k;
#define ACTGEN_KNOB_COPY(name, value) k.name = name;
    ACTGEN_SCHEDULE_KNOBS(ACTGEN_KNOB_COPY)
#undef ACTGEN_KNOB_COPY
    return k;
  }

  // For Halide's autoschedulers: every scalar input's value, the parameters' defaults (0 for unused slots).
  void estimate_scalars() {
    const Activation &a = definition();
    const auto scalars = scalar_inputs();
    for (size_t k = 0; k < scalars.size(); ++k)
      scalars[k]->set_estimate(k < a.params.size() ? float(a.params[k].default_value) : 0.0f);
  }

  // The hand schedule, or (auto_schedule=true) the estimates Halide's autoschedulers need: every input buffer's
  // extent, every scalar's value, the output's extent.
  void schedule_or_estimate(Func out, Var i, const std::vector<GeneratorInput<Buffer<>> *> &buffers,
                            GeneratorOutput<Buffer<>> &output) {
    if (!this->get_auto_schedule()) {
      schedule_with_fast_case(out, fast_case(params()), [&](Stage s) {
        schedule_elementwise(s, i, output.dim(0).extent(), this->get_target(), knobs());
      });
      return;
    }
    for (GeneratorInput<Buffer<>> *b : buffers) b->set_estimates({{0, estimate}});
    estimate_scalars();
    output.set_estimates({{0, estimate}});
  }
};

}  // namespace actgen

#endif  // ACTGEN_GENERATORS_GENERATOR_BASE_H
