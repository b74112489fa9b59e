// Scalar long-double oracle; see oracle.h. Independent of dsl/.
#include "oracle.h"

#include <cerrno>
#include <cfloat>
#include <cmath>
#include <cstdlib>

namespace oracle {
namespace {

using L = long double;

constexpr L kSqrt1_2 = 0.707106781186547524400844362104849039284835938L;
constexpr L kInvSqrt2Pi = 0.398942280401432677939946059934381868475858631L;
constexpr L kSqrt2OverPi = 0.797884560802865355879892119868763736951717262L;
constexpr L kGeluTanhCubic = 0.044715L;
constexpr L kQuickGeluBeta = 1.702L;
constexpr L kSeluAlpha = 1.6732632423543772848170429916717L;
constexpr L kSeluScale = 1.0507009873554804934193349852946L;

L sigmoid_l(L t) { return 1.0L / (1.0L + expl(-t)); }  // exact limits at +-inf, no cancellation

std::vector<L> no_kinks(const L *) { return {}; }
std::vector<L> kink0(const L *) { return {0.0L}; }

// ---- relu family ------------------------------------------------------------------------------------------------
L relu_f(L x, const L *) { return x > 0 ? x : 0.0L; }
L relu_df(L x, const L *) { return x > 0 ? 1.0L : 0.0L; }

// leaky_relu / prelu: x > 0 ? x : s x; derivative x > 0 ? 1 : s (PyTorch: slope at 0).
L leaky_f(L x, const L *p) { return x > 0 ? x : (p[0] == 0 ? 0.0L : p[0] * x); }
L leaky_df(L x, const L *p) { return x > 0 ? 1.0L : p[0]; }

// elu: x > 0 ? x : alpha (e^x - 1); derivative x <= 0 ? alpha e^x : 1 (PyTorch: elu'(0) = alpha).
L elu_f(L x, const L *p) { return x > 0 ? x : p[0] * expm1l(x); }
L elu_df(L x, const L *p) { return x > 0 ? 1.0L : p[0] * expl(x); }

L selu_f(L x, const L *) { return kSeluScale * (x > 0 ? x : kSeluAlpha * expm1l(x)); }
L selu_df(L x, const L *) { return kSeluScale * (x > 0 ? 1.0L : kSeluAlpha * expl(x)); }

// celu = PyTorch's elu with input scale 1/alpha: x <= 0 ? alpha (e^{x/alpha} - 1) : x; derivative e^{x/alpha}
// for x <= 0 (1 at 0). Equals max(0,x) + min(0, alpha (e^{x/alpha} - 1)) for alpha > 0.
L celu_f(L x, const L *p) { return x > 0 ? x : p[0] * expm1l(x / p[0]); }
L celu_df(L x, const L *p) { return x > 0 ? 1.0L : expl(x / p[0]); }

// ---- gelu -------------------------------------------------------------------------------------------------------
// x Phi(x) = 0.5 x erfc(-x/sqrt2): erfc keeps full relative accuracy in the left tail (gelu(-10) ~ 7.7e-23), and
// the long-double rounding of -x/sqrt2 (2^-64 relative, condition number 2t^2 <= ~200 where the result is still
// representable in float) costs nothing.
L gelu_f(L x, const L *) {
  if (std::isinf(x)) return x > 0 ? x : 0.0L;
  return 0.5L * x * erfcl(-x * kSqrt1_2);
}
// Phi(x) + x phi(x).
L gelu_df(L x, const L *) {
  if (std::isinf(x)) return x > 0 ? 1.0L : 0.0L;
  return 0.5L * erfcl(-x * kSqrt1_2) + x * kInvSqrt2Pi * expl(-0.5L * x * x);
}

// 0.5 x (1 + tanh(u)) = x sigmoid(2u), u = sqrt(2/pi)(x + 0.044715 x^3): no cancellation for x < 0.
L gelu_tanh_u(L x) { return kSqrt2OverPi * (x + kGeluTanhCubic * x * x * x); }
L gelu_tanh_f(L x, const L *) {
  if (std::isinf(x)) return x > 0 ? x : 0.0L;
  return x * sigmoid_l(2.0L * gelu_tanh_u(x));
}
// d/dx x s(2u) = s(2u) (1 + 2 x u' s(-2u)), u' = sqrt(2/pi)(1 + 3*0.044715 x^2).
L gelu_tanh_df(L x, const L *) {
  if (std::isinf(x)) return x > 0 ? 1.0L : 0.0L;
  L u = gelu_tanh_u(x);
  L up = kSqrt2OverPi * (1.0L + 3.0L * kGeluTanhCubic * x * x);
  return sigmoid_l(2.0L * u) * (1.0L + 2.0L * x * up * sigmoid_l(-2.0L * u));
}

// ---- sigmoid family ---------------------------------------------------------------------------------------------
L sigmoid_f(L x, const L *) { return sigmoid_l(x); }
L sigmoid_df(L x, const L *) { return sigmoid_l(x) * sigmoid_l(-x); }  // s(1-s) without cancellation

L tanh_f(L x, const L *) { return tanhl(x); }
// 1 - tanh^2 = sech^2 = 4 e^{-2|x|} / (1 + e^{-2|x|})^2, no cancellation in the tails.
L tanh_df(L x, const L *) {
  L e = expl(-2.0L * fabsl(x));
  return 4.0L * e / ((1.0L + e) * (1.0L + e));
}

// swish(x; beta) = x sigmoid(beta x); derivative s(bx) (1 + bx s(-bx)). Limits at +-inf depend on sign(beta).
L swish_generic_f(L x, L b) {
  if (std::isinf(x)) {
    if (b == 0) return 0.5L * x;
    return (x > 0) == (b > 0) ? x : 0.0L;
  }
  return x * sigmoid_l(b * x);
}
L swish_generic_df(L x, L b) {
  if (std::isinf(x)) {
    if (b == 0) return 0.5L;
    return (x > 0) == (b > 0) ? 1.0L : 0.0L;
  }
  L t = b * x;
  return sigmoid_l(t) * (1.0L + t * sigmoid_l(-t));
}
L silu_f(L x, const L *) { return swish_generic_f(x, 1.0L); }
L silu_df(L x, const L *) { return swish_generic_df(x, 1.0L); }
L swish_f(L x, const L *p) { return swish_generic_f(x, p[0]); }
L swish_df(L x, const L *p) { return swish_generic_df(x, p[0]); }
L quick_gelu_f(L x, const L *) { return swish_generic_f(x, kQuickGeluBeta); }
L quick_gelu_df(L x, const L *) { return swish_generic_df(x, kQuickGeluBeta); }

// mish = x tanh(softplus(x)); derivative tanh(sp) + x sech^2(sp) sigmoid(x), sech^2(sp) = 4 / (A + 1/A)^2 with
// A = e^{sp} = 1 + e^x (no cancellation for large x).
L mish_f(L x, const L *) {
  if (std::isinf(x)) return x > 0 ? x : 0.0L;
  return x * tanhl(log1pl(expl(x)));
}
L mish_df(L x, const L *) {
  if (std::isinf(x)) return x > 0 ? 1.0L : 0.0L;
  L e = expl(x);
  L t = tanhl(log1pl(e));
  L a = 1.0L + e;
  L s = a + 1.0L / a;
  L sech2 = std::isinf(a) ? 0.0L : 4.0L / (s * s);
  return t + x * sech2 * sigmoid_l(x);
}

// softplus(beta, threshold): beta x > threshold ? x : log1p(e^{beta x}) / beta; derivative 1 or sigmoid(beta x).
// The comparison is on the exact product (beta x is exact in long double).
L softplus_f(L x, const L *p) {
  L bx = p[0] * x;
  if (bx > p[1]) return x;
  return log1pl(expl(bx)) / p[0];
}
L softplus_df(L x, const L *p) {
  L bx = p[0] * x;
  if (bx > p[1]) return 1.0L;
  return sigmoid_l(bx);
}
std::vector<L> softplus_kinks(const L *p) { return {0.0L, p[1] / p[0]}; }

// ---- piecewise linear -------------------------------------------------------------------------------------------
L relu6_f(L x, const L *) { return x <= 0 ? 0.0L : (x >= 6 ? 6.0L : x); }
L relu6_df(L x, const L *) { return (x > 0 && x < 6) ? 1.0L : 0.0L; }
std::vector<L> relu6_kinks(const L *) { return {0.0L, 6.0L}; }

L hardtanh_f(L x, const L *p) { return x < p[0] ? p[0] : (x > p[1] ? p[1] : x); }
L hardtanh_df(L x, const L *p) { return (x > p[0] && x < p[1]) ? 1.0L : 0.0L; }
std::vector<L> hardtanh_kinks(const L *p) { return {p[0], p[1]}; }

// (x + 3) / 6: x + 3 is exact in long double, so the result has full relative accuracy near -3.
L hardsigmoid_f(L x, const L *) { return x <= -3 ? 0.0L : (x >= 3 ? 1.0L : (x + 3.0L) / 6.0L); }
L hardsigmoid_df(L x, const L *) { return (x > -3 && x < 3) ? 1.0L / 6.0L : 0.0L; }
std::vector<L> pm3_kinks(const L *) { return {-3.0L, 0.0L, 3.0L}; }

// hardswish = x relu6(x+3)/6; PyTorch's derivative (since pytorch/pytorch#148049, 2025): x <= -3 ? 0 : x < 3 ?
// x/3 + 1/2 : 1, i.e. the one-sided derivative of the flat side at -3 (0) and of the linear side at 3 (1).
L hardswish_f(L x, const L *) { return x <= -3 ? 0.0L : (x >= 3 ? x : x * (x + 3.0L) / 6.0L); }
L hardswish_df(L x, const L *) {
  if (x <= -3) return 0.0L;
  if (x < 3) return (2.0L * x + 3.0L) / 6.0L;  // 2x + 3 exact: accurate near the zero at -1.5
  return 1.0L;
}

// ---- others -----------------------------------------------------------------------------------------------------
// logsigmoid = -softplus(-x): x < 0: x - log1p(e^x); x >= 0: -log1p(e^{-x}) (full accuracy at large x).
L logsigmoid_f(L x, const L *) { return x < 0 ? x - log1pl(expl(x)) : -log1pl(expl(-x)); }
L logsigmoid_df(L x, const L *) { return sigmoid_l(-x); }

L softsign_f(L x, const L *) {
  if (std::isinf(x)) return x > 0 ? 1.0L : -1.0L;
  return x / (1.0L + fabsl(x));
}
L softsign_df(L x, const L *) {
  if (std::isinf(x)) return 0.0L;
  L d = 1.0L + fabsl(x);
  return 1.0L / (d * d);
}

// tanhshrink = x - tanh x; series near 0 (x - tanhl(x) would lose 3*2^-64/x^2 relative).
L tanhshrink_f(L x, const L *) {
  if (std::isinf(x)) return x;
  if (fabsl(x) < 0.1L) {
    L z = x * x;
    L s = 929569.0L / 638512875.0L;
    s = s * z - 21844.0L / 6081075.0L;
    s = s * z + 1382.0L / 155925.0L;
    s = s * z - 62.0L / 2835.0L;
    s = s * z + 17.0L / 315.0L;
    s = s * z - 2.0L / 15.0L;
    s = s * z + 1.0L / 3.0L;
    return x * z * s;
  }
  return x - tanhl(x);
}
L tanhshrink_df(L x, const L *) {
  L t = tanhl(x);
  return t * t;
}

L hardshrink_f(L x, const L *p) { return fabsl(x) > p[0] ? x : 0.0L; }
L shrink_df(L x, const L *p) { return fabsl(x) > p[0] ? 1.0L : 0.0L; }
std::vector<L> shrink_kinks(const L *p) { return {-p[0], 0.0L, p[0]}; }

L softshrink_f(L x, const L *p) { return x > p[0] ? x - p[0] : (x < -p[0] ? x + p[0] : 0.0L); }

// threshold(threshold, value): x > threshold ? x : value.
L threshold_f(L x, const L *p) { return x > p[0] ? x : p[1]; }
L threshold_df(L x, const L *p) { return x > p[0] ? 1.0L : 0.0L; }
std::vector<L> threshold_kinks(const L *p) { return {p[0]}; }

L squared_relu_f(L x, const L *) { return x > 0 ? x * x : 0.0L; }
L squared_relu_df(L x, const L *) { return x > 0 ? 2.0L * x : 0.0L; }

std::vector<Entry> make_entries() {
  return {
      {"relu", {}, {}, relu_f, relu_df, kink0, {}},
      {"leaky_relu", {"negative_slope"}, {0.01}, leaky_f, leaky_df, kink0,
       {"negative_slope=0.2", "negative_slope=-0.5", "negative_slope=0"}},
      {"prelu", {"weight"}, {0.25}, leaky_f, leaky_df, kink0, {"weight=0.1", "weight=-1.5", "weight=0"}},
      {"elu", {"alpha"}, {1.0}, elu_f, elu_df, kink0, {"alpha=0.5", "alpha=2.5"}},
      {"selu", {}, {}, selu_f, selu_df, kink0, {}},
      {"celu", {"alpha"}, {1.0}, celu_f, celu_df, kink0, {"alpha=0.5", "alpha=2", "alpha=-1.5"}},
      {"gelu", {}, {}, gelu_f, gelu_df, kink0, {}},
      {"gelu_tanh", {}, {}, gelu_tanh_f, gelu_tanh_df, kink0, {}},
      {"sigmoid", {}, {}, sigmoid_f, sigmoid_df, kink0, {}},
      {"tanh", {}, {}, tanh_f, tanh_df, kink0, {}},
      {"silu", {}, {}, silu_f, silu_df, kink0, {}},
      {"swish", {"beta"}, {1.0}, swish_f, swish_df, kink0, {"beta=2", "beta=0.5", "beta=1.702", "beta=-1.5", "beta=-0.5"}},
      {"quick_gelu", {}, {}, quick_gelu_f, quick_gelu_df, kink0, {}},
      {"mish", {}, {}, mish_f, mish_df, kink0, {}},
      {"softplus", {"beta", "threshold"}, {1.0, 20.0}, softplus_f, softplus_df, softplus_kinks,
       {"beta=2,threshold=10", "beta=0.5", "threshold=5"}},
      {"relu6", {}, {}, relu6_f, relu6_df, relu6_kinks, {}},
      {"hardtanh", {"min_val", "max_val"}, {-1.0, 1.0}, hardtanh_f, hardtanh_df, hardtanh_kinks,
       {"min_val=-2,max_val=3", "min_val=-0.25,max_val=0.75"}},
      {"hardsigmoid", {}, {}, hardsigmoid_f, hardsigmoid_df, pm3_kinks, {}},
      {"hardswish", {}, {}, hardswish_f, hardswish_df, pm3_kinks, {}},
      {"logsigmoid", {}, {}, logsigmoid_f, logsigmoid_df, kink0, {}},
      {"softsign", {}, {}, softsign_f, softsign_df, kink0, {}},
      {"tanhshrink", {}, {}, tanhshrink_f, tanhshrink_df, kink0, {}},
      {"hardshrink", {"lambd"}, {0.5}, hardshrink_f, shrink_df, shrink_kinks, {"lambd=1", "lambd=0", "lambd=2.5"}},
      {"softshrink", {"lambd"}, {0.5}, softshrink_f, shrink_df, shrink_kinks, {"lambd=1", "lambd=0", "lambd=2.5"}},
      {"threshold", {"threshold", "value"}, {0.0, 0.0}, threshold_f, threshold_df, threshold_kinks,
       {"threshold=1,value=-2", "threshold=-0.5,value=0.25"}},
      {"squared_relu", {}, {}, squared_relu_f, squared_relu_df, kink0, {}},
  };
}

}  // namespace

const std::vector<Entry> &entries() {
  static const std::vector<Entry> all = make_entries();
  return all;
}

const Entry *find(const std::string &name) {
  for (const Entry &e : entries())
    if (name == e.name) return &e;
  return nullptr;
}

long double forward(const Entry &e, long double x, const long double *p) {
  if (std::isnan(x)) return x;
  return e.f(x, p);
}

long double derivative(const Entry &e, long double x, const long double *p) {
  if (std::isnan(x)) return x;
  return e.df(x, p);
}

double ulp_error(float got, long double exact) {
  if (std::isnan(exact)) return std::isnan(got) ? 0.0 : INFINITY;
  if (std::isnan(got)) return INFINITY;
  if (std::isinf(exact)) return (std::isinf(got) && std::signbit(got) == std::signbit(exact)) ? 0.0 : INFINITY;
  const L two128 = ldexpl(1.0L, 128);
  L g = std::isinf(got) ? copysignl(two128, got) : (L)got;
  L e = exact;
  if (e > two128) e = two128;
  if (e < -two128) e = -two128;
  L a = fabsl(e);
  L ulp;
  if (a < ldexpl(1.0L, -126)) {
    ulp = ldexpl(1.0L, -149);
  } else {
    int ex;
    frexpl(a, &ex);  // a = m 2^ex, m in [0.5, 1)
    ulp = ldexpl(1.0L, ex - 1 - 23);
  }
  return (double)(fabsl(g - e) / ulp);
}

bool parse_params(const std::string &s, std::vector<std::pair<std::string, double>> *out) {
  out->clear();
  if (s.empty()) return true;
  size_t pos = 0;
  while (true) {
    size_t comma = s.find(',', pos);
    std::string item = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) return false;
    std::string name = item.substr(0, eq), value = item.substr(eq + 1);
    char *end = nullptr;
    errno = 0;
    double v = std::strtod(value.c_str(), &end);
    if (end == value.c_str() || *end != '\0') return false;
    out->emplace_back(name, v);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return true;
}

std::vector<long double> params_for(const Entry &e, const std::string &spec) {
  std::vector<long double> p;
  for (double d : e.defaults) p.push_back((long double)(float)d);
  std::vector<std::pair<std::string, double>> given;
  parse_params(spec, &given);
  for (const auto &g : given)
    for (size_t k = 0; k < e.param_names.size(); ++k)
      if (e.param_names[k] == g.first) p[k] = (long double)(float)g.second;
  return p;
}

}  // namespace oracle
