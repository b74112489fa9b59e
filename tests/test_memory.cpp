// Memory contract, for every activation x direction x available target (default parameters):
// - every size 0..100 and a few large ones gives, element by element, the bits of a size-1 call on that element,
//   and writes nothing before the start or after the end of the output;
// - in place (y == x, dx == dy) gives the same bits as out of place;
// - unaligned pointers (offsets of 1..3 floats, odd byte offsets) give the same bits;
// - n == 0 with NULL pointers is a no-op returning ACTGEN_OK.
// NaN results compare equal whatever their payload (no contract covers payloads); everything else bit for bit.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>

#include "test_support.h"

using namespace testsupport;

namespace {

constexpr size_t kPeriod = 4093;  // prime: a value lands on every lane position across the large sizes
constexpr size_t kGuard = 67;
const uint32_t kSentinel = 0x7fa5a5a5u;  // a NaN pattern no kernel produces by accident

bool same(float a, float b) { return (std::isnan(a) && std::isnan(b)) || bits(a) == bits(b); }

std::vector<float> base_inputs(uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<float> v;
  const float specials[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, FLT_MAX, -FLT_MAX, FLT_TRUE_MIN, -FLT_MIN,
                            1.0f, -1.0f, 3.0f, -3.0f, 6.0f, 0.5f, -0.5f, 20.0f, -20.0f, 1e-30f, -1e-30f};
  for (float s : specials) v.push_back(s);
  while (v.size() < kPeriod) {
    uint64_t r = rng() % 8;
    double x;
    if (r < 5) x = 12.0 * u(rng);                                     // bulk
    else if (r == 5) x = std::copysign(std::exp(90.0 * u(rng)), u(rng));  // wide magnitudes
    else if (r == 6) x = 0.05 * u(rng);                                // near 0
    else x = 100.0 * u(rng);
    v.push_back((float)x);
  }
  return v;
}

std::vector<float> base_dy(uint64_t seed) {
  std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ull);
  std::uniform_real_distribution<float> u(-2.0f, 2.0f);
  std::vector<float> v(kPeriod);
  for (float &d : v) d = u(rng);
  return v;
}

class Memory : public ::testing::TestWithParam<std::string> {
 protected:
  void run(actgen_direction dir);
};

// Calls the kernel on (x, dy) into out; n elements.
actgen_status call(const actgen_kernel *k, actgen_direction dir, const float *x, const float *dy, float *out,
                   size_t n) {
  return dir == ACTGEN_FORWARD ? actgen_forward(k, x, out, n) : actgen_backward(k, x, dy, out, n);
}

// Checks got[0..n) == ref[i % kPeriod]; returns a description of the mismatches (count, first, largest) or "".
std::string check(const float *got, const std::vector<float> &ref, const std::vector<float> &xb, size_t n) {
  size_t count = 0, first = 0, worst = 0;
  int64_t worst_d = -1;
  for (size_t i = 0; i < n; ++i) {
    size_t j = i % kPeriod;
    if (!same(got[i], ref[j])) {
      int64_t d = std::llabs((int64_t)(int32_t)bits(got[i]) - (int64_t)(int32_t)bits(ref[j]));
      if (!count) first = i;
      if (d > worst_d) worst_d = d, worst = i;
      ++count;
    }
  }
  if (!count) return "";
  auto one = [&](size_t i) {
    size_t j = i % kPeriod;
    char b[200];
    std::snprintf(b, sizeof b, "element %zu (x=%.9g): got %.9g (0x%08x), size-1 call gives %.9g (0x%08x)", i,
                  (double)xb[j], (double)got[i], bits(got[i]), (double)ref[j], bits(ref[j]));
    return std::string(b);
  };
  return std::to_string(count) + " of " + std::to_string(n) + " elements differ; first " + one(first) +
         "; largest " + one(worst);
}

void Memory::run(actgen_direction dir) {
  const std::string act = GetParam();
  std::vector<float> xb = base_inputs(std::hash<std::string>()(act)), dyb = base_dy(std::hash<std::string>()(act));
  const size_t big = (1u << 20) + 3;
  std::vector<float> X(big), DY(big);
  for (size_t i = 0; i < big; ++i) {
    X[i] = xb[i % kPeriod];
    DY[i] = dyb[i % kPeriod];
  }
  for (const std::string &target : available_targets()) {
    SCOPED_TRACE(act + " " + dir_name(dir) + " " + target);
    std::string err;
    Kernel k = make_kernel(act, "", dir, target, &err);
    ASSERT_TRUE(k) << err;
    const actgen_kernel *kp = k.get();

    // Reference: one size-1 call per base element.
    std::vector<float> ref(kPeriod);
    for (size_t j = 0; j < kPeriod; ++j) {
      float o = from_bits(kSentinel);
      ASSERT_EQ(call(kp, dir, &xb[j], &dyb[j], &o, 1), ACTGEN_OK) << actgen_last_error();
      ref[j] = o;
    }

    // n == 0 with NULL pointers.
    EXPECT_EQ(call(kp, dir, nullptr, nullptr, nullptr, 0), ACTGEN_OK) << actgen_last_error();

    // Every size 0..100 and a few large ones, with guards on both sides of the output.
    std::vector<size_t> sizes;
    for (size_t n = 0; n <= 100; ++n) sizes.push_back(n);
    for (size_t n : {size_t(4097), size_t(65537), big}) sizes.push_back(n);
    std::vector<float> out(big + 2 * kGuard);
    for (size_t n : sizes) {
      std::fill(out.begin(), out.end(), from_bits(kSentinel));
      ASSERT_EQ(call(kp, dir, X.data(), DY.data(), out.data() + kGuard, n), ACTGEN_OK)
          << "n=" << n << ": " << actgen_last_error();
      std::string m = check(out.data() + kGuard, ref, xb, n);
      EXPECT_EQ(m, "") << "n=" << n;
      bool guard_ok = true;
      for (size_t i = 0; i < kGuard; ++i)
        guard_ok &= bits(out[i]) == kSentinel && bits(out[kGuard + n + i]) == kSentinel;
      EXPECT_TRUE(guard_ok) << "n=" << n << ": the kernel wrote outside [0, n)";
      if (!m.empty() || !guard_ok) break;  // one report per kernel is enough
    }

    // In place: y == x (forward), dx == dy (backward).
    for (size_t n : {size_t(37), size_t(4097), big}) {
      std::vector<float> buf(n);
      if (dir == ACTGEN_FORWARD) {
        std::copy(X.begin(), X.begin() + n, buf.begin());
        ASSERT_EQ(actgen_forward(kp, buf.data(), buf.data(), n), ACTGEN_OK) << actgen_last_error();
      } else {
        std::copy(DY.begin(), DY.begin() + n, buf.begin());
        ASSERT_EQ(actgen_backward(kp, X.data(), buf.data(), buf.data(), n), ACTGEN_OK) << actgen_last_error();
      }
      EXPECT_EQ(check(buf.data(), ref, xb, n), "") << "in place, n=" << n;
    }

    // Unaligned by whole floats: x, dy, out at offsets 0..3 floats from malloc'd (16-byte aligned) storage.
    for (size_t n : {size_t(1000), size_t(4097)}) {
      const size_t offs[][3] = {{1, 0, 0}, {0, 1, 2}, {2, 3, 1}, {3, 2, 3}, {1, 1, 1}, {0, 3, 0}};
      for (const auto &o : offs) {
        std::vector<float> xs(n + 16), ds(n + 16), os(n + 16, from_bits(kSentinel));
        float *xp = xs.data() + o[0], *dp = ds.data() + o[1], *op = os.data() + o[2];
        std::copy(X.begin(), X.begin() + n, xp);
        std::copy(DY.begin(), DY.begin() + n, dp);
        ASSERT_EQ(call(kp, dir, xp, dp, op, n), ACTGEN_OK) << actgen_last_error();
        EXPECT_EQ(check(op, ref, xb, n), "") << "float offsets x+" << o[0] << " dy+" << o[1] << " out+" << o[2]
                                             << ", n=" << n;
      }
    }

    // Odd byte offsets (data copied in and out with memcpy).
    for (size_t n : {size_t(1000), size_t(4097)}) {
      const size_t boffs[][3] = {{1, 3, 5}, {3, 1, 2}, {2, 5, 7}};
      for (const auto &o : boffs) {
        std::vector<unsigned char> xs(4 * n + 16), ds(4 * n + 16), os(4 * n + 16);
        std::memcpy(xs.data() + o[0], X.data(), 4 * n);
        std::memcpy(ds.data() + o[1], DY.data(), 4 * n);
        ASSERT_EQ(call(kp, dir, reinterpret_cast<const float *>(xs.data() + o[0]),
                       reinterpret_cast<const float *>(ds.data() + o[1]),
                       reinterpret_cast<float *>(os.data() + o[2]), n),
                  ACTGEN_OK)
            << actgen_last_error();
        std::vector<float> got(n);
        std::memcpy(got.data(), os.data() + o[2], 4 * n);
        EXPECT_EQ(check(got.data(), ref, xb, n), "")
            << "byte offsets x+" << o[0] << " dy+" << o[1] << " out+" << o[2] << ", n=" << n;
      }
    }

    // In place and unaligned at once.
    {
      size_t n = 4097;
      std::vector<unsigned char> bs(4 * n + 16);
      std::memcpy(bs.data() + 3, (dir == ACTGEN_FORWARD ? X : DY).data(), 4 * n);
      float *p = reinterpret_cast<float *>(bs.data() + 3);
      if (dir == ACTGEN_FORWARD) {
        ASSERT_EQ(actgen_forward(kp, p, p, n), ACTGEN_OK) << actgen_last_error();
      } else {
        ASSERT_EQ(actgen_backward(kp, X.data(), p, p, n), ACTGEN_OK) << actgen_last_error();
      }
      std::vector<float> got(n);
      std::memcpy(got.data(), bs.data() + 3, 4 * n);
      EXPECT_EQ(check(got.data(), ref, xb, n), "") << "in place at byte offset 3";
    }
  }
}

TEST_P(Memory, Forward) { run(ACTGEN_FORWARD); }
TEST_P(Memory, Backward) { run(ACTGEN_BACKWARD); }

INSTANTIATE_TEST_SUITE_P(Catalog, Memory, ::testing::ValuesIn(catalog_names()),
                         [](const ::testing::TestParamInfo<std::string> &info) { return sanitize(info.param); });

}  // namespace
