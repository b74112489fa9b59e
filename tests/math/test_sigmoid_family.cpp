// Accuracy and special values of math::mul_sigmoid (a * sigmoid(t) from one exponential) and
// math::expm1_nonpos, on every x86 target
// this CPU runs, against long double. Measured maxima are printed as lines starting "[ulp]".
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

LD sigmoid_ld(LD t) { return t < 0 ? std::exp(t) / (1 + std::exp(t)) : 1 / (1 + std::exp(-t)); }

constexpr double kC = 1.0 / 3.0;  // t = c x with c not a float: the DF's lo part matters
const float kBig = 1e36f;         // a = 1e36: products subnormal down to t = -186

class SigmoidFamily : public ::testing::TestWithParam<std::string> {};

TEST_P(SigmoidFamily, MulSigmoidSilu) {
  std::vector<float> in = mathtest::sweep_inputs(1u << 11, {-87.3365479f, -103.972084f, 16.6355324f, 17.0f});
  add_dense_pm(in, 1e-6f, 30.0f, 1u << 20);
  add_dense(in, -110.0f, -80.0f, 1u << 18);  // subnormal results
  report("mul_sigmoid(x,x)", GetParam(),
         measure([](Expr x) { return math::mul_sigmoid(x, math::DF{x, Expr(0.0f)}); },
                 [](float x) -> LD {
                   if (std::isnan(x)) return x;
                   if (std::isinf(x)) return x > 0 ? LD(x) : 0.0L;
                   return LD(x) * sigmoid_ld(x);
                 },
                 in, GetParam()),
         3.0);
}

TEST_P(SigmoidFamily, MulSigmoidDF) {
  std::vector<float> in = mathtest::sweep_inputs(1u << 11, {});
  add_dense_pm(in, 1e-6f, 90.0f, 1u << 20);
  add_dense(in, -330.0f, -240.0f, 1u << 18);  // subnormal results
  report("mul_sigmoid(x,cx)", GetParam(),
         measure([](Expr x) { return math::mul_sigmoid(x, math::mul_df(kC, x)); },
                 [](float x) -> LD {
                   if (std::isnan(x)) return x;
                   if (std::isinf(x)) return x > 0 ? LD(x) : 0.0L;
                   return LD(x) * sigmoid_ld(static_cast<LD>(kC) * x);
                 },
                 in, GetParam()),
         3.0);
}

TEST_P(SigmoidFamily, MulSigmoidLargeFactor) {
  // 1e36 sigmoid(x): the scaling after the division spans kr down to -154 (three factors of 2^k).
  std::vector<float> in = mathtest::sweep_inputs(1u << 11, {-186.0f, -190.0f, -193.0f, -200.0f});
  add_dense(in, -200.0f, -80.0f, 1u << 20);
  add_dense_pm(in, 1e-6f, 30.0f, 1u << 18);
  report("mul_sigmoid(1e36,x)", GetParam(),
         measure([](Expr x) { return math::mul_sigmoid(Expr(kBig), math::DF{x, Expr(0.0f)}); },
                 [](float x) -> LD {
                   if (std::isnan(x)) return x;
                   if (std::isinf(x)) return x > 0 ? LD(kBig) : 0.0L;
                   return LD(kBig) * sigmoid_ld(x);
                 },
                 in, GetParam()),
         3.0);
}

TEST_P(SigmoidFamily, SpecialValues) {
  const std::string &t = GetParam();
  const float dmin = std::numeric_limits<float>::denorm_min();
  struct Special {
    float x, want;
  };
  const std::vector<Special> cases = {{kNaN, kNaN}, {-kNaN, kNaN}, {kInf, kInf},    {-kInf, -0.0f},
                                      {0.0f, 0.0f}, {-0.0f, -0.0f}, {-200.0f, -0.0f}, {-1e30f, -0.0f},
                                      {1e30f, 1e30f}, {3e38f, 3e38f}, {dmin, 0.0f},  {-dmin, -0.0f},
                                      {2e-38f, 1e-38f}, {-2e-38f, -1e-38f}, {100.0f, 100.0f}};
  std::vector<float> in;
  for (const auto &c : cases) in.push_back(c.x);
  std::vector<float> out =
      evaluate([](Expr x) { return math::mul_sigmoid(x, math::DF{x, Expr(0.0f)}); }, in, t);
  for (size_t i = 0; i < cases.size(); ++i) {
    bool ok = std::isnan(cases[i].want) ? std::isnan(out[i]) : float_to_bits(out[i]) == float_to_bits(cases[i].want);
    EXPECT_TRUE(ok) << "mul_sigmoid(" << cases[i].x << ", same) = " << out[i] << ", want " << cases[i].want
                    << " on " << t;
  }
  // NaN t with a finite a, and a finite a with t = +-inf.
  std::vector<float> in2 = {1.0f, 2.0f, -3.0f};
  std::vector<float> o2 = evaluate([](Expr x) { return math::mul_sigmoid(x, math::DF{Expr(kNaN), Expr(0.0f)}); },
                                   in2, t);
  for (float v : o2) EXPECT_TRUE(std::isnan(v)) << "mul_sigmoid(a, NaN) on " << t;
  std::vector<float> o3 = evaluate([](Expr x) { return math::mul_sigmoid(x, math::DF{Expr(kInf), Expr(0.0f)}); },
                                   in2, t);
  for (size_t i = 0; i < in2.size(); ++i) EXPECT_EQ(o3[i], in2[i]) << "mul_sigmoid(a, inf) on " << t;
  std::vector<float> o4 = evaluate([](Expr x) { return math::mul_sigmoid(x, math::DF{Expr(-kInf), Expr(0.0f)}); },
                                   in2, t);
  for (size_t i = 0; i < in2.size(); ++i)
    EXPECT_TRUE(o4[i] == 0.0f && std::signbit(o4[i]) == std::signbit(in2[i])) << "mul_sigmoid(a, -inf) on " << t;
}

TEST_P(SigmoidFamily, Expm1Nonpos) {
  std::vector<float> in = mathtest::sweep_inputs(1u << 11, {-17.3286796f, -18.0f, -0.3465736f, -16.6355324f});
  add_dense(in, -1e-10f, -1.0f, 1u << 20);
  add_dense(in, -1.0f, -20.0f, 1u << 20);
  std::vector<float> neg;
  for (float v : in)
    if (std::isnan(v) || v <= 0.0f) neg.push_back(v);
  report("expm1_nonpos", GetParam(),
         measure([](Expr x) { return math::expm1_nonpos(x); }, [](float x) -> LD { return std::expm1(LD(x)); },
                 neg, GetParam()),
         1.5);
  const float dmin = std::numeric_limits<float>::denorm_min();
  std::vector<float> sp = {kNaN, -kInf, -0.0f, 0.0f, -dmin, -1e-30f, -20.0f, -1e30f};
  std::vector<float> want = {kNaN, -1.0f, -0.0f, 0.0f, -dmin, -1e-30f, -1.0f, -1.0f};
  std::vector<float> out = evaluate([](Expr x) { return math::expm1_nonpos(x); }, sp, GetParam());
  for (size_t i = 0; i < sp.size(); ++i) {
    bool ok = std::isnan(want[i]) ? std::isnan(out[i]) : float_to_bits(out[i]) == float_to_bits(want[i]);
    EXPECT_TRUE(ok) << "expm1_nonpos(" << sp[i] << ") = " << out[i] << ", want " << want[i] << " on " << GetParam();
  }
}

INSTANTIATE_TEST_SUITE_P(X86, SigmoidFamily, ::testing::ValuesIn(mathtest::runnable_targets()),
                         [](const ::testing::TestParamInfo<std::string> &info) {
                           std::string s = info.param;
                           for (char &c : s)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return s;
                         });

}  // namespace
