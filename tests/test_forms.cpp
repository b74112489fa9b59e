// The fused forms (include/actgen/actgen.h, "Fused forms"): the gated form.
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
  actgen_kernel_desc desc = ACTGEN_KERNEL_DESC_INIT;
  desc.activation = act.c_str();
  desc.params = params.c_str();
  desc.direction = dir;
  desc.form = form;
  desc.target = target.empty() ? nullptr : target.c_str();
  actgen_kernel *k = nullptr;
  if (actgen_kernel_create_desc(&k, &desc) != ACTGEN_OK) {
    if (err) *err = actgen_last_error();
    return Kernel();
  }
  return Kernel(k);
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
TEST(Gated, Cuda) {
  int t = -1;
  for (size_t i = 0; i < actgen_target_count(); ++i)
    if (actgen_target_memory(i) == ACTGEN_MEMORY_CUDA) t = (int)i;
  if (t < 0) GTEST_SKIP() << "this build has no CUDA target";
  actgen_kernel *probe = nullptr;
  actgen_kernel_desc desc = ACTGEN_KERNEL_DESC_INIT;
  desc.activation = "swiglu";
  desc.form = ACTGEN_FORM_GATED;
  desc.target = actgen_target_name(t);
  if (actgen_kernel_create_desc(&probe, &desc) != ACTGEN_OK) GTEST_SKIP() << "no usable GPU: " << actgen_last_error();
  Kernel f(probe);
  desc.direction = ACTGEN_BACKWARD;
  actgen_kernel *bk = nullptr;
  ASSERT_EQ(actgen_kernel_create_desc(&bk, &desc), ACTGEN_OK) << actgen_last_error();
  Kernel b(bk);
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

}  // namespace
