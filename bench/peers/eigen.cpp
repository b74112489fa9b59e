// Eigen array expressions over Map<ArrayXf>: what a C++ user writes with Eigen, vectorized by Eigen's packet
// math (tanh, logistic, exp, expm1, log1p, erf) for the ISA this file is compiled for (bench_peers uses
// -march=native where the compiler takes it). Forward only. Single-threaded: Eigen parallelizes matrix
// products, not coefficient-wise array expressions, so --threads does not apply.
#include "peers.h"

#include <Eigen/Core>
#include <unsupported/Eigen/SpecialFunctions>

#include <map>

namespace peers {
namespace {

using Eigen::ArrayXf;
using In = Eigen::Map<const ArrayXf>;
using Out = Eigen::Map<ArrayXf>;
using Fn = void (*)(const In &x, Out &y);

// One expression per activation, PyTorch's formula as written down (softplus and mish with PyTorch's
// threshold 20; logsigmoid in the usual stable form).
#define EIGEN_ACT(name, expr) \
  {#name, [](const In &x, Out &y) { y = (expr); }}

const std::map<std::string, Fn> &table() {
  static const std::map<std::string, Fn> t = {
      EIGEN_ACT(relu, x.max(0.0f)),
      EIGEN_ACT(leaky_relu, (x > 0.0f).select(x, 0.01f * x)),
      EIGEN_ACT(prelu, (x > 0.0f).select(x, 0.25f * x)),
      EIGEN_ACT(relu6, x.max(0.0f).min(6.0f)),
      EIGEN_ACT(hardtanh, x.max(-1.0f).min(1.0f)),
      EIGEN_ACT(threshold, (x > 0.0f).select(x, 0.0f)),
      EIGEN_ACT(squared_relu, x.max(0.0f).square()),
      EIGEN_ACT(elu, (x > 0.0f).select(x, x.expm1())),
      EIGEN_ACT(celu, (x > 0.0f).select(x, x.expm1())),
      EIGEN_ACT(selu, 1.0507009873554805f * (x > 0.0f).select(x, 1.6732632423543772f * x.expm1())),
      EIGEN_ACT(sigmoid, x.logistic()),
      EIGEN_ACT(tanh, x.tanh()),
      EIGEN_ACT(silu, x * x.logistic()),
      EIGEN_ACT(swish, x * x.logistic()),
      EIGEN_ACT(quick_gelu, x * (1.702f * x).logistic()),
      EIGEN_ACT(gelu, 0.5f * x * (1.0f + (x * 0.70710678118654752f).erf())),
      EIGEN_ACT(gelu_tanh, 0.5f * x * (1.0f + (0.79788456080286536f * (x + 0.044715f * x.cube())).tanh())),
      EIGEN_ACT(softplus, (x > 20.0f).select(x, x.exp().log1p())),
      EIGEN_ACT(mish, x * (x > 20.0f).select(x, x.exp().log1p()).tanh()),
      EIGEN_ACT(logsigmoid, x.min(0.0f) - (-x.abs()).exp().log1p()),
      EIGEN_ACT(hardsigmoid, (x + 3.0f).max(0.0f).min(6.0f) / 6.0f),
      EIGEN_ACT(hardswish, x * (x + 3.0f).max(0.0f).min(6.0f) / 6.0f),
      EIGEN_ACT(softsign, x / (1.0f + x.abs())),
      EIGEN_ACT(tanhshrink, x - x.tanh()),
      EIGEN_ACT(hardshrink, (x.abs() > 0.5f).select(x, 0.0f)),
      EIGEN_ACT(softshrink, (x > 0.5f).select(x - 0.5f, (x < -0.5f).select(x + 0.5f, 0.0f))),
  };
  return t;
}
#undef EIGEN_ACT

class ExprOp : public Op {
 public:
  ExprOp(Fn fn, const Buffers &b) : fn_(fn), x_(b.xf(), Eigen::Index(b.n)), y_(b.outf(), Eigen::Index(b.n)) {}
  void run() override { fn_(x_, y_); }

 private:
  Fn fn_;
  In x_;
  Out y_;
};

}  // namespace

Library eigen_library() {
  Library lib;
  lib.name = "eigen";
  lib.version = std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
                std::to_string(EIGEN_MINOR_VERSION) + " (SIMD: " + Eigen::SimdInstructionSetsInUse() + ")";
  lib.threading = "single-threaded (array expressions do not use threads)";
  for (const auto &kv : table()) lib.offers[ACTGEN_F32].forward.push_back(kv.first);
  lib.set_threads = [](int) {};
  lib.make = [](const std::string &activation, bool backward, const Buffers &b,
                std::string *error) -> std::unique_ptr<Op> {
    const auto it = table().find(activation);
    if (backward || b.dtype != ACTGEN_F32 || it == table().end()) {
      *error = "eigen: no " + std::string(backward ? "backward " : "") + activation;
      return nullptr;
    }
    return std::make_unique<ExprOp>(it->second, b);
  };
  return lib;
}

}  // namespace peers
