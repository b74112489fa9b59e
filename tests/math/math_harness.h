// Test harness for actgen's math library (dsl/math.h): JIT-evaluates a Halide expression on a float vector for
// a given x86 target, measures errors in ulp against a long double reference, and builds input sweeps that
// cover the whole float range. Header-only; used by tests/math/test_contract.cpp.
#ifndef ACTGEN_TESTS_MATH_HARNESS_H
#define ACTGEN_TESTS_MATH_HARNESS_H

#include <Halide.h>
#include <gtest/gtest.h>

#include "dsl/math.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace actgen::mathtest {

// Suffix of a runnable_targets() entry: build the expressions as for a contracting backend (math::set_contracting).
inline constexpr const char *kContracting = "+contracting";

// Halide target strings for every x86 level this CPU can run, best first.
// With strict_float, as the kernels are built (cmake/targets.cmake): without it Halide rewrites float algebra.
inline std::vector<std::string> runnable_targets() {
  std::vector<std::string> t;
#if defined(__x86_64__) || defined(_M_X64)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512vl"))
    t.push_back("x86-64-linux-avx512_skylake-strict_float");
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c"))
    t.push_back("x86-64-linux-avx2-fma-strict_float");
  if (__builtin_cpu_supports("sse4.1")) t.push_back("x86-64-linux-sse41-strict_float");
  // The expressions as a contracting backend gets them (math::set_contracting, CUDA's fusion-proof exact
  // products), run on the best FMA target here: the GPU's arithmetic path, checked on every build machine.
  if (!t.empty() && t.front().find("sse41") == std::string::npos) t.push_back(t.front() + kContracting);
#endif
  return t;
}

// JIT-compiles out(i) = f(in(i)) for `target` (vectorized at the target's natural width with GuardWithIf, like
// the real kernels), runs it once over `in` and returns the results. One compilation per call. The expression is
// built with the math library's FMA switch set as the generator sets it for that target (math::target_has_fma:
// on for avx2-fma and avx512, off for sse41), so each target tests the path its kernels are built with, and with
// math::set_contracting for a "+contracting" target. Restored afterwards.
inline std::vector<float> evaluate(const std::function<Halide::Expr(Halide::Expr)> &f, const std::vector<float> &in,
                                   const std::string &target) {
  using namespace Halide;
  std::vector<float> out(in.size());
  if (in.empty()) return out;
  if (in.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
    throw std::invalid_argument("evaluate: too many inputs");
  const size_t plus = target.find(kContracting);
  Target t(target.substr(0, plus));
  ImageParam input(Float(32), 1, "in");
  Var i("i");
  Func g("actgen_math_under_test");
  struct FmaScope {
    bool saved = math::fma_enabled();
    explicit FmaScope(bool on) { math::set_fma(on); }
    ~FmaScope() { math::set_fma(saved); }
  } fma_scope(math::target_has_fma(t));
  struct ContractingScope {
    explicit ContractingScope(bool on) { math::set_contracting(on); }
    ~ContractingScope() { math::set_contracting(false); }
  } contracting_scope(plus != std::string::npos);
  g(i) = f(input(i));
  const int w = t.natural_vector_size<float>();
  g.vectorize(i, w, TailStrategy::GuardWithIf);
  g.compile_jit(t);
  Buffer<float> bin(const_cast<float *>(in.data()), static_cast<int>(in.size()));
  Buffer<float> bout(out.data(), static_cast<int>(out.size()));
  input.set(bin);
  g.realize(bout, t);
  return out;
}

// |got - exact| in ulp of the float at `exact` (2^-149 at the bottom; 2^104 above FLT_MAX). Both NaN -> 0; got
// an infinity equal to exact rounded to float -> 0; any other NaN/inf mismatch -> +inf.
inline double ulp_error(float got, long double exact) {
  const double inf = std::numeric_limits<double>::infinity();
  if (std::isnan(exact) || std::isnan(got)) return (std::isnan(exact) && std::isnan(got)) ? 0.0 : inf;
  if (std::isinf(got) || std::isinf(exact)) {
    return (static_cast<float>(exact) == got) ? 0.0 : inf;
  }
  long double a = std::fabs(exact);
  int e;
  if (a < 0x1p-126L) {
    e = -149;
  } else {
    std::frexp(a, &e);  // a = m * 2^e, m in [0.5, 1)
    e = e - 24;         // ulp of a float in [2^(e-1), 2^e)
    if (e > 104) e = 104;
  }
  long double ulp = std::ldexp(1.0L, e);
  return static_cast<double>(std::fabs(static_cast<long double>(got) - exact) / ulp);
}

inline float bits_to_float(uint32_t b) {
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
}
inline uint32_t float_to_bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

// Inputs covering the whole float range: every stride-th bit pattern of the 2^32 (stride >= 1), plus special
// values (+-0, +-inf, NaN, +-min/max normal, subnormals) and each extra point with its neighbours +-1 ulp.
inline std::vector<float> sweep_inputs(uint32_t stride, const std::vector<float> &extra_points) {
  if (stride == 0) stride = 1;
  std::vector<float> v;
  v.reserve(static_cast<size_t>((uint64_t{1} << 32) / stride) + 64 + 3 * extra_points.size());
  for (uint64_t b = 0; b < (uint64_t{1} << 32); b += stride) v.push_back(bits_to_float(static_cast<uint32_t>(b)));
  const float lim_inf = std::numeric_limits<float>::infinity();
  const float specials[] = {0.0f,
                            -0.0f,
                            lim_inf,
                            -lim_inf,
                            std::numeric_limits<float>::quiet_NaN(),
                            -std::numeric_limits<float>::quiet_NaN(),
                            std::numeric_limits<float>::min(),
                            -std::numeric_limits<float>::min(),
                            std::numeric_limits<float>::max(),
                            -std::numeric_limits<float>::max(),
                            std::numeric_limits<float>::denorm_min(),
                            -std::numeric_limits<float>::denorm_min(),
                            bits_to_float(0x007fffffu),
                            bits_to_float(0x807fffffu),
                            bits_to_float(0x00400000u),
                            bits_to_float(0x80400000u),
                            bits_to_float(0x00000003u),
                            bits_to_float(0x80000003u),
                            1.0f,
                            -1.0f};
  v.insert(v.end(), std::begin(specials), std::end(specials));
  for (float p : extra_points) {
    v.push_back(p);
    if (std::isfinite(p)) {
      v.push_back(std::nextafter(p, lim_inf));
      v.push_back(std::nextafter(p, -lim_inf));
    }
  }
  return v;
}

// n floats evenly spaced in bit pattern between a and b (same sign, |a| <= |b|), both included.
inline void add_dense(std::vector<float> &v, float a, float b, uint32_t n) {
  uint32_t ba = float_to_bits(a), bb = float_to_bits(b);
  if (ba > bb) std::swap(ba, bb);
  uint64_t span = uint64_t{bb} - ba;
  uint64_t step = std::max<uint64_t>(1, span / n);
  for (uint64_t b = ba; b <= bb; b += step) v.push_back(bits_to_float(static_cast<uint32_t>(b)));
}
}  // namespace actgen::mathtest

#endif  // ACTGEN_TESTS_MATH_HARNESS_H
