// The half-precision accuracy check (README, "Half precision"), shared by test_half (host targets), test_cuda
// and `actgen verify`: every one of the 65536 bit patterns of f16 or bf16, each result held to the contract
// against the long-double oracle's exact value:
//   faithful: the result is one of the two narrow values around the exact value (either, when it is a narrow
//             value itself: then it must be that value); beyond the largest finite value, inf counts as the
//             neighbour above (an overflow to inf is faithful);
//   NaN in x (or an exact NaN) gives NaN; an infinite exact value (a limit at +-inf, or an overflow in long double)
//   must come out as that infinity.
// It also counts the results that are faithful but not correctly rounded (round to nearest even of the exact value)
// and the largest error in ulps of the narrow type (ulp: the spacing of the narrow values in the exact value's
// binade; inf counts as the next power of two above the largest finite value, and as no error where the exact
// value rounds to inf).
// Written from the IEEE formats alone (no code shared with generators/dtype_convert.h).
#ifndef ACTGEN_TESTS_HALF_CHECK_H
#define ACTGEN_TESTS_HALF_CHECK_H

#include <actgen/actgen.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace halfcheck {

// A 16-bit float format: f16 (5 exponent bits) or bf16 (8 exponent bits).
struct Format {
  actgen_dtype dtype;
  int exp_bits, man_bits;  // f16: 5, 10; bf16: 8, 7
  std::vector<long double> finite;  // every finite value, ascending, +-0 once (as 0)
  std::vector<uint16_t> finite_bits;  // their patterns

  explicit Format(actgen_dtype d) : dtype(d), exp_bits(d == ACTGEN_F16 ? 5 : 8), man_bits(d == ACTGEN_F16 ? 10 : 7) {
    std::vector<std::pair<long double, uint16_t>> v;
    for (uint32_t b = 0; b < 0x10000u; ++b) {
      long double x = decode((uint16_t)b);
      if (std::isfinite(x) && !(x == 0 && std::signbit(x))) v.push_back({x, (uint16_t)b});
    }
    std::sort(v.begin(), v.end());
    for (auto &e : v) {
      finite.push_back(e.first);
      finite_bits.push_back(e.second);
    }
  }
  int bias() const { return (1 << (exp_bits - 1)) - 1; }
  long double decode(uint16_t b) const {
    const int e = (b >> man_bits) & ((1 << exp_bits) - 1);
    const uint32_t m = b & ((1u << man_bits) - 1);
    const long double s = (b & 0x8000u) ? -1.0L : 1.0L;
    if (e == (1 << exp_bits) - 1) return m ? std::numeric_limits<long double>::quiet_NaN() : s * INFINITY;
    if (e == 0) return s * std::ldexp((long double)m, 1 - bias() - man_bits);
    return s * std::ldexp((long double)((1u << man_bits) | m), e - bias() - man_bits);
  }
  bool is_nan(uint16_t b) const { return std::isnan(decode(b)); }
  long double max_finite() const { return finite.back(); }
  // Spacing of the narrow values in |v|'s binade (the subnormal spacing below the normal range).
  long double ulp(long double v) const {
    const int min_exp = 1 - bias();
    int e = std::ilogb(std::fabs(v));
    if (v == 0 || e < min_exp) e = min_exp;
    if (e > bias()) e = bias();
    return std::ldexp(1.0L, e - man_bits);
  }
  // The neighbours lo <= v <= hi (lo == hi when v is a narrow value); hi = +inf above the largest finite value,
  // lo = -inf below the most negative.
  void neighbours(long double v, long double *lo, long double *hi) const {
    auto it = std::lower_bound(finite.begin(), finite.end(), v);
    if (it != finite.end() && *it == v) {
      *lo = *hi = v;
      return;
    }
    *hi = it == finite.end() ? (long double)INFINITY : *it;
    *lo = it == finite.begin() ? -(long double)INFINITY : *(it - 1);
  }
  // Round to nearest, ties to the value whose last mantissa bit is 0 (its pattern is even).
  long double round_nearest(long double v) const {
    long double lo, hi;
    neighbours(v, &lo, &hi);
    if (lo == hi) return lo;
    const long double big = max_finite() + ulp(max_finite()) / 2;  // at or beyond: inf
    if (v >= big) return INFINITY;
    if (v <= -big) return -INFINITY;
    if (std::isinf(hi)) return lo;
    if (std::isinf(lo)) return hi;
    const long double dl = v - lo, dh = hi - v;
    if (dl != dh) return dl < dh ? lo : hi;
    // tie: the even one is the one whose value / ulp is an even integer
    const long double q = std::fabs(lo) / ulp(lo == 0 ? hi : lo);
    return std::fmod(q, 2.0L) == 0 ? lo : hi;
  }
};

// The pattern of the value nearest to v (ties to even; NaN: the quiet NaN; beyond the range: +-inf).
inline uint16_t encode(const Format &f, long double v) {
  const uint16_t inf = (uint16_t)(((1u << f.exp_bits) - 1) << f.man_bits);
  if (std::isnan(v)) return (uint16_t)(inf | (1u << (f.man_bits - 1)));
  const long double r = f.round_nearest(v);
  if (std::isinf(r)) return (uint16_t)(r < 0 ? inf | 0x8000u : inf);
  const size_t i = std::lower_bound(f.finite.begin(), f.finite.end(), r) - f.finite.begin();
  return (uint16_t)(f.finite_bits[i] | (r == 0 && std::signbit(v) ? 0x8000u : 0u));
}

// A 16-bit format in double (every f16/bf16 value and ulp is a double), for the tests that compare kernels with
// each other rather than with the oracle: cheap to make, unlike Format's sorted table of long doubles, which costs
// seconds per construction under qemu (long double is software quad on aarch64 and riscv64). test_half_forms holds
// it and nearest() to Format and encode() on every pattern and around every rounding boundary.
struct FastFormat {
  int exp_bits, man_bits;
  explicit FastFormat(actgen_dtype d) : exp_bits(d == ACTGEN_F16 ? 5 : 8), man_bits(d == ACTGEN_F16 ? 10 : 7) {}
  int bias() const { return (1 << (exp_bits - 1)) - 1; }
  bool is_nan(uint16_t b) const {
    return ((b >> man_bits) & ((1u << exp_bits) - 1)) == (1u << exp_bits) - 1 && (b & ((1u << man_bits) - 1)) != 0;
  }
  double decode(uint16_t b) const {
    const int e = (b >> man_bits) & ((1 << exp_bits) - 1);
    const uint32_t m = b & ((1u << man_bits) - 1);
    const double s = (b & 0x8000u) ? -1.0 : 1.0;
    if (e == (1 << exp_bits) - 1) return m ? NAN : s * INFINITY;
    if (e == 0) return s * std::ldexp((double)m, 1 - bias() - man_bits);
    return s * std::ldexp((double)((1u << man_bits) | m), e - bias() - man_bits);
  }
  // The spacing of the format's values in |v|'s binade (the subnormal spacing below the normal range).
  double ulp(double v) const {
    const int min_exp = 1 - bias();
    const int e = v == 0 || !std::isfinite(v) ? min_exp : std::max(std::ilogb(v), min_exp);
    return std::ldexp(1.0, e - man_bits);
  }
};

// The pattern nearest to v (ties to even) by scaling and the default rounding of rint: the tests' fast reference,
// held to encode() (a search of the format's values) by test_half_forms. Fmt: FastFormat or Format.
template <typename Fmt>
inline uint16_t nearest(const Fmt &f, float v) {
  const uint16_t inf = (uint16_t)(((1u << f.exp_bits) - 1) << f.man_bits), sign = std::signbit(v) ? 0x8000u : 0u;
  if (std::isnan(v)) return (uint16_t)(inf | (1u << (f.man_bits - 1)));
  const double a = std::fabs((double)v);
  if (a == 0) return sign;
  if (std::isinf(a)) return (uint16_t)(sign | inf);
  const int min_exp = 1 - f.bias();
  const int e = std::max(std::ilogb(a), min_exp);
  double m = std::rint(std::ldexp(a, f.man_bits - e));  // the significand in units of the binade's ulp
  int ee = e;
  if (m >= std::ldexp(1.0, f.man_bits + 1)) {
    m /= 2;
    ++ee;
  }
  const uint32_t mi = (uint32_t)m;
  if (ee == min_exp && mi < (1u << f.man_bits)) return (uint16_t)(sign | mi);  // subnormal (or zero)
  const int field = ee + f.bias();
  if (field >= (1 << f.exp_bits) - 1) return (uint16_t)(sign | inf);
  return (uint16_t)(sign | ((uint32_t)field << f.man_bits) | (mi - (1u << f.man_bits)));
}

struct Worst {
  double ulp = 0;
  uint16_t x = 0, got = 0;
  long double exact = 0;
};

struct Stats {
  size_t n = 0;
  size_t unfaithful = 0;           // contract failures (including NaN/inf rules)
  size_t not_correctly_rounded = 0;  // faithful, but not the nearest
  Worst worst;                     // largest error in narrow ulps
  std::vector<Worst> failures;     // the first few contract failures
  std::vector<Worst> not_cr;       // the first few faithful, not correctly rounded results
};

// Error of got in narrow ulps of the exact value (0 for matching NaN/inf, inf for a wrong special).
inline double ulp_error(const Format &f, uint16_t got, long double exact) {
  const long double g = f.decode(got);
  if (std::isnan(exact)) return std::isnan(g) ? 0 : INFINITY;
  if (std::isnan(g)) return INFINITY;
  if (std::isinf(exact)) return g == exact ? 0 : INFINITY;
  long double gv = g;
  if (std::isinf(g)) {
    // Beyond the largest finite value plus half an ulp, inf is the correctly rounded result.
    if (std::signbit(g) == std::signbit(exact) && std::fabs(exact) >= f.max_finite() + f.ulp(f.max_finite()) / 2)
      return 0;
    gv = std::copysign(std::ldexp(1.0L, f.bias() + 1), g);  // inf as 2^(emax+1)
  }
  return (double)(std::fabs(gv - exact) / f.ulp(exact));
}

// Adds one result: x the input pattern (NaN x must give NaN), exact the oracle's value (dy * f'(x) for backward).
inline void add(const Format &f, Stats *st, uint16_t x, long double exact, uint16_t got) {
  ++st->n;
  const long double g = f.decode(got);
  bool faithful, cr;
  if (f.is_nan(x) || std::isnan(exact)) {
    faithful = cr = std::isnan(g);
  } else if (std::isinf(exact)) {
    faithful = cr = g == exact;
  } else if (std::isnan(g)) {
    faithful = cr = false;
  } else {
    long double lo, hi;
    f.neighbours(exact, &lo, &hi);
    faithful = g == lo || g == hi;
    cr = g == f.round_nearest(exact);
  }
  const double u = ulp_error(f, got, exact);
  Worst w{u, x, got, exact};
  if (u > st->worst.ulp) st->worst = w;
  if (!faithful) {
    ++st->unfaithful;
    if (st->failures.size() < 8) st->failures.push_back(w);
  } else if (!cr) {
    ++st->not_correctly_rounded;
    if (st->not_cr.size() < 4) st->not_cr.push_back(w);
  }
}

// The inputs to check: every pattern (stride 1), or every stride-th one plus the specials: +-0, +-inf, the
// smallest subnormals and largest finite values, and NaNs with payloads in the high and in the low bits only.
inline std::vector<uint16_t> inputs(const Format &f, uint32_t stride) {
  std::vector<uint16_t> v;
  if (stride < 1) stride = 1;
  const uint16_t exp_mask = (uint16_t)(((1u << f.exp_bits) - 1) << f.man_bits);
  for (uint32_t b = 0; b < 0x10000u; ++b) {
    const uint16_t h = (uint16_t)b, mag = h & 0x7fffu, man = h & (uint16_t)((1u << f.man_bits) - 1);
    const bool special = mag <= 1 || (mag & exp_mask) == exp_mask && (man <= 1 || man == (1u << (f.man_bits - 1))) ||
                         mag == exp_mask - 1;
    if (b % stride == 0 || special) v.push_back(h);
  }
  return v;
}

}  // namespace halfcheck

#endif  // ACTGEN_TESTS_HALF_CHECK_H
