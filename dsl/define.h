// Included by each dsl/activations/<name>.cpp: everything a definition needs, and nothing about schedules.
#ifndef ACTGEN_DSL_DEFINE_H
#define ACTGEN_DSL_DEFINE_H

#include "dsl/activation.h"
#include "dsl/composite.h"
#include "dsl/math.h"

namespace actgen {
using Halide::select;
using Params = std::vector<Expr>;
}  // namespace actgen

#endif  // ACTGEN_DSL_DEFINE_H
