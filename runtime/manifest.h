// The tables the build generates (generated/manifest.cpp): the catalog, the targets, and every kernel.
#ifndef ACTGEN_RUNTIME_MANIFEST_H
#define ACTGEN_RUNTIME_MANIFEST_H

#include <HalideRuntime.h>

#include <cstddef>
#include <cstdint>

#include "actgen/actgen.h"
#include "common/kernel_signature.h"

namespace actgen::rt {

// The kernel signature's parts (common/kernel_signature.h); the generator writes Constraint's enumerator names
// into the manifest.
using actgen::BackwardFn;
using actgen::ChannelBackwardFn;
using actgen::ChannelCountedFn;
using actgen::GatedCountedFn;
using actgen::ChannelForwardFn;
using actgen::Constraint;
using actgen::CountedForwardFn;
using actgen::kCountLanes;
using actgen::ForwardFn;
using actgen::GatedBackwardFn;
using actgen::GatedForwardFn;
using actgen::kMaxParams;

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

struct KernelEntry {
  size_t activation;
  actgen_dtype dtype;
  size_t target;
  ForwardFn forward;    // nullptr for f16 on a target with f16c: its f32 kernels between the runtime's
  BackwardFn backward;  // conversions (runtime/convert.h, cmake/generate.cmake)
  CountedForwardFn forward_counted;  // nullptr where not generated (CUDA; f16 where the f32 one runs, above)
};

// A fused form's kernels (cmake/forms.cmake, generators/form_generators.cpp). Each form's functions have their
// own signatures; runtime/forms.cpp casts back to them (GatedForwardFn, GatedBackwardFn, ChannelForwardFn,
// ChannelBackwardFn, ChannelCountedFn, GatedCountedFn: common/kernel_signature.h).
using FormFn = void (*)();
struct FormKernelEntry {
  size_t activation;
  actgen_dtype dtype;
  size_t target;
  actgen_form form;
  FormFn forward;
  FormFn backward;
  FormFn forward_counted;  // nullptr: no counting kernel (the form has none, or a CUDA target)
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
