// The fused forms against actgen's own unfused composition and oneDNN, in one process (ratios within one run).
//
// Gated (y = f(a) * g over rows x d; a, g, y, dy, da, dg each a contiguous [rows, d] buffer, so every variant
// reads and writes the same bytes; d = 1024 at 64K outputs, d = 4096 at 16M outputs):
//   fused    one call of the gated kernel (actgen_gated_forward / actgen_gated_backward, row stride d);
//   unfused  what a user without the form writes with the plain kernels on the same target: forward =
//            actgen_forward(a -> y), then y *= g (one -O3 loop); backward = actgen_forward(a -> f(a)), then
//            dg = dy * f(a) and t = dy * g (one loop), then actgen_backward(a, t -> da);
//   onednn   (forward, when bench_forms is built with oneDNN) the eltwise primitive with a binary-multiply
//            post-op (src1 = g): oneDNN's own fusion of the same operation;
//   counted  (forward) actgen_gated_forward_counted on the fused call's buffers (the dead-unit statistics' cost).
// Bias (y = f(x + b), x [outer, C, inner], b per channel), in two layouts: channels-last "cl" [rows, C]
// (64 x 1024 and 4096 x 4096) and "nchw" [N, C, H*W] (8 x 8 x 1024 and 16 x 256 x 4096):
//   fused    one call (actgen_bias_forward; actgen_bias_backward, which writes dx and db);
//   unfused  with the plain kernels: forward = y = x + b (one -O3 loop), then actgen_forward(y -> y) in place;
//            backward = t = x + b (one loop), actgen_backward(t, dy -> dx), then db[c] = sum of dx over rows
//            and inner (one loop, f32 accumulators, in row order);
//   onednn   (forward, with oneDNN) the binary-add primitive (b broadcast) with an eltwise post-op.
//   counted  (forward) one call of the counting form (actgen_bias_forward_counted, with the per-channel flat
//            counts): the dead-unit statistics' cost is counted / fused in the same run.
// Bias names: "<fwd|bwd>/bias_<activation>/<layout>/<variant>/<outputs>".
// Channel (prelu with one learned weight per channel, the bias form's shapes; the backward writes dx and dw):
//   fused    one call (actgen_channel_forward; actgen_channel_backward);
//   unfused  (nchw only) with the plain prelu kernels, one per channel's weight (created before timing, which a
//            training step could not do: its weights change every step): one actgen_forward / actgen_backward
//            call per [c, H*W] row, and (backward) dw[c] = sum of dy x over x <= 0 in one -O3 loop;
//   onednn   (with oneDNN) the prelu primitive, forward and backward (diff_src and diff_weights);
//   counted  (forward) actgen_channel_forward_counted, as the bias form's.
// Channel names: "<fwd|bwd>/channel_prelu/<layout>/<variant>/<outputs>".
// Every form in f16 and bf16 too (variants "f16", "bf16": the fused call on 16-bit copies of the same data; the
// runtime runs the f32 form kernels between conversions), to be read against "fused" (f32) in the same run.
// Names: "<fwd|bwd>/<activation>/<variant>/<outputs>". Counter ns_per_out: time per output element, on the calling
// thread's CPU clock; everything runs on one thread (actgen_set_num_threads(1), omp_set_num_threads(1)).
#include <actgen/actgen.h>
#include <benchmark/benchmark.h>

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench_clock.h"
#include "half_bits.h"

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

// Times run() per iteration (manual time, the thread's CPU clock) and sets the counter ns_per_out for n outputs.
template <typename Run>
void time_per_output(benchmark::State &state, size_t n, Run run) {
  double seconds = 0;
  for (auto _ : state) {
    const double t0 = now_seconds();
    run();
    benchmark::ClobberMemory();
    seconds += now_seconds() - t0;
    state.SetIterationTime(now_seconds() - t0);
  }
  state.counters["ns_per_out"] = seconds * 1e9 / (double(state.iterations()) * n);
}

actgen_kernel *create(const char *act, actgen_form form, actgen_direction dir, actgen_dtype dtype = ACTGEN_F32) {
  actgen_kernel_desc desc = ACTGEN_KERNEL_DESC_INIT;
  desc.activation = act;
  desc.form = form;
  desc.direction = dir;
  desc.dtype = dtype;
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
  time_per_output(state, n, run);
  state.SetLabel(actgen_kernel_target(k));
  actgen_kernel_destroy(k);
  actgen_kernel_destroy(kf);
}

// The gated form's counting forward (actgen_gated_forward_counted) on the same buffers as bench_gated's fused call.
void bench_gated_counted(benchmark::State &state, const char *act, Shape s) {
  Data &b = data_for(s);
  actgen_kernel *k = create(act, ACTGEN_FORM_GATED, ACTGEN_FORWARD);
  if (!k) {
    state.SkipWithError(actgen_last_error());
    return;
  }
  actgen_counts counts = ACTGEN_COUNTS_INIT;
  auto run = [&] {
    return actgen_gated_forward_counted(k, s.rows, s.d, b.a.data(), b.g.data(), s.d, b.y.data(), s.d, &counts);
  };
  if (run() != 0) {
    state.SkipWithError(actgen_last_error());
    return;
  }
  time_per_output(state, s.rows * s.d, run);
  state.SetLabel(actgen_kernel_target(k));
  actgen_kernel_destroy(k);
}

// ---- Bias form ----
struct BiasShape {
  const char *layout;
  size_t outer, channels, inner;
  size_t n() const { return outer * channels * inner; }
};
const BiasShape kBiasShapes[] = {{"cl", 64, 1024, 1}, {"cl", 4096, 4096, 1}, {"nchw", 8, 8, 1024}, {"nchw", 16, 256, 4096}};
const char *kBiasActivations[] = {"gelu", "relu", "silu"};

struct BiasData {
  std::vector<float> x, b, dy, y, dx, db, t;
};

BiasData &bias_data_for(const BiasShape &s) {
  static std::map<std::string, std::unique_ptr<BiasData>> all;
  auto &slot = all[std::string(s.layout) + std::to_string(s.n())];
  if (!slot) {
    slot = std::make_unique<BiasData>();
    std::mt19937 rng(777);
    std::uniform_real_distribution<float> in(-kInputRange, kInputRange), grad(-1.0f, 1.0f);
    slot->x.resize(s.n());
    for (float &e : slot->x) e = in(rng);
    slot->b.resize(s.channels);
    for (float &e : slot->b) e = grad(rng);
    slot->dy.resize(s.n());
    for (float &e : slot->dy) e = grad(rng);
    for (auto *v : {&slot->y, &slot->dx, &slot->t}) v->assign(s.n(), 0.0f);
    slot->db.assign(s.channels, 0.0f);
  }
  return *slot;
}

// x + b into out (the unfused composition's add pass).
void add_bias(const BiasShape &s, const float *x, const float *b, float *out) {
  if (s.inner == 1) {
    for (size_t o = 0; o < s.outer; ++o)
      for (size_t c = 0; c < s.channels; ++c) out[o * s.channels + c] = x[o * s.channels + c] + b[c];
    return;
  }
  for (size_t o = 0; o < s.outer; ++o)
    for (size_t c = 0; c < s.channels; ++c) {
      const size_t base = (o * s.channels + c) * s.inner;
      const float bc = b[c];
      for (size_t i = 0; i < s.inner; ++i) out[base + i] = x[base + i] + bc;
    }
}

// db[c] = sum of dx over outer and inner (the unfused composition's reduction pass).
void reduce_db(const BiasShape &s, const float *dx, float *db) {
  for (size_t c = 0; c < s.channels; ++c) db[c] = 0.0f;
  for (size_t o = 0; o < s.outer; ++o)
    for (size_t c = 0; c < s.channels; ++c) {
      if (s.inner == 1) {
        db[c] += dx[o * s.channels + c];
        continue;
      }
      const float *row = dx + (o * s.channels + c) * s.inner;
      float acc = 0.0f;
      for (size_t i = 0; i < s.inner; ++i) acc += row[i];
      db[c] += acc;
    }
}

void bench_bias(benchmark::State &state, const char *act, BiasShape s, bool backward, bool fused) {
  BiasData &d = bias_data_for(s);
  actgen_kernel *k = create(act, fused ? ACTGEN_FORM_BIAS : ACTGEN_FORM_PLAIN, backward ? ACTGEN_BACKWARD : ACTGEN_FORWARD);
  if (!k) {
    state.SkipWithError(actgen_last_error());
    return;
  }
  const size_t n = s.n();
  float *x = d.x.data(), *b = d.b.data(), *dy = d.dy.data(), *y = d.y.data(), *dx = d.dx.data(), *db = d.db.data(),
        *t = d.t.data();
  auto run = [&] {
    int st = 0;
    if (fused) {
      st = backward ? actgen_bias_backward(k, s.outer, s.channels, s.inner, x, b, dy, dx, db)
                    : actgen_bias_forward(k, s.outer, s.channels, s.inner, x, b, y);
    } else if (!backward) {
      add_bias(s, x, b, y);
      st = actgen_forward(k, y, y, n);
    } else {
      add_bias(s, x, b, t);
      st = actgen_backward(k, t, dy, dx, n);
      reduce_db(s, dx, db);
    }
    return st;
  };
  if (run() != 0) {
    state.SkipWithError(actgen_last_error());
    return;
  }
  time_per_output(state, n, run);
  state.SetLabel(actgen_kernel_target(k));
  actgen_kernel_destroy(k);
}

// The bias or channel form's counting forward (prelu for the channel form), with the per-channel flat counts.
void bench_form_counted(benchmark::State &state, const char *act, actgen_form form, BiasShape s) {
  BiasData &d = bias_data_for(s);
  actgen_kernel *k = create(act, form, ACTGEN_FORWARD);
  if (!k) {
    state.SkipWithError(actgen_last_error());
    return;
  }
  std::vector<uint64_t> flat(s.channels);
  actgen_counts counts = ACTGEN_COUNTS_INIT;
  auto call = form == ACTGEN_FORM_BIAS ? actgen_bias_forward_counted : actgen_channel_forward_counted;
  auto run = [&] { return call(k, s.outer, s.channels, s.inner, d.x.data(), d.b.data(), d.y.data(), &counts, flat.data()); };
  if (run() != 0) {
    state.SkipWithError(actgen_last_error());
    return;
  }
  time_per_output(state, s.n(), run);
  state.SetLabel(actgen_kernel_target(k));
  actgen_kernel_destroy(k);
}

// 16-bit copies (dtype) of a float vector, made once per (vector, dtype).
const std::vector<uint16_t> &half_copy(const std::vector<float> &v, actgen_dtype dtype) {
  static std::map<std::pair<const void *, int>, std::vector<uint16_t>> all;
  auto &slot = all[{&v, static_cast<int>(dtype)}];
  if (slot.size() != v.size()) {
    slot.resize(v.size());
    for (size_t i = 0; i < v.size(); ++i) slot[i] = benchhalf::to_half_bits(v[i], dtype);
  }
  return slot;
}

// The fused forms in a 16-bit dtype: form GATED over Shape {outer, channels} as rows x d, else the bias or channel
// form over s.
void bench_form_half(benchmark::State &state, const char *act, actgen_form form, BiasShape s, bool backward,
                     actgen_dtype dtype) {
  actgen_kernel *k = create(act, form, backward ? ACTGEN_BACKWARD : ACTGEN_FORWARD, dtype);
  if (!k) {
    state.SkipWithError(actgen_last_error());
    return;
  }
  const size_t n = s.n();
  std::vector<uint16_t> out(n), out2(n), sums(s.channels);
  std::function<int()> run;
  if (form == ACTGEN_FORM_GATED) {
    Data &b = data_for(Shape{s.outer, s.channels});
    const uint16_t *a = half_copy(b.a, dtype).data(), *g = half_copy(b.g, dtype).data(),
                   *dy = half_copy(b.dy, dtype).data();
    const size_t rows = s.outer, d = s.channels;
    run = [=, &out, &out2] {
      return backward ? actgen_gated_backward(k, rows, d, a, g, d, dy, d, out.data(), out2.data(), d)
                      : actgen_gated_forward(k, rows, d, a, g, d, out.data(), d);
    };
  } else {
    BiasData &b = bias_data_for(s);
    const uint16_t *x = half_copy(b.x, dtype).data(), *v = half_copy(b.b, dtype).data(),
                   *dy = half_copy(b.dy, dtype).data();
    const bool bias = form == ACTGEN_FORM_BIAS;
    run = [=, &out, &sums] {
      if (backward)
        return (bias ? actgen_bias_backward : actgen_channel_backward)(k, s.outer, s.channels, s.inner, x, v, dy,
                                                                         out.data(), sums.data());
      return (bias ? actgen_bias_forward : actgen_channel_forward)(k, s.outer, s.channels, s.inner, x, v, out.data());
    };
  }
  if (run() != 0) {
    state.SkipWithError(actgen_last_error());
    return;
  }
  time_per_output(state, n, run);
  state.SetLabel(actgen_kernel_target(k));
  actgen_kernel_destroy(k);
}

// prelu with per-channel weights: the fused channel form, or (nchw) the plain kernels one row at a time.
void bench_channel(benchmark::State &state, BiasShape s, bool backward, bool fused) {
  BiasData &d = bias_data_for(s);
  const actgen_direction dir = backward ? ACTGEN_BACKWARD : ACTGEN_FORWARD;
  std::vector<actgen_kernel *> plain;  // unfused: one plain kernel per channel's weight
  actgen_kernel *k = nullptr;
  if (fused) {
    k = create("prelu", ACTGEN_FORM_CHANNEL, dir);
  } else {
    for (size_t c = 0; c < s.channels; ++c) {
      char params[64];
      std::snprintf(params, sizeof params, "weight=%.9g", d.b[c]);
      actgen_kernel *pk = nullptr;
      if (actgen_kernel_create(&pk, "prelu", params, ACTGEN_F32, dir) != ACTGEN_OK) break;
      plain.push_back(pk);
    }
    k = plain.size() == s.channels ? plain[0] : nullptr;
  }
  if (!k) {
    state.SkipWithError(actgen_last_error());
    return;
  }
  const size_t n = s.n();
  float *x = d.x.data(), *w = d.b.data(), *dy = d.dy.data(), *y = d.y.data(), *dx = d.dx.data(), *dw = d.db.data();
  auto run = [&]() -> int {
    if (fused)
      return backward ? actgen_channel_backward(k, s.outer, s.channels, s.inner, x, w, dy, dx, dw)
                      : actgen_channel_forward(k, s.outer, s.channels, s.inner, x, w, y);
    int st = 0;
    for (size_t o = 0; o < s.outer; ++o)
      for (size_t c = 0; c < s.channels; ++c) {
        const size_t base = (o * s.channels + c) * s.inner;
        st |= backward ? actgen_backward(plain[c], x + base, dy + base, dx + base, s.inner)
                       : actgen_forward(plain[c], x + base, y + base, s.inner);
      }
    if (backward) {
      for (size_t c = 0; c < s.channels; ++c) dw[c] = 0.0f;
      for (size_t o = 0; o < s.outer; ++o)
        for (size_t c = 0; c < s.channels; ++c) {
          const float *xr = x + (o * s.channels + c) * s.inner, *dyr = dy + (o * s.channels + c) * s.inner;
          float acc = 0.0f;
          for (size_t i = 0; i < s.inner; ++i) acc += xr[i] > 0.0f ? 0.0f : dyr[i] * xr[i];
          dw[c] += acc;
        }
    }
    return st;
  };
  if (run() != 0) {
    state.SkipWithError(actgen_last_error());
    return;
  }
  time_per_output(state, n, run);
  state.SetLabel(actgen_kernel_target(k));
  if (fused) actgen_kernel_destroy(k);
  for (actgen_kernel *pk : plain) actgen_kernel_destroy(pk);
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
  time_per_output(state, s.rows * s.d, [&] { prim.execute(stream, args); stream.wait(); });
  state.SetLabel(std::string("onednn ") + pd.impl_info_str());
}

void bench_onednn_bias(benchmark::State &state, const char *act, BiasShape s) {
  BiasData &d = bias_data_for(s);
  dnnl::algorithm alg;
  float alpha = 0;
  if (!onednn_algorithm(act, &alg, &alpha)) {
    state.SkipWithError("no oneDNN algorithm");
    return;
  }
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  static dnnl::stream stream(engine);
  using dims = dnnl::memory::dims;
  const auto f32 = dnnl::memory::data_type::f32;
  const dnnl::memory::dim O = s.outer, C = s.channels, I = s.inner;
  const dnnl::memory::desc md(dims{O, C, I}, f32, dnnl::memory::format_tag::abc);
  const dnnl::memory::desc bmd(dims{1, C, 1}, f32, dnnl::memory::format_tag::abc);
  dnnl::post_ops ops;
  ops.append_eltwise(1.0f, alg, alpha, 0.0f);
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  dnnl::binary::primitive_desc pd(dnnl::binary::desc(dnnl::algorithm::binary_add, md, bmd, md), attr, engine);
  dnnl::binary prim(pd);
  dnnl::memory src0(md, engine, d.x.data()), src1(bmd, engine, d.b.data()), dst(md, engine, d.y.data());
  std::unordered_map<int, dnnl::memory> args = {{DNNL_ARG_SRC_0, src0}, {DNNL_ARG_SRC_1, src1}, {DNNL_ARG_DST, dst}};
  prim.execute(stream, args);
  stream.wait();
  time_per_output(state, s.n(), [&] { prim.execute(stream, args); stream.wait(); });
  state.SetLabel(std::string("onednn ") + pd.impl_info_str());
}

// oneDNN's prelu primitive: weights [1, C, 1] broadcast over outer and inner; the backward writes diff_src and
// diff_weights.
void bench_onednn_prelu(benchmark::State &state, BiasShape s, bool backward) {
  BiasData &d = bias_data_for(s);
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  static dnnl::stream stream(engine);
  using dims = dnnl::memory::dims;
  const auto f32 = dnnl::memory::data_type::f32;
  const dnnl::memory::dim O = s.outer, C = s.channels, I = s.inner;
  const dnnl::memory::desc md(dims{O, C, I}, f32, dnnl::memory::format_tag::abc);
  const dnnl::memory::desc wmd(dims{1, C, 1}, f32, dnnl::memory::format_tag::abc);
  dnnl::prelu_forward::primitive_desc fpd(dnnl::prelu_forward::desc(dnnl::prop_kind::forward_training, md, wmd),
                                          engine);
  dnnl::memory src(md, engine, d.x.data()), wts(wmd, engine, d.b.data()), dst(md, engine, d.y.data()),
      ddst(md, engine, d.dy.data()), dsrc(md, engine, d.dx.data()), dwts(wmd, engine, d.db.data());
  std::unique_ptr<dnnl::primitive> prim;
  std::unordered_map<int, dnnl::memory> args;
  std::string impl;
  if (!backward) {
    prim = std::make_unique<dnnl::prelu_forward>(fpd);
    args = {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wts}, {DNNL_ARG_DST, dst}};
    impl = fpd.impl_info_str();
  } else {
    dnnl::prelu_backward::primitive_desc bpd(dnnl::prelu_backward::desc(md, wmd, md, wmd), engine, fpd);
    prim = std::make_unique<dnnl::prelu_backward>(bpd);
    args = {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wts}, {DNNL_ARG_DIFF_DST, ddst}, {DNNL_ARG_DIFF_SRC, dsrc},
            {DNNL_ARG_DIFF_WEIGHTS, dwts}};
    impl = bpd.impl_info_str();
  }
  prim->execute(stream, args);
  stream.wait();
  time_per_output(state, s.n(), [&] { prim->execute(stream, args); stream.wait(); });
  state.SetLabel("onednn " + impl);
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
          for (actgen_dtype dt : {ACTGEN_F16, ACTGEN_BF16})
            if (fused)
              benchmark::RegisterBenchmark((std::string(backward ? "bwd/" : "fwd/") + act + "/" +
                                            (dt == ACTGEN_F16 ? "f16/" : "bf16/") + std::to_string(s.rows * s.d)).c_str(),
                                           bench_form_half, act, ACTGEN_FORM_GATED, BiasShape{"", s.rows, s.d, 1},
                                           backward, dt)
                  ->UseManualTime()
                  ->Unit(benchmark::kMicrosecond);
          if (!backward && fused)
            benchmark::RegisterBenchmark(("fwd/" + std::string(act) + "/counted/" + std::to_string(s.rows * s.d)).c_str(),
                                         bench_gated_counted, act, s)
                ->UseManualTime()
                ->Unit(benchmark::kMicrosecond);
#ifdef ACTGEN_PEER_ONEDNN
          if (!backward && !fused)
            benchmark::RegisterBenchmark(("fwd/" + std::string(act) + "/onednn/" + std::to_string(s.rows * s.d)).c_str(),
                                         bench_onednn_gated, act, s)
                ->UseManualTime()
                ->Unit(benchmark::kMicrosecond);
#endif
        }
  for (const char *act : kBiasActivations)
    for (const BiasShape &s : kBiasShapes)
      for (bool backward : {false, true})
        for (bool fused : {true, false}) {
          const std::string stem = std::string(backward ? "bwd/" : "fwd/") + "bias_" + act + "/" + s.layout + "/";
          const std::string size = "/" + std::to_string(s.n());
          benchmark::RegisterBenchmark((stem + (fused ? "fused" : "unfused") + size).c_str(), bench_bias, act, s,
                                       backward, fused)
              ->UseManualTime()
              ->Unit(benchmark::kMicrosecond);
          for (actgen_dtype dt : {ACTGEN_F16, ACTGEN_BF16})
            if (fused)
              benchmark::RegisterBenchmark((stem + (dt == ACTGEN_F16 ? "f16" : "bf16") + size).c_str(), bench_form_half,
                                           act, ACTGEN_FORM_BIAS, s, backward, dt)
                  ->UseManualTime()
                  ->Unit(benchmark::kMicrosecond);
          if (!backward && fused)
            benchmark::RegisterBenchmark((stem + "counted" + size).c_str(), bench_form_counted, act, ACTGEN_FORM_BIAS,
                                         s)
                ->UseManualTime()
                ->Unit(benchmark::kMicrosecond);
#ifdef ACTGEN_PEER_ONEDNN
          if (!backward && !fused)
            benchmark::RegisterBenchmark((stem + "onednn" + size).c_str(), bench_onednn_bias, act, s)
                ->UseManualTime()
                ->Unit(benchmark::kMicrosecond);
#endif
        }
  for (const BiasShape &s : kBiasShapes)
    for (bool backward : {false, true}) {
      const std::string stem = std::string(backward ? "bwd/" : "fwd/") + "channel_prelu/" + s.layout + "/";
      const std::string size = "/" + std::to_string(s.n());
      for (bool fused : {true, false}) {
        if (!fused && s.inner == 1) continue;  // channels-last has no row-per-channel composition
        benchmark::RegisterBenchmark((stem + (fused ? "fused" : "unfused") + size).c_str(), bench_channel, s, backward,
                                     fused)
            ->UseManualTime()
            ->Unit(benchmark::kMicrosecond);
      }
      for (actgen_dtype dt : {ACTGEN_F16, ACTGEN_BF16})
        benchmark::RegisterBenchmark((stem + (dt == ACTGEN_F16 ? "f16" : "bf16") + size).c_str(), bench_form_half,
                                     "prelu", ACTGEN_FORM_CHANNEL, s, backward, dt)
            ->UseManualTime()
            ->Unit(benchmark::kMicrosecond);
      if (!backward)
        benchmark::RegisterBenchmark((stem + "counted" + size).c_str(), bench_form_counted, "prelu",
                                     ACTGEN_FORM_CHANNEL, s)
            ->UseManualTime()
            ->Unit(benchmark::kMicrosecond);
#ifdef ACTGEN_PEER_ONEDNN
      benchmark::RegisterBenchmark((stem + "onednn" + size).c_str(), bench_onednn_prelu, s, backward)
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
