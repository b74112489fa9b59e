// The generated kernels' calling signature, defined once and shared by dsl/ (how many parameters a definition may
// declare, and their constraints), generators/ (the scalar inputs, in this order), runtime/ (the function types it
// calls through the manifest) and tools/tune (its candidates' declarations). Halide-free: it only names
// halide_buffer_t, as HalideRuntime.h declares it.
//
// Every kernel takes its buffers, then one float per parameter slot (p0, p1, ...: the activation's parameters in
// declaration order, unused slots 0), then its outputs. ACTGEN_PARAM_SLOTS(X) calls X(k) once per slot; the count,
// the generators' inputs, the function types and the calls all expand it (tools/tune/actgen_tune.py reads its
// X(k) entries). A fifth slot is one more X(4) here.
#ifndef ACTGEN_COMMON_KERNEL_SIGNATURE_H
#define ACTGEN_COMMON_KERNEL_SIGNATURE_H

#include <cstdint>

#define ACTGEN_PARAM_SLOTS(X) X(0) X(1) X(2) X(3)

// "float p0, float p1, ..., " (each with its trailing comma): a kernel function type's scalar arguments.
#define ACTGEN_SLOT_FLOAT_ARG(k) float p##k,
#define ACTGEN_SCALAR_ARGS ACTGEN_PARAM_SLOTS(ACTGEN_SLOT_FLOAT_ARG)
// "p[0], p[1], ..., " from the call site's array `p` of kMaxParams floats: a call's scalar arguments.
#define ACTGEN_SLOT_VALUE(k) p[k],
#define ACTGEN_SCALAR_VALUES ACTGEN_PARAM_SLOTS(ACTGEN_SLOT_VALUE)

struct halide_buffer_t;

namespace actgen {

#define ACTGEN_SLOT_COUNT(k) +1
// The largest number of parameters any activation may have: every kernel takes this many scalar inputs.
constexpr int kMaxParams = 0 ACTGEN_PARAM_SLOTS(ACTGEN_SLOT_COUNT);
#undef ACTGEN_SLOT_COUNT

// What values a parameter accepts (the runtime rejects others with ACTGEN_ERROR_INVALID_ARGUMENT):
// X(enumerator, what the runtime's message says the value must be).
#define ACTGEN_CONSTRAINTS(X)           \
  X(Finite, "a finite number")          \
  X(NonZero, "finite and nonzero")      \
  X(Positive, "finite and > 0")         \
  X(NonNegative, "finite and >= 0")

#define ACTGEN_CONSTRAINT_ENUMERATOR(name, requirement) name,
enum class Constraint { ACTGEN_CONSTRAINTS(ACTGEN_CONSTRAINT_ENUMERATOR) };
#undef ACTGEN_CONSTRAINT_ENUMERATOR

// The kernels' function types. Plain forward and backward (generators/activation_generator.cpp):
using ForwardFn = int (*)(halide_buffer_t *x, ACTGEN_SCALAR_ARGS halide_buffer_t *y);
using BackwardFn = int (*)(halide_buffer_t *x, halide_buffer_t *dy, ACTGEN_SCALAR_ARGS halide_buffer_t *dx);
// The counting forward: x and y as 3-D views (j, r, b) of whole blocks of rows of kCountLanes elements, and per
// block the int32 counts counts_0(j, b) (zero outputs) and counts_1(j, b) (flat inputs), lane j counting its
// rows' element j.
constexpr int kCountLanes = 16;
using CountedForwardFn = int (*)(halide_buffer_t *x, ACTGEN_SCALAR_ARGS halide_buffer_t *y,
                                 halide_buffer_t *counts_0, halide_buffer_t *counts_1);
// The fused forms (generators/form_generators.cpp). Gated: y = f(a) g.
using GatedForwardFn = int (*)(halide_buffer_t *a, halide_buffer_t *g, ACTGEN_SCALAR_ARGS halide_buffer_t *y);
using GatedBackwardFn = int (*)(halide_buffer_t *a, halide_buffer_t *g, halide_buffer_t *dy, ACTGEN_SCALAR_ARGS
                                halide_buffer_t *da, halide_buffer_t *dg);
// Bias and channel forms: x(i, c, o), the per-channel view v(i, c) (the bias, or the channel parameter), y like
// x; the backward sees x, dy and dx as whole blocks x(j, k, ib, c, r, ob) and writes the channel sums' partials
// partial(j, c, ib, ob) (generators/form_generators.cpp). Its blocks' lanes are kBlockLanes but in the last block
// region of a row (runtime/forms.cpp); the kernel has its own code for that width in the NCHW layout.
constexpr int kBlockLanes = 16;
using ChannelForwardFn = int (*)(halide_buffer_t *x, halide_buffer_t *v, ACTGEN_SCALAR_ARGS halide_buffer_t *y);
using ChannelBackwardFn = int (*)(halide_buffer_t *x, halide_buffer_t *v, halide_buffer_t *dy, ACTGEN_SCALAR_ARGS
                                  halide_buffer_t *dx, halide_buffer_t *partial);
// The counting forward of the bias and channel forms: y as ChannelForward's on the backward's block view, and per
// block and lane counts(j, c, ib, ob) = the zero outputs + 2^16 x the flat-region inputs (int32).
using ChannelCountedFn = int (*)(halide_buffer_t *x, halide_buffer_t *v, ACTGEN_SCALAR_ARGS halide_buffer_t *y,
                                 halide_buffer_t *counts);
// The gated form's counting forward: a, g and y as the channel forms' block views with one channel, and the same
// packed counts (the activated input a's flat region).
using GatedCountedFn = int (*)(halide_buffer_t *a, halide_buffer_t *g, ACTGEN_SCALAR_ARGS halide_buffer_t *y,
                               halide_buffer_t *counts);

}  // namespace actgen

#endif  // ACTGEN_COMMON_KERNEL_SIGNATURE_H
