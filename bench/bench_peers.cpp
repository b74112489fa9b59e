// actgen against the libraries people use instead, in one process, on the same buffers, the same way.
//
// Benchmarks (n in elements: 4K, 64K, 1M, 16M; with --threads other than 1 Google Benchmark appends
// "/real_time"):
//   actgen/<fwd|bwd>/<activation>/<n>        actgen's f32 kernel for this machine (label: its target)
//   peer/<lib>/<fwd|bwd>/<activation>/<n>    a peer's f32 operator for the same function (label: lib version,
//                                            and the implementation it picked where it says)
//   actgen/<f16|bf16>/<fwd|bwd>/<activation>/<n>, peer/<lib>/<f16|bf16>/...   the same in a 16-bit type, for
//                                            the (activation, direction, type) some peer offers (oneDNN f16
//                                            and bf16 eltwise, XNNPACK f16 operators)
//   memcpy/<n>, ntcopy/<n>                   the memory roofline: memcpy, and a copy with non-temporal stores
//                                            (of n floats)
// Peers (each built only when CMake found it; see bench/peers/): onednn (eltwise, fwd and bwd), xnnpack (unary
// operators, fwd), eigen (array expressions, fwd, single-threaded), plain and plain_fastmath (a std:: loop per
// activation, -O3 without/with -ffast-math, fwd). Activation names are actgen's catalog names (PyTorch's);
// a peer is listed for an activation only when its operator computes the same function at the catalog's
// default parameters. Inputs x uniform in [-6, 6], dy uniform in [-1, 1] (the 16-bit buffers: those floats
// rounded to nearest even); buffers 64-byte aligned, touched before timing.
//
// Counters: ns_per_elem (the calling thread's CPU time with --threads=1, robust on a shared machine; wall time
// otherwise), GBps (bytes the call must move: 8 per element forward and for copies, 12 backward; half that in
// a 16-bit type).
//
// Options (besides Google Benchmark's):
//   --threads=N  threads for every library: actgen_set_num_threads, oneDNN's OpenMP (omp_set_num_threads),
//                XNNPACK's pthreadpool, the plain loop and copies (peers::parallel_for); Eigen stays
//                single-threaded. Default 1.
//   --target=T   pin actgen's target (actgen_set_target).
//   --check      no benchmarks: print a markdown table comparing every peer's output with actgen's (f32:
//                within 4 ulp of exact; f16/bf16: within 1 ulp of the narrow type) on [-6, 6] and at points
//                where naive formulas lose their digits, in every type the peer offers (ulp of that type).
#include <actgen/actgen.h>
#include <actgen/actgen.hpp>
#include <benchmark/benchmark.h>

#include "bench_clock.h"
#include "half_bits.h"
#include "peers/peers.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>


#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BENCH_HAVE_NTCOPY 1
#endif

namespace {

const size_t kSizes[] = {size_t(1) << 12, size_t(1) << 16, size_t(1) << 20, size_t(1) << 24};
using benchclock::kInputRange;
using benchclock::now_seconds;

int g_threads = 1;

using benchhalf::from_half_bits;
using benchhalf::to_half_bits;

// The element types this build has, f32 first (actgen's own list).
std::vector<actgen_dtype> dtypes() {
  std::vector<actgen_dtype> v;
  for (size_t i = 0; i < actgen_dtype_count(); ++i) v.push_back(actgen_dtype(actgen_dtype_at(i)));
  return v;
}

struct AlignedFree {
  void operator()(void *p) const { std::free(p); }
};
using BytePtr = std::unique_ptr<void, AlignedFree>;

BytePtr aligned_bytes(size_t bytes) {
  return BytePtr(std::aligned_alloc(64, bytes ? (bytes + 63) / 64 * 64 : 64));
}

// x, dy and out of n elements of one type.
struct Buffers {
  BytePtr x, dy, out;
  const float *xf() const { return static_cast<const float *>(x.get()); }
  const float *dyf() const { return static_cast<const float *>(dy.get()); }
  float *outf() const { return static_cast<float *>(out.get()); }
};

Buffers &buffers_for(size_t n, actgen_dtype d = ACTGEN_F32) {
  static std::map<std::pair<size_t, actgen_dtype>, std::unique_ptr<Buffers>> all;
  auto &slot = all[{n, d}];
  if (!slot) {
    slot = std::make_unique<Buffers>();
    const size_t bytes = n * actgen_dtype_size(d);
    slot->x = aligned_bytes(bytes);
    slot->dy = aligned_bytes(bytes);
    slot->out = aligned_bytes(bytes);
    std::memset(slot->out.get(), 0, bytes);
    if (d == ACTGEN_F32) {
      std::mt19937 rng(12345);
      std::uniform_real_distribution<float> in(-kInputRange, kInputRange), grad(-1.0f, 1.0f);
      float *x = static_cast<float *>(slot->x.get()), *dy = static_cast<float *>(slot->dy.get());
      for (size_t i = 0; i < n; ++i) {
        x[i] = in(rng);
        dy[i] = grad(rng);
      }
    } else {
      const Buffers &f = buffers_for(n);
      uint16_t *x = static_cast<uint16_t *>(slot->x.get()), *dy = static_cast<uint16_t *>(slot->dy.get());
      for (size_t i = 0; i < n; ++i) {
        x[i] = to_half_bits(f.xf()[i], d);
        dy[i] = to_half_bits(f.dyf()[i], d);
      }
    }
  }
  return *slot;
}

peers::Buffers peer_buffers(const Buffers &b, size_t n, actgen_dtype d) {
  return {b.x.get(), b.dy.get(), b.out.get(), n, d};
}

void set_counters(benchmark::State &state, size_t n, double bytes_per_elem, double seconds) {
  const double elems = double(n) * double(state.iterations());
  if (elems == 0 || seconds <= 0) return;
  state.counters["ns_per_elem"] = seconds * 1e9 / elems;
  state.counters["GBps"] = elems * bytes_per_elem / seconds / 1e9;
}

// ---- memory roofline ------------------------------------------------------------------------------------

#ifdef BENCH_HAVE_NTCOPY
// Scalar stores up to a 64-byte boundary of dst, then full-width non-temporal stores, then a scalar tail.
__attribute__((target("avx512f"))) void ntcopy_avx512(const float *src, float *dst, size_t n) {
  size_t i = 0;
  for (; i < n && (reinterpret_cast<uintptr_t>(dst + i) & 63) != 0; ++i) dst[i] = src[i];
  for (; i + 16 <= n; i += 16) _mm512_stream_ps(dst + i, _mm512_loadu_ps(src + i));
  for (; i < n; ++i) dst[i] = src[i];
  _mm_sfence();
}

__attribute__((target("avx"))) void ntcopy_avx(const float *src, float *dst, size_t n) {
  size_t i = 0;
  for (; i < n && (reinterpret_cast<uintptr_t>(dst + i) & 31) != 0; ++i) dst[i] = src[i];
  for (; i + 8 <= n; i += 8) _mm256_stream_ps(dst + i, _mm256_loadu_ps(src + i));
  for (; i < n; ++i) dst[i] = src[i];
  _mm_sfence();
}

void ntcopy_sse(const float *src, float *dst, size_t n) {
  size_t i = 0;
  for (; i < n && (reinterpret_cast<uintptr_t>(dst + i) & 15) != 0; ++i) dst[i] = src[i];
  for (; i + 4 <= n; i += 4) _mm_stream_ps(dst + i, _mm_loadu_ps(src + i));
  for (; i < n; ++i) dst[i] = src[i];
  _mm_sfence();
}

using CopyFn = void (*)(const float *, float *, size_t);
CopyFn pick_ntcopy(const char **isa) {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) {
    *isa = "ntcopy _mm512_stream_ps";
    return ntcopy_avx512;
  }
  if (__builtin_cpu_supports("avx")) {
    *isa = "ntcopy _mm256_stream_ps";
    return ntcopy_avx;
  }
  *isa = "ntcopy _mm_stream_ps";
  return ntcopy_sse;
}
#endif

void bench_copy(benchmark::State &state, bool nontemporal, size_t n) {
  Buffers &b = buffers_for(n);
  const float *src = b.xf();
  float *dst = b.outf();
  const char *label = "memcpy";
  void (*copy)(const float *, float *, size_t) = [](const float *s, float *d, size_t m) {
    std::memcpy(d, s, m * sizeof(float));
  };
#ifdef BENCH_HAVE_NTCOPY
  if (nontemporal) copy = pick_ntcopy(&label);
#else
  (void)nontemporal;
#endif
  const auto call = [&] {
    peers::parallel_for(n, g_threads, [&](size_t begin, size_t end) { copy(src + begin, dst + begin, end - begin); });
  };
  call();
  const double t0 = now_seconds();
  for (auto _ : state) {
    call();
    benchmark::ClobberMemory();
  }
  set_counters(state, n, 8, now_seconds() - t0);
  state.SetLabel(label);
}

// ---- actgen -----------------------------------------------------------------------------------------------

// The kernel, or an empty one where creation failed (actgen_last_error() says why). The wrapper owns it; the
// timed loops call the C API on get(), as a C user would.
actgen::Kernel make_kernel(const std::string &activation, bool backward, actgen_dtype d = ACTGEN_F32) {
  try {
    return actgen::Kernel(activation, "", backward ? actgen::Direction::backward : actgen::Direction::forward,
                          static_cast<actgen::DType>(d));
  } catch (const actgen::Error &) {
    return actgen::Kernel();
  }
}

actgen_status run_kernel(const actgen_kernel *k, bool backward, const void *x, const void *dy, void *out,
                         size_t n) {
  return backward ? actgen_backward(k, x, dy, out, n) : actgen_forward(k, x, out, n);
}

// Bytes a call must move per element.
double bytes_per_elem(bool backward, actgen_dtype d) { return double((backward ? 3 : 2) * actgen_dtype_size(d)); }

void bench_actgen(benchmark::State &state, std::string activation, bool backward, actgen_dtype d, size_t n) {
  actgen::Kernel kernel = make_kernel(activation, backward, d);
  if (!kernel) {
    state.SkipWithError(actgen_last_error());
    return;
  }
  Buffers &b = buffers_for(n, d);
  if (run_kernel(kernel.get(), backward, b.x.get(), b.dy.get(), b.out.get(), n) != ACTGEN_OK) {
    state.SkipWithError(actgen_last_error());
    return;
  }
  const double t0 = now_seconds();
  for (auto _ : state) {
    run_kernel(kernel.get(), backward, b.x.get(), b.dy.get(), b.out.get(), n);
    benchmark::ClobberMemory();
  }
  set_counters(state, n, bytes_per_elem(backward, d), now_seconds() - t0);
  state.SetLabel(actgen_kernel_target(kernel.get()));
}

// ---- peers ------------------------------------------------------------------------------------------------

std::vector<peers::Library> &libraries() {
  static std::vector<peers::Library> libs = [] {
    std::vector<peers::Library> l;
#ifdef ACTGEN_PEER_ONEDNN
    l.push_back(peers::onednn_library());
#endif
#ifdef ACTGEN_PEER_XNNPACK
    l.push_back(peers::xnnpack_library());
#endif
#ifdef ACTGEN_PEER_EIGEN
    l.push_back(peers::eigen_library());
#endif
    l.push_back(peers::plain_library());
    l.push_back(peers::plain_fastmath_library());
    return l;
  }();
  return libs;
}

void bench_peer(benchmark::State &state, const peers::Library *lib, std::string activation, bool backward,
                actgen_dtype d, size_t n) {
  Buffers &b = buffers_for(n, d);
  std::string error;
  std::unique_ptr<peers::Op> op = lib->make(activation, backward, peer_buffers(b, n, d), &error);
  if (!op) {
    state.SkipWithError(error.c_str());
    return;
  }
  op->run();
  const double t0 = now_seconds();
  for (auto _ : state) {
    op->run();
    benchmark::ClobberMemory();
  }
  set_counters(state, n, bytes_per_elem(backward, d), now_seconds() - t0);
  const std::string impl = op->implementation();
  state.SetLabel(lib->name + " " + lib->version + (impl.empty() ? "" : " [" + impl + "]"));
}

bool offers(const peers::Library &lib, const std::string &activation, bool backward, actgen_dtype d) {
  const auto it = lib.offers.find(d);
  if (it == lib.offers.end()) return false;
  const std::vector<std::string> &list = backward ? it->second.backward : it->second.forward;
  return std::find(list.begin(), list.end(), activation) != list.end();
}

bool any_peer_offers(const std::string &activation, bool backward, actgen_dtype d) {
  for (const peers::Library &lib : libraries())
    if (offers(lib, activation, backward, d)) return true;
  return false;
}

// "" for f32 (the names without a type), "f16/" and "bf16/" otherwise.
std::string type_part(actgen_dtype d) { return d == ACTGEN_F32 ? "" : std::string(actgen_dtype_name(d)) + "/"; }

std::vector<std::string> catalog() {
  std::vector<std::string> names;
  for (size_t i = 0; i < actgen_activation_count(); ++i) names.push_back(actgen_activation_name(i));
  return names;
}

void register_all() {
  const auto configure = [](benchmark::internal::Benchmark *b) {
    if (g_threads != 1) b->UseRealTime();
  };
  for (size_t n : kSizes) {
    configure(benchmark::RegisterBenchmark(("memcpy/" + std::to_string(n)).c_str(), bench_copy, false, n));
#ifdef BENCH_HAVE_NTCOPY
    configure(benchmark::RegisterBenchmark(("ntcopy/" + std::to_string(n)).c_str(), bench_copy, true, n));
#endif
  }
  // f32: every activation; 16-bit types: those some peer offers in the type (actgen's own 16-bit timings for
  // the whole catalog are bench_activations').
  for (actgen_dtype d : dtypes()) {
    for (const std::string &name : catalog()) {
      for (bool backward : {false, true}) {
        if (d != ACTGEN_F32 && !any_peer_offers(name, backward, d)) continue;
        const std::string dir = backward ? "bwd" : "fwd";
        for (size_t n : kSizes) {
          const std::string tail = "/" + type_part(d) + dir + "/" + name + "/" + std::to_string(n);
          configure(benchmark::RegisterBenchmark(("actgen" + tail).c_str(), bench_actgen, name, backward, d, n));
          for (const peers::Library &lib : libraries()) {
            if (!offers(lib, name, backward, d)) continue;
            configure(benchmark::RegisterBenchmark(("peer/" + lib.name + tail).c_str(), bench_peer, &lib, name,
                                                   backward, d, n));
          }
        }
      }
    }
  }
}

// ---- --check: accuracy at the points that matter ------------------------------------------------------------

// Distance in units in the last place between two floats (0 for equal, also for two NaNs; huge when only one
// is NaN or the signs differ far from 0).
double ulp_distance(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0.0 : HUGE_VAL;
  if (a == b) return 0.0;
  const auto ordered = [](float f) {
    int32_t i;
    std::memcpy(&i, &f, sizeof i);
    return i < 0 ? -int64_t(i & 0x7fffffff) : int64_t(i);
  };
  return std::fabs(double(ordered(a) - ordered(b)));
}

// The same for two 16-bit patterns of one type (f16 and bf16 are both sign + magnitude).
double ulp_distance16(uint16_t a, uint16_t b, actgen_dtype d) {
  const bool nan_a = std::isnan(from_half_bits(a, d)), nan_b = std::isnan(from_half_bits(b, d));
  if (nan_a || nan_b) return nan_a && nan_b ? 0.0 : HUGE_VAL;
  const auto ordered = [](uint16_t h) { return (h & 0x8000) ? -int32_t(h & 0x7fff) : int32_t(h); };
  return std::fabs(double(ordered(a) - ordered(b)));
}

std::string fmt(const char *format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string fmt_ulp(double u) {
  if (std::isinf(u)) return "NaN mismatch";
  if (u < 1e4) return fmt("%.0f", u);
  return fmt("%.1e", u);
}

int run_check() {
  // Critical points: saturation tails (where 1 + erf, 1 + exp(-x), x - tanh x cancel), kinks, tiny |x|.
  const std::vector<float> critical = {-100.0f, -88.0f, -30.0f, -20.0f, -17.0f, -12.0f, -10.0f, -9.0f, -8.0f,
                                       -7.0f,   -6.0f,  -5.0f,  -3.0f,  -1.0f,  -0.5f,  -1e-3f, -1e-6f, -1e-20f,
                                       0.0f,    1e-20f, 1e-6f,  1e-3f,  0.5f,   1.0f,   3.0f,   6.0f,   10.0f,
                                       17.0f,   20.0f,  30.0f,  88.0f,  100.0f};
  const size_t dense = 1 << 14;  // evenly spaced over [-6, 6]
  std::vector<float> x(dense + critical.size()), dy(x.size(), 1.0f);
  for (size_t i = 0; i < dense; ++i) x[i] = -kInputRange + 2.0f * kInputRange * float(i) / float(dense - 1);
  std::copy(critical.begin(), critical.end(), x.begin() + dense);

  std::printf("| activation | dir | type | library | max ulp on [-6, 6] | worst x | library's value | actgen's value |"
              " ulp at worst x |\n");
  std::printf("|---|---|---|---|---:|---:|---:|---:|---:|\n");
  for (actgen_dtype d : dtypes()) {
    // The inputs in the type (16-bit: rounded to nearest even), and room for two outputs.
    const size_t bytes = actgen_dtype_size(d);
    std::vector<unsigned char> xs(x.size() * bytes), dys(x.size() * bytes), want(x.size() * bytes),
        got(x.size() * bytes);
    for (size_t i = 0; i < x.size(); ++i) {
      if (d == ACTGEN_F32) {
        std::memcpy(&xs[i * 4], &x[i], 4);
        std::memcpy(&dys[i * 4], &dy[i], 4);
      } else {
        const uint16_t hx = to_half_bits(x[i], d), hdy = to_half_bits(dy[i], d);
        std::memcpy(&xs[i * 2], &hx, 2);
        std::memcpy(&dys[i * 2], &hdy, 2);
      }
    }
    const auto value = [&](const std::vector<unsigned char> &v, size_t i) {
      if (d == ACTGEN_F32) {
        float f;
        std::memcpy(&f, &v[i * 4], 4);
        return f;
      }
      uint16_t h;
      std::memcpy(&h, &v[i * 2], 2);
      return from_half_bits(h, d);
    };
    const auto ulps = [&](size_t i) {
      if (d == ACTGEN_F32) return ulp_distance(value(got, i), value(want, i));
      uint16_t a, b;
      std::memcpy(&a, &got[i * 2], 2);
      std::memcpy(&b, &want[i * 2], 2);
      return ulp_distance16(a, b, d);
    };
    for (const std::string &name : catalog()) {
      for (bool backward : {false, true}) {
        if (!any_peer_offers(name, backward, d)) continue;
        const char *dir = backward ? "bwd" : "fwd", *type = actgen_dtype_name(d);
        actgen::Kernel k = make_kernel(name, backward, d);
        if (!k || run_kernel(k.get(), backward, xs.data(), dys.data(), want.data(), x.size()) != ACTGEN_OK) {
          std::printf("| %s | %s | %s | actgen | error: %s | | | | |\n", name.c_str(), dir, type, actgen_last_error());
          continue;
        }
        for (const peers::Library &lib : libraries()) {
          if (!offers(lib, name, backward, d)) continue;
          std::string error;
          auto op = lib.make(name, backward, {xs.data(), dys.data(), got.data(), x.size(), d}, &error);
          if (!op) {
            std::printf("| %s | %s | %s | %s | error: %s | | | | |\n", name.c_str(), dir, type, lib.name.c_str(),
                        error.c_str());
            continue;
          }
          op->run();
          double dense_max = 0, worst = -1;
          size_t worst_i = 0;
          for (size_t i = 0; i < x.size(); ++i) {
            const double u = ulps(i);
            if (i < dense) dense_max = std::max(dense_max, u);
            if (u > worst) worst = u, worst_i = i;
          }
          std::printf("| %s | %s | %s | %s | %s | %g | %.9g | %.9g | %s |\n", name.c_str(), dir, type, lib.name.c_str(),
                      fmt_ulp(dense_max).c_str(), double(value(xs, worst_i)), double(value(got, worst_i)),
                      double(value(want, worst_i)), fmt_ulp(worst).c_str());
        }
      }
    }
  }
  return 0;
}

// ---- options ------------------------------------------------------------------------------------------------

struct Options {
  std::string target;
  bool target_given = false;
  bool check = false;
};

bool take_options(int *argc, char **argv, Options *opt) {
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    const char *a = argv[i];
    if (std::strncmp(a, "--threads=", 10) == 0) {
      char *end = nullptr;
      const long v = std::strtol(a + 10, &end, 10);
      if (end == a + 10 || *end != '\0' || v < 1 || v > 4096) {
        std::fprintf(stderr, "bench_peers: --threads needs a count >= 1, got '%s'\n", a + 10);
        return false;
      }
      g_threads = int(v);
    } else if (std::strncmp(a, "--target=", 9) == 0) {
      opt->target = a + 9;
      opt->target_given = true;
    } else if (std::strcmp(a, "--check") == 0) {
      opt->check = true;
    } else {
      argv[kept++] = argv[i];
    }
  }
  *argc = kept;
  argv[kept] = nullptr;
  return true;
}

}  // namespace

int main(int argc, char **argv) {
  Options opt;
  if (!take_options(&argc, argv, &opt)) return 2;
  benchclock::thread_cpu_clock = g_threads == 1;
  if (actgen_set_num_threads(g_threads) != ACTGEN_OK) {
    std::fprintf(stderr, "bench_peers: actgen_set_num_threads(%d): %s\n", g_threads, actgen_last_error());
    return 1;
  }
  if (opt.target_given && actgen_set_target(opt.target.c_str()) != ACTGEN_OK) {
    std::fprintf(stderr, "bench_peers: actgen_set_target(%s): %s\n", opt.target.c_str(), actgen_last_error());
    return 1;
  }
  for (peers::Library &lib : libraries()) lib.set_threads(g_threads);
  if (opt.check) return run_check();

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::AddCustomContext("actgen_version", actgen_version());
  benchmark::AddCustomContext("actgen_cpu_features", actgen_cpu_features());
  benchmark::AddCustomContext("bench_threads", std::to_string(g_threads));
  benchmark::AddCustomContext("bench_clock", benchclock::thread_cpu_clock ? "thread_cpu" : "wall");
  for (const peers::Library &lib : libraries())
    benchmark::AddCustomContext("peer_" + lib.name, lib.version + "; threads: " + lib.threading);
  register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
