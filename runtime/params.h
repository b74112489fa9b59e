// Parses "name=value,name=value" against an activation's parameters and checks each value's constraint.
#ifndef ACTGEN_RUNTIME_PARAMS_H
#define ACTGEN_RUNTIME_PARAMS_H

#include "runtime/manifest.h"

namespace actgen::rt {

// Fills values[0..param_count) with defaults overridden by text (NULL or "" keeps the defaults). Values are
// rounded to float, as the kernels use them, before the constraints are checked. On failure nothing is
// guaranteed about values and the status carries the message.
actgen_status parse_params(const ActivationInfo &activation, const char *text, float values[kMaxParams]);

}  // namespace actgen::rt

#endif  // ACTGEN_RUNTIME_PARAMS_H
