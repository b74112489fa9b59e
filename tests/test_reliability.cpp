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
  actgen_kernel *k = nullptr;
  ASSERT_EQ(actgen_kernel_create(&k, "elu", "alpha=0.5", ACTGEN_F32, ACTGEN_FORWARD), ACTGEN_OK) << actgen_last_error();
  Kernel elu(k);
  // The value is 0.5, not 0 (strtod stopping at '.') nor 5: elu(-1) = 0.5 (e^-1 - 1).
  float x = -1.0f, y = 0.0f;
  ASSERT_EQ(actgen_forward(elu.get(), &x, &y, 1), ACTGEN_OK) << actgen_last_error();
  EXPECT_NEAR(y, 0.5 * std::expm1(-1.0), 1e-6);
  // Every parameter form strtod reads in the "C" locale: exponents, hex, a sign.
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
