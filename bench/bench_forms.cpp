// The fused forms against actgen's own unfused composition and oneDNN, in one process (ratios within one run).
//
// Gated (y = f(a) * g over rows x d; a, g, y, dy, da, dg each a contiguous [rows, d] buffer, so every variant
// reads and writes the same bytes; d = 1024 at 64K outputs, d = 4096 at 16M outputs):
//   fused    one call of the gated kernel (actgen_gated_forward / actgen_gated_backward, row stride d);
//   unfused  what a user without the form writes with the plain kernels on the same target: forward =
//            actgen_forward(a -> y), then y *= g (one -O3 loop); backward = actgen_forward(a -> f(a)), then
//            dg = dy * f(a) and t = dy * g (one loop), then actgen_backward(a, t -> da);
//   onednn   (forward, when bench_forms is built with oneDNN) the eltwise primitive with a binary-multiply
//            post-op (src1 = g): oneDNN's own fusion of the same operation.
// Names: "<fwd|bwd>/<activation>/<variant>/<outputs>". Counter ns_per_out: time per output element, on the calling
// thread's CPU clock; everything runs on one thread (actgen_set_num_threads(1), omp_set_num_threads(1)).
#include <actgen/actgen.h>
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench_clock.h"

#ifdef ACTGEN_PEER_ONEDNN
#include <oneapi/dnnl/dnnl.hpp>
#ifdef _OPENMP
#include <omp.h>
#endif
#endif

namespace {

using benchclock::kInputRange;
using benchclock::now_seconds;

struct Shape {
  size_t rows, d;
};
const Shape kShapes[] = {{64, 1024}, {4096, 4096}};  // 64K and 16M outputs
const char *kActivations[] = {"silu", "gelu", "gelu_tanh", "relu", "sigmoid"};

struct Data {
  std::vector<float> a, g, dy, y, da, dg, t, fa;
};

Data &data_for(const Shape &s) {
  static std::map<size_t, std::unique_ptr<Data>> all;
  auto &slot = all[s.rows * s.d];
  if (!slot) {
    slot = std::make_unique<Data>();
    const size_t n = s.rows * s.d;
    std::mt19937 rng(12345);
    std::uniform_real_distribution<float> in(-kInputRange, kInputRange), grad(-1.0f, 1.0f);
    for (auto *v : {&slot->a, &slot->g}) {
      v->resize(n);
      for (float &e : *v) e = in(rng);
    }
    slot->dy.resize(n);
    for (float &e : slot->dy) e = grad(rng);
    for (auto *v : {&slot->y, &slot->da, &slot->dg, &slot->t, &slot->fa}) v->assign(n, 0.0f);
  }
  return *slot;
}

actgen_kernel *create(const char *act, actgen_form form, actgen_direction dir) {
  actgen_kernel_desc desc = ACTGEN_KERNEL_DESC_INIT;
  desc.activation = act;
  desc.form = form;
  desc.direction = dir;
  actgen_kernel *k = nullptr;
  if (actgen_kernel_create_desc(&k, &desc) != ACTGEN_OK) return nullptr;
  return k;
}

void bench_gated(benchmark::State &state, const char *act, Shape s, bool backward, bool fused) {
  Data &b = data_for(s);
  const size_t n = s.rows * s.d, d = s.d;
  actgen_kernel *k = create(act, fused ? ACTGEN_FORM_GATED : ACTGEN_FORM_PLAIN, backward ? ACTGEN_BACKWARD : ACTGEN_FORWARD);
  actgen_kernel *kf = fused ? nullptr : create(act, ACTGEN_FORM_PLAIN, ACTGEN_FORWARD);
  if (!k || (!fused && !kf)) {
    state.SkipWithError(actgen_last_error());
    return;
  }
  float *a = b.a.data(), *g = b.g.data(), *dy = b.dy.data(), *y = b.y.data(), *da = b.da.data(), *dg = b.dg.data(),
        *t = b.t.data(), *fa = b.fa.data();
  auto run = [&] {
    int s_ok = 0;
    if (fused) {
      s_ok = backward ? actgen_gated_backward(k, s.rows, d, a, g, d, dy, d, da, dg, d)
                      : actgen_gated_forward(k, s.rows, d, a, g, d, y, d);
    } else if (!backward) {
      s_ok = actgen_forward(k, a, y, n);
      for (size_t i = 0; i < n; ++i) y[i] *= g[i];
    } else {
      s_ok = actgen_forward(kf, a, fa, n);
      for (size_t i = 0; i < n; ++i) {
        dg[i] = dy[i] * fa[i];
        t[i] = dy[i] * g[i];
      }
      if (s_ok == 0) s_ok = actgen_backward(k, a, t, da, n);
    }
    return s_ok;
  };
  if (run() != 0) {
    state.SkipWithError(actgen_last_error());
    return;
  }
  double seconds = 0;
  for (auto _ : state) {
    const double t0 = now_seconds();
    run();
    benchmark::ClobberMemory();
    seconds += now_seconds() - t0;
    state.SetIterationTime(now_seconds() - t0);
  }
  state.counters["ns_per_out"] = seconds * 1e9 / (double(state.iterations()) * n);
  state.SetLabel(actgen_kernel_target(k));
  actgen_kernel_destroy(k);
  actgen_kernel_destroy(kf);
}

#ifdef ACTGEN_PEER_ONEDNN
// oneDNN 2.x eltwise algorithm and alpha giving the catalog activation at its defaults (as bench/peers/onednn.cpp).
bool onednn_algorithm(const std::string &act, dnnl::algorithm *alg, float *alpha) {
  using A = dnnl::algorithm;
  const std::map<std::string, std::pair<A, float>> m = {{"silu", {A::eltwise_swish, 1.0f}},
                                                        {"gelu", {A::eltwise_gelu_erf, 0.0f}},
                                                        {"gelu_tanh", {A::eltwise_gelu_tanh, 0.0f}},
                                                        {"relu", {A::eltwise_relu, 0.0f}},
                                                        {"sigmoid", {A::eltwise_logistic, 0.0f}}};
  auto it = m.find(act);
  if (it == m.end()) return false;
  *alg = it->second.first;
  *alpha = it->second.second;
  return true;
}

void bench_onednn_gated(benchmark::State &state, const char *act, Shape s) {
  Data &b = data_for(s);
  dnnl::algorithm alg;
  float alpha = 0;
  if (!onednn_algorithm(act, &alg, &alpha)) {
    state.SkipWithError("no oneDNN algorithm");
    return;
  }
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  static dnnl::stream stream(engine);
  const dnnl::memory::desc md({dnnl::memory::dim(s.rows), dnnl::memory::dim(s.d)}, dnnl::memory::data_type::f32,
                              dnnl::memory::format_tag::ab);
  dnnl::post_ops ops;
  ops.append_binary(dnnl::algorithm::binary_mul, md);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  dnnl::eltwise_forward::primitive_desc pd(
      dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_inference, alg, md, alpha, 0.0f), attr, engine);
  dnnl::eltwise_forward prim(pd);
  dnnl::memory src(md, engine, b.a.data()), dst(md, engine, b.y.data()), src1(md, engine, b.g.data());
  std::unordered_map<int, dnnl::memory> args = {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst},
                                                {DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, src1}};
  prim.execute(stream, args);
  stream.wait();
  double seconds = 0;
  for (auto _ : state) {
    const double t0 = now_seconds();
    prim.execute(stream, args);
    stream.wait();
    seconds += now_seconds() - t0;
    state.SetIterationTime(now_seconds() - t0);
  }
  state.counters["ns_per_out"] = seconds * 1e9 / (double(state.iterations()) * s.rows * s.d);
  state.SetLabel(std::string("onednn ") + pd.impl_info_str());
}
#endif

}  // namespace

int main(int argc, char **argv) {
  actgen_set_num_threads(1);
#if defined(ACTGEN_PEER_ONEDNN) && defined(_OPENMP)
  omp_set_num_threads(1);
#endif
  benchclock::thread_cpu_clock = true;
  for (const char *act : kActivations)
    for (const Shape &s : kShapes)
      for (bool backward : {false, true})
        for (bool fused : {true, false}) {
          const std::string name = std::string(backward ? "bwd/" : "fwd/") + act + "/" + (fused ? "fused/" : "unfused/") +
                                   std::to_string(s.rows * s.d);
          benchmark::RegisterBenchmark(name.c_str(), bench_gated, act, s, backward, fused)->UseManualTime()->Unit(benchmark::kMicrosecond);
#ifdef ACTGEN_PEER_ONEDNN
          if (!backward && !fused)
            benchmark::RegisterBenchmark(("fwd/" + std::string(act) + "/onednn/" + std::to_string(s.rows * s.d)).c_str(),
                                         bench_onednn_gated, act, s)
                ->UseManualTime()
                ->Unit(benchmark::kMicrosecond);
#endif
        }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
