#include "dsl/define.h"

namespace actgen {
const Activation &defined_activation() {
  static const Activation a{
      "softsign", {}, {},
      // Beyond |x| = 2^25, 1 + |x| = |x| and the result is +-1 in float; the branch also gives the limit at
      // +-inf, where inf / inf would be NaN.
      [](Expr x, const Params &) {
        return select(Halide::abs(x) > 33554432.0f, select(x > 0.0f, 1.0f, -1.0f), x / (1.0f + Halide::abs(x)));
      },
      [](Expr x, Expr dy, const Params &) {
        // dy / d / d rather than dy / (d * d): d * d overflows beyond |x| = 1.8e19 and gave 0 where the exact
        // value (down to 1e-40) is still representable in f32's subnormals and in bf16.
        Expr d = 1.0f + Halide::abs(x);
        return (dy / d) / d;
      }};
  return a;
}
}  // namespace actgen
