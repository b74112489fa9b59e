#include "dsl/define.h"

namespace actgen {
// (x + 3) / 6 rather than x / 6 + 1/2: near x = -3 the latter cancels every digit; x + 3 is exact there. The
// division is a multiplication by 1/6 (under 1.5 ulp): a vector division costs more than the rest of the kernel.
namespace {
const float kSixth = 1.0f / 6.0f;
}  // namespace

const Activation &defined_activation() {
  static const Activation a{
      "hardsigmoid", {}, {},
      [](Expr x, const Params &) { return clamp_keeping_nan((x + 3.0f) * kSixth, 0.0f, 1.0f); },
      [](Expr x, Expr dy, const Params &) { return select(x > -3.0f && x < 3.0f, dy * kSixth, 0.0f); },
      [](Expr x, const Params &) { return x <= -3.0f || x >= 3.0f; }};
  return a;
}
}  // namespace actgen
