// f32 <-> the 16-bit patterns of actgen's f16 and bf16, for the benchmarks' inputs and --check: round to nearest
// even, NaN stays NaN, overflow to +-inf, f16 subnormals kept (the contract of the kernels' own conversions,
// README "Half precision"; these are plain host code, not on any timed path).
#ifndef ACTGEN_BENCH_HALF_BITS_H
#define ACTGEN_BENCH_HALF_BITS_H

#include <actgen/actgen.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "float_bits.h"  // tests/: the float <-> bits helpers the tests use

namespace benchhalf {

inline uint16_t to_half_bits(float f, actgen_dtype d) {
  const uint32_t u = floatbits::bits(f);
  const uint16_t sign = uint16_t((u >> 16) & 0x8000u);
  const uint32_t a = u & 0x7fffffffu;
  if (d == ACTGEN_BF16) {
    if (a > 0x7f800000u) return uint16_t(sign | 0x7fc0u);
    return uint16_t(sign | ((a + 0x7fffu + ((a >> 16) & 1u)) >> 16));
  }
  if (a > 0x7f800000u) return uint16_t(sign | 0x7e00u);
  if (a >= 0x477ff000u) return uint16_t(sign | 0x7c00u);  // >= 65520: rounds to inf
  if (a < 0x38800000u)  // below 2^-14: a multiple of 2^-24, |f| * 2^24 rounded to an integer (exact in double)
    return uint16_t(sign | uint16_t(std::nearbyint(double(std::fabs(f)) * 16777216.0)));
  const uint32_t r = a - (112u << 23);  // exponent bias 127 -> 15
  return uint16_t(sign | ((r + 0x0fffu + ((r >> 13) & 1u)) >> 13));
}

inline float from_half_bits(uint16_t h, actgen_dtype d) {
  if (d == ACTGEN_BF16) return floatbits::from_bits(uint32_t(h) << 16);
  const int e = (h >> 10) & 0x1f, m = h & 0x3ff;
  const float v = e == 0 ? std::ldexp(float(m), -24)
                  : e == 31 ? (m ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity())
                            : std::ldexp(float(m | 0x400), e - 25);
  return (h & 0x8000) ? -v : v;
}

}  // namespace benchhalf

#endif  // ACTGEN_BENCH_HALF_BITS_H
