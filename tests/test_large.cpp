// n > 2^31 - 1: Halide extents are 32-bit, so the runtime must split the call. 2^31 + 64 floats (8.6 GB) run in
// place through relu forward; sampled positions, the region around 2^31 and the last elements are checked. A fused
// form the same way: the bias backward over [rows, 2048] channels-last with rows * 2048 > 2^31 (x, dy and dx one
// 8.6 GB buffer), its dx sampled and its db (a sum over 2^20 rows per channel, split across the pieces) against
// the exact sums. Each test is skipped when the machine lacks the memory.
#include <gtest/gtest.h>

#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "test_support.h"

using namespace testsupport;

namespace {

size_t mem_available_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  size_t kb = 0;
  std::string unit;
  while (in >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024;
  return 0;
}

// 2 MiB-aligned memory advised for transparent huge pages (first-touching 8.6 GB in 4 KiB pages costs ~20 s),
// filled by f(i) on every core; nullptr when it cannot be had.
template <class F>
float *alloc_filled(size_t n, F f) {
  void *mem = nullptr;
  if (posix_memalign(&mem, size_t(2) << 20, n * sizeof(float)) != 0 || !mem) return nullptr;
  madvise(mem, n * sizeof(float), MADV_HUGEPAGE);
  float *buf = static_cast<float *>(mem);
  unsigned T = std::max(2u, std::thread::hardware_concurrency());
  std::vector<std::thread> th;
  for (unsigned t = 0; t < T; ++t)
    th.emplace_back([=] {
      size_t lo = n / T * t, hi = t + 1 == T ? n : n / T * (t + 1);
      for (size_t i = lo; i < hi; ++i) buf[i] = f(i);
    });
  for (auto &t : th) t.join();
  return buf;
}

inline float value_at(size_t i) {
  uint64_t h = (uint64_t)i * 0x9E3779B97F4A7C15ull;
  h ^= h >> 29;
  return (float)((int)(h % 2001) - 1000) * 0.25f;  // exact; half negative
}

// Checks the elements of an n-element result where a wrong split of the call would show: both ends, the regions
// around 2^30, 2^31 - 64, 2^31 - 1 and 2^31, and 8000 random ones (seeded); want(i) is the expected value.
template <class Want>
void expect_sampled(const float *buf, size_t n, uint64_t seed, Want want, const char *what) {
  std::vector<size_t> pos;
  for (size_t i = 0; i < 4096; ++i) pos.push_back(i);
  for (size_t i = n - 4096; i < n; ++i) pos.push_back(i);
  for (size_t c : {size_t(1) << 31, (size_t(1) << 31) - 1, size_t(1) << 30, (size_t(1) << 31) - 64})
    for (size_t i = c - 2048; i < c + 2048 && i < n; ++i) pos.push_back(i);
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 8000; ++i) pos.push_back(rng() % n);
  size_t bad = 0, first_bad = 0;
  for (size_t i : pos)
    if (buf[i] != want(i) && !bad++) first_bad = i;
  EXPECT_EQ(bad, 0u) << "first wrong " << what << " at " << first_bad << ": got " << buf[first_bad] << ", want "
                     << want(first_bad);
}

TEST(Large, ReluForwardBeyondInt32) {
  const size_t n = (size_t(1) << 31) + 64;
  const size_t bytes = n * sizeof(float);
  if (mem_available_bytes() < bytes + (size_t(3) << 30))
    GTEST_SKIP() << "needs " << (bytes >> 20) << " MiB plus headroom; MemAvailable is "
                 << (mem_available_bytes() >> 20) << " MiB";
  auto t0 = std::chrono::steady_clock::now();
  float *buf = alloc_filled(n, value_at);
  if (!buf) GTEST_SKIP() << "allocation of " << bytes << " bytes failed";
  Kernel k = make_kernel("relu", "", ACTGEN_FORWARD, "");
  ASSERT_TRUE(k) << actgen_last_error();
  auto t1 = std::chrono::steady_clock::now();
  actgen_status s = actgen_forward(k.get(), buf, buf, n);
  auto t2 = std::chrono::steady_clock::now();
  ASSERT_EQ(s, ACTGEN_OK) << actgen_last_error();
  expect_sampled(buf, n, 1, [](size_t i) { return std::max(value_at(i), 0.0f); }, "y");
  std::free(buf);
  double fill_s = std::chrono::duration<double>(t1 - t0).count(), run_s = std::chrono::duration<double>(t2 - t1).count();
  std::printf("LARGE relu fwd n=%zu: fill %.2f s, kernel %.2f s (%.2f GB/s)\n", n, fill_s, run_s, 2.0 * bytes / run_s / 1e9);
  RecordProperty("kernel_seconds", std::to_string(run_s));
}


TEST(Large, BiasBackwardBeyondInt32) {
  // x, dy and dx are one buffer (dy = x, dx written in place over both): y'(x + b) dy = x where x + b > 0.
  const size_t C = 2048, rows = (size_t(1) << 20) + 3, n = rows * C;  // 2^31 + 6144 elements
  const size_t bytes = n * sizeof(float);
  if (mem_available_bytes() < bytes + (size_t(3) << 30))
    GTEST_SKIP() << "needs " << (bytes >> 20) << " MiB plus headroom; MemAvailable is "
                 << (mem_available_bytes() >> 20) << " MiB";
  std::vector<float> b(C);
  for (size_t c = 0; c < C; ++c) b[c] = (float)((int)(c % 7) - 3) * 0.25f;
  float *buf = alloc_filled(n, value_at);
  if (!buf) GTEST_SKIP() << "allocation of " << bytes << " bytes failed";
  Kernel k = make_kernel(ACTGEN_FORM_BIAS, "relu", "", ACTGEN_BACKWARD, ACTGEN_F32, "");
  ASSERT_TRUE(k) << actgen_last_error();
  std::vector<float> db(C, -1.0f);
  auto t0 = std::chrono::steady_clock::now();
  actgen_status s = actgen_bias_backward(k.get(), rows, C, 1, buf, b.data(), buf, buf, db.data());
  auto t1 = std::chrono::steady_clock::now();
  ASSERT_EQ(s, ACTGEN_OK) << actgen_last_error();
  auto dx_want = [&](size_t i) { return value_at(i) + b[i % C] > 0.0f ? value_at(i) : 0.0f; };
  expect_sampled(buf, n, 2, dx_want, "dx");
  // The exact db, rows split over the cores: every term is a multiple of 1/4 of magnitude <= 250, so the sums are
  // exact in double, and so are actgen's f32 block sums (<= 256 terms: under 2^24 quarters); db is then the exact
  // sum rounded once to float.
  unsigned T = std::max(2u, std::thread::hardware_concurrency());
  std::vector<std::vector<double>> part(T, std::vector<double>(C, 0.0));
  std::vector<std::thread> th;
  for (unsigned t = 0; t < T; ++t)
    th.emplace_back([&, t] {
      for (size_t r = rows / T * t; r < (t + 1 == T ? rows : rows / T * (t + 1)); ++r)
        for (size_t c = 0; c < C; ++c) part[t][c] += dx_want(r * C + c);
    });
  for (auto &t : th) t.join();
  size_t db_bad = 0;
  for (size_t c = 0; c < C; ++c) {
    double want = 0;
    for (unsigned t = 0; t < T; ++t) want += part[t][c];
    if (db[c] != (float)want && db_bad++ < 4) ADD_FAILURE() << "db[" << c << "] = " << db[c] << ", want " << want;
  }
  EXPECT_EQ(db_bad, 0u);
  std::free(buf);
  std::printf("LARGE bias relu bwd rows=%zu C=%zu (n=%zu): kernel %.2f s\n", rows, C, n,
              std::chrono::duration<double>(t1 - t0).count());
}
}  // namespace
