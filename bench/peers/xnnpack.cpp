// XNNPACK unary operators (xnn_create_*_nc_f32, and _f16 where it has them), forward only (XNNPACK is an
// inference library), on one contiguous row of n channels. Threads: a pthreadpool of --threads threads (none
// for 1: the caller runs it). The Debian build (git 2022-02-16) offers sigmoid, elu, leaky_relu, clamp and
// hardswish among activations in f32, and clamp, leaky_relu and hardswish in f16 (no bf16); tanh and gelu came
// later.
#include "peers.h"

#include <pthreadpool.h>
#include <xnnpack.h>

#include <limits>
#include <map>

namespace peers {
namespace {

enum class Kind { Clamp, Elu, LeakyRelu, Sigmoid, Hardswish };

struct Mapping {
  Kind kind;
  float a, b;  // clamp: min, max; elu: alpha; leaky_relu: negative slope
};

const std::map<std::string, Mapping> &mappings() {
  static const float inf = std::numeric_limits<float>::infinity();
  static const std::map<std::string, Mapping> m = {
      {"relu", {Kind::Clamp, 0.0f, inf}},
      {"relu6", {Kind::Clamp, 0.0f, 6.0f}},
      {"hardtanh", {Kind::Clamp, -1.0f, 1.0f}},
      {"elu", {Kind::Elu, 1.0f, 0.0f}},
      {"celu", {Kind::Elu, 1.0f, 0.0f}},  // celu(alpha=1) = elu(1)
      {"leaky_relu", {Kind::LeakyRelu, 0.01f, 0.0f}},
      {"prelu", {Kind::LeakyRelu, 0.25f, 0.0f}},  // one shared weight, default 0.25
      {"sigmoid", {Kind::Sigmoid, 0.0f, 0.0f}},
      {"hardswish", {Kind::Hardswish, 0.0f, 0.0f}},
  };
  return m;
}

pthreadpool_t g_pool = nullptr;

class UnaryOp : public Op {
 public:
  UnaryOp() = default;
  ~UnaryOp() override {
    if (op_) xnn_delete_operator(op_);
  }
  bool init(const Mapping &m, const Buffers &b, std::string *error) {
    return b.dtype == ACTGEN_F16 ? init_f16(m, b, error) : init_f32(m, b, error);
  }
  void run() override { xnn_run_operator(op_, g_pool); }

 private:
  static bool check(xnn_status s, const char *what, std::string *error) {
    if (s == xnn_status_success) return true;
    *error = std::string("xnnpack: ") + what + " failed, status " + std::to_string(int(s)) +
             (s == xnn_status_unsupported_hardware ? " (unsupported hardware)" : "");
    return false;
  }
  bool init_f16(const Mapping &m, const Buffers &b, std::string *error) {
    xnn_status s = xnn_status_unsupported_parameter;
    switch (m.kind) {
      case Kind::Clamp: s = xnn_create_clamp_nc_f16(1, 1, 1, m.a, m.b, 0, &op_); break;
      case Kind::LeakyRelu: s = xnn_create_leaky_relu_nc_f16(1, 1, 1, m.a, 0, &op_); break;
      case Kind::Hardswish: s = xnn_create_hardswish_nc_f16(1, 1, 1, 0, &op_); break;
      case Kind::Elu:
      case Kind::Sigmoid: break;  // no f16 operator in this XNNPACK (not offered)
    }
    if (!check(s, "create (f16)", error)) return false;
    switch (m.kind) {
      case Kind::Clamp: s = xnn_setup_clamp_nc_f16(op_, b.n, b.x, b.out, g_pool); break;
      case Kind::LeakyRelu: s = xnn_setup_leaky_relu_nc_f16(op_, b.n, b.x, b.out, g_pool); break;
      case Kind::Hardswish: s = xnn_setup_hardswish_nc_f16(op_, b.n, b.x, b.out, g_pool); break;
      case Kind::Elu:
      case Kind::Sigmoid: break;
    }
    return check(s, "setup (f16)", error);
  }
  bool init_f32(const Mapping &m, const Buffers &b, std::string *error) {
    const float *x = b.xf();
    float *y = b.outf();
    xnn_status s = xnn_status_success;
    switch (m.kind) {
      case Kind::Clamp: s = xnn_create_clamp_nc_f32(1, 1, 1, m.a, m.b, 0, &op_); break;
      case Kind::Elu: s = xnn_create_elu_nc_f32(1, 1, 1, m.a, 0, &op_); break;
      case Kind::LeakyRelu: s = xnn_create_leaky_relu_nc_f32(1, 1, 1, m.a, 0, &op_); break;
      case Kind::Sigmoid: s = xnn_create_sigmoid_nc_f32(1, 1, 1, 0, &op_); break;
      case Kind::Hardswish: s = xnn_create_hardswish_nc_f32(1, 1, 1, 0, &op_); break;
    }
    if (!check(s, "create", error)) return false;
    switch (m.kind) {
      case Kind::Clamp: s = xnn_setup_clamp_nc_f32(op_, b.n, x, y, g_pool); break;
      case Kind::Elu: s = xnn_setup_elu_nc_f32(op_, b.n, x, y, g_pool); break;
      case Kind::LeakyRelu: s = xnn_setup_leaky_relu_nc_f32(op_, b.n, x, y, g_pool); break;
      case Kind::Sigmoid: s = xnn_setup_sigmoid_nc_f32(op_, b.n, x, y, g_pool); break;
      case Kind::Hardswish: s = xnn_setup_hardswish_nc_f32(op_, b.n, x, y, g_pool); break;
    }
    return check(s, "setup", error);
  }

  xnn_operator_t op_ = nullptr;
};

}  // namespace

Library xnnpack_library() {
  Library lib;
  lib.name = "xnnpack";
  lib.version = "Debian libxnnpack (operators API)";
  lib.threading = "pthreadpool";
  for (const auto &kv : mappings()) {
    lib.offers[ACTGEN_F32].forward.push_back(kv.first);
    if (kv.second.kind != Kind::Elu && kv.second.kind != Kind::Sigmoid)
      lib.offers[ACTGEN_F16].forward.push_back(kv.first);
  }
  lib.set_threads = [](int threads) {
    if (g_pool) pthreadpool_destroy(g_pool);
    g_pool = nullptr;
    // 0 threads: pthreadpool's default, one per core.
    if (threads != 1) g_pool = pthreadpool_create(size_t(threads));
  };
  lib.make = [](const std::string &activation, bool backward, const Buffers &b,
                std::string *error) -> std::unique_ptr<Op> {
    static const xnn_status init = xnn_initialize(nullptr);
    if (init != xnn_status_success) {
      *error = "xnnpack: xnn_initialize failed (unsupported CPU?)";
      return nullptr;
    }
    const auto it = mappings().find(activation);
    if (backward || b.dtype == ACTGEN_BF16 || it == mappings().end()) {
      *error = "xnnpack offers no " + std::string(backward ? "backward " : "") + activation;
      return nullptr;
    }
    auto op = std::make_unique<UnaryOp>();
    if (!op->init(it->second, b, error)) return nullptr;
    return op;
  };
  return lib;
}

}  // namespace peers
