// f16 and bf16 in the fused forms (runtime/forms.cpp, "Half-precision forms"), and the runtime's conversions
// (runtime/convert.h).
//
// Conversions: the portable code against the IEEE formats (half_check.h, written from the formats alone) on every
// 16-bit pattern and on f32 patterns around every rounding boundary plus a strided sweep of all 2^32; and against
// F16C bit for bit where the processor has it.
// Forms: the forms are built for f32 only, and a 16-bit call runs the same target's f32 form kernels between
// conversions, so every 16-bit output (y, dx, da, dg) equals the f32 form's output on the decoded inputs rounded to
// nearest even, bit for bit (NaN for NaN); the channel sums (db, dw) add the tiles' f32 sums, so they are held to
// the f32 call's sums rounded within one ulp of the dtype plus 2^-20 of the sum of |terms|; the counting forwards'
// zero outputs are the 16-bit outputs' zeros and their flat inputs the f32 call's. Shapes around the runtime's
// tiles (16384 elements; the thread pool from 2^18 elements), channels-last and NCHW, strided and packed gated
// calls, in place, and thread counts 1 and 3 bit-identical.
#include <gtest/gtest.h>

#include <actgen/actgen.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "half_check.h"
#include "runtime/convert.h"
#include "test_support.h"

using namespace testsupport;

namespace {

const char *dname(actgen_dtype d) { return d == ACTGEN_F16 ? "f16" : "bf16"; }

// Under emulation (ACTGEN_TEST_INPUT_SCALE < 1) the small shapes only.
bool scaled() { return testsupport::input_scale() < 1; }

// The NaN a conversion to the 16-bit dtype gives for f32 pattern u: sign and high payload bits kept, quiet bit set.
uint16_t nan_pattern(actgen_dtype d, uint32_t u) {
  if (d == ACTGEN_BF16) return (uint16_t)((u >> 16) | 0x40u);
  return (uint16_t)(((u >> 16) & 0x8000u) | 0x7e00u | ((u >> 13) & 0x3ffu));
}

TEST(HalfConversions, PortableAgainstTheFormatsAndF16C) {
  for (actgen_dtype d : narrow_dtypes()) {
    SCOPED_TRACE(dname(d));
    const halfcheck::Format f(d);
    // Every 16-bit pattern to f32: the exact value (NaN: NaN with the payload in place).
    std::vector<uint16_t> all(65536);
    for (uint32_t b = 0; b < 65536; ++b) all[b] = (uint16_t)b;
    std::vector<float> wide(65536), hw(65536);
    actgen::rt::half_to_f32_portable(d, all.data(), wide.data(), all.size());
    for (uint32_t b = 0; b < 65536; ++b) {
      const long double v = f.decode((uint16_t)b);
      if (std::isnan(v)) {
        const uint32_t m = b & (d == ACTGEN_F16 ? 0x3ffu : 0x7fu);
        ASSERT_EQ(bits(wide[b]), ((b & 0x8000u) << 16) | 0x7f800000u | (m << (d == ACTGEN_F16 ? 13 : 16))) << b;
        ASSERT_TRUE(halfcheck::FastFormat(d).is_nan((uint16_t)b)) << b;
      } else {
        ASSERT_EQ((long double)halfcheck::FastFormat(d).decode((uint16_t)b), v) << "FastFormat's decode, pattern " << b;
        ASSERT_EQ((long double)wide[b], v) << b;
        ASSERT_EQ(std::signbit(wide[b]), (b & 0x8000u) != 0) << b;
      }
    }
    // The dispatching conversion (x86: F16C for f16, AVX2 for bf16 where the processor has them; AArch64: FCVTL /
    // FCVTN for f16, also under an FPCR with flush-to-zero and round-toward-zero set), at offsets and
    // lengths that leave vector tails: the portable results bit for bit (NaN: NaN, F16C may quiet a signalling one).
    for (size_t off : {0, 3})
      for (size_t len : {size_t(65536) - off, size_t(13)}) {
        std::fill(hw.begin(), hw.end(), 0.0f);
        actgen::rt::half_to_f32(d, all.data() + off, hw.data() + off, len);
        for (size_t b = off; b < off + len; ++b)
          if (f.is_nan((uint16_t)b)) ASSERT_TRUE(std::isnan(hw[b])) << b;
          else ASSERT_EQ(bits(hw[b]), bits(wide[b])) << b;
      }
    // f32 to the dtype: around every boundary (each pattern's f32 value and the midpoints to its neighbours, +-2
    // f32 ulps), and a strided sweep of all 2^32 patterns (NaNs and f32 subnormals included).
    // Under emulation (qemu: long double is software quad there) every third pattern and a 16 times sparser sweep.
    const uint32_t step = scaled() ? 3 : 1;
    std::vector<float> in;
    for (uint32_t b = 0; b < 0x8000u; b += step) {
      const float v = wide[b];
      if (std::isnan(v)) continue;
      const float next = b + 1 < 0x8000u && !std::isnan(wide[b + 1]) ? wide[b + 1] : v;
      const float mid = (float)(((double)v + (double)next) / 2);
      for (float c : {v, mid})
        for (int k = -2; k <= 2; ++k) {
          const float e = from_bits(bits(c) + (uint32_t)k);
          in.push_back(e);
          in.push_back(-e);
        }
    }
    for (uint64_t u = 0; u < (uint64_t{1} << 32); u += 4093 * (scaled() ? 16 : 1)) in.push_back(from_bits((uint32_t)u));
    std::vector<uint16_t> got(in.size()), ref(in.size());
    actgen::rt::f32_to_half_portable(d, in.data(), got.data(), in.size());
    size_t bad = 0;
    for (size_t i = 0; i < in.size() && bad < 5; ++i) {
      const uint16_t want = std::isnan(in[i]) ? nan_pattern(d, bits(in[i])) : halfcheck::encode(f, (long double)in[i]);
      if (!std::isnan(in[i])) ASSERT_EQ(halfcheck::nearest(f, in[i]), want) << "nearest(), f32 0x" << std::hex << bits(in[i]);
      if (got[i] != want) {
        ++bad;
        ADD_FAILURE() << "f32 0x" << std::hex << bits(in[i]) << " gave 0x" << got[i] << ", want 0x" << want;
      }
    }
    for (size_t off : {0, 5}) {
      actgen::rt::f32_to_half(d, in.data() + off, ref.data() + off, in.size() - off);
      for (size_t i = off; i < in.size(); ++i) ASSERT_EQ(got[i], ref[i]) << std::hex << bits(in[i]);
    }
#if defined(__aarch64__)
    // FPCR with AHP, DN, FZ, FZ16 and round toward zero set: the conversions set their own and restore the caller's.
    uint64_t fpcr = 0;
    asm volatile("mrs %0, fpcr" : "=r"(fpcr) : : "memory");
    const uint64_t odd = fpcr | (uint64_t{1} << 26) | (uint64_t{1} << 25) | (uint64_t{1} << 24) | (uint64_t{3} << 22) |
                         (uint64_t{1} << 19);
    asm volatile("msr fpcr, %0" : : "r"(odd) : "memory");
    uint64_t set = 0;  // what the processor kept of it (FZ16 is RES0 without FP16 arithmetic)
    asm volatile("mrs %0, fpcr" : "=r"(set) : : "memory");
    std::fill(ref.begin(), ref.end(), 0);
    actgen::rt::f32_to_half(d, in.data(), ref.data(), in.size());
    std::fill(hw.begin(), hw.end(), 0.0f);
    actgen::rt::half_to_f32(d, all.data(), hw.data(), all.size());
    uint64_t after = 0;
    asm volatile("mrs %0, fpcr" : "=r"(after) : : "memory");
    asm volatile("msr fpcr, %0" : : "r"(fpcr) : "memory");
    EXPECT_EQ(after, set) << "the caller's FPCR is restored";
    for (size_t i = 0; i < in.size(); ++i) ASSERT_EQ(got[i], ref[i]) << "odd FPCR, f32 " << std::hex << bits(in[i]);
    for (uint32_t b = 0; b < 65536; ++b)
      if (f.is_nan((uint16_t)b)) ASSERT_TRUE(std::isnan(hw[b])) << b;
      else ASSERT_EQ(bits(hw[b]), bits(wide[b])) << "odd FPCR, pattern " << b;
#endif
  }
}

// Random values of the dtype: uniform in [-r, r] rounded to it (finite), as patterns and decoded.
void fill(const halfcheck::FastFormat &f, size_t n, float r, uint64_t seed, std::vector<uint16_t> *h, std::vector<float> *w,
          bool away_from_zero = false) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(away_from_zero ? 0.25f : -r, r);
  h->resize(n);
  w->resize(n);
  for (size_t i = 0; i < n; ++i) {
    float v = u(rng);
    if (away_from_zero && (rng() & 1)) v = -v;
    (*h)[i] = halfcheck::nearest(f, v);
    (*w)[i] = (float)f.decode((*h)[i]);
  }
}

// got (16-bit) against want (f32) rounded, element by element; the first few differences reported.
void expect_rounded(const halfcheck::FastFormat &f, const uint16_t *got, const std::vector<float> &want, const char *what) {
  size_t bad = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    const bool same = std::isnan(want[i]) ? f.is_nan(got[i]) : got[i] == halfcheck::nearest(f, want[i]);
    if (!same && bad++ < 3)
      ADD_FAILURE() << what << "[" << i << "]: got 0x" << std::hex << got[i] << " want " << want[i] << std::dec;
  }
  EXPECT_EQ(bad, 0u) << what;
}

// A 16-bit counting forward against the f32 one: the same outputs as the plain 16-bit call (y), zeros counted in
// the 16-bit y, flat inputs as the f32 call's.
void expect_counts(const std::vector<uint16_t> &counted_y, const std::vector<uint16_t> &y, const actgen_counts &c16,
                   const actgen_counts &c32) {
  EXPECT_EQ(counted_y, y);
  size_t zeros = 0;
  for (uint16_t e : y) zeros += (e & 0x7fffu) == 0;
  EXPECT_EQ(c16.zero_outputs, zeros);
  EXPECT_EQ(c16.flat_inputs, c32.flat_inputs);
}

// The channel sums: within one ulp of the dtype of the f32 sums rounded, plus 2^-20 of the sum of |terms|.
void expect_sums(const halfcheck::FastFormat &f, const std::vector<uint16_t> &got, const std::vector<float> &want,
                 const std::vector<double> &abs_terms, const char *what) {
  for (size_t c = 0; c < want.size(); ++c) {
    const long double g = f.decode(got[c]), w = f.decode(halfcheck::nearest(f, want[c]));
    if (std::isnan(want[c])) {
      EXPECT_TRUE(std::isnan(g)) << what << "[" << c << "]";
      continue;
    }
    EXPECT_LE(std::fabs(g - w), f.ulp(w) + std::ldexp(abs_terms[c], -20)) << what << "[" << c << "] got " << (double)g
                                                                           << " want " << want[c];
  }
}

Kernel make_form(const char *act, actgen_form form, actgen_direction dir, actgen_dtype dtype, const std::string &target) {
  std::string err;
  Kernel k = make_kernel(form, act, "", dir, dtype, target, &err);
  EXPECT_TRUE(k) << act << " " << err;
  return k;
}

struct GatedShape {
  size_t rows, d, stride;
};

TEST(HalfForms, GatedEqualTheF32FormRounded) {
  std::vector<GatedShape> shapes{{1, 1, 1}, {3, 7, 9}, {2, 40000, 40000}, {700, 500, 503}};
  if (scaled()) shapes = {{1, 1, 1}, {3, 7, 9}, {5, 333, 333}};
  for (actgen_dtype dtype : narrow_dtypes()) {
    const halfcheck::FastFormat f(dtype);
    for (const char *act : {"silu", "gelu", "relu"})
      for (const std::string &target : available_targets())
        for (const GatedShape &s : shapes) {
          SCOPED_TRACE(std::string(act) + " " + dname(dtype) + " " + target + " " + std::to_string(s.rows) + "x" +
                       std::to_string(s.d) + " stride " + std::to_string(s.stride));
          Kernel f16 = make_form(act, ACTGEN_FORM_GATED, ACTGEN_FORWARD, dtype, target);
          Kernel b16 = make_form(act, ACTGEN_FORM_GATED, ACTGEN_BACKWARD, dtype, target);
          Kernel f32 = make_form(act, ACTGEN_FORM_GATED, ACTGEN_FORWARD, ACTGEN_F32, target);
          Kernel b32 = make_form(act, ACTGEN_FORM_GATED, ACTGEN_BACKWARD, ACTGEN_F32, target);
          ASSERT_TRUE(f16 && b16 && f32 && b32);
          const size_t n = s.rows * s.stride, m = s.rows * s.d;
          std::vector<uint16_t> a, g, dy;
          std::vector<float> a32, g32, dy32;
          fill(f, n, 8, 1, &a, &a32);
          fill(f, n, 3, 2, &g, &g32);
          fill(f, m, 4, 3, &dy, &dy32, true);
          std::vector<float> y32(m), da32(n), dg32(n);
          ASSERT_EQ(actgen_gated_forward(f32.get(), s.rows, s.d, a32.data(), g32.data(), s.stride, y32.data(), s.d),
                    ACTGEN_OK);
          ASSERT_EQ(actgen_gated_backward(b32.get(), s.rows, s.d, a32.data(), g32.data(), s.stride, dy32.data(), s.d,
                                          da32.data(), dg32.data(), s.stride),
                    ACTGEN_OK);
          std::vector<uint16_t> y(m), da(n, 0x1234), dg(n, 0x1234);
          ASSERT_EQ(actgen_gated_forward(f16.get(), s.rows, s.d, a.data(), g.data(), s.stride, y.data(), s.d), ACTGEN_OK)
              << actgen_last_error();
          expect_rounded(f, y.data(), y32, "y");
          ASSERT_EQ(actgen_gated_backward(b16.get(), s.rows, s.d, a.data(), g.data(), s.stride, dy.data(), s.d,
                                          da.data(), dg.data(), s.stride),
                    ACTGEN_OK)
              << actgen_last_error();
          // Only the rows' first d elements: the stride's gap stays as it was.
          std::vector<float> da_w(m), dg_w(m);
          std::vector<uint16_t> da_g(m), dg_g(m);
          for (size_t r = 0; r < s.rows; ++r)
            for (size_t j = 0; j < s.stride; ++j) {
              const size_t k = r * s.stride + j;
              if (j >= s.d) {
                ASSERT_EQ(da[k], 0x1234) << "the gap between rows was written";
                continue;
              }
              da_w[r * s.d + j] = da32[k];
              dg_w[r * s.d + j] = dg32[k];
              da_g[r * s.d + j] = da[k];
              dg_g[r * s.d + j] = dg[k];
            }
          expect_rounded(f, da_g.data(), da_w, "da");
          expect_rounded(f, dg_g.data(), dg_w, "dg");
          // The counting forward: the same y; zeros in the 16-bit y; flat inputs as the f32 call's.
          actgen_counts c16 = ACTGEN_COUNTS_INIT, c32 = ACTGEN_COUNTS_INIT;
          std::vector<uint16_t> yc(m);
          std::vector<float> yc32(m);
          ASSERT_EQ(actgen_gated_forward_counted(f16.get(), s.rows, s.d, a.data(), g.data(), s.stride, yc.data(), s.d,
                                                 &c16),
                    ACTGEN_OK)
              << actgen_last_error();
          ASSERT_EQ(actgen_gated_forward_counted(f32.get(), s.rows, s.d, a32.data(), g32.data(), s.stride,
                                                 yc32.data(), s.d, &c32),
                    ACTGEN_OK);
          expect_counts(yc, y, c16, c32);
          // In place: y over a (rows of d, stride d).
          if (s.stride == s.d) {
            std::vector<uint16_t> io = a;
            ASSERT_EQ(actgen_gated_forward(f16.get(), s.rows, s.d, io.data(), g.data(), s.d, io.data(), s.d), ACTGEN_OK);
            EXPECT_EQ(std::memcmp(io.data(), y.data(), m * 2), 0) << "y == a";
          }
        }
  }
}

// glu's order through the packed calls: y = x[:, :d] * sigmoid(x[:, d:]).
TEST(HalfForms, PackedGlu) {
  for (actgen_dtype dtype : narrow_dtypes()) {
    const halfcheck::FastFormat f(dtype);
    const std::string target = available_targets().front();
    Kernel k16 = make_form("glu", ACTGEN_FORM_GATED, ACTGEN_FORWARD, dtype, target);
    Kernel k32 = make_form("glu", ACTGEN_FORM_GATED, ACTGEN_FORWARD, ACTGEN_F32, target);
    ASSERT_TRUE(k16 && k32);
    const size_t rows = 37, d = 129;
    std::vector<uint16_t> x;
    std::vector<float> x32;
    fill(f, rows * 2 * d, 6, 4, &x, &x32);
    std::vector<uint16_t> y(rows * d);
    std::vector<float> y32(rows * d);
    ASSERT_EQ(actgen_gated_forward_packed(k16.get(), rows, d, x.data(), y.data()), ACTGEN_OK) << actgen_last_error();
    ASSERT_EQ(actgen_gated_forward_packed(k32.get(), rows, d, x32.data(), y32.data()), ACTGEN_OK);
    expect_rounded(f, y.data(), y32, std::string(dname(dtype)).c_str());
  }
}

struct VecShape {
  size_t outer, channels, inner;
};

struct VecCase {
  const char *activation;
  actgen_form form;
  decltype(&actgen_bias_forward) forward;
  decltype(&actgen_bias_backward) backward;
  decltype(&actgen_bias_forward_counted) counted;
};

const VecCase kVecCases[] = {
    {"gelu", ACTGEN_FORM_BIAS, actgen_bias_forward, actgen_bias_backward, actgen_bias_forward_counted},
    {"relu", ACTGEN_FORM_BIAS, actgen_bias_forward, actgen_bias_backward, actgen_bias_forward_counted},
    {"sigmoid", ACTGEN_FORM_BIAS, actgen_bias_forward, actgen_bias_backward, actgen_bias_forward_counted},
    {"prelu", ACTGEN_FORM_CHANNEL, actgen_channel_forward, actgen_channel_backward, actgen_channel_forward_counted},
};

// One shape of a bias or channel form in a 16-bit dtype against the f32 form, with threads threads; returns the
// 16-bit outputs (y, dx, db) for the thread-count comparison.
void check_vec_shape(const VecCase &v, actgen_dtype dtype, const std::string &target, const VecShape &s,
                     std::vector<uint16_t> *outputs) {
  const halfcheck::FastFormat f(dtype);
  Kernel f16 = make_form(v.activation, v.form, ACTGEN_FORWARD, dtype, target);
  Kernel b16 = make_form(v.activation, v.form, ACTGEN_BACKWARD, dtype, target);
  Kernel f32 = make_form(v.activation, v.form, ACTGEN_FORWARD, ACTGEN_F32, target);
  Kernel b32 = make_form(v.activation, v.form, ACTGEN_BACKWARD, ACTGEN_F32, target);
  ASSERT_TRUE(f16 && b16 && f32 && b32);
  const size_t n = s.outer * s.channels * s.inner, C = s.channels;
  std::vector<uint16_t> x, b, dy;
  std::vector<float> x32, b32v, dy32;
  fill(f, n, 8, 5, &x, &x32);
  if (v.form == ACTGEN_FORM_CHANNEL) {
    fill(f, C, 0.5f, 6, &b, &b32v);
  } else {
    fill(f, C, 2, 6, &b, &b32v);
  }
  fill(f, n, 4, 7, &dy, &dy32, true);
  std::vector<float> y32(n), dx32(n), db32(C);
  ASSERT_EQ(v.forward(f32.get(), s.outer, C, s.inner, x32.data(), b32v.data(), y32.data()), ACTGEN_OK);
  ASSERT_EQ(v.backward(b32.get(), s.outer, C, s.inner, x32.data(), b32v.data(), dy32.data(), dx32.data(),
                       db32.data()),
            ACTGEN_OK);
  std::vector<uint16_t> y(n), dx(n), db(C);
  ASSERT_EQ(v.forward(f16.get(), s.outer, C, s.inner, x.data(), b.data(), y.data()), ACTGEN_OK) << actgen_last_error();
  expect_rounded(f, y.data(), y32, "y");
  ASSERT_EQ(v.backward(b16.get(), s.outer, C, s.inner, x.data(), b.data(), dy.data(), dx.data(), db.data()),
            ACTGEN_OK)
      << actgen_last_error();
  expect_rounded(f, dx.data(), dx32, "dx");
  std::vector<double> abs_terms(C, 0.0);
  for (size_t k = 0; k < n; ++k) {
    const size_t c = s.inner == 1 ? k % C : k / s.inner % C;
    abs_terms[c] += v.form == ACTGEN_FORM_BIAS ? std::fabs(dx32[k]) : (x32[k] > 0 ? 0.0 : std::fabs((double)dy32[k] * x32[k]));
  }
  expect_sums(f, db, db32, abs_terms, v.form == ACTGEN_FORM_BIAS ? "db" : "dw");
  // actgen.h's bound in the dtype, against the exact sum of the terms: db's terms are the returned dx (each rounded
  // to the dtype: half an ulp of it more per term), dw's prelu's exact dy x.
  {
    std::vector<long double> sum(C, 0.0L), abs_sum(C, 0.0L), rounding(C, 0.0L);
    for (size_t k = 0; k < n; ++k) {
      const size_t c = s.inner == 1 ? k % C : k / s.inner % C;
      const bool bias = v.form == ACTGEN_FORM_BIAS;
      const long double t = bias ? f.decode(dx[k]) : (x32[k] > 0 ? 0.0L : (long double)dy32[k] * x32[k]);
      sum[c] += t;
      abs_sum[c] += std::fabs(t);
      if (bias) rounding[c] += f.ulp(t) / 2;
    }
    for (size_t c = 0; c < C; ++c) {
      const long double got = f.decode(db[c]);
      const double bound = v.form == ACTGEN_FORM_BIAS ? 257 * 0x1p-24 : 258 * 0x1p-24;
      EXPECT_LE(std::fabs(got - sum[c]), bound * abs_sum[c] + rounding[c] * (1 + 0x1p-10) + f.ulp(got) / 2)
          << "channel " << c;
    }
  }
  // The counting forward: the same y, zeros in the 16-bit y, flat inputs (total and per channel) as f32's.
  actgen_counts c16 = ACTGEN_COUNTS_INIT, c32 = ACTGEN_COUNTS_INIT;
  std::vector<uint64_t> flat16(C, 7), flat32(C);
  std::vector<uint16_t> yc(n);
  std::vector<float> yc32(n);
  ASSERT_EQ(v.counted(f16.get(), s.outer, C, s.inner, x.data(), b.data(), yc.data(), &c16, flat16.data()), ACTGEN_OK)
      << actgen_last_error();
  ASSERT_EQ(v.counted(f32.get(), s.outer, C, s.inner, x32.data(), b32v.data(), yc32.data(), &c32, flat32.data()),
            ACTGEN_OK);
  expect_counts(yc, y, c16, c32);
  EXPECT_EQ(flat16, flat32);
  // In place: y == x, and dx == dy.
  std::vector<uint16_t> io = x;
  ASSERT_EQ(v.forward(f16.get(), s.outer, C, s.inner, io.data(), b.data(), io.data()), ACTGEN_OK);
  EXPECT_EQ(io, y) << "y == x";
  io = dy;
  std::vector<uint16_t> db2(C);
  ASSERT_EQ(v.backward(b16.get(), s.outer, C, s.inner, x.data(), b.data(), io.data(), io.data(), db2.data()),
            ACTGEN_OK);
  EXPECT_EQ(io, dx) << "dx == dy";
  EXPECT_EQ(db2, db) << "dx == dy";
  *outputs = y;
  outputs->insert(outputs->end(), dx.begin(), dx.end());
  outputs->insert(outputs->end(), db.begin(), db.end());
}

TEST(HalfForms, BiasAndChannelEqualTheF32FormRounded) {
  // Channels-last small and with channels past a tile; NCHW small, with inner past a tile and with several channels
  // per tile. Then past the thread pool's threshold (2^18 elements), channels-last and NCHW, for two activations,
  // each also with 1 thread against the default thread count, bit for bit.
  std::vector<VecShape> shapes{{3, 5, 1}, {2, 20000, 1}, {2, 3, 9}, {1, 3, 40000}, {100, 37, 7}};
  std::vector<VecShape> parallel{{40, 9000, 1}, {64, 64, 100}};
  if (scaled()) {
    shapes = {{3, 5, 1}, {2, 3, 9}, {4, 20, 30}};
    parallel.clear();
  }
  for (actgen_dtype dtype : narrow_dtypes())
    for (const VecCase &v : kVecCases)
      for (const std::string &target : available_targets()) {
        const bool threads = std::string(v.activation) == "gelu" || std::string(v.activation) == "prelu";
        for (const VecShape &s : shapes) {
          SCOPED_TRACE(std::string(v.activation) + " " + dname(dtype) + " " + target + " [" + std::to_string(s.outer) +
                       ", " + std::to_string(s.channels) + ", " + std::to_string(s.inner) + "]");
          std::vector<uint16_t> out;
          check_vec_shape(v, dtype, target, s, &out);
        }
        for (const VecShape &s : threads ? parallel : std::vector<VecShape>{}) {
          SCOPED_TRACE(std::string(v.activation) + " " + dname(dtype) + " " + target + " [" + std::to_string(s.outer) +
                       ", " + std::to_string(s.channels) + ", " + std::to_string(s.inner) + "]");
          std::vector<uint16_t> one, many;
          check_vec_shape(v, dtype, target, s, &many);
          ASSERT_EQ(actgen_set_num_threads(1), ACTGEN_OK);
          check_vec_shape(v, dtype, target, s, &one);
          ASSERT_EQ(actgen_set_num_threads(0), ACTGEN_OK);
          EXPECT_EQ(one, many) << "1 thread and the default differ";
        }
      }
}

// The C++ wrapper's form calls with 16-bit containers: uint16_t patterns, and _Float16 for f16 where the compiler
// has it; a float container on a 16-bit kernel throws.
TEST(HalfForms, CppWrapper) {
  const halfcheck::FastFormat f(ACTGEN_BF16);
  actgen::Kernel k = actgen::Kernel::bias("gelu", "", actgen::Direction::forward, actgen::DType::bf16);
  actgen::Kernel k32 = actgen::Kernel::bias("gelu", "", actgen::Direction::forward, actgen::DType::f32, k.target());
  std::vector<uint16_t> x, b, y(6 * 4);
  std::vector<float> x32, b32, y32(6 * 4);
  fill(f, 6 * 4, 5, 8, &x, &x32);
  fill(f, 4, 1, 9, &b, &b32);
  k.bias_forward(x, b, y);
  k32.bias_forward(x32, b32, y32);
  expect_rounded(f, y.data(), y32, "y");
  EXPECT_THROW(k.bias_forward(x32, b32, y32), actgen::Error);
  actgen::Kernel g = actgen::Kernel::gated("swiglu", "", actgen::Direction::forward, actgen::DType::bf16);
  std::vector<uint16_t> packed(3 * 8, 0x3f80), out(3 * 4);  // bf16 1.0
  g.gated_forward(packed, out, 4);
  const float silu1 = 0.7310585786f;  // silu(1) * 1
  for (uint16_t o : out) EXPECT_EQ(o, halfcheck::nearest(f, silu1));
#if defined(ACTGEN_HAS_FLOAT16)
  actgen::Kernel h = actgen::Kernel::channel("prelu", "", actgen::Direction::forward, actgen::DType::f16);
  std::vector<_Float16> hx{(_Float16)-2, (_Float16)3, (_Float16)-4, (_Float16)5}, hw{(_Float16)0.25, (_Float16)0.5},
      hy(4);
  h.channel_forward(hx, hw, hy);
  EXPECT_EQ((float)hy[0], -0.5f);
  EXPECT_EQ((float)hy[1], 3.0f);
  EXPECT_EQ((float)hy[2], -1.0f);
  EXPECT_EQ((float)hy[3], 5.0f);
#endif
}

// CUDA form kernels are f32 only: a 16-bit form on the CUDA target is refused (with a GPU: the runtime's reason
// names the host conversions; without one the target itself is refused first).
TEST(HalfForms, CudaRefusesSixteenBitForms) {
  bool has_cuda = false;
  for (const std::string &t : all_targets()) has_cuda = has_cuda || t == "cuda";
  if (!has_cuda) GTEST_SKIP() << "no cuda target in this build";
  for (actgen_dtype dtype : narrow_dtypes()) {
    actgen_kernel_desc desc = ACTGEN_KERNEL_DESC_INIT;
    desc.activation = "gelu";
    desc.form = ACTGEN_FORM_BIAS;
    desc.dtype = dtype;
    desc.target = "cuda";
    actgen_kernel *k = nullptr;
    EXPECT_EQ(actgen_kernel_create_desc(&k, &desc), ACTGEN_ERROR_UNSUPPORTED) << dname(dtype);
    EXPECT_EQ(k, nullptr);
    EXPECT_GT(std::strlen(actgen_last_error()), 0u);
  }
}

// The forms' checks count 16-bit elements: an output overlapping an input by one f16 element is refused.
TEST(HalfForms, OverlapInElementsOfTheDtype) {
  const std::string target = available_targets().front();
  Kernel k = make_form("relu", ACTGEN_FORM_BIAS, ACTGEN_FORWARD, ACTGEN_F16, target);
  ASSERT_TRUE(k);
  std::vector<uint16_t> buf(64, 0x3c00), b(4, 0);
  EXPECT_EQ(actgen_bias_forward(k.get(), 4, 4, 1, buf.data(), b.data(), buf.data() + 15), ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(actgen_bias_forward(k.get(), 4, 4, 1, buf.data(), b.data(), buf.data() + 16), ACTGEN_OK)
      << actgen_last_error();
}

}  // namespace
