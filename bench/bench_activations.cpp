// Every activation in the catalog, forward and backward, held against memcpy at the same sizes.
//
// Benchmarks are registered by walking the runtime's catalog, so a new activation is benchmarked the moment it
// is generated. Names: "fwd/<activation>/<n>", "bwd/<activation>/<n>", "fwdcount/<activation>/<n>" (the counting
// forward, actgen_forward_counted, bytes counted as the forward's), "memcpy/<n>" (n in floats; with
// --threads other than 1 Google Benchmark appends "/real_time"); the other dtypes of the build (the runtime's
// list: f16, bf16) as "<dtype>/fwd/<activation>/<n>" and "<dtype>/bwd/<activation>/<n>" (n elements of that
// dtype; bytes counted at its size), so f16/bf16 against f32 is a ratio within one run.
//
// Counters (plain numbers, so the console, JSON and CSV show the same values):
//   ns_per_elem  time per element, on the clock Google Benchmark itself uses: the calling thread's CPU time
//                with one worker thread (robust on a shared machine), wall time otherwise
//   GBps         bytes moved per second, 1e9 bytes: forward reads x and writes y (8 bytes per element),
//                backward reads x and dy and writes dx (12), memcpy reads and writes (8)
//   memcpy_frac  GBps over memcpy's GBps at the same size, measured once per size in this process
// The label is the target the kernel runs on.
//
// Options (besides Google Benchmark's own):
//   --threads=N   worker threads for the kernels (actgen_set_num_threads); 0 = one per core. Default 1, for
//                 reproducible numbers; the environment variable ACTGEN_BENCH_THREADS sets the same.
//   --target=T    pin the kernels' target (actgen_set_target); ACTGEN_TARGET in the environment works too.
#include <actgen/actgen.h>
#include <actgen/actgen.hpp>
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench_clock.h"
#include "half_bits.h"

namespace {

const size_t kSizes[] = {size_t(1) << 12, size_t(1) << 16, size_t(1) << 20, size_t(1) << 24};

using benchclock::kInputRange;
using benchclock::now_seconds;

// Buffers for one size, allocated and first-touched once, so page faults never land in a timed loop.
struct Buffers {
  std::vector<float> x, dy, out;
  std::vector<uint16_t> x16[3], dy16[3], out16[3];  // per 16-bit dtype (index: the actgen_dtype value)
  double memcpy_gbps = 0;
};

// memcpy's bandwidth at n floats: the median of 15 samples, each long enough (>= 8 MB copied) for the clock.
double measure_memcpy_gbps(const float *src, float *dst, size_t n) {
  const size_t bytes = n * sizeof(float);
  const size_t calls = std::max<size_t>(1, (size_t(8) << 20) / bytes);
  std::memcpy(dst, src, bytes);
  std::vector<double> samples;
  for (int s = 0; s < 15; ++s) {
    const double t0 = now_seconds();
    for (size_t c = 0; c < calls; ++c) {
      std::memcpy(dst, src, bytes);
      benchmark::ClobberMemory();
    }
    samples.push_back(now_seconds() - t0);
  }
  std::nth_element(samples.begin(), samples.begin() + samples.size() / 2, samples.end());
  return 2.0 * bytes * calls / samples[samples.size() / 2] / 1e9;
}

Buffers &buffers_for(size_t n) {
  static std::map<size_t, std::unique_ptr<Buffers>> all;
  auto &slot = all[n];
  if (!slot) {
    slot = std::make_unique<Buffers>();
    std::mt19937 rng(12345);
    std::uniform_real_distribution<float> in(-kInputRange, kInputRange), grad(-1.0f, 1.0f);
    slot->x.resize(n);
    slot->dy.resize(n);
    slot->out.assign(n, 0.0f);
    for (size_t i = 0; i < n; ++i) {
      slot->x[i] = in(rng);
      slot->dy[i] = grad(rng);
    }
    slot->memcpy_gbps = measure_memcpy_gbps(slot->x.data(), slot->out.data(), n);
  }
  return *slot;
}

void set_counters(benchmark::State &state, size_t n, double bytes_per_elem, double seconds,
                  double memcpy_gbps) {
  const double elems = double(n) * double(state.iterations());
  if (elems == 0 || seconds <= 0) return;
  const double gbps = elems * bytes_per_elem / seconds / 1e9;
  state.counters["ns_per_elem"] = seconds * 1e9 / elems;
  state.counters["GBps"] = gbps;
  state.counters["memcpy_frac"] = gbps / memcpy_gbps;
}

void bench_memcpy(benchmark::State &state, size_t n) {
  Buffers &b = buffers_for(n);
  const double t0 = now_seconds();
  for (auto _ : state) {
    std::memcpy(b.out.data(), b.x.data(), n * sizeof(float));
    benchmark::ClobberMemory();
  }
  set_counters(state, n, 8, now_seconds() - t0, b.memcpy_gbps);
  state.SetLabel("memcpy");
}

void bench_activation(benchmark::State &state, std::string activation, actgen_direction direction, size_t n,
                      actgen_dtype dtype, bool counted) {
  // The wrapper owns the kernel; the timed loops call the C API on get(), as a C user would.
  actgen::Kernel kernel;
  try {
    kernel = actgen::Kernel(activation, "", static_cast<actgen::Direction>(direction),
                            static_cast<actgen::DType>(dtype));
  } catch (const actgen::Error &e) {
    state.SkipWithError(e.what());
    return;
  }
  Buffers &b = buffers_for(n);
  const bool forward = direction == ACTGEN_FORWARD;
  if (dtype != ACTGEN_F32) {  // 16-bit buffers, made once per size and dtype
    const int d = static_cast<int>(dtype);
    if (b.x16[d].size() != n) {
      b.x16[d].resize(n);
      b.dy16[d].resize(n);
      b.out16[d].assign(n, 0);
      for (size_t i = 0; i < n; ++i) {
        b.x16[d][i] = benchhalf::to_half_bits(b.x[i], dtype);
        b.dy16[d][i] = benchhalf::to_half_bits(b.dy[i], dtype);
      }
    }
    const uint16_t *x = b.x16[d].data(), *dy = b.dy16[d].data();
    uint16_t *out = b.out16[d].data();
    if ((forward ? actgen_forward(kernel.get(), x, out, n) : actgen_backward(kernel.get(), x, dy, out, n)) !=
        ACTGEN_OK) {
      state.SkipWithError(actgen_last_error());
      return;
    }
    const double t0 = now_seconds();
    for (auto _ : state) {
      if (forward)
        actgen_forward(kernel.get(), x, out, n);
      else
        actgen_backward(kernel.get(), x, dy, out, n);
      benchmark::ClobberMemory();
    }
    const double size = static_cast<double>(actgen_dtype_size(dtype));
    set_counters(state, n, (forward ? 2 : 3) * size, now_seconds() - t0, b.memcpy_gbps);
    state.SetLabel(actgen_kernel_target(kernel.get()));
    return;
  }
  // One untimed call checks the kernel runs at all (and warms caches the same way every iteration will).
  actgen_counts counts = ACTGEN_COUNTS_INIT;
  const actgen_status first = counted   ? actgen_forward_counted(kernel.get(), b.x.data(), b.out.data(), n, &counts)
                              : forward ? actgen_forward(kernel.get(), b.x.data(), b.out.data(), n)
                                        : actgen_backward(kernel.get(), b.x.data(), b.dy.data(), b.out.data(), n);
  if (first != ACTGEN_OK) {
    state.SkipWithError(actgen_last_error());
    return;
  }
  const double t0 = now_seconds();
  if (counted) {
    for (auto _ : state) {
      actgen_forward_counted(kernel.get(), b.x.data(), b.out.data(), n, &counts);
      benchmark::ClobberMemory();
    }
  } else if (forward) {
    for (auto _ : state) {
      actgen_forward(kernel.get(), b.x.data(), b.out.data(), n);
      benchmark::ClobberMemory();
    }
  } else {
    for (auto _ : state) {
      actgen_backward(kernel.get(), b.x.data(), b.dy.data(), b.out.data(), n);
      benchmark::ClobberMemory();
    }
  }
  set_counters(state, n, forward ? 8 : 12, now_seconds() - t0, b.memcpy_gbps);
  state.SetLabel(actgen_kernel_target(kernel.get()));
}

// Takes our own flags out of argv, leaving Google Benchmark's.
struct Options {
  int threads = 1;
  std::string target;
  bool target_given = false;
};

bool parse_int(const char *s, int *out) {
  char *end = nullptr;
  const long v = std::strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < 0 || v > 1 << 20) return false;
  *out = int(v);
  return true;
}

bool take_options(int *argc, char **argv, Options *opt) {
  if (const char *env = std::getenv("ACTGEN_BENCH_THREADS")) {
    if (*env && !parse_int(env, &opt->threads)) {
      std::fprintf(stderr, "bench_activations: ACTGEN_BENCH_THREADS must be a count >= 0, got '%s'\n", env);
      return false;
    }
  }
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    const char *a = argv[i];
    if (std::strncmp(a, "--threads=", 10) == 0) {
      if (!parse_int(a + 10, &opt->threads)) {
        std::fprintf(stderr, "bench_activations: --threads needs a count >= 0, got '%s'\n", a + 10);
        return false;
      }
    } else if (std::strncmp(a, "--target=", 9) == 0) {
      opt->target = a + 9;
      opt->target_given = true;
    } else {
      argv[kept++] = argv[i];
    }
  }
  *argc = kept;
  argv[kept] = nullptr;
  return true;
}

void register_all(const Options &opt) {
  const auto configure = [&](benchmark::internal::Benchmark *b) {
    // Worker threads leave the calling thread's CPU time short of the work done; time by the wall then.
    if (opt.threads != 1) b->UseRealTime();
  };
  for (size_t n : kSizes) {
    configure(benchmark::RegisterBenchmark(("memcpy/" + std::to_string(n)).c_str(), bench_memcpy, n));
  }
  const size_t count = actgen_activation_count();
  for (size_t i = 0; i < count; ++i) {
    const std::string name = actgen_activation_name(i);
    for (size_t n : kSizes) {
      configure(benchmark::RegisterBenchmark(("fwd/" + name + "/" + std::to_string(n)).c_str(), bench_activation,
                                             name, ACTGEN_FORWARD, n, ACTGEN_F32, false));
      configure(benchmark::RegisterBenchmark(("bwd/" + name + "/" + std::to_string(n)).c_str(), bench_activation,
                                             name, ACTGEN_BACKWARD, n, ACTGEN_F32, false));
      configure(benchmark::RegisterBenchmark(("fwdcount/" + name + "/" + std::to_string(n)).c_str(),
                                             bench_activation, name, ACTGEN_FORWARD, n, ACTGEN_F32, true));
      for (size_t di = 0; di < actgen_dtype_count(); ++di) {
        const actgen_dtype d = static_cast<actgen_dtype>(actgen_dtype_at(di));
        if (d == ACTGEN_F32) continue;
        const std::string prefix = std::string(actgen_dtype_name(d)) + "/";
        for (actgen_direction dir : {ACTGEN_FORWARD, ACTGEN_BACKWARD})
          configure(benchmark::RegisterBenchmark(
              (prefix + (dir == ACTGEN_FORWARD ? "fwd/" : "bwd/") + name + "/" + std::to_string(n)).c_str(),
              bench_activation, name, dir, n, d, false));
      }
    }
  }
}

}  // namespace

int main(int argc, char **argv) {
  Options opt;
  if (!take_options(&argc, argv, &opt)) return 2;
  benchclock::thread_cpu_clock = opt.threads == 1;
  if (actgen_set_num_threads(opt.threads) != ACTGEN_OK) {
    std::fprintf(stderr, "bench_activations: actgen_set_num_threads(%d): %s\n", opt.threads, actgen_last_error());
    return 1;
  }
  if (opt.target_given && actgen_set_target(opt.target.c_str()) != ACTGEN_OK) {
    std::fprintf(stderr, "bench_activations: actgen_set_target(%s): %s\n", opt.target.c_str(), actgen_last_error());
    return 1;
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;

  benchmark::AddCustomContext("actgen_version", actgen_version());
  benchmark::AddCustomContext("actgen_cpu_features", actgen_cpu_features());
  benchmark::AddCustomContext("actgen_threads", std::to_string(opt.threads));
  const char *env_target = std::getenv("ACTGEN_TARGET");
  benchmark::AddCustomContext("actgen_target",
                              opt.target_given ? opt.target : (env_target && *env_target ? env_target : "auto"));

  register_all(opt);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
