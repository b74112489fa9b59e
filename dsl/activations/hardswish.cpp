#include "dsl/define.h"

namespace actgen {
namespace {
// Multiplying by 1/6 (one rounding of the constant, three of the chain: under 2.5 ulp) instead of dividing:
// a vector division costs more than the whole rest of the kernel.
const float kSixth = 1.0f / 6.0f;
}  // namespace

const Activation &defined_activation() {
  static const Activation a{
      "hardswish", {}, {},
      // t relu6(t + 3) / 6 with t = at_least(x, -3), as clamps instead of branches (2 AVX-512 instructions per
      // vector fewer than three selects): below -3, t = -3 gives -3 * 0 = -0 (PyTorch's x * relu6(x + 3) / 6 is
      // -0 there too, and -inf * 0 never happens); from 3 on, min(t + 3, 6) * fl(1/6) is exactly 1 (6 fl(1/6) is
      // within a quarter ulp of 1), so the result is x, +inf included. Inside (-3, 3) the same four roundings
      // as x (x + 3) / 6 (t + 3 is exact on [-3, -1.5]). NaN: t is x itself, and the product carries it.
      [](Expr x, const Params &) {
        Expr t = at_least(x, -3.0f);
        return t * (min(t + 3.0f, 6.0f) * kSixth);
      },
      // PyTorch's (since pytorch/pytorch#148049, 2025): 0 up to -3, x/3 + 1/2 on (-3, 3), 1 from 3 on, so the
      // kinks take the one-sided derivative of the flat and the linear side (0 at -3, 1 at 3);
      // (2x + 3) / 6 avoids the cancellation at -1.5.
      [](Expr x, Expr dy, const Params &) {
        return select(x <= -3.0f, 0.0f, select(x < 3.0f, dy * ((2.0f * x + 3.0f) * kSixth), dy));
      },
      // x <= -3, and the one point inside where the slope (2x + 3) / 6 is 0.
      [](Expr x, const Params &) { return x <= -3.0f || x == -1.5f; }};
  return a;
}
}  // namespace actgen
