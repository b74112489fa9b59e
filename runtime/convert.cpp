#include "runtime/convert.h"

#include <cstdlib>
#include <cstring>

#include "runtime/cpu_features.h"

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
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

namespace {

// The portable conversions: integer arithmetic on the bit patterns (the rules of generators/dtype_convert.h).
uint32_t bits_of(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

float float_of(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

float f16_value(uint32_t h) {
  const uint32_t sign = (h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
  if (e == 31) return float_of(sign | 0x7f800000u | (m << 13));  // inf, or NaN with its payload
  if (e != 0) return float_of(sign | ((e + 112) << 23) | (m << 13));
  // Zero or subnormal: m x 2^-24, a normal f32 (or zero) made exactly; no f32 subnormal is involved.
  const float magnitude = static_cast<float>(m) * 0x1p-24f;
  return float_of(sign | bits_of(magnitude));
}

uint16_t f16_bits(float f) {
  const uint32_t u = bits_of(f), sign = (u >> 16) & 0x8000u, a = u & 0x7fffffffu;
  uint32_t h;
  if (a > 0x7f800000u) {
    h = 0x7e00u | ((a >> 13) & 0x3ffu);  // quiet NaN, the payload's high bits
  } else if (a >= 0x477ff000u) {
    h = 0x7c00u;  // rounds past 65504: inf
  } else if (a >= 0x38800000u) {
    const uint32_t r = a - (112u << 23);  // normal: rebias, round the 13 dropped bits to nearest even
    h = (r + 0x0fffu + ((r >> 13) & 1u)) >> 13;
  } else {
    // Below 2^-14: the value in units of 2^-24 (f16's subnormal spacing), rounded to nearest even; 0x400 when it
    // rounds up to the smallest normal. Below 2^-25 (f32 exponent field < 102) it rounds to 0.
    const uint32_t e = a >> 23;
    if (e < 102) {
      h = 0;
    } else {
      const uint32_t mant = (a & 0x7fffffu) | 0x800000u, shift = 126 - e;  // 14 .. 24
      h = (mant + ((1u << (shift - 1)) - 1) + ((mant >> shift) & 1u)) >> shift;
    }
  }
  return static_cast<uint16_t>(h | sign);
}

uint16_t bf16_bits(float f) {
  const uint32_t u = bits_of(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x0040u);  // quiet NaN
  return static_cast<uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);  // a carry into the exponent gives inf
}

}  // namespace

#if defined(__x86_64__)
namespace {
// bf16 with AVX2 (8 lanes; the tail through the portable code): the same integer rules, vectorized. The library is
// built for baseline x86-64, where the compiler's own vectorization of the portable loops takes 4 lanes and a
// clumsy narrowing; these run where the processor has AVX2 (bf16_avx2_usable).
bool bf16_avx2_usable() {
  static const bool usable = has_features("avx2");
  return usable;
}

__attribute__((target("avx2"))) size_t bf16_to_f32_avx2(const uint16_t *in, float *out, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i *>(in + i)));
    _mm256_storeu_si256(reinterpret_cast<__m256i *>(out + i), _mm256_slli_epi32(w, 16));
  }
  return i;
}

__attribute__((target("avx2"))) size_t f32_to_bf16_avx2(const float *in, uint16_t *out, size_t n) {
  const __m256i one = _mm256_set1_epi32(1), half = _mm256_set1_epi32(0x7fff), quiet = _mm256_set1_epi32(0x40),
                abs_mask = _mm256_set1_epi32(0x7fffffff), inf = _mm256_set1_epi32(0x7f800000);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i u = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(in + i));
    const __m256i high = _mm256_srli_epi32(u, 16);
    const __m256i rounded = _mm256_srli_epi32(_mm256_add_epi32(u, _mm256_add_epi32(half, _mm256_and_si256(high, one))), 16);
    const __m256i nan = _mm256_cmpgt_epi32(_mm256_and_si256(u, abs_mask), inf);  // signed: both sides < 2^31
    const __m256i r = _mm256_blendv_epi8(rounded, _mm256_or_si256(high, quiet), nan);
    // 8 x 32 -> 8 x 16 (every value fits: no saturation), then the two lanes' halves together.
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi32(r, r), 0x08);
    _mm_storeu_si128(reinterpret_cast<__m128i *>(out + i), _mm256_castsi256_si128(packed));
  }
  return i;
}
}  // namespace
#endif

#if defined(__aarch64__)
namespace {
// AArch64: f16 through FCVTL / FCVTN (baseline AArch64, no FP16 arithmetic needed), 8 lanes at a time (the tail
// through the portable code); bf16 through the portable code, which GCC vectorizes with NEON at -O3 (about 24
// instructions per 8 elements f32 -> bf16, checked with objdump). FCVTN rounds as FPCR says and
// AHP / FZ / DN change what it gives, so the conversions run with those bits cleared (round to nearest even, IEEE
// half precision, subnormals kept, NaN payloads kept) and FPCR is restored after: the portable results bit for bit
// (NaN to f32: a NaN, FCVTL quiets a signalling one as F16C does).
constexpr uint64_t kFpcrConversionBits = (uint64_t{1} << 26) | (uint64_t{1} << 25) | (uint64_t{1} << 24) |
                                         (uint64_t{3} << 22) | (uint64_t{1} << 19);  // AHP DN FZ RMode FZ16
class IeeeNearestFpcr {
 public:
  IeeeNearestFpcr() {
    asm volatile("mrs %0, fpcr" : "=r"(saved_) : : "memory");
    if (saved_ & kFpcrConversionBits) asm volatile("msr fpcr, %0" : : "r"(saved_ & ~kFpcrConversionBits) : "memory");
  }
  ~IeeeNearestFpcr() {
    if (saved_ & kFpcrConversionBits) asm volatile("msr fpcr, %0" : : "r"(saved_) : "memory");
  }
  IeeeNearestFpcr(const IeeeNearestFpcr &) = delete;
  IeeeNearestFpcr &operator=(const IeeeNearestFpcr &) = delete;

 private:
  uint64_t saved_ = 0;
};

size_t f16_to_f32_neon(const uint16_t *in, float *out, size_t n) {
  IeeeNearestFpcr env;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const float16x8_t h = vreinterpretq_f16_u16(vld1q_u16(in + i));
    vst1q_f32(out + i, vcvt_f32_f16(vget_low_f16(h)));
    vst1q_f32(out + i + 4, vcvt_high_f32_f16(h));
  }
  return i;
}

size_t f32_to_f16_neon(const float *in, uint16_t *out, size_t n) {
  IeeeNearestFpcr env;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const float16x8_t h = vcvt_high_f16_f32(vcvt_f16_f32(vld1q_f32(in + i)), vld1q_f32(in + i + 4));
    vst1q_u16(out + i, vreinterpretq_u16_f16(h));
  }
  return i;
}

}  // namespace
#endif

void half_to_f32_portable(actgen_dtype dtype, const uint16_t *in, float *out, size_t n) {
  if (dtype == ACTGEN_BF16) {
    for (size_t i = 0; i < n; ++i) out[i] = float_of(static_cast<uint32_t>(in[i]) << 16);
  } else {
    for (size_t i = 0; i < n; ++i) out[i] = f16_value(in[i]);
  }
}

void f32_to_half_portable(actgen_dtype dtype, const float *in, uint16_t *out, size_t n) {
  if (dtype == ACTGEN_BF16) {
    for (size_t i = 0; i < n; ++i) out[i] = bf16_bits(in[i]);
  } else {
    for (size_t i = 0; i < n; ++i) out[i] = f16_bits(in[i]);
  }
}

// The vector code where there is one converts a prefix (a multiple of its lanes, or all of it); the portable code
// the rest.
void half_to_f32(actgen_dtype dtype, const uint16_t *in, float *out, size_t n) {
  if (dtype == ACTGEN_F16 && f16c_conversions_usable()) return f16_to_f32(in, out, n);
  size_t done = 0;
#if defined(__x86_64__)
  if (dtype == ACTGEN_BF16 && bf16_avx2_usable()) done = bf16_to_f32_avx2(in, out, n);
#elif defined(__aarch64__)
  if (dtype == ACTGEN_F16) done = f16_to_f32_neon(in, out, n);
#endif
  half_to_f32_portable(dtype, in + done, out + done, n - done);
}

void f32_to_half(actgen_dtype dtype, const float *in, uint16_t *out, size_t n) {
  if (dtype == ACTGEN_F16 && f16c_conversions_usable()) return f32_to_f16(in, out, n);
  size_t done = 0;
#if defined(__x86_64__)
  if (dtype == ACTGEN_BF16 && bf16_avx2_usable()) done = f32_to_bf16_avx2(in, out, n);
#elif defined(__aarch64__)
  if (dtype == ACTGEN_F16) done = f32_to_f16_neon(in, out, n);
#endif
  f32_to_half_portable(dtype, in + done, out + done, n - done);
}

namespace {
struct ThreadScratch {
  void *pointer = nullptr;
  size_t bytes = 0;
  bool leased = false;
  ~ThreadScratch() { std::free(pointer); }
};
thread_local ThreadScratch t_scratch;
}  // namespace

ScratchLease::ScratchLease(size_t bytes) {
  ThreadScratch &t = t_scratch;
  if (t.leased) {
    pointer_ = std::malloc(bytes);
    owned_ = true;
    return;
  }
  if (t.bytes < bytes) {
    std::free(t.pointer);
    t.pointer = std::malloc(bytes);
    t.bytes = t.pointer ? bytes : 0;
  }
  pointer_ = t.pointer;
  t.leased = pointer_ != nullptr;
}

ScratchLease::~ScratchLease() {
  if (owned_) std::free(pointer_);
  else if (pointer_) t_scratch.leased = false;
}

}  // namespace actgen::rt
