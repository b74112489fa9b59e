// n > 2^31 - 1: Halide extents are 32-bit, so the runtime must split the call. 2^31 + 64 floats (8.6 GB) run in
// place through relu forward; sampled positions, the region around 2^31 and the last elements are checked.
// Skipped when the machine lacks the memory.
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

inline float value_at(size_t i) {
  uint64_t h = (uint64_t)i * 0x9E3779B97F4A7C15ull;
  h ^= h >> 29;
  return (float)((int)(h % 2001) - 1000) * 0.25f;  // exact; half negative
}

TEST(Large, ReluForwardBeyondInt32) {
  const size_t n = (size_t(1) << 31) + 64;
  const size_t bytes = n * sizeof(float);
  if (mem_available_bytes() < bytes + (size_t(3) << 30))
    GTEST_SKIP() << "needs " << (bytes >> 20) << " MiB plus headroom; MemAvailable is "
                 << (mem_available_bytes() >> 20) << " MiB";
  // 2 MiB-aligned and advised for transparent huge pages: first-touching 8.6 GB in 4 KiB pages costs ~20 s.
  void *mem = nullptr;
  if (posix_memalign(&mem, size_t(2) << 20, bytes) != 0 || !mem)
    GTEST_SKIP() << "allocation of " << bytes << " bytes failed";
  madvise(mem, bytes, MADV_HUGEPAGE);
  float *buf = static_cast<float *>(mem);
  auto t0 = std::chrono::steady_clock::now();
  {
    unsigned T = std::max(2u, std::thread::hardware_concurrency());
    std::vector<std::thread> th;
    for (unsigned t = 0; t < T; ++t)
      th.emplace_back([=] {
        size_t lo = n / T * t, hi = t + 1 == T ? n : n / T * (t + 1);
        for (size_t i = lo; i < hi; ++i) buf[i] = value_at(i);
      });
    for (auto &t : th) t.join();
  }
  Kernel k = make_kernel("relu", "", ACTGEN_FORWARD, "");
  ASSERT_TRUE(k) << actgen_last_error();
  auto t1 = std::chrono::steady_clock::now();
  actgen_status s = actgen_forward(k.get(), buf, buf, n);
  auto t2 = std::chrono::steady_clock::now();
  ASSERT_EQ(s, ACTGEN_OK) << actgen_last_error();
  std::vector<size_t> pos;
  for (size_t i = 0; i < 4096; ++i) pos.push_back(i);
  for (size_t i = n - 4096; i < n; ++i) pos.push_back(i);
  for (size_t c : {size_t(1) << 31, (size_t(1) << 31) - 1, size_t(1) << 30, (size_t(1) << 31) - 64})
    for (size_t i = c - 2048; i < c + 2048 && i < n; ++i) pos.push_back(i);
  std::mt19937_64 rng(1);
  for (int i = 0; i < 8000; ++i) pos.push_back(rng() % n);
  size_t bad = 0, first_bad = 0;
  for (size_t i : pos) {
    float v = value_at(i), want = v > 0 ? v : 0.0f;
    if (buf[i] != want) {
      if (!bad) first_bad = i;
      ++bad;
    }
  }
  EXPECT_EQ(bad, 0u) << "first wrong element " << first_bad << ": got " << buf[first_bad] << ", want "
                     << std::max(value_at(first_bad), 0.0f);
  std::free(buf);
  double fill_s = std::chrono::duration<double>(t1 - t0).count(), run_s = std::chrono::duration<double>(t2 - t1).count();
  std::printf("LARGE relu fwd n=%zu: fill %.2f s, kernel %.2f s (%.2f GB/s)\n", n, fill_s, run_s, 2.0 * bytes / run_s / 1e9);
  RecordProperty("kernel_seconds", std::to_string(run_s));
}

}  // namespace
