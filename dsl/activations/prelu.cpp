#include "dsl/define.h"

namespace actgen {
// The plain kernels take one weight shared by all elements (PyTorch's num_parameters=1); the per-channel form
// (ACTGEN_FORM_CHANNEL) takes one weight per channel, learned: its backward also gives dweight.
const Activation &defined_activation() {
  static const Activation a = [] {
    Activation a{"prelu", {{"weight", 0.25, Constraint::Finite}}, {},
                 [](Expr x, const Params &p) { return slope_below_zero(x, p[0]); },
                 [](Expr x, Expr dy, const Params &p) { return select(x > 0.0f, dy, dy * p[0]); }};
    a.flat = [](Expr x, const Params &p) { return p[0] == 0.0f && x <= 0.0f; };  // only with a zero weight
    a.channel_param = 0;
    // dy * d/dweight: dy * x where x <= 0 (PyTorch's convention at 0, where the term is 0 either way), written as
    // dy times a select so that a NaN dy gives a NaN term by itself (no NaN select for dy: generator_base.h's
    // propagates_nan); where x > 0 the term is dy * 0 (NaN for an infinite dy, where PyTorch's is 0).
    a.param_backward = [](Expr x, Expr dy, const Params &) { return dy * select(x > 0.0f, 0.0f, x); };
    return a;
  }();
  return a;
}
}  // namespace actgen
