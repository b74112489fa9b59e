// The tables the build generates (generated/manifest.cpp): the catalog, the targets, and every kernel.
#ifndef ACTGEN_RUNTIME_MANIFEST_H
#define ACTGEN_RUNTIME_MANIFEST_H

#include <HalideRuntime.h>

#include <cstddef>
#include <cstdint>

#include "actgen/actgen.h"

namespace actgen::rt {

// Same enumerator names as dsl/activation.h's Constraint: the generator writes them into the manifest.
enum class Constraint { Finite, NonZero, Positive, NonNegative };

constexpr int kMaxParams = 4;  // as dsl/activation.h

struct ParamInfo {
  const char *name;
  double default_value;
  Constraint constraint;
};

struct ActivationInfo {
  const char *name;
  size_t param_count;
  ParamInfo params[kMaxParams];
  size_t ordered_count;
  int ordered[kMaxParams][2];  // p[ordered[k][0]] <= p[ordered[k][1]]
  int channel_param;           // the parameter the channel form takes per channel (prelu's weight), or -1
};

struct TargetInfo {
  const char *name;      // as users spell it, e.g. "x86-64-avx2"
  const char *features;  // features it needs, space separated ("cuda": a usable CUDA driver and device)
  actgen_memory memory = ACTGEN_MEMORY_HOST;
};

// One entry per element type of cmake/targets.cmake's ACTGEN_DTYPES (the only list of them).
struct DtypeInfo {
  actgen_dtype dtype;
  const char *name;    // "f32", "f16", "bf16"
  halide_type_t type;  // the kernels' buffer type (bf16: uint16 bit patterns)
  size_t size;         // bytes per element
};

using ForwardFn = int (*)(halide_buffer_t *x, float p0, float p1, float p2, float p3, halide_buffer_t *y);
using BackwardFn = int (*)(halide_buffer_t *x, halide_buffer_t *dy, float p0, float p1, float p2, float p3,
                           halide_buffer_t *dx);

// The counting forward (generators/activation_generator.cpp, ActivationForwardCounted): y, and per block of
// `block` elements the int32 counts counts_0(j, b) (zero outputs) and counts_1(j, b) (flat inputs).
using CountedForwardFn = int (*)(halide_buffer_t *x, float p0, float p1, float p2, float p3, int32_t block,
                                 halide_buffer_t *y, halide_buffer_t *counts_0, halide_buffer_t *counts_1);

struct KernelEntry {
  size_t activation;
  actgen_dtype dtype;
  size_t target;
  ForwardFn forward;
  BackwardFn backward;
  CountedForwardFn forward_counted;  // nullptr where not generated (non-f32 dtypes, CUDA)
};

// A fused form's kernels (cmake/forms.cmake, generators/form_generators.cpp). Each form's functions have their
// own signatures; runtime/forms.cpp casts back to them (GatedForwardFn, GatedBackwardFn, ChannelForwardFn,
// ChannelBackwardFn).
using FormFn = void (*)();
using GatedForwardFn = int (*)(halide_buffer_t *a, halide_buffer_t *g, float p0, float p1, float p2, float p3,
                               halide_buffer_t *y);
using GatedBackwardFn = int (*)(halide_buffer_t *a, halide_buffer_t *g, halide_buffer_t *dy, float p0, float p1,
                                float p2, float p3, halide_buffer_t *da, halide_buffer_t *dg);

// Bias and channel forms: x(i, c, o), the per-channel view v(i, c) (the bias, or the channel parameter; strides
// (1, 0) or (0, 1): runtime/forms.cpp), y or dx like x, and the backward's channel-sum partials
// partial(j, c, ib, ob) (f32: db or dweight) with its block sizes ichunk, oblock.
using ChannelForwardFn = int (*)(halide_buffer_t *x, halide_buffer_t *v, float p0, float p1, float p2, float p3,
                                 halide_buffer_t *y);
using ChannelBackwardFn = int (*)(halide_buffer_t *x, halide_buffer_t *v, halide_buffer_t *dy, float p0, float p1,
                                  float p2, float p3, int32_t ichunk, int32_t oblock, halide_buffer_t *dx,
                                  halide_buffer_t *partial);

struct FormKernelEntry {
  size_t activation;
  actgen_dtype dtype;
  size_t target;
  actgen_form form;
  FormFn forward;
  FormFn backward;
};

extern const ActivationInfo kActivations[];
extern const size_t kActivationCount;
extern const TargetInfo kTargets[];
extern const size_t kTargetCount;
extern const DtypeInfo kDtypes[];
extern const size_t kDtypeCount;
extern const KernelEntry kKernels[];
extern const size_t kKernelCount;
extern const FormKernelEntry kFormKernels[];
extern const size_t kFormKernelCount;

}  // namespace actgen::rt

#endif  // ACTGEN_RUNTIME_MANIFEST_H
