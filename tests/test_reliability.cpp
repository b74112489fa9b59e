// The contract's edges, each found broken once (issue 10): parameters under a decimal-comma locale, enum values
// outside the enums, overlapping buffers, the C++ wrapper's empty objects, n == 0 and parameters that round to 0
// or to a subnormal float.
#include <gtest/gtest.h>

#include <locale.h>
#include <stdlib.h>
#include <unistd.h>

#include <actgen/actgen.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include "test_support.h"

using namespace testsupport;

namespace {

const uint32_t kSentinel = 0x7fa5a5a5u;

bool mentions(const char *message, const char *what) { return std::strstr(message, what) != nullptr; }

}  // namespace

// ---- 1. Parameters are read the same whatever the caller's locale (LC_NUMERIC) is.

namespace {

// Switches LC_ALL to a locale whose decimal point is ',' (de_DE.UTF-8); when the machine has none, compiles one
// with localedef into a temporary directory and points LOCPATH there. Restores "C" at the end.
class DecimalCommaLocale : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!setlocale(LC_ALL, "de_DE.UTF-8")) {
      char dir[] = "/tmp/actgen_locale_XXXXXX";
      if (!mkdtemp(dir)) GTEST_SKIP() << "no de_DE.UTF-8 locale and no temporary directory to build one";
      dir_ = dir;
      const std::string cmd = "localedef -i de_DE -f UTF-8 " + dir_ + "/de_DE.UTF-8 > /dev/null 2>&1";
      const int rc = std::system(cmd.c_str());
      setenv("LOCPATH", dir_.c_str(), 1);
      if (!setlocale(LC_ALL, "de_DE.UTF-8"))
        GTEST_SKIP() << "this machine has no de_DE.UTF-8 locale and `" << cmd << "` could not build one (status "
                     << rc << "; Debian: apt-get install locales)";
    }
    ASSERT_STREQ(localeconv()->decimal_point, ",") << "de_DE.UTF-8 should have a decimal comma";
    ASSERT_EQ(std::strtod("0.5", nullptr), 0.0) << "strtod should stop at '.' in this locale";
  }
  void TearDown() override {
    setlocale(LC_ALL, "C");
    if (!dir_.empty()) {
      unsetenv("LOCPATH");
      std::system(("rm -rf " + dir_).c_str());
    }
  }
  std::string dir_;
};

}  // namespace

TEST_F(DecimalCommaLocale, ParametersUseADecimalPoint) {
  std::string err;
  Kernel elu = make_kernel("elu", "alpha=0.5", ACTGEN_FORWARD, "", &err);
  ASSERT_TRUE(elu) << err;
  // The value is 0.5, not 0 (strtod stopping at '.') nor 5: elu(-1) = 0.5 (e^-1 - 1).
  float x = -1.0f, y = 0.0f;
  ASSERT_EQ(actgen_forward(elu.get(), &x, &y, 1), ACTGEN_OK) << actgen_last_error();
  EXPECT_NEAR(y, 0.5 * std::expm1(-1.0), 1e-6);
  // Every parameter form strtod reads in the "C" locale: exponents, hex, a sign (the C API's own calls).
  actgen_kernel *k = nullptr;
  for (const char *p : {"beta=2.5e0,threshold=1.5", "beta=0x1.4p1,threshold=+15.25", "beta=-.75"}) {
    k = nullptr;
    EXPECT_EQ(actgen_kernel_create(&k, "softplus", p, ACTGEN_F32, ACTGEN_FORWARD), ACTGEN_OK)
        << p << ": " << actgen_last_error();
    actgen_kernel_destroy(k);
  }
  // A decimal comma is not a number (the comma separates parameters): refused, as in the "C" locale.
  k = nullptr;
  EXPECT_EQ(actgen_kernel_create(&k, "elu", "alpha=0,5", ACTGEN_F32, ACTGEN_FORWARD), ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(k, nullptr);
  k = nullptr;
  EXPECT_EQ(actgen_kernel_create(&k, "hardshrink", "lambd=1.5x", ACTGEN_F32, ACTGEN_FORWARD),
            ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(mentions(actgen_last_error(), "not a number")) << actgen_last_error();
}

// ---- 2. Enum values outside the enums are refused without undefined behaviour (run under UBSan in CI, and built
// with -fstrict-enums in test_strict_enums).

TEST(Enums, UnderlyingTypeIsIntInCxx) {
  static_assert(std::is_same_v<std::underlying_type_t<actgen_dtype>, int>);
  static_assert(std::is_same_v<std::underlying_type_t<actgen_direction>, int>);
  static_assert(sizeof(actgen_dtype) == sizeof(int) && sizeof(actgen_direction) == sizeof(int));
}

TEST(Enums, OutOfRangeValuesAreRefused) {
  for (int raw : {3, 7, -1, 1 << 20, INT32_MIN, INT32_MAX}) {
    actgen_kernel *k = nullptr;
    EXPECT_EQ(actgen_kernel_create(&k, "relu", nullptr, static_cast<actgen_dtype>(raw), ACTGEN_FORWARD),
              ACTGEN_ERROR_INVALID_ARGUMENT) << raw;
    EXPECT_EQ(k, nullptr);
    EXPECT_TRUE(mentions(actgen_last_error(), "dtype")) << actgen_last_error();
    EXPECT_TRUE(mentions(actgen_last_error(), std::to_string(raw).c_str())) << actgen_last_error();
  }
  for (int raw : {2, 5, -1, INT32_MIN, INT32_MAX}) {
    actgen_kernel *k = nullptr;
    EXPECT_EQ(actgen_kernel_create_on(&k, "gelu", nullptr, ACTGEN_F32, static_cast<actgen_direction>(raw), nullptr),
              ACTGEN_ERROR_INVALID_ARGUMENT) << raw;
    EXPECT_EQ(k, nullptr);
    EXPECT_TRUE(mentions(actgen_last_error(), "direction")) << actgen_last_error();
  }
}

// ---- 3. An output overlapping an input other than exactly (in place) is refused before anything is touched.

namespace {

struct Buffers {
  std::vector<float> mem = std::vector<float>(8192);
  float *at(size_t i) { return mem.data() + i; }
  void fill() {
    for (size_t i = 0; i < mem.size(); ++i) mem[i] = 0.001f * (float)i - 2.0f;
  }
};

}  // namespace

TEST(Overlap, PartialOverlapIsRefusedAndNothingIsWritten) {
  Kernel fwd = make_kernel("gelu", "", ACTGEN_FORWARD, "");
  Kernel bwd = make_kernel("gelu", "", ACTGEN_BACKWARD, "");
  ASSERT_TRUE(fwd && bwd) << actgen_last_error();
  const size_t n = 1000;
  Buffers b;
  for (ptrdiff_t shift : {1, -1, 7, -999, 999, 500}) {
    b.fill();
    const std::vector<float> before = b.mem;
    float *x = b.at(1500), *y = x + shift;
    EXPECT_EQ(actgen_forward(fwd.get(), x, y, n), ACTGEN_ERROR_INVALID_ARGUMENT) << "y = x + " << shift;
    EXPECT_TRUE(mentions(actgen_last_error(), "overlap")) << actgen_last_error();
    EXPECT_EQ(std::memcmp(before.data(), b.mem.data(), b.mem.size() * 4), 0) << "y = x + " << shift;
    // Backward: dx against x and against dy.
    float *other = b.at(5000);
    EXPECT_EQ(actgen_backward(bwd.get(), x, other, y, n), ACTGEN_ERROR_INVALID_ARGUMENT) << "dx = x + " << shift;
    EXPECT_TRUE(mentions(actgen_last_error(), "overlap")) << actgen_last_error();
    EXPECT_EQ(actgen_backward(bwd.get(), other, x, y, n), ACTGEN_ERROR_INVALID_ARGUMENT) << "dx = dy + " << shift;
    EXPECT_TRUE(mentions(actgen_last_error(), "dy")) << actgen_last_error();
    EXPECT_EQ(std::memcmp(before.data(), b.mem.data(), b.mem.size() * 4), 0) << "dx = x/dy + " << shift;
  }
  // Overlap by a single byte (unaligned output): refused too.
  b.fill();
  char *base = reinterpret_cast<char *>(b.at(0));
  EXPECT_EQ(actgen_forward(fwd.get(), base, base + 4 * n - 1, n), ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(actgen_forward(fwd.get(), base + 4 * n - 1, base, n), ACTGEN_ERROR_INVALID_ARGUMENT);
}

TEST(Overlap, AdjacentDisjointAndExactlyInPlaceAreAccepted) {
  Kernel fwd = make_kernel("silu", "", ACTGEN_FORWARD, "");
  Kernel bwd = make_kernel("silu", "", ACTGEN_BACKWARD, "");
  ASSERT_TRUE(fwd && bwd) << actgen_last_error();
  const size_t n = 1000;
  Buffers b;
  b.fill();
  // Touching but disjoint, either side.
  EXPECT_EQ(actgen_forward(fwd.get(), b.at(1000), b.at(2000), n), ACTGEN_OK) << actgen_last_error();
  EXPECT_EQ(actgen_forward(fwd.get(), b.at(1000), b.at(0), n), ACTGEN_OK) << actgen_last_error();
  // Inputs may overlap each other (only outputs are written).
  EXPECT_EQ(actgen_backward(bwd.get(), b.at(0), b.at(1), b.at(2000), n), ACTGEN_OK) << actgen_last_error();
  // In place, exactly: y == x, dx == dy, dx == x; each gives the out-of-place bits.
  b.fill();
  std::vector<float> x(b.mem.begin(), b.mem.begin() + n), dy(n, 0.75f), ref(n), refb(n);
  ASSERT_EQ(actgen_forward(fwd.get(), x.data(), ref.data(), n), ACTGEN_OK);
  ASSERT_EQ(actgen_backward(bwd.get(), x.data(), dy.data(), refb.data(), n), ACTGEN_OK);
  std::vector<float> y = x;
  EXPECT_EQ(actgen_forward(fwd.get(), y.data(), y.data(), n), ACTGEN_OK) << actgen_last_error();
  EXPECT_EQ(std::memcmp(y.data(), ref.data(), n * 4), 0);
  std::vector<float> g = dy;
  EXPECT_EQ(actgen_backward(bwd.get(), x.data(), g.data(), g.data(), n), ACTGEN_OK) << actgen_last_error();
  EXPECT_EQ(std::memcmp(g.data(), refb.data(), n * 4), 0);
  std::vector<float> xx = x;
  EXPECT_EQ(actgen_backward(bwd.get(), xx.data(), dy.data(), xx.data(), n), ACTGEN_OK) << actgen_last_error();
  EXPECT_EQ(std::memcmp(xx.data(), refb.data(), n * 4), 0);
}

// ---- 4. The C++ wrapper: an empty Kernel (default-constructed, moved from by construction or by assignment)
// throws actgen::Error from every member that calls the library, and nothing else.

namespace {

template <typename F>
::testing::AssertionResult throws_actgen_error(F f, const char *what) {
  try {
    f();
  } catch (const actgen::Error &e) {
    if (e.status() != ACTGEN_ERROR_INVALID_ARGUMENT)
      return ::testing::AssertionFailure() << what << ": status " << e.status();
    if (std::string(e.what()).empty()) return ::testing::AssertionFailure() << what << ": empty message";
    return ::testing::AssertionSuccess();
  } catch (const std::exception &e) {
    return ::testing::AssertionFailure() << what << " threw " << typeid(e).name() << ": " << e.what();
  } catch (...) {
    return ::testing::AssertionFailure() << what << " threw something else";
  }
  return ::testing::AssertionFailure() << what << " did not throw";
}

void expect_empty_behaviour(const actgen::Kernel &k, const char *how) {
  SCOPED_TRACE(how);
  std::vector<float> x(8, 0.5f), dy(8, 1.0f), out(8, 3.0f), empty;
  EXPECT_FALSE(k);
  EXPECT_EQ(k.get(), nullptr);
  EXPECT_TRUE(throws_actgen_error([&] { k.target(); }, "target()"));
  EXPECT_TRUE(throws_actgen_error([&] { k.forward(x.data(), out.data(), x.size()); }, "forward(pointers)"));
  EXPECT_TRUE(throws_actgen_error([&] { k.forward(x.data(), out.data(), 0); }, "forward(pointers, n = 0)"));
  EXPECT_TRUE(throws_actgen_error([&] { k.forward(x, out); }, "forward(containers)"));
  EXPECT_TRUE(throws_actgen_error([&] { k.forward(empty, empty); }, "forward(empty containers)"));
  EXPECT_TRUE(throws_actgen_error([&] { k.forward(x, empty); }, "forward(mismatched containers)"));
  EXPECT_TRUE(throws_actgen_error([&] { k.backward(x.data(), dy.data(), out.data(), x.size()); },
                                  "backward(pointers)"));
  EXPECT_TRUE(throws_actgen_error([&] { k.backward(x, dy, out); }, "backward(containers)"));
  EXPECT_TRUE(throws_actgen_error([&] { k.backward(x, empty, out); }, "backward(mismatched containers)"));
  for (float f : out) EXPECT_EQ(f, 3.0f) << "an empty Kernel wrote its output";
}

}  // namespace

TEST(Wrapper, EmptyKernelsThrowActgenErrorFromEveryMember) {
  actgen::Kernel defaulted;
  expect_empty_behaviour(defaulted, "default-constructed");

  actgen::Kernel a("relu");
  actgen::Kernel b(std::move(a));
  expect_empty_behaviour(a, "moved from by construction");  // NOLINT(bugprone-use-after-move)
  EXPECT_TRUE(b);
  EXPECT_FALSE(b.target().empty());

  actgen::Kernel c("gelu", "", actgen::Direction::backward);
  actgen::Kernel d("silu");
  d = std::move(c);
  expect_empty_behaviour(c, "moved from by assignment");  // NOLINT(bugprone-use-after-move)
  std::vector<float> x(8, 0.5f), dy(8, 1.0f), dx(8);
  EXPECT_NO_THROW(d.backward(x, dy, dx));  // d now holds gelu backward

  d = std::move(d);  // self-move keeps the kernel  NOLINT
  EXPECT_TRUE(d);
  // An empty Kernel can be assigned a kernel again.
  c = actgen::Kernel("relu");
  std::vector<float> y(8);
  EXPECT_NO_THROW(c.forward(x, y));
  EXPECT_EQ(y[0], 0.5f);
}

TEST(Wrapper, FailuresThrowActgenError) {
  try {
    actgen::Kernel k("no_such_activation");
    FAIL() << "created an unknown activation";
  } catch (const actgen::Error &e) {
    EXPECT_EQ(e.status(), ACTGEN_ERROR_INVALID_ARGUMENT);
  }
  actgen::Kernel k("relu");
  std::vector<float> buf(16, 1.0f);
  EXPECT_TRUE(throws_actgen_error([&] { k.forward(buf.data(), buf.data() + 1, 8); }, "overlapping forward"));
  EXPECT_TRUE(throws_actgen_error([&] { k.backward(buf.data(), buf.data(), buf.data(), 8); }, "wrong direction"));
}

// ---- 5. n == 0 checks the kernel and nothing else; parameters that round to 0 or to a subnormal float.

TEST(ZeroLength, KernelIsCheckedPointersAreNot) {
  Kernel fwd = make_kernel("relu", "", ACTGEN_FORWARD, "");
  Kernel bwd = make_kernel("relu", "", ACTGEN_BACKWARD, "");
  ASSERT_TRUE(fwd && bwd) << actgen_last_error();
  float sentinel = 1.0f;
  // The kernel: NULL, the wrong direction, a stream for a host kernel are refused even with n == 0.
  EXPECT_EQ(actgen_forward(nullptr, nullptr, nullptr, 0), ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(mentions(actgen_last_error(), "kernel is NULL")) << actgen_last_error();
  EXPECT_EQ(actgen_backward(nullptr, nullptr, nullptr, nullptr, 0), ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(actgen_forward(bwd.get(), &sentinel, &sentinel, 0), ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(mentions(actgen_last_error(), "backward kernel")) << actgen_last_error();
  EXPECT_EQ(actgen_backward(fwd.get(), &sentinel, &sentinel, &sentinel, 0), ACTGEN_ERROR_INVALID_ARGUMENT);
  int stream = 0;
  EXPECT_EQ(actgen_forward_stream(fwd.get(), &sentinel, &sentinel, 0, &stream), ACTGEN_ERROR_INVALID_ARGUMENT);
  // The data pointers are not looked at with n == 0: NULL, overlapping, anything.
  EXPECT_EQ(actgen_forward(fwd.get(), nullptr, nullptr, 0), ACTGEN_OK) << actgen_last_error();
  EXPECT_EQ(actgen_forward(fwd.get(), &sentinel, reinterpret_cast<char *>(&sentinel) + 1, 0), ACTGEN_OK);
  EXPECT_EQ(actgen_backward(bwd.get(), nullptr, nullptr, nullptr, 0), ACTGEN_OK) << actgen_last_error();
  EXPECT_EQ(sentinel, 1.0f);
}

TEST(TinyParameters, RoundingToZeroOrSubnormal) {
  // Below float's smallest subnormal: 0 as a float. Refused where 0 is (NonZero, Positive), saying it rounded.
  for (const char *p : {"alpha=1e-50", "alpha=-1e-50", "alpha=1e-46"}) {
    actgen_kernel *k = nullptr;
    EXPECT_EQ(actgen_kernel_create(&k, "celu", p, ACTGEN_F32, ACTGEN_FORWARD), ACTGEN_ERROR_INVALID_ARGUMENT) << p;
    EXPECT_EQ(k, nullptr);
    EXPECT_TRUE(mentions(actgen_last_error(), "rounds to 0 as a float")) << actgen_last_error();
  }
  {
    actgen_kernel *k = nullptr;
    EXPECT_EQ(actgen_kernel_create(&k, "softplus", "beta=1e-50", ACTGEN_F32, ACTGEN_BACKWARD),
              ACTGEN_ERROR_INVALID_ARGUMENT);
    EXPECT_TRUE(mentions(actgen_last_error(), "rounds to 0 as a float")) << actgen_last_error();
  }
  // Accepted as 0 where 0 is allowed (Finite, NonNegative): elu with alpha = 0 is relu.
  {
    Kernel elu = make_kernel("elu", "alpha=1e-50", ACTGEN_FORWARD, "");
    ASSERT_TRUE(elu) << actgen_last_error();
    float x[3] = {-1.0f, -100.0f, 2.0f}, y[3];
    ASSERT_EQ(actgen_forward(elu.get(), x, y, 3), ACTGEN_OK);
    EXPECT_EQ(y[0], 0.0f);
    EXPECT_EQ(y[1], 0.0f);
    EXPECT_EQ(y[2], 2.0f);
    Kernel shrink = make_kernel("hardshrink", "lambd=1e-50", ACTGEN_FORWARD, "");
    EXPECT_TRUE(shrink) << actgen_last_error();
  }
  // Float's range is exceeded: refused, saying so.
  {
    actgen_kernel *k = nullptr;
    EXPECT_EQ(actgen_kernel_create(&k, "elu", "alpha=1e39", ACTGEN_F32, ACTGEN_FORWARD), ACTGEN_ERROR_INVALID_ARGUMENT);
    EXPECT_TRUE(mentions(actgen_last_error(), "overflows float")) << actgen_last_error();
  }
  // A subnormal float is kept, not flushed: celu(x) -> -alpha for x << -alpha, the subnormal itself.
  {
    const float alpha = 1e-40f;
    ASSERT_NE(alpha, 0.0f);
    ASSERT_LT(alpha, 1.17549435e-38f);
    Kernel celu = make_kernel("celu", "alpha=1e-40", ACTGEN_FORWARD, "");
    ASSERT_TRUE(celu) << actgen_last_error();
    float x[3] = {-1.0f, -1e-30f, 3.0f}, y[3];
    ASSERT_EQ(actgen_forward(celu.get(), x, y, 3), ACTGEN_OK);
    EXPECT_EQ(y[0], -alpha);
    EXPECT_EQ(y[1], -alpha);
    EXPECT_EQ(y[2], 3.0f);
    Kernel leaky = make_kernel("leaky_relu", "negative_slope=1e-40", ACTGEN_FORWARD, "");
    ASSERT_TRUE(leaky) << actgen_last_error();
    float one = -1.0f, out = 0.0f;
    ASSERT_EQ(actgen_forward(leaky.get(), &one, &out, 1), ACTGEN_OK);
    EXPECT_EQ(out, -alpha);
  }
}
