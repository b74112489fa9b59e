// fit_poly: polynomial fits for actgen's math library (developer tool, not part of the build).
//
// Build and run:
//   g++ -O2 -std=c++17 -ffp-contract=off -o /tmp/fit_poly scripts/fit/fit_poly.cpp && /tmp/fit_poly FUNC LO HI DEG [C]
//
// Interpolates f(v) at the DEG+1 Chebyshev nodes of [LO, HI] in long double (near-minimax), converts the
// interpolant to monomial form p(v) = c0 + c1 v + ... + cDEG v^DEG, rounds the coefficients to float and prints
// them, then measures on 2^20 float points v of [LO, HI] (plus the ends):
//   approx: the max relative error of p with the float coefficients, evaluated in long double, in units of 2^-24;
//   horner: the max error of the float Horner evaluation in ulp of the float nearest f(v), without FMA
//           (separately rounded a*v+c, as on sse41) and with FMA (avx2, avx512).
// FUNC (C is the centre where the function takes one):
//   cdf_central  v = x^2:         f = (Phi(x) - 1/2) / x             (Phi(x) = erfc(-x/sqrt2)/2)
//   mills        v = t - C:       f = Mills ratio Q(t)/phi(t), t = C + v (Q = 1 - Phi, phi = normal pdf)
// FUNC_w (e.g. mills_w): fits f(v) - c0_hi, c0_hi = float(f(0)), measuring errors against f (for evaluating
// c0_hi + w(v) with c0_hi kept exact in a double-float product).
//   mills_tail   v = 1/t^2 - C:   f = (1 - t M(t)) t^2, t = 1/sqrt(C + v) (M = Q(t)/phi(t); t M(t) = 1 - v H(v));
//                                 errors in units of t M(t) (v H's share of it), not of f
//   mills_s      v = s - D, s = 1/(1 + C t): f = (1 + C t) Q(t) e^(t^2/2) = Q(t) e^(t^2/2) / s (t = (1/s - 1)/C;
//                D, the centre, is a further argument after C, default 0)
//   xmt          v = x^2 - C:     f = (x - tanh x) / x^3
//   xmt_shift    v = x - C:       f = x - tanh x, x = C + v
//   log1p_r      v = E - C:       f = (log(1 + E) - E) / E^2 (log(1 + E) = E + E^2 f(E)); errors in units of
//                                 log(1 + E) / E^2, i.e. of the result log(1 + E), not of f
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

typedef long double ld;
static const ld PI_L = 3.141592653589793238462643383279502884L;

// x - tanh x in long double without cancellation: Taylor series for |x| < 0.5 (coefficients of tanh from
// (k+1) t_{k+1} = [k == 0] - sum_{i+j=k} t_i t_j), direct formula beyond.
static ld x_minus_tanh_ld(ld x) {
  if (std::fabs(x) >= 0.5L) return x - std::tanh(x);
  static std::vector<ld> t;
  if (t.empty()) {
    const int N = 80;
    t.assign(N + 1, 0.0L);
    for (int k = 0; k < N; ++k) {
      ld s = (k == 0) ? 1.0L : 0.0L;
      for (int i = 0; i <= k; ++i) s -= t[i] * t[k - i];
      t[k + 1] = s / (k + 1);
    }
  }
  ld x2 = x * x, p = 0.0L;
  for (int k = 79; k >= 3; k -= 2) p = p * x2 - t[k];  // -(sum_{k>=3} t_k x^{k-3})
  return p * x * x2;
}

static ld Q(ld t) { return std::erfc(t / std::sqrt(2.0L)) / 2.0L; }
static ld phi(ld t) { return std::exp(-t * t / 2.0L) / std::sqrt(2.0L * PI_L); }

typedef std::function<ld(ld)> Fn;

// FUNC's f and g (the size errors are measured against: ulp of g(v); default |f|), C its centre and D the
// further argument of mills_s. False for an unknown FUNC.
static bool function_named(const std::string &name, ld C, ld D, Fn *f_out, Fn *g_out) {
  Fn f, g;
  if (name == "cdf_central") {
    f = [](ld u) {
      if (u < 1e-30L) return 1.0L / std::sqrt(2.0L * PI_L);
      ld x = std::sqrt(u);
      return std::erf(x / std::sqrt(2.0L)) / 2.0L / x;
    };
  } else if (name == "mills") {
    f = [C](ld d) { ld t = C + d; return Q(t) / phi(t); };
  } else if (name == "mills_tail") {
    f = [C](ld v) { ld s = C + v, t = 1 / std::sqrt(s); return (1 - t * Q(t) / phi(t)) / s; };
    // errors in units of t M(t) = 1 - v H(v) (what H's error costs there), not of H
    g = [C](ld v) { ld s = C + v, t = 1 / std::sqrt(s); return t * Q(t) / phi(t) / s; };
  } else if (name == "mills_s") {
    f = [C, D](ld v) {
      ld s = v + D, t = (1 / s - 1) / C;
      return Q(t) * std::exp(t * t / 2) / s;
    };
  } else if (name == "xmt") {
    f = [C](ld v) {
      ld u = C + v;
      if (u < 1e-30L) return 1.0L / 3.0L;
      ld x = std::sqrt(u);
      return x_minus_tanh_ld(x) / (x * u);
    };
  } else if (name == "xmt_shift") {
    f = [C](ld d) { return x_minus_tanh_ld(C + d); };
  } else if (name == "log1p_r") {
    f = [C](ld v) {
      ld E = C + v;
      if (std::fabs(E) < 1e-4L) {  // series: -1/2 + E/3 - E^2/4 + ...
        ld s = 0;
        for (int k = 12; k >= 2; --k) s = s * E + ((k % 2) ? 1.0L : -1.0L) / k;
        return s;
      }
      return (std::log1p(E) - E) / (E * E);
    };
    g = [C](ld v) {
      ld E = C + v;
      if (std::fabs(E) < 1e-30L) return 1e30L;
      return std::log1p(E) / (E * E);
    };
  } else {
    return false;
  }
  *f_out = f;
  *g_out = g ? g : f;
  return true;
}

// The interpolant of f at the n+1 first-kind Chebyshev nodes of [lo, hi], in monomials of v: c0 + c1 v + ...
static std::vector<ld> chebyshev_fit(const Fn &f, ld lo, ld hi, int n) {
  // Chebyshev coefficients a_k of the interpolant at the first-kind nodes.
  std::vector<ld> fv(n + 1), a(n + 1, 0.0L);
  for (int j = 0; j <= n; ++j) {
    ld s = std::cos(PI_L * (j + 0.5L) / (n + 1));
    fv[j] = f((hi + lo) / 2 + (hi - lo) / 2 * s);
  }
  for (int k = 0; k <= n; ++k) {
    ld sum = 0;
    for (int j = 0; j <= n; ++j) sum += fv[j] * std::cos(PI_L * k * (j + 0.5L) / (n + 1));
    a[k] = sum * 2.0L / (n + 1);
  }
  a[0] /= 2;
  // Monomials of s: T_k(s) via T_{k+1} = 2 s T_k - T_{k-1}.
  std::vector<std::vector<ld>> T(n + 1, std::vector<ld>(n + 1, 0.0L));
  T[0][0] = 1;
  if (n >= 1) T[1][1] = 1;
  for (int k = 1; k < n; ++k) {
    for (int i = 0; i <= n; ++i) {
      T[k + 1][i] = -T[k - 1][i] + (i > 0 ? 2 * T[k][i - 1] : 0.0L);
    }
  }
  std::vector<ld> ps(n + 1, 0.0L);  // polynomial in s
  for (int k = 0; k <= n; ++k)
    for (int i = 0; i <= n; ++i) ps[i] += a[k] * T[k][i];
  // s = alpha v + beta
  ld alpha = 2 / (hi - lo), beta = -(hi + lo) / (hi - lo);
  std::vector<ld> pv(n + 1, 0.0L);
  // Horner in polynomial arithmetic: pv = (((ps_n) * s + ps_{n-1}) * s + ...)
  for (int k = n; k >= 0; --k) {
    std::vector<ld> next(n + 1, 0.0L);
    for (int i = 0; i < n; ++i) {
      next[i + 1] += pv[i] * alpha;
      next[i] += pv[i] * beta;
    }
    next[0] += ps[k];
    pv = next;
  }
  return pv;
}

// Least squares in long double (modified Gram-Schmidt): overwrites x with the solution of min |A x - rhs|, A's
// columns given in col (m of them; both are consumed).
static void least_squares(std::vector<std::vector<ld>> &col, std::vector<ld> &rhs, ld *x) {
  const int m = int(col.size()), P = int(rhs.size());
  std::vector<std::vector<ld>> R(m, std::vector<ld>(m, 0.0L));
  std::vector<ld> qb(m);
  for (int i = 0; i < m; ++i) {
    for (int l = 0; l < i; ++l) {
      ld d = 0;
      for (int j = 0; j < P; ++j) d += col[l][j] * col[i][j];
      R[l][i] = d;
      for (int j = 0; j < P; ++j) col[i][j] -= d * col[l][j];
    }
    ld nn = 0;
    for (int j = 0; j < P; ++j) nn += col[i][j] * col[i][j];
    nn = std::sqrt(nn);
    R[i][i] = nn;
    for (int j = 0; j < P; ++j) col[i][j] /= nn;
    ld d = 0;
    for (int j = 0; j < P; ++j) d += col[i][j] * rhs[j];
    qb[i] = d;
    for (int j = 0; j < P; ++j) rhs[j] -= d * col[i][j];
  }
  for (int i = m - 1; i >= 0; --i) {
    ld xi = qb[i];
    for (int l = i + 1; l < m; ++l) xi -= R[i][l] * x[l];
    x[i] = xi / R[i][i];
  }
}

// Rounds c0, c1, ... of pv to float one at a time; after each, refits the higher coefficients by least squares of
// the relative error (relative to g) on 16(n+1) Chebyshev-distributed points, so that they absorb the rounding
// errors of the lower ones.
static std::vector<float> round_to_float(std::vector<ld> pv, const Fn &f, const Fn &g, ld lo, ld hi) {
  const int n = int(pv.size()) - 1;
  std::vector<float> cf(n + 1);
  for (int k = 0; k <= n; ++k) {
    cf[k] = (float)pv[k];
    int m = n - k;  // unknowns c_{k+1}..c_n
    if (m <= 0) break;
    int P = 16 * (n + 1);
    std::vector<std::vector<ld>> col(m, std::vector<ld>(P));
    std::vector<ld> rhs(P);
    for (int j = 0; j < P; ++j) {
      ld s = std::cos(PI_L * (j + 0.5L) / P);
      ld v = (hi + lo) / 2 + (hi - lo) / 2 * s;
      ld fx = f(v), w = 1 / std::fabs(g(v)), r = fx, vp = 1;
      for (int i = 0; i <= k; ++i) r -= cf[i] * vp, vp *= v;
      for (int i = 0; i < m; ++i) col[i][j] = vp * w, vp *= v;
      rhs[j] = r * w;
    }
    least_squares(col, rhs, &pv[k + 1]);
  }
  return cf;
}

// The largest errors of the float coefficients cf on 2^20 float points of [lo, hi] (plus the ends), each with
// where it occurred: approx (exact evaluation, x2^-24 relative to g), and the float Horner evaluation without and
// with FMA (ulp of g).
struct Errors {
  double approx = 0, nofma = 0, fma = 0;
  ld at_approx = 0, at_nofma = 0, at_fma = 0;
};

static Errors measure(const std::vector<float> &cf, const Fn &f, const Fn &g, ld lo, ld hi) {
  const int n = int(cf.size()) - 1;
  auto ulp_of = [](ld e) {
    ld a = std::fabs(e);
    int ex;
    if (a < 0x1p-126L) return std::ldexp(1.0L, -149);
    std::frexp(a, &ex);
    return std::ldexp(1.0L, ex - 24);
  };
  Errors e;
  const int S = 1 << 20;
  for (int j = 0; j <= S; ++j) {
    float v = (float)(lo + (hi - lo) * j / S);
    if (v < lo) v = std::nextafter(v, INFINITY);
    if (v > hi) v = std::nextafter(v, -INFINITY);
    ld ex = f(v);
    ld pl = 0;
    for (int i = n; i >= 0; --i) pl = pl * v + cf[i];
    float p1 = cf[n], p2 = cf[n];
    for (int i = n - 1; i >= 0; --i) {
      float m = p1 * v;
      p1 = m + cf[i];
      p2 = std::fmaf(p2, v, cf[i]);
    }
    ld gx = g(v);
    double ea = (double)(std::fabs(pl - ex) / std::fabs(gx) * 0x1p24L);
    double e1 = (double)(std::fabs(p1 - ex) / ulp_of(gx));
    double e2 = (double)(std::fabs(p2 - ex) / ulp_of(gx));
    if (ea > e.approx) e.approx = ea, e.at_approx = v;
    if (e1 > e.nofma) e.nofma = e1, e.at_nofma = v;
    if (e2 > e.fma) e.fma = e2, e.at_fma = v;
  }
  return e;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: fit_poly FUNC LO HI DEG [C]\n");
    return 2;
  }
  std::string name = argv[1];
  // FUNC_w: fit w(v) = f(v) - c0_hi with c0_hi = float(f(0)) (the caller keeps c0_hi exact and adds w), errors
  // still measured against f.
  bool wmode = name.size() > 2 && name.substr(name.size() - 2) == "_w";
  if (wmode) name = name.substr(0, name.size() - 2);
  ld lo = std::strtold(argv[2], nullptr), hi = std::strtold(argv[3], nullptr);
  int n = std::atoi(argv[4]);
  ld C = argc > 5 ? std::strtold(argv[5], nullptr) : 0.0L;
  ld D = argc > 6 ? std::strtold(argv[6], nullptr) : 0.0L;
  Fn f, g;
  if (!function_named(name, C, D, &f, &g)) {
    std::fprintf(stderr, "unknown FUNC %s\n", name.c_str());
    return 2;
  }
  if (wmode) {
    auto fb = f;
    ld c0 = (float)fb(0.0L);
    std::printf("// c0_hi = %.9ef\n", (double)c0);
    f = [fb, c0](ld v) { return fb(v) - c0; };
    g = fb;
  }

  const std::vector<float> cf = round_to_float(chebyshev_fit(f, lo, hi, n), f, g, lo, hi);
  const Errors e = measure(cf, f, g, lo, hi);
  std::printf("// fit_poly %s %s %s %d%s%s%s%s\n", argv[1], argv[2], argv[3], n, argc > 5 ? " " : "",
              argc > 5 ? argv[5] : "", argc > 6 ? " " : "", argc > 6 ? argv[6] : "");
  std::printf("// approx %.3f (x2^-24 rel, at %.6Lg); horner no-FMA %.3f ulp (at %.6Lg), FMA %.3f ulp (at %.6Lg)\n",
              e.approx, e.at_approx, e.nofma, e.at_nofma, e.fma, e.at_fma);
  std::printf("{");
  for (int i = 0; i <= n; ++i) std::printf("%s%.9ef", i ? ", " : "", (double)cf[i]);
  std::printf("}\n");
  return 0;
}
