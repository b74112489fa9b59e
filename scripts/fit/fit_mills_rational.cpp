// fit_mills_rational: rational fit of the Mills ratio M(t) = Q(t)/phi(t) for normal.cpp (developer tool, not
// part of the build).
//
// Build and run:
//   g++ -O2 -std=c++17 -ffp-contract=off -o /tmp/fit_mills_rational scripts/fit/fit_mills_rational.cpp
//   /tmp/fit_mills_rational LO HI N M [ITERS]
//
// Fits M(t) ~ P(t) / Q(t), deg P = N, deg Q = M, Q monic (leading coefficient 1), minimizing the relative error
// on 64(N+M+2) Chebyshev-distributed points of [LO, HI]: linearized least squares (P - f Q) / f with Loeb's
// reweighting by 1/|Q_prev|, then Lawson's reweighting (w *= |err|) towards the minimax error, all in long double.
// The coefficients are rounded to float (P's first, then Q's refitted, once) and printed; then the relative
// error of P/Q with the float coefficients (long double evaluation) and of the float Horner evaluation of P and Q
// (no FMA and FMA) is measured on 2^20 float points, in units of 2^-24.
//
// Not used by normal.cpp (kept as the record of a rejected option): on [0.65, 14.5] a monic 4/5 fit reaches
// 0.015 x 2^-24 in long double (0.46 with float coefficients), but evaluating P and Q by float Horner costs
// 6 to 8.5 x 2^-24 (degrees 4/5 to 7/8, FMA or not): far more than the ~1 ulp the Mills ratio may cost.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

typedef long double ld;
static const ld PI_L = 3.141592653589793238462643383279502884L;
static ld Qf(ld t) { return std::erfc(t / std::sqrt(2.0L)) / 2.0L; }
static ld phi(ld t) { return std::exp(-t * t / 2.0L) / std::sqrt(2.0L * PI_L); }
static ld mills(ld t) { return Qf(t) / phi(t); }

// Weighted least squares: minimize sum_j (A[j] . x - b[j])^2 (rows already weighted). Modified Gram-Schmidt.
static std::vector<ld> lsq(std::vector<std::vector<ld>> col, std::vector<ld> rhs) {
  int m = col.size(), P = rhs.size();
  std::vector<std::vector<ld>> R(m, std::vector<ld>(m, 0.0L));
  std::vector<ld> qb(m), x(m);
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
    ld v = qb[i];
    for (int l = i + 1; l < m; ++l) v -= R[i][l] * x[l];
    x[i] = v / R[i][i];
  }
  return x;
}

static ld horner(const std::vector<ld> &c, ld t) {
  ld r = 0;
  for (int i = (int)c.size() - 1; i >= 0; --i) r = r * t + c[i];
  return r;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: fit_mills_rational LO HI N M [ITERS]\n");
    return 2;
  }
  ld lo = std::strtold(argv[1], nullptr), hi = std::strtold(argv[2], nullptr);
  int n = std::atoi(argv[3]), m = std::atoi(argv[4]);
  int iters = argc > 5 ? std::atoi(argv[5]) : 40;
  int P = 64 * (n + m + 2);
  std::vector<ld> ts(P), fs(P), w(P, 1.0L), qprev(P, 1.0L);
  for (int j = 0; j < P; ++j) {
    ld s = std::cos(PI_L * (j + 0.5L) / P);
    ts[j] = (hi + lo) / 2 + (hi - lo) / 2 * s;
    fs[j] = mills(ts[j]);
  }
  std::vector<ld> p(n + 1), q(m + 1);
  // Unknowns: p_0..p_n, q_0..q_{m-1} (q_m = 1). Residual (P(t) - f Q(t)) / (f Qprev(t)) with weights w.
  auto solve = [&](const std::vector<ld> &pin, const std::vector<float> *pfix) {
    int nu = (pfix ? 0 : n + 1) + m;
    std::vector<std::vector<ld>> col(nu, std::vector<ld>(P));
    std::vector<ld> rhs(P);
    for (int j = 0; j < P; ++j) {
      ld t = ts[j], f = fs[j], sc = std::sqrt(w[j]) / (f * std::fabs(qprev[j]));
      int k = 0;
      ld tp = 1;
      ld known = f * std::pow(t, m);  // -(-f t^m) moved right: P - f(q' + t^m) = 0 -> P - f q' = f t^m
      if (pfix) {
        ld pv = 0, tp2 = 1;
        for (int i = 0; i <= n; ++i) pv += (ld)(*pfix)[i] * tp2, tp2 *= t;
        known -= pv;  // -f q' = f t^m - P
      } else {
        for (int i = 0; i <= n; ++i) col[k++][j] = tp * sc, tp *= t;
      }
      tp = 1;
      for (int i = 0; i < m; ++i) col[k++][j] = -f * tp * sc, tp *= t;
      rhs[j] = known * sc;
    }
    std::vector<ld> x = lsq(col, rhs);
    int k = 0;
    if (!pfix)
      for (int i = 0; i <= n; ++i) p[i] = x[k++];
    for (int i = 0; i < m; ++i) q[i] = x[k++];
    q[m] = 1;
  };
  ld best = 1e30L;
  std::vector<ld> bp, bq;
  for (int it = 0; it < iters; ++it) {
    solve(p, nullptr);
    ld emax = 0;
    std::vector<ld> err(P);
    for (int j = 0; j < P; ++j) {
      ld qq = horner(q, ts[j]);
      err[j] = std::fabs(horner(p, ts[j]) / qq / fs[j] - 1);
      emax = std::fmax(emax, err[j]);
      qprev[j] = qq;
    }
    if (emax < best) best = emax, bp = p, bq = q;
    // Lawson: w *= err (normalized), after a few pure Loeb steps.
    if (it >= 5) {
      ld s = 0;
      for (int j = 0; j < P; ++j) w[j] *= err[j] / emax + 1e-6L, s += w[j];
      for (int j = 0; j < P; ++j) w[j] /= s / P;
    }
  }
  p = bp, q = bq;
  // Round P to float, refit Q's free coefficients with P fixed (weights kept), round Q.
  std::vector<float> pf(n + 1), qf(m + 1);
  for (int i = 0; i <= n; ++i) pf[i] = (float)p[i];
  for (int j = 0; j < P; ++j) qprev[j] = horner(q, ts[j]), w[j] = 1;
  solve(p, &pf);
  for (int i = 0; i <= m; ++i) qf[i] = (float)q[i];
  std::printf("// fit_mills_rational %s %s %d %d %d: lsq max rel %.3Le (x2^-24: %.3Lf)\n", argv[1], argv[2], n, m,
              iters, best, best * 0x1p24L);
  double ea = 0, e1 = 0, e2 = 0;
  ld wa = 0, w1 = 0, w2 = 0;
  const int S = 1 << 20;
  for (int j = 0; j <= S; ++j) {
    float t = (float)(lo + (hi - lo) * j / S);
    ld ex = mills(t);
    ld pl = 0, ql = 0;
    for (int i = n; i >= 0; --i) pl = pl * t + pf[i];
    for (int i = m; i >= 0; --i) ql = ql * t + qf[i];
    float p1 = pf[n], p2 = pf[n], q1 = qf[m], q2 = qf[m];
    for (int i = n - 1; i >= 0; --i) {
      float mm = p1 * t;
      p1 = mm + pf[i];
      p2 = std::fmaf(p2, t, pf[i]);
    }
    for (int i = m - 1; i >= 0; --i) {
      float mm = q1 * t;
      q1 = mm + qf[i];
      q2 = std::fmaf(q2, t, qf[i]);
    }
    double a = (double)(std::fabs(pl / ql / ex - 1) * 0x1p24L);
    double b = (double)(std::fabs((ld)p1 / (ld)q1 / ex - 1) * 0x1p24L);
    double c = (double)(std::fabs((ld)p2 / (ld)q2 / ex - 1) * 0x1p24L);
    if (a > ea) ea = a, wa = t;
    if (b > e1) e1 = b, w1 = t;
    if (c > e2) e2 = c, w2 = t;
  }
  std::printf("// approx %.3f (x2^-24 rel, at %.6Lg); P/Q from float Horner (quotient exact): no-FMA %.3f (at %.6Lg), "
              "FMA %.3f (at %.6Lg)\n",
              ea, wa, e1, w1, e2, w2);
  std::printf("P {");
  for (int i = 0; i <= n; ++i) std::printf("%s%.9ef", i ? ", " : "", (double)pf[i]);
  std::printf("}\nQ {");
  for (int i = 0; i <= m; ++i) std::printf("%s%.9ef", i ? ", " : "", (double)qf[i]);
  std::printf("}\n");
  return 0;
}
