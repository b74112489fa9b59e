#include "runtime/convert.h"

#include <cstring>

#include "runtime/cpu_features.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace actgen::rt {

#if defined(__x86_64__)

bool f16c_conversions_usable() {
  static const bool usable = has_features("avx f16c");
  return usable;
}

// The functions carry their own target (the library is built for baseline x86-64) and are called only after
// f16c_conversions_usable(). The last n % 8 elements go through an 8-lane copy, so nothing is read or written
// past n.
__attribute__((target("avx,f16c"))) void f16_to_f32(const uint16_t *in, float *out, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(out + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i *>(in + i))));
  if (i == n) return;
  uint16_t h[8] = {};
  float f[8];
  std::memcpy(h, in + i, (n - i) * sizeof(uint16_t));
  _mm256_storeu_ps(f, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i *>(h))));
  std::memcpy(out + i, f, (n - i) * sizeof(float));
}

__attribute__((target("avx,f16c"))) void f32_to_f16(const float *in, uint16_t *out, size_t n) {
  // Immediate 0: round to nearest even, not MXCSR's mode.
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i *>(out + i), _mm256_cvtps_ph(_mm256_loadu_ps(in + i), 0));
  if (i == n) return;
  float f[8] = {};
  uint16_t h[8];
  std::memcpy(f, in + i, (n - i) * sizeof(float));
  _mm_storeu_si128(reinterpret_cast<__m128i *>(h), _mm256_cvtps_ph(_mm256_loadu_ps(f), 0));
  std::memcpy(out + i, h, (n - i) * sizeof(uint16_t));
}

#else

bool f16c_conversions_usable() { return false; }
void f16_to_f32(const uint16_t *, float *, size_t) {}
void f32_to_f16(const float *, uint16_t *, size_t) {}

#endif

}  // namespace actgen::rt
