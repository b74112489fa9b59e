// Memory contract, for every activation x direction x available target (default parameters), one named case
// each (Memory.<Case>/<activation>, both directions inside):
// - Sizes: every size 0..100 and a few large ones gives, element by element, the bits of a size-1 call on that
//   element, and writes nothing before the start or after the end of the output;
// - InPlace: y == x (dx == dy) gives the same bits as out of place;
// - UnalignedFloats, UnalignedBytes: pointers at offsets of 1..3 floats, and at odd byte offsets, give the same
//   bits; InPlaceUnaligned: both at once;
// - Empty: n == 0 with NULL pointers is a no-op returning ACTGEN_OK.
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

// One activation's inputs (a period of kPeriod values repeated over `big` elements) and, per direction and
// target, the kernel and its size-1 reference results.
class Memory : public ::testing::TestWithParam<std::string> {
 protected:
  static constexpr size_t kBig = (1u << 20) + 3;
  struct Case {
    actgen_direction dir;
    std::string target;
    Kernel kernel;
    std::vector<float> ref;  // ref[j]: a size-1 call on (xb[j], dyb[j])
  };

  void SetUp() override {
    const std::string act = GetParam();
    xb = base_inputs(std::hash<std::string>()(act));
    dyb = base_dy(std::hash<std::string>()(act));
    X.resize(kBig);
    DY.resize(kBig);
    for (size_t i = 0; i < kBig; ++i) {
      X[i] = xb[i % kPeriod];
      DY[i] = dyb[i % kPeriod];
    }
  }

  // Runs body(case) for both directions on every available target, with a trace naming them.
  template <typename Body>
  void each(Body body) {
    for (actgen_direction dir : {ACTGEN_FORWARD, ACTGEN_BACKWARD}) {
      for (const std::string &target : available_targets()) {
        SCOPED_TRACE(GetParam() + " " + dir_name(dir) + " " + target);
        std::string err;
        Case c{dir, target, make_kernel(GetParam(), "", dir, target, &err), {}};
        ASSERT_TRUE(c.kernel) << err;
        c.ref.resize(kPeriod);
        for (size_t j = 0; j < kPeriod; ++j) {
          float o = from_bits(kSentinel);
          ASSERT_EQ(call(c, &xb[j], &dyb[j], &o, 1), ACTGEN_OK) << actgen_last_error();
          c.ref[j] = o;
        }
        body(c);
      }
    }
  }

  // Calls the kernel on (x, dy) into out; n elements.
  static actgen_status call(const Case &c, const float *x, const float *dy, float *out, size_t n) {
    return c.dir == ACTGEN_FORWARD ? actgen_forward(c.kernel.get(), x, out, n)
                                   : actgen_backward(c.kernel.get(), x, dy, out, n);
  }
  // In place: the input that the output overwrites (x forward, dy backward) is `io`.
  actgen_status call_in_place(const Case &c, float *io, size_t n) const {
    return c.dir == ACTGEN_FORWARD ? actgen_forward(c.kernel.get(), io, io, n)
                                   : actgen_backward(c.kernel.get(), X.data(), io, io, n);
  }

  // Checks got[0..n) == ref[i % kPeriod]; returns a description of the mismatches (count, first, largest) or "".
  std::string check(const Case &c, const float *got, size_t n) const {
    size_t count = 0, first = 0, worst = 0;
    int64_t worst_d = -1;
    for (size_t i = 0; i < n; ++i) {
      size_t j = i % kPeriod;
      if (!same(got[i], c.ref[j])) {
        int64_t d = std::llabs((int64_t)(int32_t)bits(got[i]) - (int64_t)(int32_t)bits(c.ref[j]));
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
                    (double)xb[j], (double)got[i], bits(got[i]), (double)c.ref[j], bits(c.ref[j]));
      return std::string(b);
    };
    return std::to_string(count) + " of " + std::to_string(n) + " elements differ; first " + one(first) +
           "; largest " + one(worst);
  }

  std::vector<float> xb, dyb, X, DY;
};

TEST_P(Memory, Empty) {
  each([&](const Case &c) { EXPECT_EQ(call(c, nullptr, nullptr, nullptr, 0), ACTGEN_OK) << actgen_last_error(); });
}

TEST_P(Memory, Sizes) {
  std::vector<size_t> sizes;
  for (size_t n = 0; n <= 100; ++n) sizes.push_back(n);
  for (size_t n : {size_t(4097), size_t(65537), kBig}) sizes.push_back(n);
  std::vector<float> out(kBig + 2 * kGuard);
  each([&](const Case &c) {
    for (size_t n : sizes) {
      std::fill(out.begin(), out.end(), from_bits(kSentinel));
      ASSERT_EQ(call(c, X.data(), DY.data(), out.data() + kGuard, n), ACTGEN_OK)
          << "n=" << n << ": " << actgen_last_error();
      std::string m = check(c, out.data() + kGuard, n);
      EXPECT_EQ(m, "") << "n=" << n;
      bool guard_ok = true;
      for (size_t i = 0; i < kGuard; ++i)
        guard_ok &= bits(out[i]) == kSentinel && bits(out[kGuard + n + i]) == kSentinel;
      EXPECT_TRUE(guard_ok) << "n=" << n << ": the kernel wrote outside [0, n)";
      if (!m.empty() || !guard_ok) break;  // one report per kernel is enough
    }
  });
}

TEST_P(Memory, InPlace) {
  each([&](const Case &c) {
    for (size_t n : {size_t(37), size_t(4097), kBig}) {
      const std::vector<float> &src = c.dir == ACTGEN_FORWARD ? X : DY;
      std::vector<float> buf(src.begin(), src.begin() + n);
      ASSERT_EQ(call_in_place(c, buf.data(), n), ACTGEN_OK) << actgen_last_error();
      EXPECT_EQ(check(c, buf.data(), n), "") << "in place, n=" << n;
    }
  });
}

TEST_P(Memory, UnalignedFloats) {
  // x, dy, out at offsets 0..3 floats from the vectors' (16-byte aligned) storage.
  const size_t offs[][3] = {{1, 0, 0}, {0, 1, 2}, {2, 3, 1}, {3, 2, 3}, {1, 1, 1}, {0, 3, 0}};
  each([&](const Case &c) {
    for (size_t n : {size_t(1000), size_t(4097)}) {
      for (const auto &o : offs) {
        std::vector<float> xs(n + 16), ds(n + 16), os(n + 16, from_bits(kSentinel));
        float *xp = xs.data() + o[0], *dp = ds.data() + o[1], *op = os.data() + o[2];
        std::copy(X.begin(), X.begin() + n, xp);
        std::copy(DY.begin(), DY.begin() + n, dp);
        ASSERT_EQ(call(c, xp, dp, op, n), ACTGEN_OK) << actgen_last_error();
        EXPECT_EQ(check(c, op, n), "") << "float offsets x+" << o[0] << " dy+" << o[1] << " out+" << o[2]
                                       << ", n=" << n;
      }
    }
  });
}

TEST_P(Memory, UnalignedBytes) {
  // Odd byte offsets; data copied in and out with memcpy.
  const size_t boffs[][3] = {{1, 3, 5}, {3, 1, 2}, {2, 5, 7}};
  each([&](const Case &c) {
    for (size_t n : {size_t(1000), size_t(4097)}) {
      for (const auto &o : boffs) {
        std::vector<unsigned char> xs(4 * n + 16), ds(4 * n + 16), os(4 * n + 16);
        std::memcpy(xs.data() + o[0], X.data(), 4 * n);
        std::memcpy(ds.data() + o[1], DY.data(), 4 * n);
        ASSERT_EQ(call(c, reinterpret_cast<const float *>(xs.data() + o[0]),
                       reinterpret_cast<const float *>(ds.data() + o[1]),
                       reinterpret_cast<float *>(os.data() + o[2]), n),
                  ACTGEN_OK)
            << actgen_last_error();
        std::vector<float> got(n);
        std::memcpy(got.data(), os.data() + o[2], 4 * n);
        EXPECT_EQ(check(c, got.data(), n), "")
            << "byte offsets x+" << o[0] << " dy+" << o[1] << " out+" << o[2] << ", n=" << n;
      }
    }
  });
}

TEST_P(Memory, InPlaceUnaligned) {
  const size_t n = 4097;
  each([&](const Case &c) {
    std::vector<unsigned char> bs(4 * n + 16);
    std::memcpy(bs.data() + 3, (c.dir == ACTGEN_FORWARD ? X : DY).data(), 4 * n);
    ASSERT_EQ(call_in_place(c, reinterpret_cast<float *>(bs.data() + 3), n), ACTGEN_OK) << actgen_last_error();
    std::vector<float> got(n);
    std::memcpy(got.data(), bs.data() + 3, 4 * n);
    EXPECT_EQ(check(c, got.data(), n), "") << "in place at byte offset 3";
  });
}

INSTANTIATE_TEST_SUITE_P(Catalog, Memory, ::testing::ValuesIn(catalog_names()),
                         [](const ::testing::TestParamInfo<std::string> &info) { return sanitize(info.param); });

}  // namespace
