// Accuracy (max ulp over whole-range sweeps plus dense sweeps where it matters) and exact special values of
// exp, exp(DF), expm1, log, log1p, log1pexp, sigmoid, tanh and the double-float helpers, on every x86 target
// this CPU runs. The reference is long double <cmath>. Measured maxima are printed as lines starting "[ulp]".
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "dsl/math.h"
#include "math_harness.h"

namespace {

using namespace actgen;
using mathtest::add_dense;
using mathtest::add_dense_pm;
using mathtest::bits_to_float;
using mathtest::evaluate;
using mathtest::float_to_bits;
using mathtest::measure;
using mathtest::report;
using mathtest::ulp_error;
using Halide::Expr;
using LD = long double;

const float kInf = std::numeric_limits<float>::infinity();
const float kNaN = std::numeric_limits<float>::quiet_NaN();

// Whole-range stride: 2^32 / 2^11 = 2M inputs per routine and target.
constexpr uint32_t kStride = 1u << 11;

// References (long double: 64-bit significand, wide exponent range).
LD ref_exp(float x) { return std::exp(static_cast<LD>(x)); }
LD ref_expm1(float x) { return std::expm1(static_cast<LD>(x)); }
LD ref_log(float x) { return std::log(static_cast<LD>(x)); }
LD ref_log1p(float x) { return std::log1p(static_cast<LD>(x)); }
LD ref_tanh(float x) { return std::tanh(static_cast<LD>(x)); }
LD ref_sigmoid(float x) {
  LD X = x;
  if (std::isnan(X)) return X;
  return X < 0 ? std::exp(X) / (1 + std::exp(X)) : 1 / (1 + std::exp(-X));
}
LD ref_log1pexp(float x) {
  LD X = x;
  if (std::isnan(X)) return X;
  if (std::isinf(X)) return X > 0 ? X : 0.0L;
  return X > 0 ? X + std::log1p(std::exp(-X)) : std::log1p(std::exp(X));
}
// exp(DF) and friends are measured with c * x for c = 1/3 (not a float), so the DF's lo part matters.
constexpr double kC = 1.0 / 3.0;
LD ref_exp_c(float x) { return std::exp(static_cast<LD>(kC) * x); }
LD ref_sigmoid_c(float x) {
  LD X = static_cast<LD>(kC) * x;
  if (std::isnan(X)) return X;
  return X < 0 ? std::exp(X) / (1 + std::exp(X)) : 1 / (1 + std::exp(-X));
}
LD ref_log1pexp_c(float x) {
  LD X = static_cast<LD>(kC) * x;
  if (std::isnan(X)) return X;
  if (std::isinf(X)) return X > 0 ? X : 0.0L;
  return X > 0 ? X + std::log1p(std::exp(-X)) : std::log1p(std::exp(X));
}
// two_prod: (hi + lo) - x*y exactly, reported via hi + lo as a float is pointless; instead check the error term
// reproduces x * y exactly: f(x) = lo of two_prod(x, 1.1f) and the reference is x*1.1 - fl(x*1.1).
LD ref_two_prod_lo(float x) {
  if (!std::isfinite(x) || std::fabs(x) > 1e34f || std::fabs(x) < 1e-30f) return 0.0L;
  LD exact = static_cast<LD>(x) * static_cast<LD>(1.1f);
  float p = x * 1.1f;
  return exact - static_cast<LD>(p);
}

std::vector<float> base_inputs(const std::vector<float> &extra) { return mathtest::sweep_inputs(kStride, extra); }

class MathCore : public ::testing::TestWithParam<std::string> {};

TEST_P(MathCore, Exp) {
  std::vector<float> in = base_inputs({88.7228394f, 88.7228317f, -87.3365479f, -103.278931f, -103.972084f,
                                        -104.0f, 89.0f, 0.3465736f});
  add_dense_pm(in, 0.0f, 1.0f, 1u << 20);
  add_dense(in, -104.0f, -80.0f, 1u << 20);  // subnormal results
  add_dense(in, 80.0f, 89.0f, 1u << 18);     // overflow threshold
  report("exp", GetParam(), measure([](Expr x) { return math::exp(x); }, ref_exp, in, GetParam()), 1.0);
}

TEST_P(MathCore, ExpDF) {
  std::vector<float> in = base_inputs({266.16852f, -311.9f, 3.0f});
  add_dense_pm(in, 0.0f, 3.0f, 1u << 20);
  add_dense(in, -312.0f, -240.0f, 1u << 20);  // subnormal results
  add_dense(in, 240.0f, 267.0f, 1u << 18);    // overflow threshold
  report("exp(DF)", GetParam(),
         measure([](Expr x) { return math::exp(math::mul_df(kC, x)); }, ref_exp_c, in, GetParam()), 1.0);
}

TEST_P(MathCore, Expm1) {
  std::vector<float> in = base_inputs({88.7228394f, -17.3286796f, -18.0f, 0.3465736f, -0.3465736f, 40.0f});
  add_dense_pm(in, 1e-10f, 1.0f, 1u << 20);
  add_dense_pm(in, 1.0f, 20.0f, 1u << 19);
  add_dense(in, 40.0f, 89.0f, 1u << 18);
  report("expm1", GetParam(), measure([](Expr x) { return math::expm1(x); }, ref_expm1, in, GetParam()), 1.5);
}

TEST_P(MathCore, Log) {
  std::vector<float> in = base_inputs({1.0f, 0.70710677f, 1.4142135f, 2.0f, 0.5f});
  add_dense(in, 0.5f, 2.0f, 1u << 21);
  add_dense(in, 1e-45f, 1.2e-38f, 1u << 19);  // subnormal inputs
  report("log", GetParam(), measure([](Expr x) { return math::log(x); }, ref_log, in, GetParam()), 1.0);
}

TEST_P(MathCore, Log1p) {
  std::vector<float> in = base_inputs({-1.0f, -0.5f, 0.41421356f, -0.29289322f, 16777216.0f});
  add_dense_pm(in, 1e-10f, 1.0f, 1u << 20);
  add_dense(in, 1.0f, 1e8f, 1u << 19);
  report("log1p", GetParam(), measure([](Expr x) { return math::log1p(x); }, ref_log1p, in, GetParam()), 1.5);
}

TEST_P(MathCore, Log1pexp) {
  std::vector<float> in = base_inputs({-87.3365479f, -103.972084f, 16.0f, -16.0f});
  add_dense_pm(in, 1e-6f, 20.0f, 1u << 20);
  add_dense(in, -104.0f, -80.0f, 1u << 18);
  report("log1pexp", GetParam(), measure([](Expr x) { return math::log1pexp(x); }, ref_log1pexp, in, GetParam()),
         2.0);
}

TEST_P(MathCore, Log1pexpDF) {
  std::vector<float> in = base_inputs({});
  add_dense_pm(in, 1e-6f, 60.0f, 1u << 20);
  add_dense(in, -312.0f, -240.0f, 1u << 18);
  report("log1pexp(DF)", GetParam(),
         measure([](Expr x) { return math::log1pexp(math::mul_df(kC, x)); }, ref_log1pexp_c, in, GetParam()), 2.0);
}

TEST_P(MathCore, Sigmoid) {
  std::vector<float> in = base_inputs({-87.3365479f, -103.972084f, 16.6355324f, 17.0f});
  add_dense_pm(in, 1e-6f, 20.0f, 1u << 20);
  add_dense(in, -104.0f, -80.0f, 1u << 18);
  report("sigmoid", GetParam(), measure([](Expr x) { return math::sigmoid(x); }, ref_sigmoid, in, GetParam()), 2.5);
}

TEST_P(MathCore, SigmoidDF) {
  std::vector<float> in = base_inputs({});
  add_dense_pm(in, 1e-6f, 60.0f, 1u << 20);
  add_dense(in, -312.0f, -240.0f, 1u << 18);
  report("sigmoid(DF)", GetParam(),
         measure([](Expr x) { return math::sigmoid(math::mul_df(kC, x)); }, ref_sigmoid_c, in, GetParam()), 2.5);
}

TEST_P(MathCore, Tanh) {
  std::vector<float> in = base_inputs({9.01f, 9.5f, 0.55f, 0.625f});
  add_dense_pm(in, 1e-10f, 1.0f, 1u << 20);
  add_dense_pm(in, 1.0f, 10.0f, 1u << 19);
  report("tanh", GetParam(), measure([](Expr x) { return math::tanh(x); }, ref_tanh, in, GetParam()), 2.0);
}

TEST_P(MathCore, TwoProdExact) {
  std::vector<float> in = base_inputs({});
  std::vector<float> out = evaluate(
      [](Expr x) {
        Expr ok = Halide::abs(x) <= 1e34f && Halide::abs(x) >= 1e-30f;
        return Halide::select(ok, math::two_prod(x, Expr(1.1f)).lo, 0.0f);
      },
      in, GetParam());
  size_t bad = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    if (std::isnan(in[i])) continue;
    if (static_cast<LD>(out[i]) != ref_two_prod_lo(in[i]) && bad++ < 5)
      ADD_FAILURE() << "two_prod(" << in[i] << ", 1.1).lo = " << out[i];
  }
  EXPECT_EQ(bad, 0u);
}

// Exact special values: NaN in -> NaN out, infinities, signed zeros, thresholds.
struct Special {
  float x;
  float want;  // compared bitwise (so -0 != +0); NaN matches any NaN
};

void check_specials(const char *name, const std::function<Expr(Expr)> &f, const std::vector<Special> &cases,
                    const std::string &target) {
  std::vector<float> in;
  for (const auto &c : cases) in.push_back(c.x);
  std::vector<float> out = evaluate(f, in, target);
  for (size_t i = 0; i < cases.size(); ++i) {
    bool ok = std::isnan(cases[i].want) ? std::isnan(out[i]) : float_to_bits(out[i]) == float_to_bits(cases[i].want);
    EXPECT_TRUE(ok) << name << "(" << cases[i].x << ") = " << out[i] << ", want " << cases[i].want << " on "
                    << target;
  }
}

TEST_P(MathCore, SpecialValues) {
  const std::string &t = GetParam();
  const float dmin = std::numeric_limits<float>::denorm_min();
  check_specials("exp", [](Expr x) { return math::exp(x); },
                 {{kNaN, kNaN}, {-kNaN, kNaN}, {kInf, kInf}, {-kInf, 0.0f}, {0.0f, 1.0f}, {-0.0f, 1.0f},
                  {88.8f, kInf}, {1e30f, kInf}, {-104.0f, 0.0f}, {-1e30f, 0.0f}, {dmin, 1.0f}, {-103.2789f, dmin}},
                 t);
  check_specials("exp(DF)", [](Expr x) { return math::exp(math::DF{x, Expr(0.0f)}); },
                 {{kNaN, kNaN}, {kInf, kInf}, {-kInf, 0.0f}, {0.0f, 1.0f}, {88.8f, kInf}, {-104.0f, 0.0f}}, t);
  check_specials("expm1", [](Expr x) { return math::expm1(x); },
                 {{kNaN, kNaN}, {kInf, kInf}, {-kInf, -1.0f}, {0.0f, 0.0f}, {-0.0f, -0.0f}, {dmin, dmin},
                  {-dmin, -dmin}, {88.8f, kInf}, {-20.0f, -1.0f}, {-1e30f, -1.0f}, {1e-30f, 1e-30f}},
                 t);
  check_specials("log", [](Expr x) { return math::log(x); },
                 {{kNaN, kNaN}, {kInf, kInf}, {-kInf, kNaN}, {0.0f, -kInf}, {-0.0f, -kInf}, {-1.0f, kNaN},
                  {-dmin, kNaN}, {1.0f, 0.0f}},
                 t);
  check_specials("log1p", [](Expr x) { return math::log1p(x); },
                 {{kNaN, kNaN}, {kInf, kInf}, {-kInf, kNaN}, {-1.0f, -kInf}, {-1.5f, kNaN}, {0.0f, 0.0f},
                  {-0.0f, -0.0f}, {dmin, dmin}, {-dmin, -dmin}, {1e-30f, 1e-30f}},
                 t);
  check_specials("log1pexp", [](Expr x) { return math::log1pexp(x); },
                 {{kNaN, kNaN}, {kInf, kInf}, {-kInf, 0.0f}, {1e30f, 1e30f}, {-1e30f, 0.0f}, {-104.0f, 0.0f}}, t);
  check_specials("sigmoid", [](Expr x) { return math::sigmoid(x); },
                 {{kNaN, kNaN}, {kInf, 1.0f}, {-kInf, 0.0f}, {0.0f, 0.5f}, {-0.0f, 0.5f}, {1e30f, 1.0f},
                  {-1e30f, 0.0f}, {20.0f, 1.0f}},
                 t);
  check_specials("tanh", [](Expr x) { return math::tanh(x); },
                 {{kNaN, kNaN}, {kInf, 1.0f}, {-kInf, -1.0f}, {0.0f, 0.0f}, {-0.0f, -0.0f}, {dmin, dmin},
                  {-dmin, -dmin}, {1e-30f, 1e-30f}, {1e30f, 1.0f}, {-10.0f, -1.0f}},
                 t);
}

INSTANTIATE_TEST_SUITE_P(X86, MathCore, ::testing::ValuesIn(mathtest::runnable_targets()),
                         [](const ::testing::TestParamInfo<std::string> &info) {
                           std::string s = info.param;
                           for (char &c : s)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return s;
                         });

}  // namespace
