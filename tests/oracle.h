// Scalar reference ("oracle") for every activation in the catalog, in long double (x87, 64-bit mantissa).
//
// Written independently of dsl/: plain <cmath> with formulations that avoid cancellation, so that the value
// returned is the exact mathematical value to far better than float precision (relative error < 1e-15 or so)
// for every float input, including the tails and subnormals.
//
// Conventions
// - p: parameter values in the entry's (= the catalog's) order, already rounded to float by the caller (the
//   kernels compute with (float)param). Constants that are part of a definition rather than parameters (selu's
//   alpha and scale, gelu_tanh's sqrt(2/pi) and 0.044715, quick_gelu's 1.702) are exact.
// - Derivatives follow PyTorch's conventions at kinks (relu'(0) = 0, hardtanh' = 0 at its bounds, elu'(0) = alpha,
//   hardswish'(-3) = 0 and hardswish'(3) = 1 as in PyTorch since pytorch/pytorch#148049, ...).
// - x may be +-inf: f and f' return their limits (silu(-inf) = 0, mish(-inf) = 0, sigmoid'(+-inf) = 0, ...).
// - NaN x gives NaN (handled in forward()/derivative()).
// - Backward expected value: dy * f'(x) evaluated in long double with f'(x) at its limit when x = +-inf.
//   Where that product is an indeterminate form (dy = 0 with f' infinite, e.g. squared_relu'(+inf)), the result
//   is the IEEE product (NaN); the accuracy tests never use dy = 0 or infinite dy, so this does not arise there.
#ifndef ACTGEN_TESTS_ORACLE_H
#define ACTGEN_TESTS_ORACLE_H

#include <string>
#include <vector>

namespace oracle {

using Fn = long double (*)(long double x, const long double *p);
using KinkFn = std::vector<long double> (*)(const long double *p);

struct Entry {
  const char *name;
  std::vector<std::string> param_names;  // expected catalog order (PyTorch's names)
  std::vector<double> defaults;          // expected defaults, same order
  Fn f;                                  // forward
  Fn df;                                 // derivative (PyTorch conventions at kinks)
  KinkFn kinks;                          // points where f or f' is not smooth, as a function of p
  std::vector<std::string> variants;     // parameter variants in the API's "name=value,name=value" syntax
};

// All entries (one per activation the tests know about).
const std::vector<Entry> &entries();

// Lookup by name; nullptr if the oracle has no entry (a test must then FAIL).
const Entry *find(const std::string &name);

// f(x) and f'(x), NaN for NaN x.
long double forward(const Entry &e, long double x, const long double *p);
long double derivative(const Entry &e, long double x, const long double *p);

// Error of a float result against an exact value, in units in the last place of the exact value
// (ulp(e) = 2^(exponent(e) - 23) for normal |e|, 2^-149 below FLT_MIN; +inf is treated as 2^128 when the exact
// value is finite, so an overflow to inf of a value beyond FLT_MAX counts as correct).
// NaN expected: 0 if got is NaN, else +inf. Infinite expected: 0 if got is the same infinity, else +inf.
// NaN got with a non-NaN expected value: +inf. The tests' one ulp measure: the kernel suites and tests/math's
// contract table (tests/math/test_contract.cpp) both use it.
double ulp_error(float got, long double exact);

// Parses "name=value,name=value" (the API syntax) into (name, value) pairs; returns false when malformed.
bool parse_params(const std::string &s, std::vector<std::pair<std::string, double>> *out);

// The parameters in e's order for the API string spec: e's defaults overridden by spec's values (names e lacks
// are ignored), each rounded to float as the kernels take them.
std::vector<long double> params_for(const Entry &e, const std::string &spec);

}  // namespace oracle

#endif
