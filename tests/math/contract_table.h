// The math library's contract, one table: every routine dsl/math.h declares, with the max ulp and the special
// values its comment states. A row: the routine applied to x (two-argument routines with a fixed or x-derived
// second argument; DF arguments as c x with c = 1/3, not a float, so that the low part matters), its long double
// <cmath> reference, the bound, the inputs (every 2^11-th bit pattern of the whole range, the special values and a
// row's own edges +-1 ulp, dense sweeps where the implementation changes form or results go subnormal) and its
// exact special values (compared bitwise, NaN matching any NaN). Inputs outside a row's domain (where dsl/math.h
// states one) are left out. A row's bound is what the test enforces, so a change to a routine's bound is a change
// to this table and to dsl/math.h's comment together.
//
// Read twice, so that the table is written once:
//   - by contract_gen.cpp (ACTGEN_CONTRACT_EXPRESSIONS defined, links libHalide and dsl/math): each row's
//     expression compiled ahead of time for one of the build's targets;
//   - by test_contract.cpp (not defined, no Halide): the references, bounds and inputs, run against those
//     compiled routines on the machine being tested (natively, or under qemu for a cross build).
// A row's expression is written ACTGEN_CONTRACT_EXPR(<lambda>): the lambda and its comma where the expressions
// are compiled, nothing where they are not.
#ifndef ACTGEN_TESTS_MATH_CONTRACT_TABLE_H
#define ACTGEN_TESTS_MATH_CONTRACT_TABLE_H

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include "float_bits.h"

#ifdef ACTGEN_CONTRACT_EXPRESSIONS
#include <Halide.h>

#include "dsl/math.h"
#define ACTGEN_CONTRACT_EXPR(...) __VA_ARGS__,
#else
#define ACTGEN_CONTRACT_EXPR(...)
#endif

struct halide_buffer_t;

namespace actgen::mathtest {

// One target's compiled table (contract_gen.cpp writes one per target of the build): row i's routine as
// fns[i](in, out), out(i) = routine(in(i)) over two 1-D float32 buffers of the same extent; where the target has
// FMA (math::target_has_fma) also built as for a contracting backend (math::set_contracting, CUDA's arithmetic
// path) as contracting[i], else contracting is nullptr.
using ContractFn = int (*)(halide_buffer_t *in, halide_buffer_t *out);
struct ContractTarget {
  const char *name;  // the build target's name (cmake/targets.cmake; the runtime reports it, available or not)
  size_t rows;
  const char *const *routines;  // the rows' names when the table was compiled (the test checks them)
  const ContractFn *fns;
  const ContractFn *contracting;
};

namespace contract {

#ifdef ACTGEN_CONTRACT_EXPRESSIONS
using Halide::Expr;
#endif
// The references' type: long double where it is wider than double in hardware (x86's 80 bits), double where
// long double is software quad precision (aarch64, riscv64: every operation a library call, and under qemu about
// a hundred times slower than double). 53 bits are 29 more than a float result's ulp needs: the measured error
// moves by under 2^-28 ulp.
#if LDBL_MANT_DIG == 64
using LD = long double;
#else
using LD = double;
#endif

inline const float kInf = std::numeric_limits<float>::infinity();
inline const float kNaN = std::numeric_limits<float>::quiet_NaN();
inline const float kDmin = std::numeric_limits<float>::denorm_min();
inline const float kMax = std::numeric_limits<float>::max();
inline constexpr uint32_t kStride = 1u << 11;  // whole range: 2M inputs per row and target (scale 1)

inline constexpr double kC = 1.0 / 3.0;  // DF arguments: c x
inline const float kBig = 1e36f;         // mul_sigmoid's large factor: products subnormal down to t = -186
inline const LD kSqrt2 = 1.414213562373095048801688724209698079L;
inline const LD kSqrt2Pi = 2.506628274631000502415765284811045253L;

// ---- long double references ----
inline LD sigmoid_ld(LD t) {
  if (std::isnan(t)) return t;
  return t < 0 ? std::exp(t) / (1 + std::exp(t)) : 1 / (1 + std::exp(-t));
}
inline LD log1pexp_ld(LD t) {
  if (std::isnan(t)) return t;
  if (std::isinf(t)) return t > 0 ? t : LD(0);
  return t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t));
}
inline LD cdf_ld(float x) { return std::erfc(-static_cast<LD>(x) / kSqrt2) / 2; }
// a * sigmoid(t) with the limits the contract states for a or t infinite.
inline LD mul_sigmoid_ld(LD a, LD t) {
  if (std::isnan(a) || std::isnan(t)) return std::numeric_limits<LD>::quiet_NaN();
  if (std::isinf(t)) return t > 0 ? a : std::copysign(LD(0), a);
  if (std::isinf(a)) return t >= 0 ? a : std::copysign(LD(0), a);
  return a * sigmoid_ld(t);
}
// x - tanh x: Taylor series of tanh (coefficients from (k+1) t_{k+1} = [k == 0] - sum_{i+j=k} t_i t_j) for
// |x| < 0.5, where x - tanh x < x^3/3 would cancel; the direct formula beyond (loses < 4 of 64 bits).
inline LD x_minus_tanh_ld(float xf) {
  LD x = xf;
  if (std::isnan(x) || std::isinf(x)) return x;
  if (std::fabs(x) >= LD(0.5)) return x - std::tanh(x);
  static const std::vector<LD> t = [] {
    std::vector<LD> c(82, LD(0));
    for (int k = 0; k < 81; ++k) {
      LD s = (k == 0) ? LD(1) : LD(0);
      for (int i = 0; i <= k; ++i) s -= c[i] * c[k - i];
      c[k + 1] = s / (k + 1);
    }
    return c;
  }();
  LD x2 = x * x, p = LD(0);
  for (int k = 79; k >= 3; k -= 2) p = p * x2 - t[k];
  return p * x * x2;
}
// two_prod(x, 1.1f).lo: exactly x * 1.1f - fl(x * 1.1f) where neither overflows nor underflows.
inline bool two_prod_domain(float x) { return std::isfinite(x) && std::fabs(x) <= 1e34f && std::fabs(x) >= 1e-30f; }
inline LD two_prod_lo_ld(float x) {
  return static_cast<LD>(x) * static_cast<LD>(1.1f) - static_cast<LD>(x * 1.1f);
}

// fast_two_sum(x, x * 1/3).lo: exactly x + b - fl(x + b), b = fl(x * 1/3) as the routine's argument.
inline const float kThird = static_cast<float>(1.0 / 3.0);
inline LD fast_two_sum_lo_ld(float x) {
  const float b = x * kThird;
  return static_cast<LD>(x) + static_cast<LD>(b) - static_cast<LD>(x + b);
}
inline LD cdf_plus_x_pdf_ld(float x) {
  const LD X = x;
  return cdf_ld(x) + X * std::exp(-X * X / 2) / kSqrt2Pi;
}
// e^-|x| with |x| clamped at c, as sigmoid_parts clamps it.
inline LD exp_minus_abs_ld(float x, float c) {
  return std::exp(-std::min(static_cast<LD>(std::fabs(x)), static_cast<LD>(c)));
}
// The integers lo..hi as floats (a row's edges), and the domain test that keeps only them.
inline std::vector<float> integers(int lo, int hi) {
  std::vector<float> v;
  for (int i = lo; i <= hi; ++i) v.push_back(static_cast<float>(i));
  return v;
}
inline bool is_integer_in(float x, int lo, int hi) { return x >= lo && x <= hi && x == std::floor(x); }

// ---- the table ----
struct Dense {
  float a, b;   // same sign; every float's bit pattern between them, n of them evenly spaced
  uint32_t n;
  bool both_signs;
};
struct Special {
  float x, want;
};
struct Row {
  const char *routine;
#ifdef ACTGEN_CONTRACT_EXPRESSIONS
  std::function<Expr(Expr)> f;  // the routine applied to x
#endif
  std::function<LD(float)> ref;
  double max_ulp;
  std::vector<float> edges;
  std::vector<Dense> dense;
  std::vector<Special> specials;
  std::function<bool(float)> domain;  // empty: every float, NaN included
};

#ifdef ACTGEN_CONTRACT_EXPRESSIONS
inline math::DF df(Expr x) { return math::DF{x, Expr(0.0f)}; }
#endif

inline const std::vector<Row> &table() {
  static const std::vector<Row> rows = {
      {"two_prod(x,1.1f).lo",
       ACTGEN_CONTRACT_EXPR([](Expr x) { return math::two_prod(x, Expr(1.1f)).lo; }) two_prod_lo_ld, 0.0,
       {1.0f, 3.0f}, {{1e-30f, 1e34f, 1u << 18, true}}, {}, two_prod_domain},
      {"mul_df(1/3,x).hi",
       ACTGEN_CONTRACT_EXPR([](Expr x) { return math::mul_df(kC, x).hi; })
       [](float x) { return static_cast<LD>(kC) * x; }, 0.501,
       {1.0f, 3.0f}, {{1.0f, 4.0f, 1u << 18, true}}, {{0.0f, 0.0f}, {3.0f, 1.0f}},
       [](float x) { return std::fabs(x) < 1e38f && std::fabs(x) > 1e-30f; }},  // lo normal
      {"add(df,df).hi",
       ACTGEN_CONTRACT_EXPR([](Expr x) { return math::add(math::mul_df(kC, x), math::mul_df(0.1, x)).hi; })
       [](float x) { return (static_cast<LD>(kC) + LD(0.1)) * x; }, 0.501, {}, {{1.0f, 4.0f, 1u << 18, true}},
       {{0.0f, 0.0f}}, [](float x) { return std::fabs(x) < 1e37f && std::fabs(x) > 1e-30f; }},  // lo normal
      // Same signs (no cancellation): one rounding with the FMA path (0.5 ulp), two without (under 0.63 ulp for
      // normal products; 0.75 measured where the product is subnormal and rounds to a coarser grid).
      {"add_product(x,x,1/3)",
       ACTGEN_CONTRACT_EXPR([](Expr x) { return math::add_product(x, x, Expr(static_cast<float>(kC))); })
       [](float x) { return x + static_cast<LD>(x) * static_cast<float>(kC); }, 1.0, {1.0f, 3.0f},
       {{1.0f, 4.0f, 1u << 18, true}, {1e-44f, 1e-36f, 1u << 14, true}},
       {{kNaN, kNaN}, {0.0f, 0.0f}, {-0.0f, -0.0f}, {kInf, kInf}, {-kInf, -kInf}},
       [](float x) { return !(std::fabs(x) > 1e38f); }},
      {"exp", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::exp(x); })
       [](float x) { return std::exp(static_cast<LD>(x)); }, 1.0,
       {88.7228394f, 88.7228317f, -87.3365479f, -103.278931f, -103.972084f, -104.0f, 89.0f, 0.3465736f},
       {{0.0f, 1.0f, 1u << 20, true}, {-80.0f, -104.0f, 1u << 20, false}, {80.0f, 89.0f, 1u << 18, false}},
       {{kNaN, kNaN}, {-kNaN, kNaN}, {kInf, kInf}, {-kInf, 0.0f}, {0.0f, 1.0f}, {-0.0f, 1.0f}, {88.8f, kInf},
        {1e30f, kInf}, {-104.0f, 0.0f}, {-1e30f, 0.0f}, {kDmin, 1.0f}, {-103.2789f, kDmin}}},
      {"exp(DF)", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::exp(math::mul_df(kC, x)); })
       [](float x) { return std::exp(static_cast<LD>(kC) * x); }, 1.0, {266.16852f, -311.9f, 3.0f},
       {{0.0f, 3.0f, 1u << 20, true}, {-240.0f, -312.0f, 1u << 20, false}, {240.0f, 267.0f, 1u << 18, false}},
       {{kNaN, kNaN}, {kInf, kInf}, {-kInf, 0.0f}, {0.0f, 1.0f}}},
      {"expm1", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::expm1(x); })
       [](float x) { return std::expm1(static_cast<LD>(x)); }, 2.0,
       {88.7228394f, -17.3286796f, -18.0f, 0.3465736f, -0.3465736f, 40.0f},
       {{1e-10f, 1.0f, 1u << 20, true}, {1.0f, 20.0f, 1u << 19, true}, {40.0f, 89.0f, 1u << 18, false}},
       {{kNaN, kNaN}, {kInf, kInf}, {-kInf, -1.0f}, {0.0f, 0.0f}, {-0.0f, -0.0f}, {kDmin, kDmin},
        {-kDmin, -kDmin}, {88.8f, kInf}, {-20.0f, -1.0f}, {-1e30f, -1.0f}, {1e-30f, 1e-30f}}},
      {"expm1_nonpos", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::expm1_nonpos(x); })
       [](float x) { return std::expm1(static_cast<LD>(x)); }, 1.5,
       {-17.3286796f, -18.0f, -0.3465736f, -16.6355324f},
       {{-1e-10f, -1.0f, 1u << 20, false}, {-1.0f, -20.0f, 1u << 20, false}},
       {{kNaN, kNaN}, {-kInf, -1.0f}, {-0.0f, -0.0f}, {0.0f, 0.0f}, {-kDmin, -kDmin}, {-1e-30f, -1e-30f},
        {-20.0f, -1.0f}, {-1e30f, -1.0f}},
       [](float x) { return !(x > 0.0f); }},  // x <= 0 and NaN
      {"log", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::log(x); })
       [](float x) { return std::log(static_cast<LD>(x)); }, 1.0,
       {1.0f, 0.70710677f, 1.4142135f, 2.0f, 0.5f},
       {{0.5f, 2.0f, 1u << 21, false}, {1e-45f, 1.2e-38f, 1u << 19, false}},
       {{kNaN, kNaN}, {kInf, kInf}, {-kInf, kNaN}, {0.0f, -kInf}, {-0.0f, -kInf}, {-1.0f, kNaN}, {-kDmin, kNaN},
        {1.0f, 0.0f}}},
      {"log1p", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::log1p(x); })
       [](float x) { return std::log1p(static_cast<LD>(x)); }, 1.5,
       {-1.0f, -0.5f, 0.41421356f, -0.29289322f, 16777216.0f},
       {{1e-10f, 1.0f, 1u << 20, true}, {1.0f, 1e8f, 1u << 19, false}},
       {{kNaN, kNaN}, {kInf, kInf}, {-kInf, kNaN}, {-1.0f, -kInf}, {-1.5f, kNaN}, {0.0f, 0.0f}, {-0.0f, -0.0f},
        {kDmin, kDmin}, {-kDmin, -kDmin}, {1e-30f, 1e-30f}}},
      {"log1pexp", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::log1pexp(x); })
       [](float x) { return log1pexp_ld(x); }, 2.5,
       {-87.3365479f, -103.972084f, 16.0f, -16.0f},
       {{1e-6f, 20.0f, 1u << 20, true}, {-80.0f, -104.0f, 1u << 18, false}},
       {{kNaN, kNaN}, {kInf, kInf}, {-kInf, 0.0f}, {1e30f, 1e30f}, {-1e30f, 0.0f}, {-104.0f, 0.0f}}},
      {"log1pexp(DF)", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::log1pexp(math::mul_df(kC, x)); })
       [](float x) { return log1pexp_ld(static_cast<LD>(kC) * x); }, 2.5, {},
       {{1e-6f, 60.0f, 1u << 20, true}, {-240.0f, -312.0f, 1u << 18, false}}, {{kNaN, kNaN}, {-kInf, 0.0f}}},
      {"sigmoid", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::sigmoid(x); })
       [](float x) { return sigmoid_ld(x); }, 2.5,
       {-87.3365479f, -103.972084f, 16.6355324f, 17.0f},
       {{1e-6f, 20.0f, 1u << 20, true}, {-80.0f, -104.0f, 1u << 18, false}},
       {{kNaN, kNaN}, {kInf, 1.0f}, {-kInf, 0.0f}, {0.0f, 0.5f}, {-0.0f, 0.5f}, {1e30f, 1.0f}, {-1e30f, 0.0f},
        {20.0f, 1.0f}}},
      {"sigmoid(DF)", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::sigmoid(math::mul_df(kC, x)); })
       [](float x) { return sigmoid_ld(static_cast<LD>(kC) * x); }, 2.5, {},
       {{1e-6f, 60.0f, 1u << 20, true}, {-240.0f, -312.0f, 1u << 18, false}},
       {{kNaN, kNaN}, {kInf, 1.0f}, {-kInf, 0.0f}, {0.0f, 0.5f}}},
      {"mul_sigmoid(x,x)", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::mul_sigmoid(x, df(x)); })
       [](float x) { return mul_sigmoid_ld(x, x); }, 3.0, {-87.3365479f, -103.972084f, 16.6355324f, 17.0f},
       {{1e-6f, 30.0f, 1u << 20, true}, {-80.0f, -110.0f, 1u << 18, false}},
       {{kNaN, kNaN}, {-kNaN, kNaN}, {kInf, kInf}, {-kInf, -0.0f}, {0.0f, 0.0f}, {-0.0f, -0.0f},
        {-200.0f, -0.0f}, {-1e30f, -0.0f}, {1e30f, 1e30f}, {3e38f, 3e38f}, {kDmin, 0.0f}, {-kDmin, -0.0f},
        {2e-38f, 1e-38f}, {-2e-38f, -1e-38f}, {100.0f, 100.0f}}},
      {"mul_sigmoid(x,cx)", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::mul_sigmoid(x, math::mul_df(kC, x)); })
       [](float x) { return mul_sigmoid_ld(x, static_cast<LD>(kC) * x); }, 3.0, {},
       {{1e-6f, 90.0f, 1u << 20, true}, {-240.0f, -330.0f, 1u << 18, false}}, {{kNaN, kNaN}}},
      {"mul_sigmoid(1e36,x)", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::mul_sigmoid(Expr(kBig), df(x)); })
       [](float x) { return mul_sigmoid_ld(kBig, x); }, 3.0, {-186.0f, -190.0f, -193.0f, -200.0f},
       {{-80.0f, -200.0f, 1u << 20, false}, {1e-6f, 30.0f, 1u << 18, true}},
       {{kInf, kBig}, {-kInf, 0.0f}, {kNaN, kNaN}}},
      {"mul_sigmoid_small(x,x)", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::mul_sigmoid_small(x, df(x)); })
       [](float x) { return mul_sigmoid_ld(x, x); }, 3.0, {-87.3365479f, -103.972084f, -120.0f, 16.6355324f, 17.0f},
       {{1e-6f, 30.0f, 1u << 20, true}, {-80.0f, -125.0f, 1u << 18, false}},
       {{kNaN, kNaN}, {-kNaN, kNaN}, {kInf, kInf}, {-kInf, -0.0f}, {0.0f, 0.0f}, {-0.0f, -0.0f},
        {-200.0f, -0.0f}, {-1e30f, -0.0f}, {1e30f, 1e30f}, {3e38f, 3e38f}, {kDmin, 0.0f}, {-kDmin, -0.0f},
        {2e-38f, 1e-38f}, {-2e-38f, -1e-38f}, {100.0f, 100.0f}}},
      {"mul_sigmoid_small(x,1.702x)",
       ACTGEN_CONTRACT_EXPR([](Expr x) { return math::mul_sigmoid_small(x, math::mul_df(1.702, x)); })
       [](float x) { return mul_sigmoid_ld(x, LD(1.702) * x); }, 3.0, {},
       {{1e-6f, 30.0f, 1u << 20, true}, {-40.0f, -75.0f, 1u << 18, false}}, {{kNaN, kNaN}, {-100.0f, -0.0f}}},
      // a finite or infinite, t at its limits or NaN: the limits, signed as a.
      {"mul_sigmoid(x,inf)", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::mul_sigmoid(x, df(Expr(kInf))); })
       [](float x) { return mul_sigmoid_ld(x, kInf); }, 0.0, {}, {}, {{-0.0f, -0.0f}, {3.0f, 3.0f}}},
      {"mul_sigmoid(x,minus_inf)", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::mul_sigmoid(x, df(Expr(-kInf))); })
       [](float x) { return mul_sigmoid_ld(x, -kInf); }, 0.0, {}, {}, {{-3.0f, -0.0f}, {3.0f, 0.0f}}},
      {"mul_sigmoid(x,NaN)", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::mul_sigmoid(x, df(Expr(kNaN))); })
       [](float) { return std::numeric_limits<LD>::quiet_NaN(); }, 0.0, {}, {}, {{1.0f, kNaN}, {-kInf, kNaN}}},
      {"tanh", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::tanh(x); })
       [](float x) { return std::tanh(static_cast<LD>(x)); }, 2.5,
       {9.01f, 9.5f, 0.55f, 0.625f}, {{1e-10f, 1.0f, 1u << 20, true}, {1.0f, 10.0f, 1u << 19, true}},
       {{kNaN, kNaN}, {kInf, 1.0f}, {-kInf, -1.0f}, {0.0f, 0.0f}, {-0.0f, -0.0f}, {kDmin, kDmin}, {-kDmin, -kDmin},
        {1e-30f, 1e-30f}, {1e30f, 1.0f}, {-10.0f, -1.0f}}},
      {"tanh_abs", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::tanh_abs(x); })
       [](float x) { return std::fabs(std::tanh(static_cast<LD>(x))); }, 2.5, {9.01f, -9.01f, 0.55f, -0.625f},
       {{1e-10f, 1.0f, 1u << 19, true}, {1.0f, 10.0f, 1u << 18, true}},
       {{kNaN, kNaN}, {kInf, 1.0f}, {-kInf, 1.0f}, {0.0f, 0.0f}, {-0.0f, 0.0f}, {kDmin, kDmin}, {-kDmin, kDmin},
        {-1e-30f, 1e-30f}, {-1e30f, 1.0f}}},
      {"x_minus_tanh", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::x_minus_tanh(x); }) x_minus_tanh_ld, 2.5,
       {1.41421354f, -1.41421354f, 0x1p-30f},
       {{0.0f, 1.5f, 1u << 20, false}, {-0.0f, -1.5f, 1u << 18, false}, {1.4f, 12.0f, 1u << 18, false},
        {1e-45f, 1e-8f, 1u << 18, false}},
       {{kNaN, kNaN}, {-kNaN, kNaN}, {kInf, kInf}, {-kInf, -kInf}, {0.0f, 0.0f}, {-0.0f, -0.0f}, {kDmin, 0.0f},
        {-kDmin, -0.0f}, {1e-20f, 0.0f}, {-1e-20f, -0.0f}, {kMax, kMax}, {-kMax, -kMax}}},
      // Phi's edges: 6 (1 - Q rounds to 1 beyond), 14.5 (t's clamp), where results go subnormal (~ -13.0) and round
      // to 0 (~ -14.1); 0.65 / 1.3 / 2.6 / 5.2 / 10.4 are the edges of earlier versions.
      {"normal_cdf", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::normal_cdf(x); }) cdf_ld, 3.5,
       {0.65f, -0.65f, 1.3f, -1.3f, 2.6f, -2.6f, 5.2f, -5.2f, 6.0f, -6.0f, 10.4f, -10.4f, 14.5f, -14.5f},
       {{-0.65f, -14.6f, 1u << 21, false}, {-12.8f, -14.2f, 1u << 18, false}, {0.0f, 0.65f, 1u << 18, true},
        {0.65f, 6.5f, 1u << 18, false}, {1e-30f, 1e-3f, 1u << 14, true}},
       {{kNaN, kNaN}, {-kNaN, kNaN}, {-kInf, 0.0f}, {kInf, 1.0f}, {0.0f, 0.5f}, {-0.0f, 0.5f}, {-15.0f, 0.0f},
        {-1e30f, 0.0f}, {-kMax, 0.0f}, {kMax, 1.0f}, {10.0f, 1.0f}, {kDmin, 0.5f}}},
      {"mul_normal_cdf(x,x)", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::mul_normal_cdf(x, x); })
       [](float x) { return static_cast<LD>(x) * cdf_ld(x); }, 3.0,
       {0.65f, -0.65f, 2.6f, -2.6f, 6.0f, -6.0f, 14.5f, -14.5f},
       {{-0.65f, -14.6f, 1u << 21, false}, {-12.8f, -14.2f, 1u << 18, false}, {0.0f, 0.65f, 1u << 18, true},
        {0.65f, 6.5f, 1u << 18, false}, {1e-30f, 1e-3f, 1u << 14, true}},
       {{kNaN, kNaN}, {0.0f, 0.0f}, {-0.0f, -0.0f}, {10.0f, 10.0f}, {-20.0f, -0.0f}, {30.0f, 30.0f}},
       [](float x) { return !(std::fabs(x) > 32.0f); }},
      {"normal_pdf", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::normal_pdf(x); })
       [](float x) {
         LD X = x;
         return std::exp(-X * X / 2) / kSqrt2Pi;
       },
       2.0, {},
       {{0.0f, 15.0f, 1u << 20, true}, {12.5f, 14.2f, 1u << 18, false}, {1e-30f, 1e-2f, 1u << 14, false}},
       {{kNaN, kNaN}, {-kNaN, kNaN}, {-kInf, 0.0f}, {kInf, 0.0f}, {20.0f, 0.0f}, {-1e30f, 0.0f}, {kMax, 0.0f},
        {0.0f, 0.398942280f}, {-0.0f, 0.398942280f}}},
      // ---- the building blocks ----
      {"clamp_keeping_nan(x,-1,2)",
       ACTGEN_CONTRACT_EXPR([](Expr x) { return math::clamp_keeping_nan(x, Expr(-1.0f), Expr(2.0f)); })
       [](float x) { return static_cast<LD>(x < -1.0f ? -1.0f : x > 2.0f ? 2.0f : x); }, 0.0, {-1.0f, 2.0f}, {},
       {{kNaN, kNaN}, {-0.0f, -0.0f}, {-kInf, -1.0f}, {kInf, 2.0f}, {-1.0f, -1.0f}, {2.0f, 2.0f}}},
      {"at_least(x,0)", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::at_least(x, Expr(0.0f)); })
       [](float x) { return static_cast<LD>(x < 0.0f ? 0.0f : x); }, 0.0, {}, {},
       {{kNaN, kNaN}, {-kInf, 0.0f}, {kInf, kInf}, {-kDmin, 0.0f}}},  // -0: -0 on x86, +0 on NEON (math.h)
      {"at_most(x,0)", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::at_most(x, Expr(0.0f)); })
       [](float x) { return static_cast<LD>(x > 0.0f ? 0.0f : x); }, 0.0, {}, {},
       {{kNaN, kNaN}, {0.0f, 0.0f}, {-0.0f, -0.0f}, {kInf, 0.0f}, {-kInf, -kInf}, {kDmin, 0.0f}}},
      {"neg_bits", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::neg_bits(x); })
       [](float x) { return -static_cast<LD>(x); }, 0.0, {}, {},
       {{kNaN, kNaN}, {0.0f, -0.0f}, {-0.0f, 0.0f}, {kInf, -kInf}, {-kDmin, kDmin}, {3.0f, -3.0f}}},
      {"pow2i(int(x))", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::pow2i(Halide::cast<int>(x)); })
       [](float x) { return std::ldexp(LD(1), static_cast<int>(x)); }, 0.0, integers(-126, 127), {},
       {{-126.0f, 1.17549435e-38f}, {0.0f, 1.0f}, {127.0f, 1.70141183e38f}},
       [](float x) { return is_integer_in(x, -126, 127); }},
      {"scale_pow2_nonpos(x,-30)", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::scale_pow2_nonpos(x, Expr(-30)); })
       [](float x) { return std::ldexp(static_cast<LD>(x), -30); }, 1.0, {}, {{1e-45f, 1e-28f, 1u << 16, true}},
       {{kNaN, kNaN}, {kInf, kInf}, {-0.0f, -0.0f}, {1.0f, 0x1p-30f}}},
      {"scale_pow2_nonpos(x,-150)", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::scale_pow2_nonpos(x, Expr(-150)); })
       [](float x) { return std::ldexp(static_cast<LD>(x), -150); }, 1.0, {}, {{1e-5f, 1e30f, 1u << 18, true}},
       {{kNaN, kNaN}, {kInf, kInf}, {-0.0f, -0.0f}, {0x1p20f, 0x1p-130f}}},
      {"scale_pow2_nonpos(1.75,-int(x))",
       ACTGEN_CONTRACT_EXPR([](Expr x) { return math::scale_pow2_nonpos(Expr(1.75f), -Halide::cast<int>(x)); })
       [](float x) { return std::ldexp(LD(1.75), -static_cast<int>(x)); }, 1.0, integers(0, 190), {},
       {{0.0f, 1.75f}, {64.0f, 0x1.cp-64f}, {149.0f, 2 * kDmin}}, [](float x) { return is_integer_in(x, 0, 190); }},
      {"fast_two_sum(x,x/3).lo",
       ACTGEN_CONTRACT_EXPR([](Expr x) { return math::fast_two_sum(x, x * Expr(kThird)).lo; }) fast_two_sum_lo_ld, 0.0,
       {1.0f, 3.0f}, {{1.0f, 4.0f, 1u << 18, true}, {1e-44f, 1e-36f, 1u << 14, true}}, {},
       [](float x) { return std::isfinite(x) && std::fabs(x) <= 1e37f; }},
      {"exact_prod(x,1.1f).lo",
       ACTGEN_CONTRACT_EXPR([](Expr x) { return math::exact_prod(x, Expr(1.1f)).lo; }) two_prod_lo_ld, 0.0,
       {1.0f, 3.0f}, {{1e-30f, 1e34f, 1u << 18, true}}, {}, two_prod_domain},
      // No value change: Halide would fold (x + 1e8) - 1e8 to x without strict.
      {"strict((x+1e8)-1e8)", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::strict((x + 1e8f) - 1e8f); })
       [](float x) { return static_cast<LD>((x + 1e8f) - 1e8f); }, 0.0, {1.0f, 3.0f}, {{0.0f, 100.0f, 1u << 16, true}},
       {{1.0f, 0.0f}, {kNaN, kNaN}, {kInf, kInf}}},
      {"log1p_unit", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::log1p_unit(x); })
       [](float x) { return std::log1p(static_cast<LD>(x)); }, 1.5, {1.0f, 0.5f},
       {{1e-10f, 1.0f, 1u << 21, false}, {1e-45f, 1e-37f, 1u << 14, false}}, {{0.0f, 0.0f}, {kDmin, kDmin}},
       [](float x) { return x >= 0.0f && x <= 1.0f; }},
      // Outside [-1.5, -0.3], where Phi(x) and x phi(x) cancel towards the zero x0 = -0.75179: relative; inside,
      // the error is absolute, measured as that of 1 + f (ulp 2^-24 below 1, 2^-23 above; 1 + f's own rounding
      // included).
      {"normal_cdf_plus_x_pdf", ACTGEN_CONTRACT_EXPR([](Expr x) { return math::normal_cdf_plus_x_pdf(x); })
       cdf_plus_x_pdf_ld, 5.0, {-10.0f, 10.0f, -1.5f, -0.3f},
       {{-1.5f, -10.0f, 1u << 21, false}, {-0.3f, 0.0f, 1u << 18, false}, {0.0f, 10.0f, 1u << 19, false}},
       {{0.0f, 0.5f}, {-0.0f, 0.5f}}, [](float x) { return std::fabs(x) <= 10.0f && !(x > -1.5f && x < -0.3f); }},
      {"1+normal_cdf_plus_x_pdf", ACTGEN_CONTRACT_EXPR([](Expr x) { return 1.0f + math::normal_cdf_plus_x_pdf(x); })
       [](float x) { return 1 + cdf_plus_x_pdf_ld(x); }, 2.0, {-0.7517915f}, {{-1.5f, -0.3f, 1u << 21, false}},
       {}, [](float x) { return x >= -1.5f && x <= -0.3f; }},
      // sigmoid_parts: e^-|t| = E 2^kr and D = 1 + E rounded, for each way the callers build it; NaN t gives some
      // finite value (left out) except with keep_nan.
      {"sigmoid_parts(x,104).E",
       ACTGEN_CONTRACT_EXPR([](Expr x) { return math::sigmoid_parts(x, Expr(), 104.0f, false).E; })
       [](float x) { return exp_minus_abs_ld(x, 104); }, 0.9, {-87.3365479f, 87.3365479f, 103.972084f, -104.0f},
       {{1e-6f, 20.0f, 1u << 20, true}, {80.0f, 105.0f, 1u << 18, true}},
       {{0.0f, 1.0f}, {-0.0f, 1.0f}, {kInf, 0.0f}, {-kInf, 0.0f}}, [](float x) { return !std::isnan(x); }},
      {"sigmoid_parts(x,104,keep_nan).E",
       ACTGEN_CONTRACT_EXPR([](Expr x) { return math::sigmoid_parts(x, Expr(), 104.0f, false, true).E; })
       [](float x) { return exp_minus_abs_ld(x, 104); }, 0.9, {}, {{1e-6f, 20.0f, 1u << 18, true}},
       {{kNaN, kNaN}, {-kNaN, kNaN}, {0.0f, 1.0f}, {kInf, 0.0f}}},
      {"sigmoid_parts(x,104).D",
       ACTGEN_CONTRACT_EXPR([](Expr x) { return math::sigmoid_parts(x, Expr(), 104.0f, false).D; })
       [](float x) { return 1 + exp_minus_abs_ld(x, 104); }, 1.0, {}, {{1e-8f, 20.0f, 1u << 20, true}},
       {{0.0f, 2.0f}, {kInf, 1.0f}, {-kInf, 1.0f}}, [](float x) { return !std::isnan(x); }},
      {"sigmoid_parts(x,193).E*2^kr", ACTGEN_CONTRACT_EXPR([](Expr x) {
         math::SigmoidParts p = math::sigmoid_parts(x, Expr(), 193.0f, false);
         return math::scale_pow2_nonpos(p.E, p.kr);
       }) [](float x) { return exp_minus_abs_ld(x, 193); }, 1.5, {86.6f, 87.3365479f, 103.972084f, 125.0f, 193.0f},
       {{1e-6f, 20.0f, 1u << 20, true}, {80.0f, 195.0f, 1u << 19, true}},
       {{0.0f, 1.0f}, {kInf, 0.0f}, {-kInf, 0.0f}}, [](float x) { return !std::isnan(x); }},
      {"sigmoid_parts(x,112,low).E+El", ACTGEN_CONTRACT_EXPR([](Expr x) {
         math::SigmoidParts p = math::sigmoid_parts(x, Expr(), 112.0f, true);
         return p.E + p.El;
       }) [](float x) { return exp_minus_abs_ld(x, 112); }, 0.8, {86.0f, -86.0f},
       {{1e-6f, 20.0f, 1u << 20, true}, {20.0f, 86.0f, 1u << 19, true}},
       {{0.0f, 1.0f}, {-0.0f, 1.0f}}, [](float x) { return std::fabs(x) <= 86.0f; }},
      {"sigmoid_parts(x,112,low).E*2^kr", ACTGEN_CONTRACT_EXPR([](Expr x) {
         math::SigmoidParts p = math::sigmoid_parts(x, Expr(), 112.0f, true);
         return math::scale_pow2_nonpos(p.E, p.kr);
       }) [](float x) { return exp_minus_abs_ld(x, 112); }, 1.5, {86.6f, 87.3365479f, 103.972084f, 112.0f},
       {{80.0f, 113.0f, 1u << 19, true}}, {{kInf, 0.0f}}, [](float x) { return !std::isnan(x); }},
  };
  return rows;
}

// n floats evenly spaced in bit pattern between a and b (same sign, |a| <= |b|), both included.
inline void add_dense(std::vector<float> &v, float a, float b, uint32_t n) {
  uint32_t ba = floatbits::bits(a), bb = floatbits::bits(b);
  if (ba > bb) std::swap(ba, bb);
  uint64_t span = uint64_t{bb} - ba;
  uint64_t step = std::max<uint64_t>(1, span / n);
  for (uint64_t b = ba; b <= bb; b += step) v.push_back(floatbits::from_bits(static_cast<uint32_t>(b)));
}

// A row's inputs: every (kStride / scale)-th bit pattern of the 2^32, the special values, the row's edges +-1 ulp
// and its dense sweeps with scale times their points (0 < scale <= 1: ACTGEN_TEST_INPUT_SCALE under emulation;
// the edges and specials are always all there), restricted to its domain.
inline std::vector<float> inputs(const Row &r, double scale) {
  const float lim_inf = std::numeric_limits<float>::infinity();
  const uint32_t stride = static_cast<uint32_t>(std::max(1.0, std::round(kStride / scale)));
  std::vector<float> all;
  for (uint64_t b = 0; b < (uint64_t{1} << 32); b += stride)
    all.push_back(floatbits::from_bits(static_cast<uint32_t>(b)));
  const float specials[] = {0.0f, -0.0f, lim_inf, -lim_inf, kNaN, -kNaN,
                            std::numeric_limits<float>::min(), -std::numeric_limits<float>::min(), kMax, -kMax,
                            kDmin, -kDmin, floatbits::from_bits(0x007fffffu), floatbits::from_bits(0x807fffffu),
                            floatbits::from_bits(0x00400000u), floatbits::from_bits(0x80400000u),
                            floatbits::from_bits(0x00000003u), floatbits::from_bits(0x80000003u), 1.0f, -1.0f};
  all.insert(all.end(), std::begin(specials), std::end(specials));
  for (float p : r.edges) {
    all.push_back(p);
    if (std::isfinite(p)) {
      all.push_back(std::nextafter(p, lim_inf));
      all.push_back(std::nextafter(p, -lim_inf));
    }
  }
  for (const Dense &d : r.dense) {
    const uint32_t n = static_cast<uint32_t>(std::max(64.0, d.n * scale));
    add_dense(all, d.a, d.b, n);
    if (d.both_signs) add_dense(all, -d.a, -d.b, n);
  }
  if (!r.domain) return all;
  std::vector<float> in;
  for (float x : all)
    if (r.domain(x)) in.push_back(x);
  return in;
}

}  // namespace contract
}  // namespace actgen::mathtest

#undef ACTGEN_CONTRACT_EXPR

#endif  // ACTGEN_TESTS_MATH_CONTRACT_TABLE_H
