// GPU benchmark: every activation forward and backward on CUDA device memory at 2^12 .. 2^28 floats, with a
// device-to-device copy of the same size in the same run as the baseline. Each iteration launches and waits for
// the GPU (end-to-end time per call, real time). Counters: ns per element and GB/s; the copy is named memcpy/<n>
// so bench/summarize.py gives the fraction of copy bandwidth per activation:
//   bench_cuda --benchmark_out=gpu.json --benchmark_out_format=json && bench/summarize.py gpu.json --size 268435456
// Run it on a machine with a GPU; without one it reports the reason and exits 1.
#include <actgen/actgen.h>
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cuda_driver.h"

namespace {

cudadriver::Driver g;

constexpr int kMinLog = 12, kMaxLog = 28;

// Three device buffers of 2^28 floats (x, dy, out), x and dy uniform in [-6, 6].
struct Buffers {
  unsigned long long x = 0, dy = 0, out = 0;
};
Buffers g_buf;

void set_counters(benchmark::State &state, size_t n, double bytes_per_elem) {
  const double iters = static_cast<double>(state.iterations());
  state.counters["ns_per_elem"] =
      benchmark::Counter(iters * n * 1e-9, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["GBps"] = benchmark::Counter(iters * n * bytes_per_elem * 1e-9, benchmark::Counter::kIsRate);
}

void bm_copy(benchmark::State &state) {
  const size_t n = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    g.cuMemcpyDtoD(g_buf.out, g_buf.x, n * 4);
    g.cuCtxSynchronize();
  }
  set_counters(state, n, 8.0);
}

void bm_kernel(benchmark::State &state, std::string activation, actgen_direction dir) {
  const size_t n = static_cast<size_t>(state.range(0));
  actgen_kernel *k = nullptr;
  if (actgen_kernel_create_on(&k, activation.c_str(), nullptr, ACTGEN_F32, dir, "cuda") != ACTGEN_OK) {
    state.SkipWithError(actgen_last_error());
    return;
  }
  auto *x = reinterpret_cast<const void *>(g_buf.x);
  auto *dy = reinterpret_cast<const void *>(g_buf.dy);
  auto *out = reinterpret_cast<void *>(g_buf.out);
  for (auto _ : state) {
    const actgen_status s = dir == ACTGEN_FORWARD ? actgen_forward(k, x, out, n) : actgen_backward(k, x, dy, out, n);
    g.cuCtxSynchronize();
    if (s != ACTGEN_OK) {
      state.SkipWithError(actgen_last_error());
      break;
    }
  }
  actgen_kernel_destroy(k);
  set_counters(state, n, dir == ACTGEN_FORWARD ? 8.0 : 12.0);
}

}  // namespace

int main(int argc, char **argv) {
  benchmark::Initialize(&argc, argv);
  std::string why;
  if (!cudadriver::load(&g, &why)) {
    std::fprintf(stderr, "bench_cuda: %s\n", why.c_str());
    return 1;
  }
  const size_t max_n = size_t{1} << kMaxLog;
  std::vector<float> host(max_n);
  uint32_t state = 12345;
  for (float &v : host) {
    state = state * 1664525u + 1013904223u;
    v = (state >> 8) * (12.0f / 16777216.0f) - 6.0f;
  }
  for (unsigned long long *p : {&g_buf.x, &g_buf.dy, &g_buf.out}) {
    if (g.cuMemAlloc(p, max_n * 4) != 0 || g.cuMemcpyHtoD(*p, host.data(), max_n * 4) != 0) {
      std::fprintf(stderr, "bench_cuda: cannot allocate %zu MiB of device memory\n", max_n * 4 >> 20);
      return 1;
    }
  }
  auto sizes = [](benchmark::internal::Benchmark *b) {
    for (int lg = kMinLog; lg <= kMaxLog; lg += 4) b->Arg(int64_t{1} << lg);
    b->UseRealTime();
  };
  benchmark::RegisterBenchmark("memcpy", bm_copy)->Apply(sizes);
  for (size_t i = 0; i < actgen_activation_count(); ++i) {
    const std::string name = actgen_activation_name(i);
    for (actgen_direction dir : {ACTGEN_FORWARD, ACTGEN_BACKWARD})
      benchmark::RegisterBenchmark((std::string(dir == ACTGEN_FORWARD ? "fwd/" : "bwd/") + name).c_str(), bm_kernel,
                                   name, dir)
          ->Apply(sizes);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
