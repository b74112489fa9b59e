// What every actgen generator shares: the definition lookup (with the math library set up for the target), the
// schedule knobs as generator parameters, the schedule-or-estimate step, and the contract's NaN rule. Used by the
// plain generators (activation_generator.cpp) and the fused forms (form_generators.cpp).
#ifndef ACTGEN_GENERATORS_GENERATOR_BASE_H
#define ACTGEN_GENERATORS_GENERATOR_BASE_H

#include "dsl/activation.h"
#include "dsl/math.h"
#include "generators/dtype_convert.h"
#include "generators/schedule.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace actgen {

using namespace Halide;

// Whether a is v, with or without a strict_float wrapper.
inline bool is_value(Expr a, const Expr &v) {
  using namespace Halide::Internal;
  if (const Call *s = a.as<Call>(); s && s->is_intrinsic(Call::strict_float)) a = s->args[0];
  return a.same_as(v) || equal(a, v);
}

// Whether c is true whenever v is a NaN: is_nan(v) itself, or an Or with such a side (expm1's
// `x == 0 || is_nan(x)`).
inline bool true_for_nan(const Expr &c, const Expr &v) {
  using namespace Halide::Internal;
  if (const Or *op = c.as<Or>()) return true_for_nan(op->a, v) || true_for_nan(op->b, v);
  const Call *op = c.as<Call>();
  return op && op->name == "is_nan_f32" && op->args.size() == 1 && is_value(op->args[0], v);
}

// Whether c is false whenever v is a NaN: a < or > comparison with v itself (IEEE ordered comparisons with a NaN
// are false), or an And with such a side. Not <= or >=: Halide's simplifier rewrites a <= b as !(b < a) and then
// swaps the select's branches (it assumes no NaN), so select(x <= c, a, x) comes out as select(c < x, x, a), which
// gives a for a NaN x (seen in the x86 assembly of such a definition: vcmpltps and a blend). Only v itself: with
// comparisons of values computed from v trusted too, softplus's forward gave 1.7e-38 for a NaN x in a trial build
// (the suite's NaN inputs caught it; which select lost the NaN was not traced).
inline bool false_for_nan(const Expr &c, const Expr &v) {
  using namespace Halide::Internal;
  if (const And *op = c.as<And>()) return false_for_nan(op->a, v) || false_for_nan(op->b, v);
  if (const LT *op = c.as<LT>()) return is_value(op->a, v) || is_value(op->b, v);
  if (const GT *op = c.as<GT>()) return is_value(op->a, v) || is_value(op->b, v);
  return false;
}

// How a value carries v's NaN (nan_carry): not shown to (kNone); as a NaN whose bits are fixed by v's alone, the
// same whatever order the compiler gives the operands of an operation: v's own sign (kSame), flipped (kFlip), set
// (kSet) or cleared (kClear), or one of those chosen by a select (kChosen); or a NaN whose sign may depend on the order
// of two NaN operands (kUnordered: x86 returns the first operand's NaN, and LLVM may commute them differently in
// the serial, parallel and tail loops, so a size-1 call could differ from a long one in the NaN's sign bit).
enum NanCarry { kNone, kSame, kFlip, kSet, kClear, kChosen, kUnordered };

inline NanCarry nan_carry(const Expr &value, const Expr &v);
inline bool propagates_nan(const Expr &value, const Expr &v) {
  const NanCarry c = nan_carry(value, v);
  return c != kNone && c != kUnordered;
}

// The carry of an IEEE operation's result from its operands': the one carrying operand's, or that of several that
// carry the same kSame / kFlip / kSet / kClear NaN (its payload is v's, quieted, whichever operand the processor
// returns). Two different ones are kUnordered: exact_prod's fma(a, b, -p) with a NaN a has a and -p as NaNs of
// opposite signs.
inline NanCarry nan_combine(NanCarry a, NanCarry b) {
  if (a == kNone) return b;
  if (b == kNone) return a;
  return a == b && a != kChosen && a != kUnordered ? a : kUnordered;
}

// What a bit operation does to a NaN's sign bit (nan_carry_bits), and the carry that results (with_sign).
enum SignChange { kKeepSign, kSetSign, kClearSign, kFlipSign, kSignOfV, kSignOfOther };
inline NanCarry with_sign(NanCarry in, SignChange change) {
  if (in == kNone || in == kUnordered || change == kKeepSign) return in;
  switch (change) {
    case kSetSign: return kSet;
    case kClearSign: return kClear;
    case kFlipSign:
      return in == kSame ? kFlip : in == kFlip ? kSame : in == kSet ? kClear : in == kClear ? kSet : kUnordered;
    case kSignOfV: return in == kClear ? kSame : kUnordered;  // copysign_nonneg(t, v) on a t with its sign cleared
    default: return kUnordered;
  }
}

// The carry of a float's bits (a UInt(32) expression): reinterpret(UInt(32), a) carries a's; | m with m a constant
// with only the sign bit sets it, & c with c keeping the 31 other bits clears it, ^ m flips it, and | (bits(v) &
// 0x80000000) on cleared bits gives v's own sign back (the math library's -|t|, abs, neg_bits, copysign_nonneg). A
// NaN stays a NaN through each: its exponent and payload bits are not touched.
inline NanCarry nan_carry_bits(const Expr &bits, const Expr &v) {
  using namespace Halide::Internal;
  constexpr uint64_t kSign = 0x80000000u, kRest = 0x7fffffffu;
  if (bits.type() != UInt(32)) return kNone;
  const Call *op = bits.as<Call>();
  if (!op) return kNone;
  if (op->is_intrinsic(Call::reinterpret)) return op->args[0].type().is_float() ? nan_carry(op->args[0], v) : kNone;
  if (op->args.size() != 2) return kNone;
  auto constant = [](const Expr &e, uint64_t *c) {
    const uint64_t *u = as_const_uint(e);
    if (u) *c = *u;
    return u != nullptr;
  };
  // m = bits(s) & 0x80000000 for some s: *s is set.
  auto sign_of = [&](const Expr &m, Expr *s) {
    const Call *a = m.as<Call>();
    if (!a || !a->is_intrinsic(Call::bitwise_and)) return false;
    for (int k = 0; k < 2; ++k) {
      uint64_t mask = 0;
      const Call *r = a->args[1 - k].as<Call>();
      if (constant(a->args[k], &mask) && mask == kSign && r && r->is_intrinsic(Call::reinterpret)) {
        *s = r->args[0];
        return true;
      }
    }
    return false;
  };
  const bool is_or = op->is_intrinsic(Call::bitwise_or), is_xor = op->is_intrinsic(Call::bitwise_xor),
             is_and = op->is_intrinsic(Call::bitwise_and);
  for (int k = 0; k < 2; ++k) {
    const Expr &x = op->args[k], &m = op->args[1 - k];
    uint64_t c = 0;
    Expr s;
    const bool sign_constant = constant(m, &c) && (c & kRest) == 0;
    if (is_or && sign_constant) return with_sign(nan_carry_bits(x, v), c == 0 ? kKeepSign : kSetSign);
    if (is_or && sign_of(m, &s)) return with_sign(nan_carry_bits(x, v), is_value(s, v) ? kSignOfV : kSignOfOther);
    if (is_xor && sign_constant) return with_sign(nan_carry_bits(x, v), c == 0 ? kKeepSign : kFlipSign);
    if (is_and && constant(m, &c) && (c & kRest) == kRest)
      return with_sign(nan_carry_bits(x, v), (c & kSign) ? kKeepSign : kClearSign);
  }
  return kNone;
}

// A constant or a scalar parameter, possibly negated or wrapped (a clamp's bound: 6, p[0], -p[0]).
inline bool is_bound(const Expr &e) {
  using namespace Halide::Internal;
  if (is_const(e) || e.as<Variable>()) return true;
  if (const Call *c = e.as<Call>(); c && c->is_intrinsic(Call::strict_float)) return is_bound(c->args[0]);
  if (const Sub *op = e.as<Sub>()) return is_bound(op->a) && is_bound(op->b);
  if (const Mul *op = e.as<Mul>()) return is_bound(op->a) && is_bound(op->b);
  return false;
}

// Whether value is a one-sided clamp of an expression a that carries v's NaN, written as PyTorch's clamp and
// dsl/composite.h's at_least / at_most: select(a < lo, lo, a) or select(a > hi, hi, a), lo and hi bounds
// (is_bound). A NaN a fails the comparison and comes out as itself; on x86 each is one maxps / minps with a as the
// operand returned for NaN (checked in the assembly of relu6, hardtanh, hardsigmoid, hardswish, softshrink and
// squared_relu, and by the suite's NaN inputs on every target).
inline bool is_nan_keeping_clamp(const Halide::Internal::Select *op, const Expr &v) {
  using namespace Halide::Internal;
  auto clamp_of = [&](const Expr &a, const Expr &bound) {
    return equal(a, op->false_value) && equal(bound, op->true_value) && is_bound(bound) && propagates_nan(a, v);
  };
  if (const LT *c = op->condition.as<LT>()) return clamp_of(c->a, c->b);
  if (const GT *c = op->condition.as<GT>()) return clamp_of(c->a, c->b);
  return false;
}

// How `value` carries v's NaN (NanCarry), from its structure alone: v itself (kSame); an IEEE operation (+, -, *, /,
// fma through llvm.fma.f32, a strict_float wrapper) with such an operand (nan_combine); a select whose condition is
// true for a NaN v (true_for_nan) and whose true branch carries it, or whose condition is false for it
// (false_for_nan: prelu's dw term dy * select(x > 0, 0, x)) and whose false branch does, or whose two branches both
// do, whatever its condition; a clamp that keeps a NaN (is_nan_keeping_clamp: dsl/composite.h's
// clamp_keeping_nan); abs; a float whose bits are such a value's with only the sign bit changed (nan_carry_bits).
// Anything else counts as not: min and max (x86's return an operand, not NaN), other bit operations, conversions,
// and the other conditions of selects (which way those go with a NaN is left to the explicit select). Operands
// that carry no NaN of v's are assumed not to be NaNs of their own (the math library's scale factors built from
// integer bits have a zero mantissa: at worst an infinity).
// The kernels are built with strict_float, so Halide and LLVM keep these operations as written.
inline NanCarry nan_carry(const Expr &value, const Expr &v) {
  using namespace Halide::Internal;
  if (value.same_as(v) || equal(value, v)) return kSame;
  if (!value.type().is_float()) return kNone;
  auto both = [&](const Expr &a, const Expr &b) { return nan_combine(nan_carry(a, v), nan_carry(b, v)); };
  if (const Add *op = value.as<Add>()) return both(op->a, op->b);
  if (const Sub *op = value.as<Sub>()) return both(op->a, op->b);
  if (const Mul *op = value.as<Mul>()) return both(op->a, op->b);
  if (const Div *op = value.as<Div>()) return both(op->a, op->b);
  if (const Select *op = value.as<Select>()) {
    const NanCarry t = nan_carry(op->true_value, v), f = nan_carry(op->false_value, v);
    if (t != kNone && true_for_nan(op->condition, v)) return t;
    if (f != kNone && false_for_nan(op->condition, v)) return f;
    if (is_nan_keeping_clamp(op, v)) return nan_carry(op->false_value, v);
    if (t == kNone || f == kNone) return kNone;
    return t == f ? t : t == kUnordered || f == kUnordered ? kUnordered : kChosen;
  }
  if (const Call *op = value.as<Call>()) {
    if (op->is_intrinsic(Call::strict_float)) return nan_carry(op->args[0], v);
    if (op->is_intrinsic(Call::abs)) return with_sign(nan_carry(op->args[0], v), kClearSign);
    if (op->is_intrinsic(Call::reinterpret)) return nan_carry_bits(op->args[0], v);
    if (op->name == "llvm.fma.f32") {
      NanCarry c = kNone;
      for (const Expr &a : op->args) c = nan_combine(c, nan_carry(a, v));
      return c;
    }
  }
  return kNone;
}

// The contract's NaN rule, for every activation: NaN in x (or dy) gives NaN out, whatever the definition's
// comparisons would do with it. The explicit select (a compare and a blend per vector) only where the value does not
// carry v's NaN by itself (propagates_nan): most backward definitions are dy times something, and carry dy's.
inline Expr propagate_nan(Expr value, Expr v) {
  return propagates_nan(value, v) ? value : select(is_nan(v), v, value);
}

// A backward value with the rule for both inputs: dy's first, so that its select is left out where the value carries
// dy's NaN (x's select would hide that: its true branch is x). With x and dy both NaN the result is a NaN, x's or
// dy's: where the value carries both (dy * f'(x) with an f' that carries x's), which one depends on the operand order
// the compiler picks for that multiply (include/actgen/actgen.h says so). One NaN input gives the same bits from every
// loop of a kernel (nan_carry).
inline Expr propagate_nans(Expr value, Expr x, Expr dy) { return propagate_nan(propagate_nan(value, dy), x); }

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
