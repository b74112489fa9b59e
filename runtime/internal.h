// What runtime/api.cpp and runtime/forms.cpp share: the kernel object and the lookup helpers (defined in api.cpp).
#ifndef ACTGEN_RUNTIME_INTERNAL_H
#define ACTGEN_RUNTIME_INTERNAL_H

#include <HalideRuntime.h>

#include <cstddef>
#include <string>

#include "actgen/actgen.h"
#include "runtime/manifest.h"

struct actgen_kernel {
  const actgen::rt::ActivationInfo *activation;
  const actgen::rt::KernelEntry *entry;  // the plain kernels of the same (activation, dtype, target)
  // An f16 kernel on a target with f16c (cmake/targets.cmake): the f32 kernels it runs between the runtime's
  // conversions (runtime/convert.h); nullptr otherwise.
  const actgen::rt::KernelEntry *f32_entry;
  actgen_dtype dtype;  // the caller's element type (a converted kernel's entries are f32)
  actgen_direction direction;
  float params[actgen::rt::kMaxParams];
  char name[96];  // the kernel's symbol, for messages
  // Fused forms (runtime/forms.cpp); ACTGEN_FORM_PLAIN (0) for a plain kernel.
  actgen_form form;
  // f32 kernels where dtype is f16 or bf16: the forms are built for f32 only, and a 16-bit form call runs them
  // between the runtime's conversions (runtime/forms.cpp, "Half-precision forms").
  const actgen::rt::FormKernelEntry *form_entry;
  bool second_half_activated;  // the packed gated calls activate x's second half (glu's order)
};

namespace actgen::rt {

const char *dtype_name(actgen_dtype d);
halide_type_t halide_type_of(actgen_dtype d);
size_t element_size(actgen_dtype d);
const ActivationInfo *find_activation(const char *name, size_t *index);
bool target_usable(const TargetInfo &t);
bool verbose();
// Resolves a kernel creation's target: explicit > actgen_set_target > ACTGEN_TARGET > automatic (SIZE_MAX).
actgen_status resolve_pin(const char *explicit_target, size_t *target, const char **why);
// A counting call's counts: not NULL, and counts->size at least the first actgen_counts (call: for messages).
actgen_status check_counts_struct(const char *call, const actgen_counts *counts);

}  // namespace actgen::rt

#endif  // ACTGEN_RUNTIME_INTERNAL_H
