// The candidate benchmark of `actgen tune`: times AOT-built candidate kernels (one schedule each) on the machine
// it runs on. Built by tools/tune/actgen_tune.py together with a generated table of candidates (candidates.cpp),
// the candidates' objects and a Halide runtime, so it can be built here and run on another machine. Built with
// TUNE_CUDA (for a CUDA target), the buffers live in device 0's memory (the driver is loaded at run time) and
// each measurement covers the launches and the wait for them.
//
//   tune_bench PLAN RESULTS [--min-time S] [--reps R]
//
// PLAN lines: "time <candidate> <elements> <threads>" or "check <candidate> <reference> <elements>". Every
// "time" line is measured once per round, R rounds, interleaved so drift on a shared machine hits every candidate
// alike; RESULTS gets one line per plan line: "time <candidate> <elements> <threads> <best ns/element> <status>"
// or "check <candidate> <reference> <elements> <status>", status "ok" or "error:<message>" / "mismatch:<index>",
// after a first line "# machine <name>" when the device names itself (CUDA). Progress goes to stderr.
#include <HalideRuntime.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#ifdef TUNE_CUDA
#include <HalideRuntimeCuda.h>

#include "cuda_driver.h"
#endif

#include "common/kernel_signature.h"
#include "tools/tune/tune_candidates.h"

using actgen::BackwardFn;
using actgen::ForwardFn;

namespace {

std::string g_error;  // set by the error handler (also when a worker thread reports)
void on_error(void *, const char *msg) { g_error = msg; }

// The four buffers of max_n floats every call works on: inputs x and dy, outputs out and ref (the reference's
// output, for checks). Host pointers, or CUDA device addresses under TUNE_CUDA.
struct Buffers {
  uintptr_t x = 0, dy = 0, out = 0, ref = 0;
};
Buffers g_buf;

#ifdef TUNE_CUDA
cudadriver::Driver g_cu;
int acquire_context(void *, void **ctx, bool) {  // the primary context, where g_buf was allocated
  *ctx = g_cu.context;
  return 0;
}
int release_context(void *) { return 0; }
#endif

// Points b at n floats at address p (host memory, or device memory wrapped for the CUDA runtime).
int attach(halide_buffer_t *b, halide_dimension_t *dim, uintptr_t p) {
  *b = halide_buffer_t{};
  b->type = halide_type_t(halide_type_float, 32, 1);
  b->dimensions = 1;
  b->dim = dim;
#ifdef TUNE_CUDA
  return halide_cuda_wrap_device_ptr(nullptr, b, p);
#else
  b->host = reinterpret_cast<uint8_t *>(p);
  return 0;
#endif
}

void detach(halide_buffer_t *b) {
#ifdef TUNE_CUDA
  if (b->device) halide_cuda_detach_device_ptr(nullptr, b);
#else
  (void)b;
#endif
}

// Runs candidate c on the first n elements, writing to out; returns the Halide status (the message is in
// g_error). On a device the kernel may still be running when this returns.
int run(int c, uintptr_t out, int64_t n) {
  const Candidate &k = kCandidates[c];
  halide_dimension_t dims[3];
  for (halide_dimension_t &d : dims) d = halide_dimension_t{0, int32_t(n), 1, 0};
  halide_buffer_t bx, bdy, bo;
  g_error.clear();
  int status = attach(&bx, &dims[0], g_buf.x);
  if (!status) status = attach(&bdy, &dims[1], g_buf.dy);
  if (!status) status = attach(&bo, &dims[2], out);
  const float *p = k.params;
  if (!status)
    status = k.backward ? reinterpret_cast<BackwardFn>(k.fn)(&bx, &bdy, ACTGEN_SCALAR_VALUES &bo)
                        : reinterpret_cast<ForwardFn>(k.fn)(&bx, ACTGEN_SCALAR_VALUES &bo);
  detach(&bx);
  detach(&bdy);
  detach(&bo);
  return status;
}

// Waits for queued device work; false (with g_error set) if it failed.
bool finish() {
#ifdef TUNE_CUDA
  if (int r = g_cu.cuCtxSynchronize(); r != 0) {
    g_error = "cuCtxSynchronize failed (CUresult " + std::to_string(r) + ")";
    return false;
  }
#endif
  return true;
}

// Allocates the buffers and fills the inputs; "" or why not. Names the device in *machine when it can.
std::string setup(const std::vector<float> &x, const std::vector<float> &dy, std::string *machine) {
  const size_t bytes = x.size() * sizeof(float);
#ifdef TUNE_CUDA
  std::string why;
  if (!cudadriver::load(&g_cu, &why)) return why;
  char name[256] = "";
  if (g_cu.cuDeviceGetName(name, sizeof name, 0) == 0) *machine = name;
  halide_set_cuda_acquire_context(acquire_context);
  halide_set_cuda_release_context(release_context);
  unsigned long long p[4] = {};
  for (unsigned long long &q : p)
    if (g_cu.cuMemAlloc(&q, bytes) != 0) return "cuMemAlloc of " + std::to_string(bytes) + " bytes failed";
  if (g_cu.cuMemcpyHtoD(p[0], x.data(), bytes) != 0 || g_cu.cuMemcpyHtoD(p[1], dy.data(), bytes) != 0)
    return "cuMemcpyHtoD failed";
  g_buf = {uintptr_t(p[0]), uintptr_t(p[1]), uintptr_t(p[2]), uintptr_t(p[3])};
#else
  (void)machine;
  void *p[4] = {};
  for (void *&q : p)
    if (posix_memalign(&q, 64, bytes) != 0) return "out of memory for " + std::to_string(bytes) + " bytes";
  std::memcpy(p[0], x.data(), bytes);
  std::memcpy(p[1], dy.data(), bytes);
  g_buf = {uintptr_t(p[0]), uintptr_t(p[1]), uintptr_t(p[2]), uintptr_t(p[3])};
#endif
  return "";
}

// Copies n floats of output buffer p into host.
bool fetch(uintptr_t p, float *host, int64_t n) {
#ifdef TUNE_CUDA
  return g_cu.cuMemcpyDtoH(host, p, size_t(n) * sizeof(float)) == 0;
#else
  std::memcpy(host, reinterpret_cast<const float *>(p), size_t(n) * sizeof(float));
  return true;
#endif
}

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Line {
  std::string kind;
  int candidate = 0, reference = 0, threads = 1;
  int64_t n = 0;
  double best = 1e300;
  std::string status = "ok";
};

// Reads the plan's lines into *lines and the largest element count into *max_n (16 at least); false, with the
// reason printed, on a file it cannot read or a bad line.
bool read_plan(const char *path, std::vector<Line> *lines, int64_t *max_n) {
  std::ifstream plan(path);
  if (!plan) {
    std::fprintf(stderr, "tune_bench: cannot read %s\n", path);
    return false;
  }
  *max_n = 16;
  for (std::string text; std::getline(plan, text);) {
    std::istringstream in(text);
    Line l;
    if (!(in >> l.kind)) continue;
    bool ok = l.kind == "time"    ? bool(in >> l.candidate >> l.n >> l.threads)
              : l.kind == "check" ? bool(in >> l.candidate >> l.reference >> l.n)
                                  : false;
    if (!ok || l.candidate < 0 || l.candidate >= kCandidateCount || l.reference < 0 ||
        l.reference >= kCandidateCount || l.n < 0 || l.threads < 1) {
      std::fprintf(stderr, "tune_bench: bad plan line: %s\n", text.c_str());
      return false;
    }
    *max_n = std::max(*max_n, l.n);
    lines->push_back(l);
  }
  return true;
}

// Checks: the candidate's output must equal the reference's bit for bit (same definition, other schedule). out
// and ref are host space for max_n floats each.
void run_checks(std::vector<Line> &lines, std::vector<float> &out, std::vector<float> &ref) {
  for (Line &l : lines) {
    if (l.kind != "check") continue;
    if (run(l.reference, g_buf.ref, l.n) != 0 || !finish()) {
      l.status = "error:reference failed: " + g_error;
    } else if (run(l.candidate, g_buf.out, l.n) != 0 || !finish()) {
      l.status = "error:" + g_error;
    } else if (!fetch(g_buf.out, out.data(), l.n) || !fetch(g_buf.ref, ref.data(), l.n)) {
      l.status = "error:copying the outputs back failed";
    } else if (l.n > 0 && std::memcmp(out.data(), ref.data(), size_t(l.n) * sizeof(float)) != 0) {
      int64_t i = 0;
      while (std::memcmp(&out[i], &ref[i], sizeof(float)) == 0) ++i;
      l.status = "mismatch:" + std::to_string(i);
    }
  }
}

// One round's measurement of a "time" line: keeps the best ns/element in l.best, or sets l.status on an error.
void time_line(Line &l, double min_time) {
  halide_set_num_threads(l.threads);
  if (run(l.candidate, g_buf.out, l.n) != 0 || !finish()) {  // warm-up, and the size check
    l.status = "error:" + g_error;
    return;
  }
  // Calls back to back, then one wait: on a device the launches queue up as in a real pipeline. The count comes
  // from one timed call, so the batch takes about min_time, and is 5 at least (a 16M call takes ms).
  double start = now();
  run(l.candidate, g_buf.out, l.n);
  finish();
  const double one = now() - start;
  const int64_t calls = std::max<int64_t>(5, std::min<int64_t>(1000000, int64_t(min_time / std::max(one, 1e-9))));
  start = now();
  bool ok = true;
  for (int64_t k = 0; k < calls && ok; ++k) ok = run(l.candidate, g_buf.out, l.n) == 0;
  ok = finish() && ok;
  const double elapsed = now() - start;
  if (!ok) {
    l.status = "error:" + g_error;
    return;
  }
  l.best = std::min(l.best, elapsed * 1e9 / double(calls) / double(std::max<int64_t>(l.n, 1)));
}

// Timings: `reps` rounds over every line still "ok", with progress on stderr.
void run_timings(std::vector<Line> &lines, int reps, double min_time) {
  size_t timed = 0;
  for (const Line &l : lines) timed += l.kind == "time";
  for (int r = 0; r < reps; ++r) {
    size_t done = 0;
    for (Line &l : lines) {
      if (l.kind != "time" || l.status != "ok") continue;
      if (++done % 50 == 0 || done == timed)
        std::fprintf(stderr, "\rtune_bench: round %d/%d, %zu/%zu", r + 1, reps, done, timed);
      time_line(l, min_time);
    }
  }
  std::fprintf(stderr, "\n");
}

// RESULTS: the machine's name when known, then one line per plan line (statuses on one line each).
bool write_results(const char *path, const std::string &machine, const std::vector<Line> &lines) {
  std::ofstream res(path);
  if (!machine.empty()) res << "# machine " << machine << "\n";
  for (const Line &l : lines) {
    std::string status = l.status;
    for (char &ch : status)
      if (ch == '\n' || ch == '\t') ch = ' ';
    if (l.kind == "time")
      res << "time " << l.candidate << " " << l.n << " " << l.threads << " " << l.best << " " << status << "\n";
    else
      res << "check " << l.candidate << " " << l.reference << " " << l.n << " " << status << "\n";
  }
  return bool(res);
}

}  // namespace

int main(int argc, char **argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: tune_bench PLAN RESULTS [--min-time S] [--reps R]\n");
    return 2;
  }
  double min_time = 0.01;
  int reps = 3;
  for (int a = 3; a + 1 < argc; a += 2) {
    if (!std::strcmp(argv[a], "--min-time")) min_time = std::atof(argv[a + 1]);
    else if (!std::strcmp(argv[a], "--reps")) reps = std::atoi(argv[a + 1]);
    else {
      std::fprintf(stderr, "tune_bench: unknown option %s\n", argv[a]);
      return 2;
    }
  }
  std::vector<Line> lines;
  int64_t max_n = 0;
  if (!read_plan(argv[1], &lines, &max_n)) return 2;
  halide_set_error_handler(on_error);
  // The benchmarks' input range (bench/bench_clock.h): both tails and the curved middle of every activation.
  std::vector<float> x(static_cast<size_t>(max_n)), dy(static_cast<size_t>(max_n));
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> in(-6.0f, 6.0f), grad(-1.0f, 1.0f);
  for (int64_t i = 0; i < max_n; ++i) {
    x[i] = in(rng);
    dy[i] = grad(rng);
  }
  std::string machine;
  if (std::string why = setup(x, dy, &machine); !why.empty()) {
    std::fprintf(stderr, "tune_bench: %s\n", why.c_str());
    return 1;
  }
  std::vector<float> out(static_cast<size_t>(max_n)), ref(static_cast<size_t>(max_n));
  run_checks(lines, out, ref);
  run_timings(lines, reps, min_time);
  return write_results(argv[2], machine, lines) ? 0 : 1;
}
