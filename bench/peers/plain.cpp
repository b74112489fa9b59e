// The plain loop: for (i < n) y[i] = f(x[i]) with f written the straightforward way with <cmath>, compiled
// -O3 (and -march=native where the compiler takes it). Without -ffast-math, GCC keeps the libm calls scalar;
// plain_fastmath.cpp compiles this same file with -ffast-math (library "plain_fastmath"), which lets GCC call
// glibc's vector libm (libmvec) and drop NaN/inf care. Forward only. --threads > 1 splits the loop over
// a persistent std::thread pool (parallel_for, peers.h: 16K elements and more; smaller ones run on the caller).
#include "peers.h"

#include <cmath>
#include <map>
#include <thread>

#ifndef PLAIN_LIBRARY_NAME
#define PLAIN_LIBRARY_NAME "plain"
#define PLAIN_LIBRARY_FUNCTION plain_library
#define PLAIN_LIBRARY_FLAGS "-O3"
#endif

namespace peers {
namespace {

using Loop = void (*)(const float *__restrict x, float *__restrict y, size_t n);

#define PLAIN_ACT(name, expr)                                                 \
  {                                                                           \
    #name, [](const float *__restrict x, float *__restrict y, size_t n) {     \
      for (size_t i = 0; i < n; ++i) {                                        \
        const float v = x[i];                                                 \
        y[i] = (expr);                                                        \
      }                                                                       \
    }                                                                         \
  }

inline float softplus20(float v) { return v > 20.0f ? v : std::log1p(std::exp(v)); }

const std::map<std::string, Loop> &table() {
  static const std::map<std::string, Loop> t = {
      PLAIN_ACT(relu, v > 0.0f ? v : 0.0f),
      PLAIN_ACT(leaky_relu, v > 0.0f ? v : 0.01f * v),
      PLAIN_ACT(prelu, v > 0.0f ? v : 0.25f * v),
      PLAIN_ACT(relu6, std::min(std::max(v, 0.0f), 6.0f)),
      PLAIN_ACT(hardtanh, std::min(std::max(v, -1.0f), 1.0f)),
      PLAIN_ACT(threshold, v > 0.0f ? v : 0.0f),
      PLAIN_ACT(squared_relu, v > 0.0f ? v * v : 0.0f),
      PLAIN_ACT(elu, v > 0.0f ? v : std::expm1(v)),
      PLAIN_ACT(celu, v > 0.0f ? v : std::expm1(v)),
      PLAIN_ACT(selu, 1.0507009873554805f * (v > 0.0f ? v : 1.6732632423543772f * std::expm1(v))),
      PLAIN_ACT(sigmoid, 1.0f / (1.0f + std::exp(-v))),
      PLAIN_ACT(tanh, std::tanh(v)),
      PLAIN_ACT(silu, v / (1.0f + std::exp(-v))),
      PLAIN_ACT(swish, v / (1.0f + std::exp(-v))),
      PLAIN_ACT(quick_gelu, v / (1.0f + std::exp(-1.702f * v))),
      PLAIN_ACT(gelu, 0.5f * v * (1.0f + std::erf(v * 0.70710678118654752f))),
      PLAIN_ACT(gelu_tanh, 0.5f * v * (1.0f + std::tanh(0.79788456080286536f * (v + 0.044715f * v * v * v)))),
      PLAIN_ACT(softplus, softplus20(v)),
      PLAIN_ACT(mish, v * std::tanh(softplus20(v))),
      PLAIN_ACT(logsigmoid, std::min(v, 0.0f) - std::log1p(std::exp(-std::fabs(v)))),
      PLAIN_ACT(hardsigmoid, std::min(std::max(v + 3.0f, 0.0f), 6.0f) / 6.0f),
      PLAIN_ACT(hardswish, v * std::min(std::max(v + 3.0f, 0.0f), 6.0f) / 6.0f),
      PLAIN_ACT(softsign, v / (1.0f + std::fabs(v))),
      PLAIN_ACT(tanhshrink, v - std::tanh(v)),
      PLAIN_ACT(hardshrink, std::fabs(v) > 0.5f ? v : 0.0f),
      PLAIN_ACT(softshrink, v > 0.5f ? v - 0.5f : (v < -0.5f ? v + 0.5f : 0.0f)),
  };
  return t;
}
#undef PLAIN_ACT

int g_threads = 1;

class LoopOp : public Op {
 public:
  LoopOp(Loop loop, const Buffers &b) : loop_(loop), b_(b) {}
  void run() override {
    parallel_for(b_.n, g_threads, [this](size_t begin, size_t end) { loop_(b_.xf() + begin, b_.outf() + begin, end - begin); });
  }

 private:
  Loop loop_;
  Buffers b_;
};

}  // namespace

Library PLAIN_LIBRARY_FUNCTION() {
  Library lib;
  lib.name = PLAIN_LIBRARY_NAME;
  lib.version = "g++ " __VERSION__ " " PLAIN_LIBRARY_FLAGS;
  lib.threading = "persistent std::thread pool (n >= 16K)";
  for (const auto &kv : table()) lib.offers[ACTGEN_F32].forward.push_back(kv.first);
  lib.set_threads = [](int threads) {
    g_threads = threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
  };
  lib.make = [](const std::string &activation, bool backward, const Buffers &b,
                std::string *error) -> std::unique_ptr<Op> {
    const auto it = table().find(activation);
    if (backward || b.dtype != ACTGEN_F32 || it == table().end()) {
      *error = std::string(PLAIN_LIBRARY_NAME) + ": no " + (backward ? "backward " : "") + activation;
      return nullptr;
    }
    return std::make_unique<LoopOp>(it->second, b);
  };
  return lib;
}

}  // namespace peers
