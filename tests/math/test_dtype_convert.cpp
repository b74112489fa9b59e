// The kernels' element-type conversions (generators/dtype_convert.h), JIT-compiled per x86 target, against a
// reference written from the IEEE formats in long double (tests/half_check.h):
//   f32 -> f16 / bf16: round to nearest even, overflow to inf, f16 subnormals kept, NaN stays NaN (sign kept),
//   including NaNs whose payload lies only in the dropped low bits. Inputs: every 1031st of the 2^32 patterns and,
//   for every value of the kept high bits, the dropped low bits at 0, just below / at / just above the halfway
//   point and all ones (every tie and every rounding carry, in every binade, for both signs, and those NaNs).
//   f16 / bf16 -> f32: all 65536 patterns, exact (NaN stays NaN with its payload's kept bits).
#include <Halide.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "build_targets.h"
#include "float_bits.h"
#include "generators/dtype_convert.h"
#include "half_check.h"
#include "runtime/cpu_features.h"

namespace {

using namespace Halide;
using floatbits::from_bits;

// The Halide target strings of the build's host targets (build_targets.h, from cmake/targets.cmake) this CPU runs
// (the runtime's own feature detection, runtime/cpu_features.cpp, compiled in), best first, exactly as their
// kernels are generated.
std::vector<std::string> runnable_targets() {
  std::vector<std::string> t;
  for (const testsupport::BuildTarget &b : testsupport::kBuildTargets)
    if (b.host_memory() && actgen::rt::has_features(b.features)) t.push_back(b.halide);
  return t;
}

std::vector<uint16_t> narrow_jit(const std::vector<uint32_t> &in, Type stored, const std::string &target) {
  ImageParam input(UInt(32), 1, "in");
  Var i("i");
  Func g("convert_under_test");
  Target t(target);
  Expr v = actgen::from_f32(reinterpret<float>(input(i)), stored, t);
  g(i) = reinterpret<uint16_t>(v);
  g.vectorize(i, t.natural_vector_size<float>(), TailStrategy::GuardWithIf);
  g.compile_jit(t);
  std::vector<uint16_t> out(in.size());
  Buffer<uint32_t> bin(const_cast<uint32_t *>(in.data()), static_cast<int>(in.size()));
  Buffer<uint16_t> bout(out.data(), static_cast<int>(out.size()));
  input.set(bin);
  g.realize(bout, t);
  return out;
}

std::vector<uint32_t> widen_jit(const std::vector<uint16_t> &in, Type stored, const std::string &target) {
  ImageParam input(UInt(16), 1, "in");
  Var i("i");
  Func g("widen_under_test");
  Expr s = stored == Float(16) ? reinterpret(Float(16), input(i)) : Expr(input(i));
  Target t(target);
  g(i) = reinterpret<uint32_t>(actgen::to_f32(s, t));
  g.vectorize(i, t.natural_vector_size<float>(), TailStrategy::GuardWithIf);
  g.compile_jit(t);
  std::vector<uint32_t> out(in.size());
  Buffer<uint16_t> bin(const_cast<uint16_t *>(in.data()), static_cast<int>(in.size()));
  Buffer<uint32_t> bout(out.data(), static_cast<int>(out.size()));
  input.set(bin);
  g.realize(bout, t);
  return out;
}

void check_narrowing(actgen_dtype dt, Type stored) {
  const halfcheck::Format f(dt);
  const int dropped = 23 - f.man_bits;  // 13 (f16) or 16 (bf16)
  const uint32_t half = 1u << (dropped - 1), low_mask = (1u << dropped) - 1;
  std::vector<uint32_t> in;
  for (uint64_t b = 0; b < (1ull << 32); b += 1031) in.push_back(static_cast<uint32_t>(b));
  for (uint64_t hi = 0; hi < (1ull << (32 - dropped)); ++hi)
    for (uint32_t lo : {0u, half - 1, half, half + 1, low_mask}) in.push_back(static_cast<uint32_t>(hi << dropped) | lo);
  std::vector<uint16_t> want(in.size());
  for (size_t i = 0; i < in.size(); ++i) want[i] = halfcheck::encode(f, from_bits(in[i]));
  const char *name = dt == ACTGEN_F16 ? "f16" : "bf16";
  for (const std::string &target : runnable_targets()) {
    const std::vector<uint16_t> got = narrow_jit(in, stored, target);
    size_t bad = 0;
    for (size_t i = 0; i < in.size(); ++i) {
      const bool ok = std::isnan(from_bits(in[i])) ? f.is_nan(got[i]) && (got[i] >> 15) == (in[i] >> 31)
                                                   : got[i] == want[i];
      if (!ok && ++bad <= 5)
        ADD_FAILURE() << target << " " << name << ": f32 0x" << std::hex << in[i] << " -> 0x" << got[i] << ", want 0x"
                      << want[i];
    }
    EXPECT_EQ(bad, 0u) << target << " " << name << " (" << in.size() << " inputs)";
  }
}

void check_widening(actgen_dtype dt, Type stored) {
  const halfcheck::Format f(dt);
  std::vector<uint16_t> in(0x10000);
  for (uint32_t b = 0; b < 0x10000u; ++b) in[b] = static_cast<uint16_t>(b);
  for (const std::string &target : runnable_targets()) {
    const std::vector<uint32_t> got = widen_jit(in, stored, target);
    size_t bad = 0;
    for (uint32_t b = 0; b < 0x10000u; ++b) {
      const long double want = f.decode(static_cast<uint16_t>(b));
      const float g = from_bits(got[b]);
      const bool ok = std::isnan(want) ? std::isnan(g) && (got[b] >> 31) == (b >> 15)
                                       : (long double)g == want && std::signbit(g) == std::signbit(want);
      if (!ok && ++bad <= 5)
        ADD_FAILURE() << target << " " << (dt == ACTGEN_F16 ? "f16" : "bf16") << ": 0x" << std::hex << b
                      << " -> f32 0x" << got[b];
    }
    EXPECT_EQ(bad, 0u) << target << " " << (dt == ACTGEN_F16 ? "f16" : "bf16");
  }
}

TEST(DtypeConvert, F32ToF16) { check_narrowing(ACTGEN_F16, Float(16)); }
TEST(DtypeConvert, F32ToBf16) { check_narrowing(ACTGEN_BF16, UInt(16)); }
TEST(DtypeConvert, F16ToF32) { check_widening(ACTGEN_F16, Float(16)); }
TEST(DtypeConvert, Bf16ToF32) { check_widening(ACTGEN_BF16, UInt(16)); }

}  // namespace
