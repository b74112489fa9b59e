// The fused forms (include/actgen/actgen.h, "Fused forms"): the gated form, then the bias and channel forms.
//
// Accuracy against the long-double oracle (oracle.h, independent of dsl/) for every catalog activation x every
// host target this machine runs, both directions: y = f(a) * g within 2 * (f's contract) + 1 ulp of the exact
// product (f's ulps are of f(a); the product's ulp can be half of that relative to it, hence the factor 2, and
// the product's own rounding is the + 1), da = dy * g * f'(a) within the backward contract + 1 ulp or 1e-7 |dy g|
// absolute, dg = dy * f(a) as y. Beyond the oracle, each result must be bit-identical to the unfused composition
// of the plain kernels on the same target (fl(f(a)) * g, backward(a, fl(dy * g)), fl(dy * f(a))): the form is the
// same definition, compiled into another pipeline. Also: both orders of the packed calls (vLLM's and PyTorch's
// glu), the aliases, shapes (rows = 1, d = 1, d not a multiple of the vector width, long rows split into tasks),
// bit-identical results for thread counts 1, 2 and 7, in place, the C++ wrapper, the error table (status,
// message, outputs untouched), and the CUDA path (skipped with the runtime's reason without a GPU).
#include <gtest/gtest.h>

#include <actgen/actgen.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cuda_driver.h"
#include "oracle.h"
#include "test_support.h"

using namespace testsupport;

namespace {

constexpr double kFwdUlp = 4.0, kBwdUlp = 16.0, kBwdAbs = 1e-7;

Kernel make_form(const std::string &act, actgen_direction dir, const std::string &target, const std::string &params = "",
                 actgen_form form = ACTGEN_FORM_GATED, std::string *err = nullptr) {
  return make_kernel(form, act, params, dir, ACTGEN_F32, target, err);
}

// Catalog defaults of activation `act`, in the oracle's order, rounded to float (the kernels use float params).
std::vector<long double> default_params(const std::string &act, const oracle::Entry &e) {
  const size_t idx = catalog_index(act);
  std::vector<long double> p;
  for (const std::string &name : e.param_names)
    for (size_t j = 0; j < actgen_activation_param_count(idx); ++j)
      if (name == actgen_activation_param_name(idx, j))
        p.push_back((long double)(float)actgen_activation_param_default(idx, j));
  return p;
}

// Inputs: random in [-8, 8] and a few wider, plus the specials; gates and dy random, nonzero, finite.
void make_inputs(size_t n, uint64_t seed, std::vector<float> *a, std::vector<float> *g, std::vector<float> *dy) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(-8.0f, 8.0f), w(-60.0f, 60.0f), gate(0.25f, 4.0f);
  const float specials[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, 1e-40f, -1e-40f, 3e38f, -3e38f, 1.0f, -1.0f, 6.0f};
  a->resize(n);
  g->resize(n);
  dy->resize(n);
  for (size_t i = 0; i < n; ++i) {
    (*a)[i] = i < sizeof specials / sizeof specials[0] ? specials[i] : (i % 4 == 0 ? w(rng) : u(rng));
    (*g)[i] = (rng() & 1 ? 1.0f : -1.0f) * gate(rng);
    (*dy)[i] = (rng() & 1 ? 1.0f : -1.0f) * gate(rng);
  }
}

bool same_bits(float x, float y) { return bits(x) == bits(y) || (std::isnan(x) && std::isnan(y)); }

class GatedAccuracy : public ::testing::TestWithParam<std::string> {};

TEST_P(GatedAccuracy, AgainstOracleAndPlainComposition) {
  const std::string act = GetParam();
  const oracle::Entry *e = oracle::find(act);
  ASSERT_NE(e, nullptr) << "the oracle has no entry for " << act;
  const std::vector<long double> p = default_params(act, *e);
  // rows x d with d = 37 (not a multiple of any vector width), packed [rows, 2d] with the first half activated.
  const size_t rows = 111, d = 37, n = rows * d;
  std::vector<float> a, g, dy;
  make_inputs(n, 12345 + act.size(), &a, &g, &dy);
  std::vector<float> x(2 * n);
  for (size_t r = 0; r < rows; ++r)
    for (size_t j = 0; j < d; ++j) {
      x[r * 2 * d + j] = a[r * d + j];
      x[r * 2 * d + d + j] = g[r * d + j];
    }
  for (const std::string &target : available_targets()) {
    SCOPED_TRACE(act + " on " + target);
    std::string err;
    Kernel fwd = make_form(act, ACTGEN_FORWARD, target, "", ACTGEN_FORM_GATED, &err);
    Kernel bwd = make_form(act, ACTGEN_BACKWARD, target, "", ACTGEN_FORM_GATED, &err);
    ASSERT_TRUE(fwd && bwd) << err;
    Kernel pf = make_kernel(act, "", ACTGEN_FORWARD, target, &err);
    Kernel pb = make_kernel(act, "", ACTGEN_BACKWARD, target, &err);
    ASSERT_TRUE(pf && pb) << err;
    std::vector<float> y(n), dx(2 * n);
    ASSERT_EQ(actgen_gated_forward_packed(fwd.get(), rows, d, x.data(), y.data()), ACTGEN_OK) << actgen_last_error();
    ASSERT_EQ(actgen_gated_backward_packed(bwd.get(), rows, d, x.data(), dy.data(), dx.data()), ACTGEN_OK)
        << actgen_last_error();
    // The unfused composition with the plain kernels.
    std::vector<float> fa(n), dyg(n), pda(n);
    ASSERT_EQ(actgen_forward(pf.get(), a.data(), fa.data(), n), ACTGEN_OK);
    for (size_t i = 0; i < n; ++i) dyg[i] = dy[i] * g[i];
    ASSERT_EQ(actgen_backward(pb.get(), a.data(), dyg.data(), pda.data(), n), ACTGEN_OK);
    double max_y = 0, max_da = 0, max_dg = 0;
    size_t fails = 0;
    for (size_t r = 0; r < rows; ++r)
      for (size_t j = 0; j < d; ++j) {
        const size_t i = r * d + j;
        const float got_y = y[i], got_da = dx[r * 2 * d + j], got_dg = dx[r * 2 * d + d + j];
        // Bit-identical to the unfused composition.
        if (!same_bits(got_y, fa[i] * g[i]) || !same_bits(got_da, pda[i]) || !same_bits(got_dg, dy[i] * fa[i])) {
          if (++fails < 5)
            ADD_FAILURE() << "a=" << a[i] << " g=" << g[i] << " dy=" << dy[i] << ": y " << got_y << " vs "
                          << fa[i] * g[i] << ", da " << got_da << " vs " << pda[i] << ", dg " << got_dg << " vs "
                          << dy[i] * fa[i];
        }
        // Against the oracle (finite inputs with finite exact results; NaN/inf follow from the plain kernels').
        const long double f = oracle::forward(*e, a[i], p.data()), df = oracle::derivative(*e, a[i], p.data());
        if (!std::isfinite(a[i]) || !std::isfinite((double)f) || !std::isfinite((double)df)) continue;
        const long double ey = f * g[i], eda = (long double)dy[i] * g[i] * df, edg = (long double)dy[i] * f;
        const double uy = oracle::ulp_error(got_y, ey), uda = oracle::ulp_error(got_da, eda),
                     udg = oracle::ulp_error(got_dg, edg);
        max_y = std::max(max_y, uy);
        max_dg = std::max(max_dg, udg);
        const bool da_abs_ok = std::fabs((long double)got_da - eda) <= kBwdAbs * std::fabs((double)dy[i] * g[i]);
        if (!da_abs_ok) max_da = std::max(max_da, uda);
        EXPECT_LE(uy, 2 * kFwdUlp + 1) << "y at a=" << a[i] << " g=" << g[i];
        EXPECT_LE(udg, 2 * kFwdUlp + 1) << "dg at a=" << a[i] << " dy=" << dy[i];
        if (!da_abs_ok) {
          EXPECT_LE(uda, kBwdUlp + 1) << "da at a=" << a[i] << " g=" << g[i] << " dy=" << dy[i];
        }
      }
    EXPECT_EQ(fails, 0u) << "results differ from the plain kernels' composition";
    std::printf("GATED %s %s max_ulp y=%.2f dg=%.2f da(beyond abs)=%.2f (n=%zu)\n", act.c_str(), target.c_str(),
                max_y, max_dg, max_da, n);
  }
}

INSTANTIATE_TEST_SUITE_P(Catalog, GatedAccuracy, ::testing::ValuesIn(catalog_names()),
                         [](const ::testing::TestParamInfo<std::string> &i) { return sanitize(i.param); });

// A NaN dy gives NaN gradients in every form, for every activation and x (the specials and the flat regions
// included): the gated form's da and dg, the bias form's dx and db, the channel form's dx and dw (prelu).
TEST_P(GatedAccuracy, NanDyGivesNan) {
  const std::string act = GetParam();
  const size_t rows = 5, d = 37, n = rows * d;  // whole vectors and a tail in every row
  std::vector<float> a, g, dy;
  make_inputs(n, 777 + act.size(), &a, &g, &dy);
  for (size_t i = 0; i < n; ++i) dy[i] = i % 2 ? NAN : -NAN;
  std::vector<float> x(2 * n);
  for (size_t r = 0; r < rows; ++r)
    for (size_t j = 0; j < d; ++j) {
      x[r * 2 * d + j] = a[r * d + j];
      x[r * 2 * d + d + j] = g[r * d + j];
    }
  auto count_numbers = [](const std::vector<float> &v) {
    return (size_t)std::count_if(v.begin(), v.end(), [](float f) { return !std::isnan(f); });
  };
  for (const std::string &target : available_targets()) {
    SCOPED_TRACE(act + " on " + target);
    Kernel gated = make_form(act, ACTGEN_BACKWARD, target, "", ACTGEN_FORM_GATED);
    ASSERT_TRUE(gated) << actgen_last_error();
    std::vector<float> dx(2 * n, 1.0f);
    ASSERT_EQ(actgen_gated_backward_packed(gated.get(), rows, d, x.data(), dy.data(), dx.data()), ACTGEN_OK)
        << actgen_last_error();
    EXPECT_EQ(count_numbers(dx), 0u) << "gated da/dg";
    // Bias: NCHW-like [rows, 1, d] and channels-last [rows, d] (b = 0.5).
    Kernel bias = make_form(act, ACTGEN_BACKWARD, target, "", ACTGEN_FORM_BIAS);
    ASSERT_TRUE(bias) << actgen_last_error();
    std::vector<float> b(d, 0.5f), db(d, 1.0f), bdx(n, 1.0f);
    ASSERT_EQ(actgen_bias_backward(bias.get(), rows, d, 1, a.data(), b.data(), dy.data(), bdx.data(), db.data()),
              ACTGEN_OK)
        << actgen_last_error();
    EXPECT_EQ(count_numbers(bdx) + count_numbers(db), 0u) << "bias dx/db, channels-last";
    std::fill(bdx.begin(), bdx.end(), 1.0f);
    db.assign(1, 1.0f);
    ASSERT_EQ(actgen_bias_backward(bias.get(), rows, 1, d, a.data(), b.data(), dy.data(), bdx.data(), db.data()),
              ACTGEN_OK)
        << actgen_last_error();
    EXPECT_EQ(count_numbers(bdx) + count_numbers(db), 0u) << "bias dx/db, [rows, 1, d]";
    if (act != "prelu") continue;
    Kernel channel = make_form(act, ACTGEN_BACKWARD, target, "", ACTGEN_FORM_CHANNEL);
    ASSERT_TRUE(channel) << actgen_last_error();
    std::vector<float> w(d, 0.25f), dw(d, 1.0f);
    std::fill(bdx.begin(), bdx.end(), 1.0f);
    ASSERT_EQ(actgen_channel_backward(channel.get(), rows, d, 1, a.data(), w.data(), dy.data(), bdx.data(),
                                      dw.data()),
              ACTGEN_OK)
        << actgen_last_error();
    EXPECT_EQ(count_numbers(bdx) + count_numbers(dw), 0u) << "channel dx/dw";
  }
}

TEST(Gated, OrdersAndAliases) {
  const size_t rows = 5, d = 19;
  std::vector<float> x(rows * 2 * d), dy(rows * d);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-5, 5);
  for (float &v : x) v = u(rng);
  for (float &v : dy) v = u(rng);
  struct Case {
    const char *alias, *activation;
    bool second;
  };
  for (const Case c : {Case{"glu", "sigmoid", true}, Case{"swiglu", "silu", false}, Case{"geglu", "gelu", false},
                       Case{"geglu_tanh", "gelu_tanh", false}, Case{"reglu", "relu", false}}) {
    SCOPED_TRACE(c.alias);
    Kernel f = make_form(c.alias, ACTGEN_FORWARD, ""), b = make_form(c.alias, ACTGEN_BACKWARD, "");
    Kernel f2 = make_form(c.activation, ACTGEN_FORWARD, ""), b2 = make_form(c.activation, ACTGEN_BACKWARD, "");
    ASSERT_TRUE(f && b && f2 && b2) << actgen_last_error();
    EXPECT_EQ(actgen_kernel_form(f.get()), ACTGEN_FORM_GATED);
    std::vector<float> y(rows * d), y2(rows * d), dx(x.size()), da(rows * d), dg(rows * d);
    ASSERT_EQ(actgen_gated_forward_packed(f.get(), rows, d, x.data(), y.data()), ACTGEN_OK);
    const float *a = x.data() + (c.second ? d : 0), *g = x.data() + (c.second ? 0 : d);
    ASSERT_EQ(actgen_gated_forward(f2.get(), rows, d, a, g, 2 * d, y2.data(), d), ACTGEN_OK);
    for (size_t i = 0; i < y.size(); ++i) EXPECT_TRUE(same_bits(y[i], y2[i])) << i;
    ASSERT_EQ(actgen_gated_backward_packed(b.get(), rows, d, x.data(), dy.data(), dx.data()), ACTGEN_OK);
    ASSERT_EQ(actgen_gated_backward(b2.get(), rows, d, a, g, 2 * d, dy.data(), d, da.data(), dg.data(), d), ACTGEN_OK);
    for (size_t r = 0; r < rows; ++r)
      for (size_t j = 0; j < d; ++j) {
        const float got_da = dx[r * 2 * d + (c.second ? d : 0) + j], got_dg = dx[r * 2 * d + (c.second ? 0 : d) + j];
        EXPECT_TRUE(same_bits(got_da, da[r * d + j]) && same_bits(got_dg, dg[r * d + j])) << r << "," << j;
      }
  }
}

// Runs forward and backward of silu's gated form over rows x d (packed) and returns y and dx.
void run_gated(const std::string &act, size_t rows, size_t d, const std::string &target, std::vector<float> *y,
               std::vector<float> *dx, uint64_t seed = 3) {
  std::vector<float> x(rows * 2 * d), dy(rows * d);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(-6, 6);
  for (float &v : x) v = u(rng);
  for (float &v : dy) v = u(rng);
  Kernel f = make_form(act, ACTGEN_FORWARD, target), b = make_form(act, ACTGEN_BACKWARD, target);
  ASSERT_TRUE(f && b) << actgen_last_error();
  y->assign(rows * d, 0.0f);
  dx->assign(rows * 2 * d, 0.0f);
  ASSERT_EQ(actgen_gated_forward_packed(f.get(), rows, d, x.data(), y->data()), ACTGEN_OK) << actgen_last_error();
  ASSERT_EQ(actgen_gated_backward_packed(b.get(), rows, d, x.data(), dy.data(), dx->data()), ACTGEN_OK)
      << actgen_last_error();
  // Each row against the same call on that row alone (rows = 1: no parallel path, no row loop).
  for (size_t r = 0; r < rows; r += rows / 3 + 1) {
    std::vector<float> y1(d), dx1(2 * d);
    ASSERT_EQ(actgen_gated_forward_packed(f.get(), 1, d, x.data() + r * 2 * d, y1.data()), ACTGEN_OK);
    ASSERT_EQ(actgen_gated_backward_packed(b.get(), 1, d, x.data() + r * 2 * d, dy.data() + r * d, dx1.data()),
              ACTGEN_OK);
    for (size_t j = 0; j < d; ++j) ASSERT_TRUE(same_bits(y1[j], (*y)[r * d + j])) << "row " << r << " col " << j;
    for (size_t j = 0; j < 2 * d; ++j) ASSERT_TRUE(same_bits(dx1[j], (*dx)[r * 2 * d + j])) << "row " << r;
  }
}

TEST(Gated, ShapesAndThreadCounts) {
  struct Shape {
    size_t rows, d;
  };
  // Small (serial), d = 1, one long row, many short rows and long rows above the parallel threshold (2^18).
  const Shape shapes[] = {{1, 1}, {3, 1}, {1, 13}, {7, 33}, {1, 300000}, {600, 1000}, {9, 70001}};
  for (const std::string &target : available_targets())
    for (const Shape &s : shapes) {
      SCOPED_TRACE(target + " rows=" + std::to_string(s.rows) + " d=" + std::to_string(s.d));
      std::vector<float> y_ref, dx_ref;
      for (int threads : {1, 2, 7}) {
        ASSERT_EQ(actgen_set_num_threads(threads), ACTGEN_OK);
        std::vector<float> y, dx;
        run_gated("silu", s.rows, s.d, target, &y, &dx);
        if (threads == 1) {
          y_ref = y;
          dx_ref = dx;
          continue;
        }
        ASSERT_EQ(std::memcmp(y.data(), y_ref.data(), y.size() * 4), 0) << threads << " threads";
        ASSERT_EQ(std::memcmp(dx.data(), dx_ref.data(), dx.size() * 4), 0) << threads << " threads";
      }
      ASSERT_EQ(actgen_set_num_threads(0), ACTGEN_OK);
    }
}

TEST(Gated, InPlace) {
  const size_t rows = 40, d = 29;
  std::vector<float> x(rows * 2 * d), dy(rows * d);
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-4, 4);
  for (float &v : x) v = u(rng);
  for (float &v : dy) v = u(rng);
  Kernel f = make_form("gelu", ACTGEN_FORWARD, ""), b = make_form("gelu", ACTGEN_BACKWARD, "");
  ASSERT_TRUE(f && b);
  // Backward into x's own buffer (da over a, dg over g).
  std::vector<float> dx(x.size()), work = x;
  ASSERT_EQ(actgen_gated_backward_packed(b.get(), rows, d, x.data(), dy.data(), dx.data()), ACTGEN_OK);
  ASSERT_EQ(actgen_gated_backward_packed(b.get(), rows, d, work.data(), dy.data(), work.data()), ACTGEN_OK)
      << actgen_last_error();
  EXPECT_EQ(std::memcmp(dx.data(), work.data(), dx.size() * 4), 0);
  // Forward over a (y = a, same stride).
  std::vector<float> y(rows * d);
  work = x;
  ASSERT_EQ(actgen_gated_forward_packed(f.get(), rows, d, x.data(), y.data()), ACTGEN_OK);
  ASSERT_EQ(actgen_gated_forward(f.get(), rows, d, work.data(), work.data() + d, 2 * d, work.data(), 2 * d), ACTGEN_OK)
      << actgen_last_error();
  for (size_t r = 0; r < rows; ++r)
    for (size_t j = 0; j < d; ++j) EXPECT_TRUE(same_bits(work[r * 2 * d + j], y[r * d + j]));
  // Backward: da into dy's buffer (same stride).
  std::vector<float> dyw = dy, dg(rows * d);
  ASSERT_EQ(actgen_gated_backward(b.get(), rows, d, x.data(), x.data() + d, 2 * d, dyw.data(), d, dyw.data(),
                                  dg.data(), d),
            ACTGEN_OK)
      << actgen_last_error();
  for (size_t r = 0; r < rows; ++r)
    for (size_t j = 0; j < d; ++j) {
      EXPECT_TRUE(same_bits(dyw[r * d + j], dx[r * 2 * d + j]));
      EXPECT_TRUE(same_bits(dg[r * d + j], dx[r * 2 * d + d + j]));
    }
}

TEST(Gated, CppWrapper) {
  const size_t rows = 6, d = 10;
  std::vector<float> x(rows * 2 * d, 0.5f), y(rows * d), dy(rows * d, 1.0f), dx(x.size());
  auto swiglu = actgen::Kernel::gated("swiglu");
  auto swiglu_bwd = actgen::Kernel::gated("swiglu", "", actgen::Direction::backward);
  EXPECT_EQ(swiglu.form(), actgen::Form::gated);
  swiglu.gated_forward(x, y, d);
  swiglu_bwd.gated_backward(x, dy, dx, d);
  std::vector<float> y2(rows * d);
  actgen::Kernel silu_gated(actgen::Form::gated, "silu");
  silu_gated.gated_forward(rows, d, x.data(), x.data() + d, 2 * d, y2.data(), d);
  EXPECT_EQ(std::memcmp(y.data(), y2.data(), y.size() * 4), 0);
  EXPECT_FLOAT_EQ(y[0], 0.5f / (1.0f + std::exp(-0.5f)) * 0.5f);
  std::vector<float> wrong(rows * d + 1);
  EXPECT_THROW(swiglu.gated_forward(x, wrong, d), actgen::Error);
  EXPECT_THROW(swiglu.gated_forward(wrong, y, d), actgen::Error);  // not a multiple of 2d
  EXPECT_THROW(actgen::Kernel::gated("swiglu", "", actgen::Direction::forward, actgen::DType::f32, "no-such"),
               actgen::Error);
  EXPECT_THROW(actgen::Kernel(actgen::Form::plain, "swiglu"), actgen::Error);
  // A plain kernel through the descriptor constructor.
  actgen::Kernel plain(actgen::Form::plain, "relu");
  EXPECT_EQ(plain.form(), actgen::Form::plain);
}

// The error table: each case gets its status and a message, and writes nothing.
TEST(Gated, Errors) {
  const size_t rows = 4, d = 8;
  Kernel f = make_form("silu", ACTGEN_FORWARD, ""), b = make_form("silu", ACTGEN_BACKWARD, "");
  Kernel plain = make_kernel("silu", "", ACTGEN_FORWARD, "");
  ASSERT_TRUE(f && b && plain);
  const float sentinel = 1234.5f;
  std::vector<float> x(rows * 2 * d, 1.0f), dy(rows * d, 1.0f);
  std::vector<float> y(rows * d, sentinel), dx(rows * 2 * d, sentinel);
  auto untouched = [&] {
    for (float v : y) if (v != sentinel) return false;
    for (float v : dx) if (v != sentinel) return false;
    return true;
  };
  auto expect_fail = [&](actgen_status got, actgen_status want, const char *what) {
    EXPECT_EQ(got, want) << what;
    EXPECT_STRNE(actgen_last_error(), "") << what;
    EXPECT_TRUE(untouched()) << what << ": an output was written";
  };
  const float *a = x.data(), *g = x.data() + d;
  const auto INV = ACTGEN_ERROR_INVALID_ARGUMENT;
  expect_fail(actgen_gated_forward(nullptr, rows, d, a, g, 2 * d, y.data(), d), INV, "NULL kernel");
  expect_fail(actgen_gated_forward(plain.get(), rows, d, a, g, 2 * d, y.data(), d), INV, "plain kernel, gated call");
  expect_fail(actgen_forward(f.get(), a, y.data(), d), INV, "gated kernel, plain call");
  expect_fail(actgen_gated_forward(b.get(), rows, d, a, g, 2 * d, y.data(), d), INV, "backward kernel, forward call");
  expect_fail(actgen_gated_backward(f.get(), rows, d, a, g, 2 * d, dy.data(), d, dx.data(), dx.data() + d, 2 * d), INV,
              "forward kernel, backward call");
  expect_fail(actgen_gated_forward(f.get(), rows, 0, a, g, 2 * d, y.data(), d), INV, "d = 0 with rows > 0");
  expect_fail(actgen_gated_forward(f.get(), rows, d, a, g, d - 1, y.data(), d), INV, "input stride < d");
  expect_fail(actgen_gated_forward(f.get(), rows, d, a, g, 2 * d, y.data(), d - 1), INV, "output stride < d");
  expect_fail(actgen_gated_forward(f.get(), rows, d, nullptr, g, 2 * d, y.data(), d), INV, "a NULL");
  expect_fail(actgen_gated_forward(f.get(), rows, d, a, nullptr, 2 * d, y.data(), d), INV, "g NULL");
  expect_fail(actgen_gated_forward(f.get(), rows, d, a, g, 2 * d, nullptr, d), INV, "y NULL");
  expect_fail(actgen_gated_backward(b.get(), rows, d, a, g, 2 * d, nullptr, d, dx.data(), dx.data() + d, 2 * d), INV,
              "dy NULL");
  expect_fail(actgen_gated_backward(b.get(), rows, d, a, g, 2 * d, dy.data(), d, dx.data(), nullptr, 2 * d), INV,
              "dg NULL");
  int stream_token = 0;
  expect_fail(actgen_gated_forward_stream(f.get(), rows, d, a, g, 2 * d, y.data(), d, &stream_token), INV,
              "stream for a host kernel");
  // Overlap: y over part of g (shifted by one element), da and dg overlapping, da and dg shifted over a and g.
  std::vector<float> buf(rows * 2 * d + 1, 1.0f);
  const std::vector<float> buf_copy = buf;
  EXPECT_EQ(actgen_gated_forward(f.get(), rows, d, buf.data(), buf.data() + d, 2 * d, buf.data() + d + 1, 2 * d), INV);
  EXPECT_STRNE(actgen_last_error(), "");
  EXPECT_EQ(buf, buf_copy) << "partial overlap wrote";
  expect_fail(actgen_gated_backward(b.get(), rows, d, a, g, 2 * d, dy.data(), d, dx.data(), dx.data() + 1, 2 * d), INV,
              "da and dg overlap");
  EXPECT_EQ(actgen_gated_backward(b.get(), rows, d, buf.data(), buf.data() + d, 2 * d, dy.data(), d, buf.data() + 1,
                                  buf.data() + d + 1, 2 * d),
            INV)
      << "da and dg over a and g shifted by one element";
  EXPECT_EQ(buf, buf_copy);
  // Creation errors.
  actgen_kernel *k = nullptr;
  actgen_kernel_desc desc = ACTGEN_KERNEL_DESC_INIT;
  desc.activation = "swiglu";
  EXPECT_EQ(actgen_kernel_create_desc(&k, &desc), INV) << "alias with the plain form";
  EXPECT_NE(std::string(actgen_last_error()).find("gated"), std::string::npos);
  desc.form = (actgen_form)7;
  EXPECT_EQ(actgen_kernel_create_desc(&k, &desc), INV) << "form out of range";
  desc.form = ACTGEN_FORM_GATED;
  desc.size = sizeof(size_t);
  EXPECT_EQ(actgen_kernel_create_desc(&k, &desc), INV) << "size too small";
  desc.size = sizeof desc;
  desc.activation = "no_such";
  EXPECT_EQ(actgen_kernel_create_desc(&k, &desc), INV) << "unknown activation";
  desc.activation = "silu";
  desc.params = "beta=2";
  EXPECT_EQ(actgen_kernel_create_desc(&k, &desc), INV) << "parameter silu lacks";
  EXPECT_EQ(actgen_kernel_create_desc(nullptr, &desc), INV);
  EXPECT_EQ(actgen_kernel_create_desc(&k, nullptr), INV);
  EXPECT_EQ(k, nullptr);
  // A larger struct from a newer caller: the extra bytes are ignored.
  struct {
    actgen_kernel_desc d;
    char future[16];
  } bigger{};
  bigger.d = ACTGEN_KERNEL_DESC_INIT;
  bigger.d.size = sizeof bigger;
  bigger.d.activation = "relu";
  bigger.d.form = ACTGEN_FORM_GATED;
  ASSERT_EQ(actgen_kernel_create_desc(&k, &bigger.d), ACTGEN_OK) << actgen_last_error();
  actgen_kernel_destroy(k);
  // rows == 0: a no-op, pointers not looked at; the kernel still is.
  EXPECT_EQ(actgen_gated_forward(f.get(), 0, d, nullptr, nullptr, 0, nullptr, 0), ACTGEN_OK);
  EXPECT_EQ(actgen_gated_forward(f.get(), 0, 0, nullptr, nullptr, 0, nullptr, 0), ACTGEN_OK);
  EXPECT_EQ(actgen_gated_backward_packed(b.get(), 0, d, nullptr, nullptr, nullptr), ACTGEN_OK);
  EXPECT_EQ(actgen_gated_forward(nullptr, 0, d, nullptr, nullptr, 0, nullptr, 0), INV);
  EXPECT_TRUE(untouched());
}

// CUDA: the gated kernels on device memory against the host kernels (skipped with the runtime's reason here).
// The CUDA target's forward and backward kernels of a form; false with the reason to skip (no CUDA target in
// this build, or no usable GPU).
bool cuda_form_kernels(const char *act, actgen_form form, Kernel *f, Kernel *b, std::string *skip) {
  int t = -1;
  for (size_t i = 0; i < actgen_target_count(); ++i)
    if (actgen_target_memory(i) == ACTGEN_MEMORY_CUDA) t = (int)i;
  if (t < 0) {
    *skip = "this build has no CUDA target";
    return false;
  }
  *f = make_form(act, ACTGEN_FORWARD, actgen_target_name(t), "", form, skip);
  if (!*f) {
    *skip = "no usable GPU: " + *skip;
    return false;
  }
  *b = make_form(act, ACTGEN_BACKWARD, actgen_target_name(t), "", form, skip);
  EXPECT_TRUE(*b) << *skip;
  return bool(*b);
}

TEST(Gated, Cuda) {
  Kernel f, b;
  std::string skip;
  if (!cuda_form_kernels("swiglu", ACTGEN_FORM_GATED, &f, &b, &skip)) GTEST_SKIP() << skip;
  cudadriver::Driver drv;
  std::string why;
  ASSERT_TRUE(cudadriver::load(&drv, &why)) << why;
  const size_t rows = 300, d = 1111;
  std::vector<float> x(rows * 2 * d), dy(rows * d);
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-6, 6);
  for (float &v : x) v = u(rng);
  for (float &v : dy) v = u(rng);
  unsigned long long dxp = 0, dyp = 0, yp = 0, dxo = 0;
  ASSERT_EQ(drv.cuMemAlloc(&dxp, x.size() * 4), 0);
  ASSERT_EQ(drv.cuMemAlloc(&dyp, dy.size() * 4), 0);
  ASSERT_EQ(drv.cuMemAlloc(&yp, dy.size() * 4), 0);
  ASSERT_EQ(drv.cuMemAlloc(&dxo, x.size() * 4), 0);
  drv.cuMemcpyHtoD(dxp, x.data(), x.size() * 4);
  drv.cuMemcpyHtoD(dyp, dy.data(), dy.size() * 4);
  ASSERT_EQ(actgen_gated_forward_packed(f.get(), rows, d, (void *)dxp, (void *)yp), ACTGEN_OK) << actgen_last_error();
  ASSERT_EQ(actgen_gated_backward_packed(b.get(), rows, d, (void *)dxp, (void *)dyp, (void *)dxo), ACTGEN_OK)
      << actgen_last_error();
  drv.cuCtxSynchronize();
  std::vector<float> y(rows * d), dx(x.size()), hy(rows * d), hdx(x.size());
  drv.cuMemcpyDtoH(y.data(), yp, y.size() * 4);
  drv.cuMemcpyDtoH(dx.data(), dxo, dx.size() * 4);
  for (unsigned long long p : {dxp, dyp, yp, dxo}) drv.cuMemFree(p);
  // Host kernels of the same definition: within 2 ulp (CUDA's FMA path can differ from SSE4.1's in the last bits).
  Kernel hf = make_form("swiglu", ACTGEN_FORWARD, ""), hb = make_form("swiglu", ACTGEN_BACKWARD, "");
  ASSERT_EQ(actgen_gated_forward_packed(hf.get(), rows, d, x.data(), hy.data()), ACTGEN_OK);
  ASSERT_EQ(actgen_gated_backward_packed(hb.get(), rows, d, x.data(), dy.data(), hdx.data()), ACTGEN_OK);
  for (size_t i = 0; i < y.size(); ++i) ASSERT_LE(oracle::ulp_error(y[i], hy[i]), 2.0) << i;
  for (size_t i = 0; i < dx.size(); ++i)  // |dy * g| <= 36: the backward contract's absolute part is 36e-7
    ASSERT_TRUE(oracle::ulp_error(dx[i], hdx[i]) <= 4.0 || std::fabs(dx[i] - hdx[i]) <= 2 * 36e-7) << i;
}

// ==== Bias form =============================================================================================
// y = f(x + b) over x [outer, C, inner], b per channel; backward dx = dy * f'(x + b), db[c] = sum of dx over outer
// and inner. The sum x + b is rounded to f32 first: that rounded z is the input of f, and the oracle is evaluated
// at it (long double, oracle.h). Checks: y within the forward contract (4 ulp) of f(z), dx within the backward
// contract (16 ulp, or 1e-7 |dy| absolute) of dy f'(z), both bit-identical to the plain kernels at z (the same
// definition); db within actgen.h's bound, 257 * 2^-24 * sum |dx|, of the long-double sum of the returned dx;
// bit-identical db, dx and y for 1, 2 and 7 threads; in place; the C++ wrapper; the error table; CUDA (skipped
// with the runtime's reason without a GPU).

// The representative set, each with the parameters it is tested with (elu with a non-default alpha).
struct BiasCase {
  const char *activation, *params;
};
const BiasCase kBiasCases[] = {{"relu", ""},    {"gelu", ""}, {"silu", ""},     {"sigmoid", ""},
                               {"tanh", ""},    {"elu", "alpha=0.5"}, {"softplus", ""}};

struct BiasShape {
  size_t outer, channels, inner;
};
std::string shape_name(const BiasShape &s) {
  return std::to_string(s.outer) + "x" + std::to_string(s.channels) + "x" + std::to_string(s.inner);
}

// Inputs: x in [-8, 8] (every 4th in [-30, 30]), b in [-2, 2], dy in +-[0.25, 4]; specials in x only when asked.
void make_bias_inputs(const BiasShape &s, uint64_t seed, bool specials, std::vector<float> *x, std::vector<float> *b,
                      std::vector<float> *dy) {
  const size_t n = s.outer * s.channels * s.inner;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(-8.0f, 8.0f), w(-30.0f, 30.0f), ub(-2.0f, 2.0f), mag(0.25f, 4.0f);
  const float sp[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, 1e-40f, 3e38f, -3e38f};
  x->resize(n);
  dy->resize(n);
  b->resize(s.channels);
  for (float &v : *b) v = ub(rng);
  for (size_t i = 0; i < n; ++i) {
    (*x)[i] = specials && i < sizeof sp / sizeof sp[0] ? sp[i] : (i % 4 == 0 ? w(rng) : u(rng));
    (*dy)[i] = (rng() & 1 ? 1.0f : -1.0f) * mag(rng);
  }
}

// The channel of element k of x [outer, C, inner].
size_t channel_of(size_t k, const BiasShape &s) { return k / s.inner % s.channels; }

// db's check: against the long-double sum of the returned dx, within 257 * 2^-24 * sum |dx| (actgen.h; see
// check_sums). Returns the largest error in units of 2^-24 * sum |dx|.
double check_sums(const BiasShape &s, const std::vector<long double> &terms, const std::vector<float> &sums,
                  double bound);
double check_db(const BiasShape &s, const std::vector<float> &dx, const std::vector<float> &db) {
  return check_sums(s, std::vector<long double>(dx.begin(), dx.end()), db, 257);
}

Kernel make_bias(const std::string &act, actgen_direction dir, const std::string &target, const std::string &params,
                 std::string *err = nullptr) {
  return make_form(act, dir, target, params, ACTGEN_FORM_BIAS, err);
}

class BiasAccuracy : public ::testing::TestWithParam<BiasCase> {};

TEST_P(BiasAccuracy, AgainstOracleAndPlainKernels) {
  const BiasCase c = GetParam();
  const std::string act = c.activation;
  const oracle::Entry *e = oracle::find(act);
  ASSERT_NE(e, nullptr) << "the oracle has no entry for " << act;
  const std::vector<long double> p = oracle::params_for(*e, c.params);
  const std::vector<long double> kinks = e->kinks(p.data());
  // Channels-last with C = 37 (not a multiple of any vector width), C = 1, outer = 1, NCHW with inner 7 and 64.
  const BiasShape shapes[] = {{111, 37, 1}, {300, 1, 1}, {1, 37, 1}, {9, 37, 7}, {5, 3, 64}, {1, 5, 300}};
  for (const std::string &target : available_targets()) {
    std::string err;
    Kernel fwd = make_bias(act, ACTGEN_FORWARD, target, c.params, &err);
    Kernel bwd = make_bias(act, ACTGEN_BACKWARD, target, c.params, &err);
    ASSERT_TRUE(fwd && bwd) << err;
    Kernel pf = make_kernel(act, c.params, ACTGEN_FORWARD, target, &err);
    Kernel pb = make_kernel(act, c.params, ACTGEN_BACKWARD, target, &err);
    ASSERT_TRUE(pf && pb) << err;
    double max_y = 0, max_dx = 0, max_db = 0;
    for (const BiasShape &s : shapes) {
      SCOPED_TRACE(act + " on " + target + ", shape " + shape_name(s));
      const size_t n = s.outer * s.channels * s.inner;
      std::vector<float> x, b, dy;
      make_bias_inputs(s, 99 + n + act.size(), true, &x, &b, &dy);
      std::vector<float> y(n), dx(n), db(s.channels, -1.0f);
      ASSERT_EQ(actgen_bias_forward(fwd.get(), s.outer, s.channels, s.inner, x.data(), b.data(), y.data()),
                ACTGEN_OK) << actgen_last_error();
      ASSERT_EQ(actgen_bias_backward(bwd.get(), s.outer, s.channels, s.inner, x.data(), b.data(), dy.data(),
                                     dx.data(), db.data()),
                ACTGEN_OK) << actgen_last_error();
      // The plain kernels at z = fl(x + b).
      std::vector<float> z(n), py(n), pdx(n);
      for (size_t k = 0; k < n; ++k) z[k] = x[k] + b[channel_of(k, s)];
      ASSERT_EQ(actgen_forward(pf.get(), z.data(), py.data(), n), ACTGEN_OK);
      ASSERT_EQ(actgen_backward(pb.get(), z.data(), dy.data(), pdx.data(), n), ACTGEN_OK);
      size_t fails = 0;
      for (size_t k = 0; k < n; ++k) {
        if (!same_bits(y[k], py[k]) || !same_bits(dx[k], pdx[k])) {
          if (++fails < 5)
            ADD_FAILURE() << "x=" << x[k] << " b=" << b[channel_of(k, s)] << ": y " << y[k] << " vs plain " << py[k]
                          << ", dx " << dx[k] << " vs plain " << pdx[k];
        }
        if (!std::isfinite(z[k])) continue;
        bool at_kink = false;
        for (long double q : kinks) at_kink = at_kink || (long double)z[k] == q;
        const long double f = oracle::forward(*e, z[k], p.data()), df = oracle::derivative(*e, z[k], p.data());
        if (!std::isfinite((double)f) || !std::isfinite((double)df)) continue;
        const double uy = oracle::ulp_error(y[k], f);
        max_y = std::max(max_y, uy);
        EXPECT_LE(uy, kFwdUlp) << "y at z=" << z[k];
        if (at_kink) continue;
        const long double edx = (long double)dy[k] * df;
        const bool abs_ok = std::fabs((long double)dx[k] - edx) <= kBwdAbs * std::fabs(dy[k]);
        if (!abs_ok) {
          const double udx = oracle::ulp_error(dx[k], edx);
          max_dx = std::max(max_dx, udx);
          EXPECT_LE(udx, kBwdUlp) << "dx at z=" << z[k] << " dy=" << dy[k];
        }
      }
      EXPECT_EQ(fails, 0u) << "results differ from the plain kernels at fl(x + b)";
      max_db = std::max(max_db, check_db(s, dx, db));
    }
    std::printf("BIAS %s%s%s %s max_ulp y=%.2f dx(beyond abs)=%.2f db=%.2f units of 2^-24 sum|dx| (bound 257)\n",
                act.c_str(), *c.params ? " " : "", c.params, target.c_str(), max_y, max_dx, max_db);
  }
}

INSTANTIATE_TEST_SUITE_P(Representative, BiasAccuracy, ::testing::ValuesIn(kBiasCases),
                         [](const ::testing::TestParamInfo<BiasCase> &i) { return sanitize(i.param.activation); });

// The bias and channel forms share their calls' shapes and rules; the tests below run for both.
struct VecForm {
  actgen_form form;
  const char *activation;  // the activation the shared tests use
  decltype(&actgen_bias_forward) forward;
  decltype(&actgen_bias_backward) backward;
  decltype(&actgen_bias_forward_stream) forward_stream;
  decltype(&actgen_bias_backward_stream) backward_stream;
  const char *name;
};
const VecForm kVecForms[] = {
    {ACTGEN_FORM_BIAS, "gelu", actgen_bias_forward, actgen_bias_backward, actgen_bias_forward_stream,
     actgen_bias_backward_stream, "bias"},
    {ACTGEN_FORM_CHANNEL, "prelu", actgen_channel_forward, actgen_channel_backward, actgen_channel_forward_stream,
     actgen_channel_backward_stream, "channel"}};

// prelu's dweight term at (x, dy): dy * x where x <= 0 (PyTorch's convention), exact in long double, except that
// a term beyond f32's range is the f32 infinity it rounds to (actgen.h).
long double prelu_weight_term(float x, float dy) {
  const long double t = x > 0 ? 0.0L : (long double)dy * x;
  return std::isfinite((float)t) ? t : (long double)(float)t;
}

// The channel sums' check (db or dw): against the long-double sum of the terms, within the bound in units of
// 2^-24 * sum |terms| (actgen.h: 257 for db, whose terms are the returned dx; 258 for dw, whose terms are exact);
// a channel with a non-finite term must have a non-finite sum. Returns the largest error in those units.
double check_sums(const BiasShape &s, const std::vector<long double> &terms, const std::vector<float> &sums,
                  double bound) {
  std::vector<long double> sum(s.channels, 0.0L), abs_sum(s.channels, 0.0L);
  std::vector<bool> finite(s.channels, true);
  for (size_t k = 0; k < terms.size(); ++k) {
    const size_t c = channel_of(k, s);
    if (!std::isfinite(terms[k])) finite[c] = false;
    sum[c] += terms[k];
    abs_sum[c] += std::fabs(terms[k]);
  }
  double worst = 0;
  for (size_t c = 0; c < s.channels; ++c) {
    if (!finite[c]) {
      EXPECT_FALSE(std::isfinite(sums[c])) << "channel " << c << " has a non-finite term";
      continue;
    }
    const long double err = std::fabs((long double)sums[c] - sum[c]);
    const long double unit = ldexpl(abs_sum[c], -24);
    EXPECT_LE(err, bound * unit) << "sum[" << c << "] = " << sums[c] << ", exact " << (double)sum[c];
    if (unit > 0) worst = std::max(worst, (double)(err / unit));
    else EXPECT_EQ(sums[c], 0.0f) << c;
  }
  return worst;
}

// The form's channel sums checked against their terms (db: the returned dx; dw: prelu's exact terms).
double check_form_sums(const VecForm &f, const BiasShape &s, const std::vector<float> &x, const std::vector<float> &dy,
                       const std::vector<float> &dx, const std::vector<float> &sums) {
  if (f.form == ACTGEN_FORM_BIAS) return check_db(s, dx, sums);
  std::vector<long double> terms(x.size());
  for (size_t k = 0; k < x.size(); ++k) terms[k] = prelu_weight_term(x[k], dy[k]);
  return check_sums(s, terms, sums, 258);
}

void PrintTo(const VecForm &f, std::ostream *os) { *os << f.name; }  // the form's name in test listings

class VecForms : public ::testing::TestWithParam<VecForm> {};

// Forward and backward over one shape; returns y, dx and the channel sums (db or dw).
void run_vec_form(const VecForm &f, const BiasShape &s, const std::string &target, std::vector<float> *y,
                  std::vector<float> *dx, std::vector<float> *sums, std::vector<float> *x_out = nullptr,
                  std::vector<float> *dy_out = nullptr) {
  std::vector<float> x, b, dy;
  make_bias_inputs(s, 17, false, &x, &b, &dy);
  Kernel fk = make_form(f.activation, ACTGEN_FORWARD, target, "", f.form);
  Kernel bk = make_form(f.activation, ACTGEN_BACKWARD, target, "", f.form);
  ASSERT_TRUE(fk && bk) << actgen_last_error();
  const size_t n = x.size();
  y->assign(n, 0.0f);
  dx->assign(n, 0.0f);
  sums->assign(s.channels, 0.0f);
  ASSERT_EQ(f.forward(fk.get(), s.outer, s.channels, s.inner, x.data(), b.data(), y->data()), ACTGEN_OK)
      << actgen_last_error();
  ASSERT_EQ(f.backward(bk.get(), s.outer, s.channels, s.inner, x.data(), b.data(), dy.data(), dx->data(),
                       sums->data()),
            ACTGEN_OK)
      << actgen_last_error();
  if (x_out) *x_out = x;
  if (dy_out) *dy_out = dy;
}

TEST_P(VecForms, ThreadCountsBitIdentical) {
  const VecForm f = GetParam();
  // Small (one block), channels-last above the parallel threshold (2^18) with C = 1, 37 and 1500 (several
  // channel chunks), NCHW with inner 7, 64 and 4096 (several inner chunks), and outer = 1 with a long inner.
  // Then every kind of the backward's block regions (runtime/forms.cpp, block_regions): NCHW inner 100 (6 lanes
  // of 16 and 4 left) with rows left over (100 = 2 x 42 + 16), inner 4149 (a 4096 block, 3 x 16, 5 left), and
  // channels-last C = 4149 likewise, with 40 rows = 2 x 16 + 8.
  const BiasShape shapes[] = {{3, 5, 1},      {300000, 1, 1}, {8000, 37, 1},  {300, 1500, 1},
                              {1000, 37, 7},  {64, 100, 64},  {16, 9, 4096},  {1, 3, 200000},
                              {100, 2, 100},  {5, 3, 4149},   {40, 4149, 1}};
  for (const std::string &target : available_targets())
    for (const BiasShape &s : shapes) {
      SCOPED_TRACE(target + " shape " + shape_name(s));
      std::vector<float> y_ref, dx_ref, sums_ref;
      for (int threads : {1, 2, 7}) {
        ASSERT_EQ(actgen_set_num_threads(threads), ACTGEN_OK);
        std::vector<float> y, dx, sums, x, dy;
        run_vec_form(f, s, target, &y, &dx, &sums, &x, &dy);
        if (threads == 1) {
          y_ref = y;
          dx_ref = dx;
          sums_ref = sums;
          check_form_sums(f, s, x, dy, dx, sums);
          continue;
        }
        ASSERT_EQ(std::memcmp(y.data(), y_ref.data(), y.size() * 4), 0) << threads << " threads";
        ASSERT_EQ(std::memcmp(dx.data(), dx_ref.data(), dx.size() * 4), 0) << threads << " threads";
        ASSERT_EQ(std::memcmp(sums.data(), sums_ref.data(), sums.size() * 4), 0)
            << threads << " threads: the channel sums differ";
      }
      ASSERT_EQ(actgen_set_num_threads(0), ACTGEN_OK);
    }
}

TEST_P(VecForms, InPlace) {
  const VecForm form = GetParam();
  const char *act = form.form == ACTGEN_FORM_BIAS ? "silu" : form.activation;
  // With the backward's block regions left over along both dimensions (300 rows: 256 + 44; inner 100, rows 42).
  for (const BiasShape s : {BiasShape{40, 29, 1}, BiasShape{6, 5, 33}, BiasShape{300, 37, 1}, BiasShape{100, 2, 100}}) {
    SCOPED_TRACE(shape_name(s));
    std::vector<float> x, b, dy;
    make_bias_inputs(s, 5, false, &x, &b, &dy);
    const size_t n = x.size();
    Kernel f = make_form(act, ACTGEN_FORWARD, "", "", form.form), bk = make_form(act, ACTGEN_BACKWARD, "", "", form.form);
    ASSERT_TRUE(f && bk);
    std::vector<float> y(n), dx(n), db(s.channels);
    ASSERT_EQ(form.forward(f.get(), s.outer, s.channels, s.inner, x.data(), b.data(), y.data()), ACTGEN_OK);
    ASSERT_EQ(form.backward(bk.get(), s.outer, s.channels, s.inner, x.data(), b.data(), dy.data(), dx.data(),
                            db.data()),
              ACTGEN_OK);
    // y into x.
    std::vector<float> work = x;
    ASSERT_EQ(form.forward(f.get(), s.outer, s.channels, s.inner, work.data(), b.data(), work.data()), ACTGEN_OK)
        << actgen_last_error();
    EXPECT_EQ(std::memcmp(work.data(), y.data(), n * 4), 0) << "y over x";
    // dx into dy, then dx into x.
    std::vector<float> db2(s.channels), dyw = dy;
    ASSERT_EQ(form.backward(bk.get(), s.outer, s.channels, s.inner, x.data(), b.data(), dyw.data(), dyw.data(),
                            db2.data()),
              ACTGEN_OK) << actgen_last_error();
    EXPECT_EQ(std::memcmp(dyw.data(), dx.data(), n * 4), 0) << "dx over dy";
    EXPECT_EQ(std::memcmp(db2.data(), db.data(), s.channels * 4), 0) << "sums with dx over dy";
    work = x;
    ASSERT_EQ(form.backward(bk.get(), s.outer, s.channels, s.inner, work.data(), b.data(), dy.data(), work.data(),
                            db2.data()),
              ACTGEN_OK) << actgen_last_error();
    EXPECT_EQ(std::memcmp(work.data(), dx.data(), n * 4), 0) << "dx over x";
    EXPECT_EQ(std::memcmp(db2.data(), db.data(), s.channels * 4), 0) << "sums with dx over x";
  }
}

// The error table: each case gets its status and a message, and writes nothing.
TEST_P(VecForms, Errors) {
  const VecForm form = GetParam();
  const char *act = form.form == ACTGEN_FORM_BIAS ? "silu" : form.activation;
  const size_t outer = 4, C = 8, inner = 3, n = outer * C * inner;
  Kernel f = make_form(act, ACTGEN_FORWARD, "", "", form.form), bk = make_form(act, ACTGEN_BACKWARD, "", "", form.form);
  Kernel gated = make_form(act, ACTGEN_FORWARD, ""), plain = make_kernel(act, "", ACTGEN_FORWARD, "");
  Kernel other = make_form(act, ACTGEN_FORWARD, "", "", form.form == ACTGEN_FORM_BIAS ? ACTGEN_FORM_GATED : ACTGEN_FORM_BIAS);
  ASSERT_TRUE(f && bk && gated && plain && other);
  const float sentinel = 1234.5f;
  std::vector<float> x(n, 1.0f), b(C, 0.5f), dy(n, 1.0f);
  std::vector<float> y(n, sentinel), dx(n, sentinel), db(C, sentinel);
  auto untouched = [&] {
    for (const std::vector<float> *v : {&y, &dx, &db})
      for (float e : *v)
        if (e != sentinel) return false;
    return true;
  };
  auto expect_fail = [&](actgen_status got, const char *what) {
    EXPECT_EQ(got, ACTGEN_ERROR_INVALID_ARGUMENT) << what;
    EXPECT_STRNE(actgen_last_error(), "") << what;
    EXPECT_TRUE(untouched()) << what << ": an output was written";
  };
  const float *xp = x.data(), *bp = b.data(), *dyp = dy.data();
  float *yp = y.data(), *dxp = dx.data(), *dbp = db.data();
  expect_fail(form.forward(nullptr, outer, C, inner, xp, bp, yp), "NULL kernel");
  expect_fail(form.forward(gated.get(), outer, C, inner, xp, bp, yp), "gated kernel, this form's call");
  expect_fail(form.forward(plain.get(), outer, C, inner, xp, bp, yp), "plain kernel, this form's call");
  expect_fail(form.forward(other.get(), outer, C, inner, xp, bp, yp), "another form's kernel");
  expect_fail(actgen_forward(f.get(), xp, yp, n), "form kernel, plain call");
  expect_fail(actgen_gated_forward(f.get(), outer, C, xp, bp, C, yp, C), "form kernel, gated call");
  expect_fail(form.forward(bk.get(), outer, C, inner, xp, bp, yp), "backward kernel, forward call");
  expect_fail(form.backward(f.get(), outer, C, inner, xp, bp, dyp, dxp, dbp), "forward kernel, backward call");
  expect_fail(form.forward(f.get(), outer, 0, inner, xp, bp, yp), "channels = 0 with outer x inner > 0");
  expect_fail(form.backward(bk.get(), outer, 0, inner, xp, bp, dyp, dxp, dbp), "channels = 0 (backward)");
  expect_fail(form.forward(f.get(), outer, C, 0, xp, bp, yp), "inner = 0 with outer x channels > 0");
  expect_fail(form.backward(bk.get(), outer, C, 0, xp, bp, dyp, dxp, dbp), "inner = 0 (backward)");
  expect_fail(form.forward(f.get(), SIZE_MAX / 2, C, inner, xp, bp, yp), "size overflow");
  expect_fail(form.forward(f.get(), outer, C, inner, nullptr, bp, yp), "x NULL");
  expect_fail(form.forward(f.get(), outer, C, inner, xp, nullptr, yp), "b / w NULL");
  expect_fail(form.forward(f.get(), outer, C, inner, xp, bp, nullptr), "y NULL");
  expect_fail(form.backward(bk.get(), outer, C, inner, nullptr, bp, dyp, dxp, dbp), "x NULL (backward)");
  expect_fail(form.backward(bk.get(), outer, C, inner, xp, nullptr, dyp, dxp, dbp), "b / w NULL (backward)");
  expect_fail(form.backward(bk.get(), outer, C, inner, xp, bp, nullptr, dxp, dbp), "dy NULL");
  expect_fail(form.backward(bk.get(), outer, C, inner, xp, bp, dyp, nullptr, dbp), "dx NULL");
  expect_fail(form.backward(bk.get(), outer, C, inner, xp, bp, dyp, dxp, nullptr), "db / dw NULL");
  // Overlaps: dx with the sums, outputs shifted over inputs, outputs over b / w, the sums over inputs.
  expect_fail(form.backward(bk.get(), outer, C, inner, xp, bp, dyp, dxp, dxp + 5), "sums inside dx");
  std::vector<float> buf(n + C + 1, 1.0f);
  const std::vector<float> buf_copy = buf;
  EXPECT_EQ(form.forward(f.get(), outer, C, inner, buf.data(), bp, buf.data() + 1), ACTGEN_ERROR_INVALID_ARGUMENT)
      << "y shifted over x";
  EXPECT_EQ(form.forward(f.get(), outer, C, inner, xp, buf.data(), buf.data() + 1), ACTGEN_ERROR_INVALID_ARGUMENT)
      << "y over b / w";
  EXPECT_EQ(form.backward(bk.get(), outer, C, inner, xp, bp, buf.data(), buf.data() + 1, dbp),
            ACTGEN_ERROR_INVALID_ARGUMENT)
      << "dx shifted over dy";
  EXPECT_EQ(form.backward(bk.get(), outer, C, inner, buf.data(), bp, dyp, buf.data() + 2, dbp),
            ACTGEN_ERROR_INVALID_ARGUMENT)
      << "dx shifted over x";
  EXPECT_EQ(form.backward(bk.get(), outer, C, inner, xp, buf.data(), dyp, dxp, buf.data()),
            ACTGEN_ERROR_INVALID_ARGUMENT)
      << "sums == b / w";
  EXPECT_EQ(form.backward(bk.get(), outer, C, inner, xp, bp, buf.data(), dxp, buf.data() + n - 1),
            ACTGEN_ERROR_INVALID_ARGUMENT)
      << "sums over dy's end";
  EXPECT_EQ(buf, buf_copy) << "a refused call wrote";
  EXPECT_TRUE(untouched());
  int stream_token = 0;
  expect_fail(form.forward_stream(f.get(), outer, C, inner, xp, bp, yp, &stream_token), "stream, host kernel");
  expect_fail(form.backward_stream(bk.get(), outer, C, inner, xp, bp, dyp, dxp, dbp, &stream_token),
              "stream, host kernel (backward)");
  // Creation: an alias of the gated form, a bad parameter.
  actgen_kernel *k = nullptr;
  actgen_kernel_desc desc = ACTGEN_KERNEL_DESC_INIT;
  desc.form = form.form;
  desc.activation = "geglu";
  EXPECT_EQ(actgen_kernel_create_desc(&k, &desc), ACTGEN_ERROR_INVALID_ARGUMENT);
  desc.activation = act;
  desc.params = "beta=1";
  EXPECT_EQ(actgen_kernel_create_desc(&k, &desc), ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(k, nullptr);
  // Zero elements: a no-op, data pointers not looked at; the backward sets the sums to +0 when channels > 0.
  EXPECT_EQ(form.forward(f.get(), 0, C, inner, nullptr, nullptr, nullptr), ACTGEN_OK);
  EXPECT_EQ(form.forward(f.get(), outer, 0, 0, nullptr, nullptr, nullptr), ACTGEN_OK);
  EXPECT_EQ(form.forward(f.get(), 0, 0, 0, nullptr, nullptr, nullptr), ACTGEN_OK);
  EXPECT_EQ(form.backward(bk.get(), 0, 0, inner, nullptr, nullptr, nullptr, nullptr, nullptr), ACTGEN_OK);
  EXPECT_EQ(form.forward(nullptr, 0, C, inner, nullptr, nullptr, nullptr), ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(untouched());
  expect_fail(form.backward(bk.get(), 0, C, inner, nullptr, nullptr, nullptr, nullptr, nullptr),
              "outer = 0 with the sums NULL (they are set to 0 then)");
  std::vector<float> db0(C, sentinel);
  db0[0] = -0.0f;
  EXPECT_EQ(form.backward(bk.get(), 0, C, inner, nullptr, nullptr, nullptr, nullptr, db0.data()), ACTGEN_OK);
  for (float v : db0) EXPECT_TRUE(v == 0.0f && !std::signbit(v)) << v;
}

// CUDA: the bias and channel kernels on device memory against the host kernels (skipped with the runtime's reason
// here).
TEST_P(VecForms, Cuda) {
  const VecForm form = GetParam();
  Kernel f, bk;
  std::string skip;
  if (!cuda_form_kernels(form.activation, form.form, &f, &bk, &skip)) GTEST_SKIP() << skip;
  cudadriver::Driver drv;
  std::string why;
  ASSERT_TRUE(cudadriver::load(&drv, &why)) << why;
  Kernel hf = make_form(form.activation, ACTGEN_FORWARD, "", "", form.form);
  Kernel hb = make_form(form.activation, ACTGEN_BACKWARD, "", "", form.form);
  for (const BiasShape s : {BiasShape{300, 111, 1}, BiasShape{7, 37, 100}}) {
    SCOPED_TRACE(shape_name(s));
    std::vector<float> x, b, dy;
    make_bias_inputs(s, 23, false, &x, &b, &dy);
    const size_t n = x.size();
    unsigned long long xd = 0, bd = 0, dyd = 0, yd = 0, dxd = 0, dbd = 0;
    ASSERT_EQ(drv.cuMemAlloc(&xd, n * 4), 0);
    ASSERT_EQ(drv.cuMemAlloc(&dyd, n * 4), 0);
    ASSERT_EQ(drv.cuMemAlloc(&yd, n * 4), 0);
    ASSERT_EQ(drv.cuMemAlloc(&dxd, n * 4), 0);
    ASSERT_EQ(drv.cuMemAlloc(&bd, s.channels * 4), 0);
    ASSERT_EQ(drv.cuMemAlloc(&dbd, s.channels * 4), 0);
    drv.cuMemcpyHtoD(xd, x.data(), n * 4);
    drv.cuMemcpyHtoD(dyd, dy.data(), n * 4);
    drv.cuMemcpyHtoD(bd, b.data(), s.channels * 4);
    ASSERT_EQ(form.forward(f.get(), s.outer, s.channels, s.inner, (void *)xd, (void *)bd, (void *)yd), ACTGEN_OK)
        << actgen_last_error();
    ASSERT_EQ(form.backward(bk.get(), s.outer, s.channels, s.inner, (void *)xd, (void *)bd, (void *)dyd, (void *)dxd,
                            (void *)dbd),
              ACTGEN_OK)
        << actgen_last_error();
    drv.cuCtxSynchronize();
    std::vector<float> y(n), dx(n), db(s.channels), hy(n), hdx(n), hdb(s.channels);
    drv.cuMemcpyDtoH(y.data(), yd, n * 4);
    drv.cuMemcpyDtoH(dx.data(), dxd, n * 4);
    drv.cuMemcpyDtoH(db.data(), dbd, s.channels * 4);
    for (unsigned long long p : {xd, bd, dyd, yd, dxd, dbd}) drv.cuMemFree(p);
    ASSERT_EQ(form.forward(hf.get(), s.outer, s.channels, s.inner, x.data(), b.data(), hy.data()), ACTGEN_OK);
    ASSERT_EQ(form.backward(hb.get(), s.outer, s.channels, s.inner, x.data(), b.data(), dy.data(), hdx.data(),
                            hdb.data()),
              ACTGEN_OK);
    for (size_t i = 0; i < n; ++i) ASSERT_LE(oracle::ulp_error(y[i], hy[i]), 2.0) << i;
    for (size_t i = 0; i < n; ++i)
      ASSERT_TRUE(oracle::ulp_error(dx[i], hdx[i]) <= 4.0 || std::fabs(dx[i] - hdx[i]) <= 2 * 4e-7) << i;
    check_form_sums(form, s, x, dy, dx, db);
  }
}

INSTANTIATE_TEST_SUITE_P(BiasAndChannel, VecForms, ::testing::ValuesIn(kVecForms),
                         [](const ::testing::TestParamInfo<VecForm> &i) { return std::string(i.param.name); });

TEST(Bias, CppWrapper) {
  const size_t outer = 4, C = 3, inner = 5;
  std::vector<float> x(outer * C * inner, 0.5f), b = {0.25f, -0.5f, 1.0f}, y(x.size()), dy(x.size(), 1.0f),
      dx(x.size()), db(C);
  auto fwd = actgen::Kernel::bias("gelu");
  auto bwd = actgen::Kernel::bias("gelu", "", actgen::Direction::backward);
  EXPECT_EQ(fwd.form(), actgen::Form::bias);
  fwd.bias_forward(x, b, y, inner);
  bwd.bias_backward(x, b, dy, dx, db, inner);
  std::vector<float> y2(x.size()), dx2(x.size()), db2(C);
  actgen::Kernel gelu_bias(actgen::Form::bias, "gelu");
  gelu_bias.bias_forward(outer, C, inner, x.data(), b.data(), y2.data());
  bwd.bias_backward(outer, C, inner, x.data(), b.data(), dy.data(), dx2.data(), db2.data());
  EXPECT_EQ(y, y2);
  EXPECT_EQ(dx, dx2);
  EXPECT_EQ(db, db2);
  EXPECT_EQ(y[inner], 0.0f);  // channel 1: z = 0.5 - 0.5; gelu(0) = 0, gelu'(0) = 0.5
  EXPECT_FLOAT_EQ(db[1], 0.5f * outer * inner);
  // Channels-last (inner = 1): [rows, C].
  std::vector<float> rows_x(7 * C, 1.0f), rows_y(7 * C);
  fwd.bias_forward(rows_x, b, rows_y);
  EXPECT_FLOAT_EQ(rows_y[2], 2.0f * 0.5f * (1.0f + std::erf(2.0f / std::sqrt(2.0f))));
  std::vector<float> wrong(x.size() + 1);
  EXPECT_THROW(fwd.bias_forward(wrong, b, y, inner), actgen::Error);
  EXPECT_THROW(fwd.bias_forward(x, b, wrong, inner), actgen::Error);
  EXPECT_THROW(bwd.bias_backward(x, b, dy, dx, wrong, inner), actgen::Error);
  EXPECT_THROW(bwd.bias_forward(x, b, y, inner), actgen::Error);  // a backward kernel
  EXPECT_THROW(actgen::Kernel::bias("swiglu"), actgen::Error);  // a gated alias
}

// ==== Channel form ==========================================================================================
// prelu with one weight per channel: y = x > 0 ? x : w[c] x, dx = dy (x > 0) or dy w[c], dw[c] = sum of dy x over
// x <= 0 (PyTorch's F.prelu and its backward). Checks: y and dx bit-identical to the plain prelu kernels with
// weight = w[c] (the same definition) and within the contracts of the long-double oracle; dw within actgen.h's
// bound, 258 * 2^-24 * sum |dy x|, of the exact sum; the shared tests above (threads, in place, errors) and the
// C++ wrapper, the catalog's view, CUDA (skipped with the runtime's reason without a GPU).

std::string weight_param(float w) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "weight=%.9g", w);
  return buf;
}

TEST(Channel, PreluAgainstOracleAndPlainKernels) {
  const oracle::Entry *e = oracle::find("prelu");
  ASSERT_NE(e, nullptr);
  // Channels-last with C = 37, C = 1 (the shared weight), outer = 1, NCHW with inner 7 and 64, long inner.
  const BiasShape shapes[] = {{111, 37, 1}, {300, 1, 1}, {1, 37, 1}, {9, 37, 7}, {5, 3, 64}, {1, 5, 300}};
  for (const std::string &target : available_targets()) {
    Kernel fwd = make_form("prelu", ACTGEN_FORWARD, target, "", ACTGEN_FORM_CHANNEL);
    Kernel bwd = make_form("prelu", ACTGEN_BACKWARD, target, "", ACTGEN_FORM_CHANNEL);
    ASSERT_TRUE(fwd && bwd) << actgen_last_error();
    double max_y = 0, max_dx = 0, max_dw = 0;
    for (const BiasShape &s : shapes) {
      SCOPED_TRACE(target + ", shape " + shape_name(s));
      const size_t n = s.outer * s.channels * s.inner;
      std::vector<float> x, w, dy;
      make_bias_inputs(s, 41 + n, true, &x, &w, &dy);
      if (s.channels > 2) w[1] = 0.0f;  // a zero weight, and a NaN-free negative one
      std::vector<float> y(n), dx(n), dw(s.channels, -1.0f);
      ASSERT_EQ(actgen_channel_forward(fwd.get(), s.outer, s.channels, s.inner, x.data(), w.data(), y.data()),
                ACTGEN_OK) << actgen_last_error();
      ASSERT_EQ(actgen_channel_backward(bwd.get(), s.outer, s.channels, s.inner, x.data(), w.data(), dy.data(),
                                        dx.data(), dw.data()),
                ACTGEN_OK) << actgen_last_error();
      // The plain kernels, one per channel's weight.
      std::vector<Kernel> pf, pb;
      for (size_t c = 0; c < s.channels; ++c) {
        std::string err;
        pf.push_back(make_kernel("prelu", weight_param(w[c]), ACTGEN_FORWARD, target, &err));
        pb.push_back(make_kernel("prelu", weight_param(w[c]), ACTGEN_BACKWARD, target, &err));
        ASSERT_TRUE(pf.back() && pb.back()) << err;
      }
      size_t fails = 0;
      for (size_t k = 0; k < n; ++k) {
        const size_t c = channel_of(k, s);
        float py = 0, pdx = 0;
        ASSERT_EQ(actgen_forward(pf[c].get(), &x[k], &py, 1), ACTGEN_OK);
        ASSERT_EQ(actgen_backward(pb[c].get(), &x[k], &dy[k], &pdx, 1), ACTGEN_OK);
        if ((!same_bits(y[k], py) || !same_bits(dx[k], pdx)) && ++fails < 5)
          ADD_FAILURE() << "x=" << x[k] << " w=" << w[c] << ": y " << y[k] << " vs plain " << py << ", dx " << dx[k]
                        << " vs plain " << pdx;
        if (!std::isfinite(x[k])) continue;
        const long double p[1] = {(long double)w[c]};
        const long double f = oracle::forward(*e, x[k], p), df = oracle::derivative(*e, x[k], p);
        if (std::isfinite((double)f)) {
          const double uy = oracle::ulp_error(y[k], f);
          max_y = std::max(max_y, uy);
          EXPECT_LE(uy, kFwdUlp) << "y at x=" << x[k] << " w=" << w[c];
        }
        const long double edx = (long double)dy[k] * df;
        if (std::isfinite((double)edx) && std::fabs((long double)dx[k] - edx) > kBwdAbs * std::fabs(dy[k])) {
          const double udx = oracle::ulp_error(dx[k], edx);
          max_dx = std::max(max_dx, udx);
          EXPECT_LE(udx, kBwdUlp) << "dx at x=" << x[k] << " w=" << w[c];
        }
      }
      EXPECT_EQ(fails, 0u) << "results differ from the plain kernels with weight = w[c]";
      max_dw = std::max(max_dw, check_form_sums(kVecForms[1], s, x, dy, dx, dw));
    }
    std::printf("CHANNEL prelu %s max_ulp y=%.2f dx(beyond abs)=%.2f dw=%.2f units of 2^-24 sum|dy x| (bound 258)\n",
                target.c_str(), max_y, max_dx, max_dw);
  }
}

// dw against a plain double-precision loop over PyTorch's formula, on a large NCHW batch (a training step's
// shape), and the per-channel weights really per channel (a channel's w moves only its own elements).
TEST(Channel, PreluTrainingShape) {
  const BiasShape s{8, 64, 28 * 28};
  std::vector<float> x, w, dy;
  make_bias_inputs(s, 7, false, &x, &w, &dy);
  const size_t n = x.size();
  Kernel fwd = make_form("prelu", ACTGEN_FORWARD, "", "", ACTGEN_FORM_CHANNEL);
  Kernel bwd = make_form("prelu", ACTGEN_BACKWARD, "", "", ACTGEN_FORM_CHANNEL);
  ASSERT_TRUE(fwd && bwd) << actgen_last_error();
  std::vector<float> y(n), dx(n), dw(s.channels);
  ASSERT_EQ(actgen_channel_forward(fwd.get(), s.outer, s.channels, s.inner, x.data(), w.data(), y.data()), ACTGEN_OK);
  ASSERT_EQ(actgen_channel_backward(bwd.get(), s.outer, s.channels, s.inner, x.data(), w.data(), dy.data(), dx.data(),
                                    dw.data()),
            ACTGEN_OK);
  for (size_t k = 0; k < n; ++k) {
    const float wc = w[channel_of(k, s)];
    ASSERT_EQ(y[k], x[k] > 0 ? x[k] : wc * x[k]) << k;
    ASSERT_EQ(dx[k], x[k] > 0 ? dy[k] : dy[k] * wc) << k;
  }
  EXPECT_LT(check_form_sums(kVecForms[1], s, x, dy, dx, dw), 258.0);
  w[3] = -w[3] + 1.0f;
  std::vector<float> y2(n);
  ASSERT_EQ(actgen_channel_forward(fwd.get(), s.outer, s.channels, s.inner, x.data(), w.data(), y2.data()), ACTGEN_OK);
  for (size_t k = 0; k < n; ++k)
    if (channel_of(k, s) != 3 || x[k] > 0) ASSERT_TRUE(same_bits(y[k], y2[k])) << k;
}

TEST(Channel, WhoTakesIt) {
  // The catalog says which activation has a per-channel parameter; exactly those have channel-form kernels.
  for (size_t i = 0; i < actgen_activation_count(); ++i) {
    const std::string name = actgen_activation_name(i);
    const int k = actgen_activation_channel_param(i);
    SCOPED_TRACE(name);
    actgen_kernel *kernel = nullptr;
    actgen_kernel_desc desc = ACTGEN_KERNEL_DESC_INIT;
    desc.activation = name.c_str();
    desc.form = ACTGEN_FORM_CHANNEL;
    const actgen_status st = actgen_kernel_create_desc(&kernel, &desc);
    if (k < 0) {
      EXPECT_EQ(st, ACTGEN_ERROR_INVALID_ARGUMENT);
      EXPECT_NE(std::string(actgen_last_error()).find("no per-channel parameter"), std::string::npos)
          << actgen_last_error();
      EXPECT_EQ(kernel, nullptr);
    } else {
      EXPECT_LT((size_t)k, actgen_activation_param_count(i));
      EXPECT_EQ(st, ACTGEN_OK) << actgen_last_error();
      EXPECT_EQ(actgen_kernel_form(kernel), ACTGEN_FORM_CHANNEL);
      actgen_kernel_destroy(kernel);
    }
  }
  EXPECT_EQ(actgen_activation_channel_param(catalog_index("prelu")), 0);
  EXPECT_EQ(actgen_activation_channel_param(catalog_index("leaky_relu")), -1);
  EXPECT_EQ(actgen_activation_channel_param(actgen_activation_count()), -1);
}

TEST(Channel, CppWrapper) {
  const size_t outer = 2, C = 3, inner = 4;
  std::vector<float> x(outer * C * inner, -2.0f), w = {0.25f, -0.5f, 0.0f}, y(x.size()), dy(x.size(), 1.0f),
      dx(x.size()), dw(C);
  auto fwd = actgen::Kernel::channel("prelu");
  auto bwd = actgen::Kernel::channel("prelu", "", actgen::Direction::backward);
  EXPECT_EQ(fwd.form(), actgen::Form::channel);
  fwd.channel_forward(x, w, y, inner);
  bwd.channel_backward(x, w, dy, dx, dw, inner);
  EXPECT_EQ(y[0], -0.5f);
  EXPECT_EQ(y[inner], 1.0f);
  EXPECT_EQ(dx[inner], -0.5f);
  EXPECT_EQ(dw[0], -2.0f * outer * inner);
  std::vector<float> y2(x.size()), dx2(x.size()), dw2(C);
  fwd.channel_forward(outer, C, inner, x.data(), w.data(), y2.data());
  bwd.channel_backward(outer, C, inner, x.data(), w.data(), dy.data(), dx2.data(), dw2.data());
  EXPECT_EQ(y, y2);
  EXPECT_EQ(dx, dx2);
  EXPECT_EQ(dw, dw2);
  std::vector<float> wrong(x.size() + 1);
  EXPECT_THROW(fwd.channel_forward(wrong, w, y, inner), actgen::Error);
  EXPECT_THROW(bwd.channel_backward(x, w, dy, dx, wrong, inner), actgen::Error);
  EXPECT_THROW(fwd.bias_forward(x, w, y, inner), actgen::Error);  // a channel kernel, a bias call
  EXPECT_THROW(actgen::Kernel::channel("relu"), actgen::Error);    // no per-channel parameter
}


}  // namespace
