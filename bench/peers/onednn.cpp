// oneDNN eltwise primitives (forward_inference for forward, eltwise_backward from src for backward), on a 1-D
// tensor of n elements: f32 and bf16 (src, dst, diff_dst and diff_src all of the type; the Op names the
// implementation oneDNN picked: "jit:avx512_core", "ref:any", ...). Debian's oneDNN 2.6 has no CPU f16 eltwise
// (every f16 descriptor fails: "could not create a primitive descriptor iterator"), so f16 is not offered. Threads: the Debian build runs on OpenMP, so --threads sets omp_set_num_threads
// (when bench_peers is built with OpenMP; otherwise oneDNN keeps its default, one thread per core).
#include "peers.h"

#include <oneapi/dnnl/dnnl.hpp>
#ifdef _OPENMP
#include <omp.h>
#endif

#include <map>
#include <unordered_map>

namespace peers {
namespace {

struct Mapping {
  dnnl::algorithm alg;
  float alpha, beta;
};

// actgen catalog name -> oneDNN 2.x eltwise algorithm with the parameters giving PyTorch's function at
// actgen's defaults. Not offered by oneDNN as one primitive: selu, hardsigmoid (3.0+), softsign, tanhshrink,
// hardshrink, softshrink, threshold, squared_relu.
const std::map<std::string, Mapping> &mappings() {
  using A = dnnl::algorithm;
  static const std::map<std::string, Mapping> m = {
      {"relu", {A::eltwise_relu, 0.0f, 0.0f}},
      {"leaky_relu", {A::eltwise_relu, 0.01f, 0.0f}},
      {"prelu", {A::eltwise_relu, 0.25f, 0.0f}},  // one shared weight, default 0.25
      {"elu", {A::eltwise_elu, 1.0f, 0.0f}},
      {"celu", {A::eltwise_elu, 1.0f, 0.0f}},  // celu(alpha=1) = elu(1)
      {"tanh", {A::eltwise_tanh, 0.0f, 0.0f}},
      {"sigmoid", {A::eltwise_logistic, 0.0f, 0.0f}},
      {"gelu", {A::eltwise_gelu_erf, 0.0f, 0.0f}},
      {"gelu_tanh", {A::eltwise_gelu_tanh, 0.0f, 0.0f}},
      {"silu", {A::eltwise_swish, 1.0f, 0.0f}},
      {"swish", {A::eltwise_swish, 1.0f, 0.0f}},
      {"quick_gelu", {A::eltwise_swish, 1.702f, 0.0f}},
      {"mish", {A::eltwise_mish, 0.0f, 0.0f}},
      {"softplus", {A::eltwise_soft_relu, 0.0f, 0.0f}},  // log(1 + exp(x)); beta=1 (threshold 20: same floats)
      {"hardswish", {A::eltwise_hardswish, 0.0f, 0.0f}},
      {"relu6", {A::eltwise_clip_v2, 0.0f, 6.0f}},
      {"hardtanh", {A::eltwise_clip_v2, -1.0f, 1.0f}},
      {"logsigmoid", {A::eltwise_logsigmoid, 0.0f, 0.0f}},
  };
  return m;
}

struct Context {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
};

Context &context() {
  static Context c;
  return c;
}

class EltwiseOp : public Op {
 public:
  EltwiseOp(const Mapping &m, bool backward, const Buffers &b) {
    Context &c = context();
    const dnnl::memory::desc md({dnnl::memory::dim(b.n)}, data_type(b.dtype), dnnl::memory::format_tag::a);
    const auto fwd_pd = dnnl::eltwise_forward::primitive_desc(
        dnnl::eltwise_forward::desc(backward ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference,
                                    m.alg, md, m.alpha, m.beta),
        c.engine);
    if (!backward) {
      prim_ = dnnl::eltwise_forward(fwd_pd);
      impl_ = fwd_pd.impl_info_str();
      args_ = {{DNNL_ARG_SRC, dnnl::memory(md, c.engine, const_cast<void *>(b.x))},
               {DNNL_ARG_DST, dnnl::memory(md, c.engine, b.out)}};
    } else {
      const auto bwd_pd = dnnl::eltwise_backward::primitive_desc(
          dnnl::eltwise_backward::desc(m.alg, md, md, m.alpha, m.beta), c.engine, fwd_pd);
      prim_ = dnnl::eltwise_backward(bwd_pd);
      impl_ = bwd_pd.impl_info_str();
      args_ = {{DNNL_ARG_SRC, dnnl::memory(md, c.engine, const_cast<void *>(b.x))},
               {DNNL_ARG_DIFF_DST, dnnl::memory(md, c.engine, const_cast<void *>(b.dy))},
               {DNNL_ARG_DIFF_SRC, dnnl::memory(md, c.engine, b.out)}};
    }
  }
  void run() override {
    prim_.execute(context().stream, args_);
    context().stream.wait();
  }
  std::string implementation() const override { return impl_; }

 private:
  static dnnl::memory::data_type data_type(actgen_dtype d) {
    switch (d) {
      case ACTGEN_F16: return dnnl::memory::data_type::f16;
      case ACTGEN_BF16: return dnnl::memory::data_type::bf16;
      case ACTGEN_F32: break;
    }
    return dnnl::memory::data_type::f32;
  }
  std::string impl_;
  dnnl::primitive prim_;
  std::unordered_map<int, dnnl::memory> args_;
};

}  // namespace

Library onednn_library() {
  Library lib;
  lib.name = "onednn";
  const dnnl_version_t *v = dnnl_version();
  lib.version = std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch) +
                " (CPU runtime " +
                (v->cpu_runtime == DNNL_RUNTIME_OMP ? std::string("OpenMP") : std::to_string(v->cpu_runtime)) + ")";
#ifdef _OPENMP
  lib.threading = "OpenMP (omp_set_num_threads)";
#else
  lib.threading = "oneDNN default (bench_peers built without OpenMP: --threads not applied)";
#endif
  for (actgen_dtype d : {ACTGEN_F32, ACTGEN_BF16}) {
    for (const auto &kv : mappings()) {
      lib.offers[d].forward.push_back(kv.first);
      lib.offers[d].backward.push_back(kv.first);
    }
  }
  lib.set_threads = [](int threads) {
#ifdef _OPENMP
    omp_set_num_threads(threads > 0 ? threads : omp_get_num_procs());
#else
    (void)threads;
#endif
  };
  lib.make = [](const std::string &activation, bool backward, const Buffers &b,
                std::string *error) -> std::unique_ptr<Op> {
    const auto it = mappings().find(activation);
    if (it == mappings().end()) {
      *error = "onednn offers no " + activation;
      return nullptr;
    }
    try {
      return std::make_unique<EltwiseOp>(it->second, backward, b);
    } catch (const dnnl::error &e) {
      *error = std::string("onednn: ") + e.what();
      return nullptr;
    }
  };
  return lib;
}

}  // namespace peers
