// A float's bit pattern and back: the one pair of helpers the tests (tests/, tests/math/) and the benchmarks'
// half-precision conversions (bench/half_bits.h) use. memcpy, not a cast through a pointer or a union: the only
// way C++17 defines.
#ifndef ACTGEN_TESTS_FLOAT_BITS_H
#define ACTGEN_TESTS_FLOAT_BITS_H

#include <cstdint>
#include <cstring>

namespace floatbits {

inline uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

inline float from_bits(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

}  // namespace floatbits

#endif  // ACTGEN_TESTS_FLOAT_BITS_H
