// Double-float helpers (split, two_prod, mul_df, add) and the FMA / contracting switches.
#include "dsl/math/internal.h"

#include <cmath>

#include <atomic>
#include <unordered_map>

namespace actgen::math {

using namespace Halide;

namespace {
std::atomic<bool> g_fma{false};
std::atomic<bool> g_contracting{false};
}  // namespace

void set_fma(bool on) { g_fma.store(on); }
bool fma_enabled() { return g_fma.load(); }
void set_contracting(bool on) { g_contracting.store(on); }
bool target_contracts(const Target &t) { return t.has_feature(Target::CUDA); }

bool target_has_fma(const Target &t) {
  // CUDA: the expression runs in the PTX kernel, where llvm.fma.f32 is one fma.rn.f32 (every CUDA GPU has it).
  if (t.has_feature(Target::CUDA)) return true;
  // AArch64: FMA (fmla / fmadd) is part of the base instruction set and of every Advanced SIMD unit.
  if (t.arch == Target::ARM && t.bits == 64) return true;
  if (t.arch != Target::X86 || t.bits != 64) return false;
  return t.has_feature(Target::FMA) || t.has_feature(Target::AVX512) || t.has_feature(Target::AVX512_KNL) ||
         t.has_feature(Target::AVX512_Skylake) || t.has_feature(Target::AVX512_Cannonlake) ||
         t.has_feature(Target::AVX512_SapphireRapids);
}

Expr add_product(Expr c, Expr a, Expr b) { return detail::use_fma() ? detail::fma(a, b, c) : c + a * b; }

namespace detail {
bool use_fma() { return g_fma.load(); }
bool contracting() { return g_contracting.load(); }

namespace {
// Rebuilds an expression with every float-typed node wrapped in strict_float (existing wrappers are dropped
// first so none is doubled). Memoized on node identity so shared subexpressions are visited once and stay shared.
class Strictify : public Internal::IRMutator {
 public:
  using IRMutator::mutate;
  Expr mutate(const Expr &e) override {
    if (!e.defined()) return e;
    auto it = cache_.find(e.get());
    if (it != cache_.end()) return it->second;
    Expr r;
    const Internal::Call *c = e.as<Internal::Call>();
    if (c && c->is_intrinsic(Internal::Call::strict_float)) {
      r = mutate(c->args[0]);
    } else {
      r = IRMutator::mutate(e);
      if (r.type().is_float() && !r.as<Internal::FloatImm>()) r = strict_float(r);
    }
    keep_.push_back(e);
    cache_.emplace(e.get(), r);
    return r;
  }

 private:
  std::unordered_map<const Internal::IRNode *, Expr> cache_;
  std::vector<Expr> keep_;
};
}  // namespace

}  // namespace detail

Expr strict(const Expr &e) { return detail::Strictify().mutate(e); }
DF strict(const DF &d) { return {strict(d.hi), strict(d.lo)}; }

Expr at_least(const Expr &x, const Expr &lo) { return select(x < lo, lo, x); }
Expr at_most(const Expr &x, const Expr &hi) { return select(x > hi, hi, x); }
Expr clamp_keeping_nan(const Expr &x, const Expr &lo, const Expr &hi) { return at_most(at_least(x, lo), hi); }

Expr neg_bits(const Expr &x) {
  return reinterpret(Float(32), reinterpret(UInt(32), x) ^ Internal::make_const(UInt(32), 0x80000000u));
}

DF fast_two_sum(const Expr &a, const Expr &b) {
  Expr s = a + b;
  Expr e = (a - s) + b;
  return {s, e};
}

DF exact_prod(const Expr &a, const Expr &b) {
  if (!detail::use_fma()) return two_prod(a, b);
  Expr p = detail::mul_head(a, b);
  return {p, detail::fma(a, b, neg_bits(p))};
}

using detail::two_sum;

namespace {
// Veltkamp split: a == ah + al with ah, al of at most 12 significant bits each, so products of halves are exact.
// 4097 = 2^12 + 1 splits a 24-bit significand into 12 + 12. a must be below ~2^115 (a * 4097 finite).
DF split(const Expr &a) {
  Expr c = a * 4097.0f;
  Expr ah = c - (c - a);
  Expr al = a - ah;
  return {ah, al};
}
}  // namespace

// Exact unless a * b overflows or its error term falls below the subnormal range.
DF two_prod(Expr a, Expr b) {
  if (detail::use_fma()) {
    // exact_prod's p + fma(a, b, -p) == a * b exactly (no splitting, no overflow of intermediates).
    DF e = exact_prod(a, b);
    return {strict(e.hi), strict(select(detail::is_finite_bits(e.hi), e.lo, 0.0f))};
  }
  // Without the FMA path (math::set_fma): Halide 14 has no fma intrinsic and contracts a*b - p into an FMA only
  // on some targets, so the exact error is computed with Dekker's algorithm, every node under strict_float so
  // nothing is reassociated or contracted. Operands above 2^100 are scaled by 2^-28 first (so the split cannot
  // overflow) and the product and error scaled back: exact, since both are powers of two.
  const float big = 1.2676506e30f, down = 3.7252903e-09f, up = 268435456.0f;  // 2^100, 2^-28, 2^28
  Expr ba = abs(a) > big, bb = abs(b) > big;
  Expr as = select(ba, a * down, a), bs = select(bb, b * down, b);
  Expr m = select(ba, up, 1.0f) * select(bb, up, 1.0f);
  Expr p = as * bs;
  DF x = split(as), y = split(bs);
  Expr e = ((x.hi * y.hi - p) + x.hi * y.lo + x.lo * y.hi) + x.lo * y.lo;
  Expr ph = p * m;
  // a * b infinite (or NaN): no error term (inf - inf would make it NaN).
  return {strict(ph), strict(select(detail::is_finite_bits(ph), e * m, 0.0f))};
}

DF mul_df(double c, Expr x) {
  // c = ch + cl: ch the nearest float, cl the nearest float to the remainder (c to ~2^-48 relative).
  const float ch = static_cast<float>(c);
  const float cl = static_cast<float>(c - static_cast<double>(ch));
  DF p = two_prod(Expr(ch), x);
  Expr lo = add_product(p.lo, Expr(cl), x);
  return strict(detail::renorm(p.hi, lo));
}

DF add(const DF &a, const DF &b) {
  DF s = two_sum(a.hi, b.hi);
  Expr e = s.lo + (a.lo + b.lo);
  return strict(detail::renorm(s.hi, e));
}

}  // namespace actgen::math
