// Accuracy (max ulp over a whole-range sweep plus dense sweeps of the tails, the boundaries between
// approximation regions and 0) and exact special values of normal_cdf, normal_pdf and x_minus_tanh, on every x86
// target this CPU runs, against long double references. Measured maxima are printed as lines starting "[ulp]".
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "dsl/math.h"
#include "math_harness.h"

namespace {

using actgen::mathtest::bits_to_float;
using actgen::mathtest::evaluate;
using actgen::mathtest::float_to_bits;
using actgen::mathtest::runnable_targets;
using actgen::mathtest::sweep_inputs;
using actgen::mathtest::ulp_error;
using Halide::Expr;
using LD = long double;

const float kInf = std::numeric_limits<float>::infinity();
const float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr double kBound = 2.0;
// Whole range: every 2^11-th bit pattern (2M inputs).
constexpr uint32_t kStride = 1u << 11;

// About n floats evenly spaced in bit pattern between a and b (same sign), both ends included.
void dense(std::vector<float> &v, float a, float b, uint32_t n) {
  uint32_t ba = float_to_bits(a), bb = float_to_bits(b);
  if (ba > bb) std::swap(ba, bb);
  uint64_t step = std::max<uint64_t>(1, (uint64_t{bb} - ba) / n);
  for (uint64_t k = ba; k <= bb; k += step) v.push_back(bits_to_float(static_cast<uint32_t>(k)));
  v.push_back(bits_to_float(bb));
}
// Every float within +-n ulp of p (p != 0).
void around(std::vector<float> &v, float p, uint32_t n) {
  for (int s = -1; s <= 1; s += 2) {
    float q = p;
    for (uint32_t i = 0; i < n; ++i) v.push_back(q = std::nextafter(q, s * kInf));
  }
  v.push_back(p);
}

// ---- long double references ----
const LD kSqrt2 = 1.414213562373095048801688724209698079L;
const LD kSqrt2Pi = 2.506628274631000502415765284811045253L;

LD ref_cdf(float x) { return std::erfc(-static_cast<LD>(x) / kSqrt2) / 2; }
LD ref_pdf(float x) {
  LD X = x;
  return std::exp(-X * X / 2) / kSqrt2Pi;
}
// x - tanh x: Taylor series of tanh (coefficients from (k+1) t_{k+1} = [k == 0] - sum_{i+j=k} t_i t_j) for
// |x| < 0.5, where x - tanh x < x^3/3 would cancel; the direct formula beyond (loses < 4 of 64 bits).
LD ref_xmt(float xf) {
  LD x = xf;
  if (std::isnan(x) || std::isinf(x)) return x;
  if (std::fabs(x) >= 0.5L) return x - std::tanh(x);
  static std::vector<LD> t;
  if (t.empty()) {
    t.assign(82, 0.0L);
    for (int k = 0; k < 81; ++k) {
      LD s = (k == 0) ? 1.0L : 0.0L;
      for (int i = 0; i <= k; ++i) s -= t[i] * t[k - i];
      t[k + 1] = s / (k + 1);
    }
  }
  LD x2 = x * x, p = 0.0L;
  for (int k = 79; k >= 3; k -= 2) p = p * x2 - t[k];
  return p * x * x2;
}

// The targets to test: the harness's (strict_float, as the kernels are built).
std::vector<std::string> targets() { return runnable_targets(); }

struct Routine {
  const char *name;
  std::function<Expr(Expr)> f;
  LD (*ref)(float);
  double bound = kBound;  // max ulp, as dsl/math.h states it
};

// Evaluates `r` on `in` for every runnable target; prints and checks the max ulp error.
void check_accuracy(const Routine &r, const std::vector<float> &in) {
  std::vector<LD> exact(in.size());
  for (size_t i = 0; i < in.size(); ++i) exact[i] = r.ref(in[i]);
  const auto ts = targets();
  ASSERT_FALSE(ts.empty());
  for (const std::string &target : ts) {
    std::vector<float> out = evaluate(r.f, in, target);
    double worst = 0;
    float at = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      double e = ulp_error(out[i], exact[i]);
      if (!(e <= worst)) worst = e, at = in[i];
    }
    std::printf("[ulp] %-12s %-28s max %.3f ulp at x = %.9g (0x%08x), %zu inputs, bound %.1f\n", r.name,
                target.c_str(), worst, at, float_to_bits(at), in.size(), r.bound);
    std::fflush(stdout);
    EXPECT_LE(worst, r.bound) << r.name << " on " << target << " at x = " << at;
  }
}

// Bitwise-exact special values (NaN: any NaN).
void check_specials(const Routine &r, const std::vector<std::pair<float, float>> &cases) {
  std::vector<float> in;
  for (auto &c : cases) in.push_back(c.first);
  for (const std::string &target : targets()) {
    std::vector<float> out = evaluate(r.f, in, target);
    for (size_t i = 0; i < in.size(); ++i) {
      float want = cases[i].second;
      if (std::isnan(want)) {
        EXPECT_TRUE(std::isnan(out[i])) << r.name << "(" << in[i] << ") on " << target << " = " << out[i];
      } else {
        EXPECT_EQ(float_to_bits(out[i]), float_to_bits(want))
            << r.name << "(" << in[i] << ") on " << target << " = " << out[i] << ", want " << want;
      }
    }
  }
}

const Routine kCdf{"normal_cdf", [](Expr x) { return actgen::math::normal_cdf(x); }, ref_cdf, 3.5};
const Routine kPdf{"normal_pdf", [](Expr x) { return actgen::math::normal_pdf(x); }, ref_pdf};
const Routine kXmt{"x_minus_tanh", [](Expr x) { return actgen::math::x_minus_tanh(x); }, ref_xmt};

// Inputs for Phi and a Phi: the whole line's sweep plus the lower tail densely (subnormal results included), the
// edges of the implementation (0, 6 where 1 - Q rounds to 1, 14.5 where t is clamped), where results go subnormal
// (~ -13.0) and round to 0 (~ -14.1), and 0.65 / 1.3 / 2.6 / 5.2 / 10.4, the edges of earlier versions.
std::vector<float> cdf_inputs(float max_abs) {
  const std::vector<float> edges = {0.65f, 1.3f, 2.6f, 5.2f, 6.0f, 10.4f, 14.5f};
  std::vector<float> in;
  for (float x : sweep_inputs(kStride, {}))
    if (!(std::fabs(x) > max_abs)) in.push_back(x);  // NaN kept
  dense(in, -0.65f, -14.6f, 1u << 21);  // the lower tail, subnormal results included
  dense(in, -12.8f, -14.2f, 1u << 18);  // results near and below 2^-126
  dense(in, 0.0f, -0.65f, 1u << 18);
  dense(in, 0.0f, 0.65f, 1u << 18);
  dense(in, 0.65f, 6.5f, 1u << 18);  // upper tail (1 - Phi(-x))
  dense(in, 1e-30f, 1e-3f, 1u << 14);
  dense(in, -1e-30f, -1e-3f, 1u << 14);
  for (float e : edges) around(in, -e, 1u << 12), around(in, e, 1u << 10);
  return in;
}

TEST(NormalMath, NormalCdfAccuracy) { check_accuracy(kCdf, cdf_inputs(std::numeric_limits<float>::infinity())); }

// a Phi(x) with a = x (gelu's use), |x| <= 32 as the routine requires.
LD ref_x_cdf(float x) { return static_cast<LD>(x) * ref_cdf(x); }
const Routine kXCdf{"x*normal_cdf", [](Expr x) { return actgen::math::mul_normal_cdf(x, x); }, ref_x_cdf, 3.0};

TEST(NormalMath, MulNormalCdfAccuracy) { check_accuracy(kXCdf, cdf_inputs(32.0f)); }

TEST(NormalMath, NormalPdfAccuracy) {
  std::vector<float> in = sweep_inputs(kStride, {});
  dense(in, 0.0f, 15.0f, 1u << 20);
  dense(in, -0.0f, -15.0f, 1u << 19);
  dense(in, 12.5f, 14.2f, 1u << 18);  // subnormal results
  dense(in, 1e-30f, 1e-2f, 1u << 14);
  check_accuracy(kPdf, in);
}

TEST(NormalMath, XMinusTanhAccuracy) {
  std::vector<float> in = sweep_inputs(kStride, {});
  dense(in, 0.0f, 1.5f, 1u << 20);    // polynomial region (|x| < sqrt 2) and the boundary
  dense(in, -0.0f, -1.5f, 1u << 18);
  dense(in, 1.4f, 12.0f, 1u << 18);   // (|x| - 1) + 2 e^-2|x| / (1 + e^-2|x|)
  dense(in, 1e-45f, 1e-8f, 1u << 18);  // x^3/3 underflowing, scaled path below 2^-30
  around(in, 1.41421354f, 1u << 12);
  around(in, -1.41421354f, 1u << 12);
  around(in, 0x1p-30f, 1u << 10);
  check_accuracy(kXmt, in);
}

TEST(NormalMath, SpecialValues) {
  const float dmin = std::numeric_limits<float>::denorm_min();
  check_specials(kCdf, {{kNaN, kNaN},
                        {-kNaN, kNaN},
                        {-kInf, 0.0f},
                        {kInf, 1.0f},
                        {0.0f, 0.5f},
                        {-0.0f, 0.5f},
                        {-15.0f, 0.0f},
                        {-1e30f, 0.0f},
                        {-std::numeric_limits<float>::max(), 0.0f},
                        {std::numeric_limits<float>::max(), 1.0f},
                        {10.0f, 1.0f},
                        {dmin, 0.5f}});
  check_specials(kPdf, {{kNaN, kNaN},
                        {-kNaN, kNaN},
                        {-kInf, 0.0f},
                        {kInf, 0.0f},
                        {20.0f, 0.0f},
                        {-1e30f, 0.0f},
                        {std::numeric_limits<float>::max(), 0.0f},
                        {0.0f, 0.398942280f},
                        {-0.0f, 0.398942280f}});
  check_specials(kXmt, {{kNaN, kNaN},
                        {-kNaN, kNaN},
                        {kInf, kInf},
                        {-kInf, -kInf},
                        {0.0f, 0.0f},
                        {-0.0f, -0.0f},
                        {dmin, 0.0f},
                        {-dmin, -0.0f},
                        {1e-20f, 0.0f},
                        {-1e-20f, -0.0f},
                        {std::numeric_limits<float>::max(), std::numeric_limits<float>::max()},
                        {-std::numeric_limits<float>::max(), -std::numeric_limits<float>::max()}});
}

}  // namespace
