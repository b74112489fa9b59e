// Test harness for actgen's math library (dsl/math.h): JIT-evaluates a Halide expression on a float vector for
// a given build target, and builds input sweeps that cover the whole float range; errors in ulp are the oracle's
// (oracle::ulp_error), float bits float_bits.h's. Header-only; used by tests/math/test_*.cpp.
#ifndef ACTGEN_TESTS_MATH_HARNESS_H
#define ACTGEN_TESTS_MATH_HARNESS_H

#include <Halide.h>
#include <gtest/gtest.h>

#include "build_targets.h"
#include "dsl/math.h"
#include "float_bits.h"
#include "oracle.h"
#include "runtime/cpu_features.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace actgen::mathtest {

// Suffix of a runnable_targets() entry: build the expressions as for a contracting backend (math::set_contracting).
inline constexpr const char *kContracting = "+contracting";

using floatbits::bits;
using floatbits::from_bits;
using oracle::ulp_error;

// The Halide target strings of the build's host targets (build_targets.h, from cmake/targets.cmake) this CPU can
// run, best first: each exactly as its kernels are built (strict_float included: without it Halide rewrites float
// algebra), available where the runtime's own feature detection finds its features.
inline std::vector<std::string> runnable_targets() {
  std::vector<std::string> t;
  for (const testsupport::BuildTarget &b : testsupport::kBuildTargets)
    if (b.host_memory() && rt::has_features(b.features)) t.push_back(b.halide);
  // The expressions as a contracting backend gets them (math::set_contracting, CUDA's fusion-proof exact
  // products), run on the best target here where it has FMA: the GPU's arithmetic path, checked on every build
  // machine.
  if (!t.empty() && math::target_has_fma(Halide::Target(t.front()))) t.push_back(t.front() + kContracting);
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

// Inputs covering the whole float range: every stride-th bit pattern of the 2^32 (stride >= 1), plus special
// values (+-0, +-inf, NaN, +-min/max normal, subnormals) and each extra point with its neighbours +-1 ulp.
inline std::vector<float> sweep_inputs(uint32_t stride, const std::vector<float> &extra_points) {
  if (stride == 0) stride = 1;
  std::vector<float> v;
  v.reserve(static_cast<size_t>((uint64_t{1} << 32) / stride) + 64 + 3 * extra_points.size());
  for (uint64_t b = 0; b < (uint64_t{1} << 32); b += stride) v.push_back(from_bits(static_cast<uint32_t>(b)));
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
                            from_bits(0x007fffffu),
                            from_bits(0x807fffffu),
                            from_bits(0x00400000u),
                            from_bits(0x80400000u),
                            from_bits(0x00000003u),
                            from_bits(0x80000003u),
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
  uint32_t ba = bits(a), bb = bits(b);
  if (ba > bb) std::swap(ba, bb);
  uint64_t span = uint64_t{bb} - ba;
  uint64_t step = std::max<uint64_t>(1, span / n);
  for (uint64_t b = ba; b <= bb; b += step) v.push_back(from_bits(static_cast<uint32_t>(b)));
}
}  // namespace actgen::mathtest

#endif  // ACTGEN_TESTS_MATH_HARNESS_H
