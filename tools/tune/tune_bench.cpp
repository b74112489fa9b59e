// The candidate benchmark of `actgen tune`: times AOT-built candidate kernels (one schedule each) on the machine
// it runs on. Built by tools/tune/actgen_tune.py together with a generated table of candidates (candidates.cpp),
// the candidates' objects and a Halide runtime, so it can be built here and run on another machine.
//
//   tune_bench PLAN RESULTS [--min-time S] [--reps R]
//
// PLAN lines: "time <candidate> <elements> <threads>" or "check <candidate> <reference> <elements>". Every
// "time" line is measured once per round, R rounds, interleaved so drift on a shared machine hits every candidate
// alike; RESULTS gets one line per plan line: "time <candidate> <elements> <threads> <best ns/element> <status>"
// or "check <candidate> <reference> <elements> <status>", status "ok" or "error:<message>" / "mismatch:<index>".
// Progress goes to stderr.
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

using ForwardFn = int (*)(halide_buffer_t *, float, float, float, float, halide_buffer_t *);
using BackwardFn = int (*)(halide_buffer_t *, halide_buffer_t *, float, float, float, float, halide_buffer_t *);

struct Candidate {
  const char *name;  // for progress and errors only
  bool backward;
  float params[4];
  void *fn;
};
extern const Candidate kCandidates[];
extern const int kCandidateCount;

namespace {

std::string g_error;  // set by the error handler (also when a worker thread reports)
void on_error(void *, const char *msg) { g_error = msg; }

halide_buffer_t wrap(float *data, halide_dimension_t *dim) {
  halide_buffer_t b{};
  b.host = reinterpret_cast<uint8_t *>(data);
  b.type = halide_type_t(halide_type_float, 32, 1);
  b.dimensions = 1;
  b.dim = dim;
  return b;
}

// Runs candidate c on the first n elements; returns the Halide status (the message is in g_error).
int run(int c, float *x, float *dy, float *out, int64_t n) {
  const Candidate &k = kCandidates[c];
  halide_dimension_t dims[3];
  for (halide_dimension_t &d : dims) d = halide_dimension_t{0, int32_t(n), 1, 0};
  halide_buffer_t bx = wrap(x, &dims[0]), bdy = wrap(dy, &dims[1]), bo = wrap(out, &dims[2]);
  g_error.clear();
  if (k.backward)
    return reinterpret_cast<BackwardFn>(k.fn)(&bx, &bdy, k.params[0], k.params[1], k.params[2], k.params[3], &bo);
  return reinterpret_cast<ForwardFn>(k.fn)(&bx, k.params[0], k.params[1], k.params[2], k.params[3], &bo);
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

float *alloc(int64_t n) {
  void *p = nullptr;
  if (posix_memalign(&p, 64, size_t(std::max<int64_t>(n, 16)) * sizeof(float)) != 0) return nullptr;
  return static_cast<float *>(p);
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
  std::ifstream plan(argv[1]);
  if (!plan) {
    std::fprintf(stderr, "tune_bench: cannot read %s\n", argv[1]);
    return 2;
  }
  std::vector<Line> lines;
  int64_t max_n = 16;
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
      return 2;
    }
    max_n = std::max(max_n, l.n);
    lines.push_back(l);
  }
  halide_set_error_handler(on_error);
  float *x = alloc(max_n), *dy = alloc(max_n), *out = alloc(max_n), *ref = alloc(max_n);
  if (!x || !dy || !out || !ref) {
    std::fprintf(stderr, "tune_bench: out of memory for %lld elements\n", (long long)max_n);
    return 1;
  }
  // The benchmarks' input range (bench/bench_clock.h): both tails and the curved middle of every activation.
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> in(-6.0f, 6.0f), grad(-1.0f, 1.0f);
  for (int64_t i = 0; i < max_n; ++i) {
    x[i] = in(rng);
    dy[i] = grad(rng);
  }

  // Checks: the candidate's output must equal the reference's bit for bit (same definition, other schedule).
  for (Line &l : lines) {
    if (l.kind != "check") continue;
    if (run(l.reference, x, dy, ref, l.n) != 0) {
      l.status = "error:reference failed: " + g_error;
    } else if (run(l.candidate, x, dy, out, l.n) != 0) {
      l.status = "error:" + g_error;
    } else if (l.n > 0 && std::memcmp(out, ref, size_t(l.n) * sizeof(float)) != 0) {
      int64_t i = 0;
      while (std::memcmp(out + i, ref + i, sizeof(float)) == 0) ++i;
      l.status = "mismatch:" + std::to_string(i);
    }
  }

  // Timings: R rounds over every line.
  size_t timed = 0;
  for (const Line &l : lines) timed += l.kind == "time";
  for (int r = 0; r < reps; ++r) {
    size_t done = 0;
    for (Line &l : lines) {
      if (l.kind != "time" || l.status != "ok") continue;
      if (++done % 50 == 0 || done == timed)
        std::fprintf(stderr, "\rtune_bench: round %d/%d, %zu/%zu", r + 1, reps, done, timed);
      halide_set_num_threads(l.threads);
      if (run(l.candidate, x, dy, out, l.n) != 0) {  // warm-up, and the size check
        l.status = "error:" + g_error;
        continue;
      }
      int64_t calls = 0;
      double start = now(), elapsed = 0;
      do {
        run(l.candidate, x, dy, out, l.n);
        ++calls;
        elapsed = now() - start;
      } while (elapsed < min_time || calls < 5);  // a 16M call takes ms: a few calls at least
      l.best = std::min(l.best, elapsed * 1e9 / double(calls) / double(std::max<int64_t>(l.n, 1)));
    }
  }
  std::fprintf(stderr, "\n");

  std::ofstream res(argv[2]);
  for (const Line &l : lines) {
    std::string status = l.status;
    for (char &ch : status)
      if (ch == '\n' || ch == '\t') ch = ' ';
    if (l.kind == "time")
      res << "time " << l.candidate << " " << l.n << " " << l.threads << " " << l.best << " " << status << "\n";
    else
      res << "check " << l.candidate << " " << l.reference << " " << l.n << " " << status << "\n";
  }
  return res ? 0 : 1;
}
