// The counting forward (actgen_forward_counted): dead-unit and sparsity statistics counted by the forward pass.
//
// For every catalog activation (defaults, and the parameter sets that make a flat region appear or move) on every
// host target this machine runs: y bit-identical to actgen_forward; zero_outputs equal to a plain count of the
// returned zeros; flat_inputs equal to the number of finite inputs where the long-double oracle's derivative
// (oracle.h, independent of dsl/) is exactly 0, and, input by input on the kinks and a random sample, counted
// exactly where the kernel's own backward returns 0 for two nonzero dy (the declared region is where the
// backward returns 0; inputs where dy f' underflows are left out of that check). f16 and bf16 on all 65536 inputs
// against the f32 counts of the same values. Also: the same counts for thread counts 1, 2 and 7, NaN and
// infinities, sizes around the runtime's blocks, in place, the error table and the C++ wrapper. Then the same
// statistics from the bias and channel forms' forwards (actgen_bias_forward_counted,
// actgen_channel_forward_counted), with the per-channel flat counts, and from the gated form's
// (actgen_gated_forward_counted).
#include <gtest/gtest.h>

#include <actgen/actgen.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "half_check.h"
#include "oracle.h"
#include "test_support.h"

using namespace testsupport;

namespace {

Kernel make(const std::string &act, const std::string &params, actgen_direction dir, const std::string &target) {
  std::string err;
  Kernel k = make_kernel(act, params, dir, target, &err);
  EXPECT_TRUE(k) << err;
  return k;
}

actgen_counts counted(const Kernel &k, const std::vector<float> &x, std::vector<float> *y) {
  actgen_counts c = ACTGEN_COUNTS_INIT;
  y->assign(x.size(), 0.0f);
  EXPECT_EQ(actgen_forward_counted(k.get(), x.data(), y->data(), x.size(), &c), ACTGEN_OK) << actgen_last_error();
  return c;
}

// Parameter sets beyond the defaults: where a zero slope makes a flat region, or the region moves.
const std::pair<const char *, const char *> kVariants[] = {
    {"prelu", "weight=0"},           {"leaky_relu", "negative_slope=0"}, {"elu", "alpha=0"},
    {"hardtanh", "min_val=-2,max_val=0.5"}, {"threshold", "threshold=1.5,value=2"}, {"hardshrink", "lambd=1.5"},
    {"softshrink", "lambd=0"}};

// Every catalog activation at its defaults, then kVariants.
std::vector<std::pair<std::string, std::string>> count_cases() {
  std::vector<std::pair<std::string, std::string>> cases;
  for (const std::string &a : catalog_names()) cases.push_back({a, ""});
  for (const auto &v : kVariants) cases.push_back({v.first, v.second});
  return cases;
}

TEST(Counts, EveryActivationAgainstOracleAndBackward) {
  for (const auto &c : count_cases()) {
    const oracle::Entry *e = oracle::find(c.first);
    ASSERT_NE(e, nullptr) << c.first;
    const std::vector<long double> p = oracle::params_for(*e, c.second);
    // Exact points: zeros, the kinks, small integers and halves (relu6's 6, hardswish's -3 and -1.5, ...), the
    // parameters themselves; then random inputs in [-8, 8] (where no smooth derivative underflows).
    std::vector<float> x = {0.0f, -0.0f, 1e-40f, -1e-40f};
    for (long double k : e->kinks(p.data())) x.push_back((float)k);
    for (long double v : p) x.insert(x.end(), {(float)v, -(float)v});
    for (int k = -16; k <= 16; ++k) x.push_back(0.5f * k);
    std::mt19937 rng(c.first.size() * 131 + c.second.size());
    std::uniform_real_distribution<float> u(-8.0f, 8.0f);
    const size_t exact_points = x.size();
    while (x.size() < 20000) x.push_back(u(rng));
    uint64_t expect_flat = 0;
    std::vector<bool> flat(x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      flat[i] = oracle::derivative(*e, x[i], p.data()) == 0.0L;
      expect_flat += flat[i];
    }
    for (const std::string &target : available_targets()) {
      SCOPED_TRACE(c.first + (c.second.empty() ? "" : " " + c.second) + " on " + target);
      Kernel fwd = make(c.first, c.second, ACTGEN_FORWARD, target);
      Kernel bwd = make(c.first, c.second, ACTGEN_BACKWARD, target);
      ASSERT_TRUE(fwd && bwd);
      std::vector<float> y, plain(x.size());
      const actgen_counts got = counted(fwd, x, &y);
      ASSERT_EQ(actgen_forward(fwd.get(), x.data(), plain.data(), x.size()), ACTGEN_OK);
      ASSERT_EQ(std::memcmp(y.data(), plain.data(), x.size() * 4), 0) << "y differs from actgen_forward";
      uint64_t zeros = 0;
      for (float v : plain) zeros += v == 0.0f;
      EXPECT_EQ(got.zero_outputs, zeros);
      EXPECT_EQ(got.flat_inputs, expect_flat) << "flat-region inputs against the oracle's f' = 0";
      // Input by input (one-element calls) on the exact points and a sample: counted exactly where the backward
      // returns 0 for two nonzero dy, and where the oracle's f' is 0.
      for (size_t i = 0; i < x.size(); i += i < exact_points ? 1 : 97) {
        float yi = 0, d1 = 0, d2 = 0;
        const float one = 1.0f, other = -0.75f;
        actgen_counts ci = ACTGEN_COUNTS_INIT;
        ASSERT_EQ(actgen_forward_counted(fwd.get(), &x[i], &yi, 1, &ci), ACTGEN_OK);
        ASSERT_EQ(actgen_backward(bwd.get(), &x[i], &one, &d1, 1), ACTGEN_OK);
        ASSERT_EQ(actgen_backward(bwd.get(), &x[i], &other, &d2, 1), ACTGEN_OK);
        const bool backward_zero = d1 == 0.0f && d2 == 0.0f;
        // (Where 0.75 |f'| is below f32's smallest subnormal the backward underflows to 0 outside any flat
        // region: tanhshrink's tanh^2 x at |x| = 1e-40.)
        const long double slope = std::fabs(oracle::derivative(*e, x[i], p.data()));
        if (flat[i] || 0.75L * slope >= 0x1p-149L)
          EXPECT_EQ(ci.flat_inputs == 1, backward_zero) << "x = " << x[i] << ": backward " << d1 << ", " << d2;
        EXPECT_EQ(ci.flat_inputs == 1, flat[i]) << "x = " << x[i];
        EXPECT_EQ(ci.zero_outputs, yi == 0.0f ? 1u : 0u) << "x = " << x[i];
      }
    }
  }
}

// f16 and bf16: every one of the 65536 inputs, per activation (and variant), dtype and host target: y
// bit-identical to actgen_forward's, zero_outputs equal to a count of its +-0 results, and flat_inputs equal to
// the f32 counting kernel's count over the same values widened to f32 (exact; the f32 counts are held to the
// oracle above): the flat region is a property of the value, whatever it was stored in.
TEST(Counts, HalfPrecisionEveryInput) {
  const std::vector<std::pair<std::string, std::string>> cases = count_cases();
  std::vector<uint16_t> x(0x10000);
  for (uint32_t b = 0; b < 0x10000u; ++b) x[b] = static_cast<uint16_t>(b);
  size_t checked = 0;
  for (size_t d = 0; d < actgen_dtype_count(); ++d) {
    const actgen_dtype dtype = static_cast<actgen_dtype>(actgen_dtype_at(d));
    if (actgen_dtype_size(dtype) != 2) continue;
    const halfcheck::Format f(dtype);
    std::vector<float> wide(x.size());
    for (size_t b = 0; b < x.size(); ++b) wide[b] = static_cast<float>(f.decode(x[b]));
    for (const auto &c : cases) {
      for (const std::string &target : available_targets()) {
        SCOPED_TRACE(c.first + " " + c.second + " " + actgen_dtype_name(dtype) + " on " + target);
        std::string err;
        Kernel half = make_kernel(ACTGEN_FORM_PLAIN, c.first, c.second, ACTGEN_FORWARD, dtype, target, &err);
        ASSERT_TRUE(half) << err;
        Kernel f32 = make(c.first, c.second, ACTGEN_FORWARD, target);
        std::vector<uint16_t> y(x.size() + 1, 0x1234u), plain(x.size());
        actgen_counts got = ACTGEN_COUNTS_INIT;
        ASSERT_EQ(actgen_forward_counted(half.get(), x.data(), y.data(), x.size(), &got), ACTGEN_OK)
            << actgen_last_error();
        ASSERT_EQ(actgen_forward(half.get(), x.data(), plain.data(), x.size()), ACTGEN_OK);
        ASSERT_EQ(std::memcmp(y.data(), plain.data(), x.size() * 2), 0) << "y differs from actgen_forward";
        EXPECT_EQ(y[x.size()], 0x1234u) << "wrote past the end";
        uint64_t zeros = 0;
        for (uint16_t v : plain) zeros += (v & 0x7fffu) == 0;
        EXPECT_EQ(got.zero_outputs, zeros);
        std::vector<float> wide_y;
        EXPECT_EQ(got.flat_inputs, counted(f32, wide, &wide_y).flat_inputs);
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 0u) << "no 16-bit dtype in this build";
}

TEST(Counts, SpecialValuesAndThreads) {
  // NaN is never flat and never a zero output; relu's -inf is flat (x <= 0) and gives 0.
  const std::vector<float> special = {NAN, -NAN, INFINITY, -INFINITY, 0.0f, -0.0f, 1.0f, -1.0f};
  std::vector<float> y;
  Kernel relu = make("relu", "", ACTGEN_FORWARD, "");
  actgen_counts c = counted(relu, special, &y);
  EXPECT_EQ(c.zero_outputs, 4u);  // -inf, 0, -0, -1
  EXPECT_EQ(c.flat_inputs, 4u);
  Kernel sig = make("sigmoid", "", ACTGEN_FORWARD, "");
  c = counted(sig, special, &y);
  EXPECT_EQ(c.zero_outputs, 1u);  // sigmoid(-inf) = 0
  EXPECT_EQ(c.flat_inputs, 0u);   // no flat region
  // Above the parallel threshold and over several blocks, with a ragged tail: the same counts for every thread
  // count, equal to a plain count.
  std::vector<float> x(1000003);
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-8.0f, 8.0f);
  for (float &v : x) v = u(rng);
  for (const std::string &target : available_targets()) {
    SCOPED_TRACE(target);
    Kernel k = make("relu6", "", ACTGEN_FORWARD, target);
    uint64_t zeros = 0, flat = 0;
    for (float v : x) {
      zeros += v <= 0.0f;
      flat += v <= 0.0f || v >= 6.0f;
    }
    for (int threads : {1, 2, 7}) {
      ASSERT_EQ(actgen_set_num_threads(threads), ACTGEN_OK);
      c = counted(k, x, &y);
      EXPECT_EQ(c.zero_outputs, zeros) << threads << " threads";
      EXPECT_EQ(c.flat_inputs, flat) << threads << " threads";
    }
    ASSERT_EQ(actgen_set_num_threads(0), ACTGEN_OK);
  }
}

// The runtime cuts a call into whole blocks, one block of whole rows of lanes and a padded last row
// (runtime/api.cpp: blocks of 2^15 elements, rows of 16): every size around those edges, out of place against a
// plain count, and in place against the out-of-place call. In place, y overwrites x in the kernel's one loop, so
// the counts must come from the inputs as they were: hardswish, hardsigmoid and threshold (value above the
// threshold) map flat inputs to outputs outside their flat region, and would count differently from their outputs.
TEST(Counts, SizesAroundBlocksAndInPlace) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-8.0f, 8.0f);
  const size_t kBlock = size_t{1} << 15;
  const std::pair<const char *, const char *> acts[] = {
      {"relu6", ""}, {"hardswish", ""}, {"hardsigmoid", ""}, {"threshold", "threshold=1.5,value=2"}};
  for (const std::string &target : available_targets()) {
    for (const auto &[act, params] : acts) {
      Kernel k = make(act, params, ACTGEN_FORWARD, target);
      for (size_t n : {size_t{0}, size_t{1}, size_t{5}, size_t{15}, size_t{16}, size_t{17}, size_t{33}, size_t{4097},
                       kBlock - 1, kBlock, kBlock + 1, kBlock + 16 + 5, 3 * kBlock + 7 * 16, 2 * kBlock + 1}) {
        SCOPED_TRACE(target + " " + act + " n = " + std::to_string(n));
        std::vector<float> x(n + 1);  // one guard element past the end, never written
        for (float &v : x) v = u(rng);
        for (size_t i = 0; i < n; i += 7) x[i] = 0.0f;
        for (size_t i = 3; i < n; i += 11) x[i] = -3.0f;  // hardswish's and hardsigmoid's kink
        const float guard = x[n];
        std::vector<float> plain(n + 1, -1.0f);
        ASSERT_EQ(actgen_forward(k.get(), x.data(), plain.data(), n), ACTGEN_OK);
        uint64_t zeros = 0;
        for (size_t i = 0; i < n; ++i) zeros += plain[i] == 0.0f;
        std::vector<float> y(n + 1, -1.0f);
        actgen_counts c = ACTGEN_COUNTS_INIT;
        ASSERT_EQ(actgen_forward_counted(k.get(), x.data(), y.data(), n, &c), ACTGEN_OK) << actgen_last_error();
        EXPECT_EQ(c.zero_outputs, zeros);
        if (std::string(act) == "relu6") {
          uint64_t flat = 0;
          for (size_t i = 0; i < n; ++i) flat += x[i] <= 0.0f || x[i] >= 6.0f;
          EXPECT_EQ(c.flat_inputs, flat);
        }
        EXPECT_EQ(std::memcmp(y.data(), plain.data(), n * 4), 0);
        EXPECT_EQ(y[n], -1.0f) << "wrote past the end";
        actgen_counts in_place = ACTGEN_COUNTS_INIT;
        ASSERT_EQ(actgen_forward_counted(k.get(), x.data(), x.data(), n, &in_place), ACTGEN_OK);
        EXPECT_EQ(in_place.zero_outputs, c.zero_outputs);
        EXPECT_EQ(in_place.flat_inputs, c.flat_inputs);
        EXPECT_EQ(std::memcmp(x.data(), plain.data(), n * 4), 0);
        EXPECT_EQ(x[n], guard) << "wrote past the end";
      }
    }
  }
}

TEST(Counts, Errors) {
  Kernel fwd = make("relu", "", ACTGEN_FORWARD, ""), bwd = make("relu", "", ACTGEN_BACKWARD, "");
  const float sentinel = 1234.5f;
  std::vector<float> x(64, -1.0f), y(64, sentinel);
  actgen_counts c = ACTGEN_COUNTS_INIT;
  c.zero_outputs = c.flat_inputs = 77;
  auto untouched = [&] {
    for (float v : y)
      if (v != sentinel) return false;
    return c.zero_outputs == 77 && c.flat_inputs == 77;
  };
  auto expect_fail = [&](actgen_status got, actgen_status want, const char *what) {
    EXPECT_EQ(got, want) << what;
    EXPECT_STRNE(actgen_last_error(), "") << what;
    EXPECT_TRUE(untouched()) << what << ": an output was written";
  };
  const actgen_status INV = ACTGEN_ERROR_INVALID_ARGUMENT;
  expect_fail(actgen_forward_counted(nullptr, x.data(), y.data(), 64, &c), INV, "NULL kernel");
  expect_fail(actgen_forward_counted(bwd.get(), x.data(), y.data(), 64, &c), INV, "a backward kernel");
  expect_fail(actgen_forward_counted(fwd.get(), x.data(), y.data(), 64, nullptr), INV, "counts NULL");
  actgen_counts old = c;
  old.size = sizeof(size_t);
  EXPECT_EQ(actgen_forward_counted(fwd.get(), x.data(), y.data(), 64, &old), INV) << "counts->size too small";
  EXPECT_TRUE(untouched());
  expect_fail(actgen_forward_counted(fwd.get(), nullptr, y.data(), 64, &c), INV, "x NULL");
  expect_fail(actgen_forward_counted(fwd.get(), x.data(), nullptr, 64, &c), INV, "y NULL");
  expect_fail(actgen_forward_counted(fwd.get(), x.data(), x.data() + 1, 32, &c), INV, "y shifted over x");
  std::string err;
  Kernel bias_k = make_kernel(ACTGEN_FORM_BIAS, "relu", "", ACTGEN_FORWARD, ACTGEN_F32, "", &err);
  ASSERT_TRUE(bias_k) << err;
  expect_fail(actgen_forward_counted(bias_k.get(), x.data(), y.data(), 64, &c), INV, "a form's kernel");
  // n == 0: both counts 0, nothing else looked at; in place is allowed.
  EXPECT_EQ(actgen_forward_counted(fwd.get(), nullptr, nullptr, 0, &c), ACTGEN_OK);
  EXPECT_EQ(c.zero_outputs, 0u);
  EXPECT_EQ(c.flat_inputs, 0u);
  std::vector<float> work = x;
  EXPECT_EQ(actgen_forward_counted(fwd.get(), work.data(), work.data(), work.size(), &c), ACTGEN_OK);
  EXPECT_EQ(c.zero_outputs, 64u);
  EXPECT_EQ(c.flat_inputs, 64u);
}

TEST(Counts, CppWrapper) {
  actgen::Kernel relu("relu");
  std::vector<float> x = {-2.0f, -0.0f, 0.5f, 3.0f, -1.0f}, y(x.size());
  const actgen_counts c = relu.forward_counted(x, y);
  EXPECT_EQ(c.zero_outputs, 3u);
  EXPECT_EQ(c.flat_inputs, 3u);
  EXPECT_EQ(y[2], 0.5f);
  std::vector<float> wrong(x.size() + 1);
  EXPECT_THROW(relu.forward_counted(x, wrong), actgen::Error);
  actgen::Kernel back("relu", "", actgen::Direction::backward);
  EXPECT_THROW(back.forward_counted(x, y), actgen::Error);
}

// ==== The bias and channel forms ===========================================================================

struct FormShape {
  size_t outer, channels, inner;
};

Kernel make_channel_form(const std::string &act, const std::string &params, actgen_form form,
                         const std::string &target) {
  std::string err;
  Kernel k = make_kernel(form, act, params, ACTGEN_FORWARD, ACTGEN_F32, target, &err);
  EXPECT_TRUE(k) << act << ": " << err;
  return k;
}

// Random x in [-8, 8] with exact zeros and -3 (hardswish's kink) mixed in; v: the bias in [-2, 2], or prelu's
// weights with zeros among them (a zero weight makes x <= 0 flat).
void make_form_inputs(const FormShape &s, bool weights, uint64_t seed, std::vector<float> *x, std::vector<float> *v) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-8.0f, 8.0f), ub(-2.0f, 2.0f);
  x->resize(s.outer * s.channels * s.inner);
  for (size_t i = 0; i < x->size(); ++i) (*x)[i] = i % 7 == 0 ? 0.0f : i % 11 == 3 ? -3.0f : u(rng);
  v->resize(s.channels);
  const float w[] = {0.0f, 0.25f, -0.5f, 0.0f, 1.5f};
  for (size_t c = 0; c < s.channels; ++c) (*v)[c] = weights ? w[c % 5] : (c == 0 ? 0.0f : ub(rng));
}

// Calls the counting form, checks y against the plain form call and the counts against actgen_forward_counted
// on each channel's activation inputs (bias: fl(x + b[c]); channel: x, with a plain kernel whose weight is w[c]).
void check_counted_form(const std::string &act, const std::string &params, actgen_form form,
                        const std::string &target, const FormShape &s, uint64_t seed) {
  const bool channel = form == ACTGEN_FORM_CHANNEL;
  std::vector<float> x, v;
  make_form_inputs(s, channel, seed, &x, &v);
  const size_t n = x.size();
  Kernel k = make_channel_form(act, params, form, target);
  ASSERT_TRUE(k);
  auto plain_call = channel ? actgen_channel_forward : actgen_bias_forward;
  auto counted_call = channel ? actgen_channel_forward_counted : actgen_bias_forward_counted;
  std::vector<float> y_plain(n + 1, -1.0f), y(n + 1, -1.0f);
  ASSERT_EQ(plain_call(k.get(), s.outer, s.channels, s.inner, x.data(), v.data(), y_plain.data()), ACTGEN_OK);
  actgen_counts c = ACTGEN_COUNTS_INIT;
  std::vector<uint64_t> per_channel(s.channels + 1, 99);
  ASSERT_EQ(counted_call(k.get(), s.outer, s.channels, s.inner, x.data(), v.data(), y.data(), &c,
                         per_channel.data()),
            ACTGEN_OK)
      << actgen_last_error();
  EXPECT_EQ(std::memcmp(y.data(), y_plain.data(), n * 4), 0) << "y differs from the plain form's";
  EXPECT_EQ(y[n], -1.0f) << "wrote past y's end";
  EXPECT_EQ(per_channel[s.channels], 99u) << "wrote past channel_flat's end";
  uint64_t zeros = 0;
  for (size_t i = 0; i < n; ++i) zeros += y[i] == 0.0f;
  EXPECT_EQ(c.zero_outputs, zeros);
  // The reference: each channel's inputs through the plain counting kernel.
  std::map<float, Kernel> plain;
  uint64_t flat = 0;
  for (size_t ch = 0; ch < s.channels; ++ch) {
    std::vector<float> z;
    for (size_t o = 0; o < s.outer; ++o)
      for (size_t i = 0; i < s.inner; ++i) {
        const float xi = x[(o * s.channels + ch) * s.inner + i];
        z.push_back(channel ? xi : xi + v[ch]);
      }
    const float key = channel ? v[ch] : 0.0f;
    if (!plain.count(key)) {
      char weight[64];
      std::snprintf(weight, sizeof weight, "weight=%.9g", key);
      plain[key] = make(act, channel ? weight : params, ACTGEN_FORWARD, target);
    }
    std::vector<float> zy;
    const actgen_counts want = counted(plain[key], z, &zy);
    EXPECT_EQ(per_channel[ch], want.flat_inputs) << "channel " << ch;
    flat += want.flat_inputs;
  }
  EXPECT_EQ(c.flat_inputs, flat);
  // In place (y over x): the same counts and values.
  actgen_counts in_place = ACTGEN_COUNTS_INIT;
  ASSERT_EQ(counted_call(k.get(), s.outer, s.channels, s.inner, x.data(), v.data(), x.data(), &in_place, nullptr),
            ACTGEN_OK);
  EXPECT_EQ(in_place.zero_outputs, c.zero_outputs);
  EXPECT_EQ(in_place.flat_inputs, c.flat_inputs);
  EXPECT_EQ(std::memcmp(x.data(), y_plain.data(), n * 4), 0) << "in place";
}

// The runtime's block regions (runtime/forms.cpp, block_regions): channels-last small (C = 5, 37) and NCHW with
// 16-lane blocks and 4 left, rows left over (100 x 2 x 100), and inner < 16; then (kRegionShapes, fewer
// activations) channels-last with a 4096-channel block, a 48-channel block and 5 left (C = 4149), and NCHW with a
// 4096 block, 3 x 16 and 5 left (inner 4149).
const FormShape kFormShapes[] = {{37, 5, 1}, {3, 37, 1}, {100, 2, 100}, {3, 4, 7}};
const FormShape kRegionShapes[] = {{40, 4149, 1}, {5, 3, 4149}};

std::string shape_text(const FormShape &s) {
  return std::to_string(s.outer) + "x" + std::to_string(s.channels) + "x" + std::to_string(s.inner);
}

TEST(Counts, BiasFormEveryActivation) {
  for (const auto &cs : count_cases())
    for (const std::string &target : available_targets())
      for (size_t k = 0; k < std::size(kFormShapes); ++k) {
        SCOPED_TRACE(cs.first + " " + cs.second + " on " + target + ", shape " + shape_text(kFormShapes[k]));
        check_counted_form(cs.first, cs.second, ACTGEN_FORM_BIAS, target, kFormShapes[k], 17 + k);
      }
  for (const char *act : {"relu6", "hardswish"})
    for (const std::string &target : available_targets())
      for (const FormShape &s : kRegionShapes) {
        SCOPED_TRACE(std::string(act) + " on " + target + ", shape " + shape_text(s));
        check_counted_form(act, "", ACTGEN_FORM_BIAS, target, s, 23);
      }
}

TEST(Counts, ChannelFormPrelu) {
  std::vector<FormShape> shapes(std::begin(kFormShapes), std::end(kFormShapes));
  shapes.insert(shapes.end(), std::begin(kRegionShapes), std::end(kRegionShapes));
  for (const std::string &target : available_targets())
    for (const FormShape &s : shapes) {
      SCOPED_TRACE(target + " shape " + shape_text(s));
      check_counted_form("prelu", "", ACTGEN_FORM_CHANNEL, target, s, 31 + s.channels);
    }
}

TEST(Counts, FormThreadsAndErrors) {
  // The same counts for 1, 2 and 7 threads, above the parallel threshold.
  const FormShape s{300, 1500, 1};
  std::vector<float> x, b;
  make_form_inputs(s, false, 5, &x, &b);
  std::vector<float> y(x.size());
  Kernel k = make_channel_form("relu6", "", ACTGEN_FORM_BIAS, "");
  actgen_counts ref = ACTGEN_COUNTS_INIT;
  std::vector<uint64_t> ref_flat(s.channels), flat(s.channels);
  for (int threads : {1, 2, 7}) {
    ASSERT_EQ(actgen_set_num_threads(threads), ACTGEN_OK);
    actgen_counts c = ACTGEN_COUNTS_INIT;
    ASSERT_EQ(actgen_bias_forward_counted(k.get(), s.outer, s.channels, s.inner, x.data(), b.data(), y.data(), &c,
                                          flat.data()),
              ACTGEN_OK);
    if (threads == 1) {
      ref = c;
      ref_flat = flat;
      continue;
    }
    EXPECT_EQ(c.zero_outputs, ref.zero_outputs) << threads << " threads";
    EXPECT_EQ(c.flat_inputs, ref.flat_inputs) << threads << " threads";
    EXPECT_EQ(flat, ref_flat) << threads << " threads";
  }
  ASSERT_EQ(actgen_set_num_threads(0), ACTGEN_OK);
  // Errors: a status and a message, nothing written.
  const float sentinel = 1234.5f;
  std::vector<float> out(x.size(), sentinel);
  std::vector<uint64_t> per(s.channels, 77);
  actgen_counts c = ACTGEN_COUNTS_INIT;
  c.zero_outputs = c.flat_inputs = 77;
  auto untouched = [&] {
    for (float v : out)
      if (v != sentinel) return false;
    for (uint64_t v : per)
      if (v != 77) return false;
    return c.zero_outputs == 77 && c.flat_inputs == 77;
  };
  auto expect_fail = [&](actgen_status got, const char *what) {
    EXPECT_EQ(got, ACTGEN_ERROR_INVALID_ARGUMENT) << what;
    EXPECT_STRNE(actgen_last_error(), "") << what;
    EXPECT_TRUE(untouched()) << what << ": an output was written";
  };
  const size_t O = s.outer, C = s.channels;
  expect_fail(actgen_bias_forward_counted(k.get(), O, C, 1, x.data(), b.data(), out.data(), nullptr, per.data()),
              "counts NULL");
  actgen_counts old = c;
  old.size = sizeof(size_t);
  EXPECT_EQ(actgen_bias_forward_counted(k.get(), O, C, 1, x.data(), b.data(), out.data(), &old, per.data()),
            ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(untouched()) << "counts->size too small";
  expect_fail(actgen_bias_forward_counted(k.get(), O, C, 1, x.data(), b.data(), out.data(), &c,
                                          reinterpret_cast<uint64_t *>(out.data())),
              "channel_flat over y");
  expect_fail(actgen_bias_forward_counted(k.get(), O, C, 1, x.data(), nullptr, out.data(), &c, per.data()), "b NULL");
  expect_fail(actgen_bias_forward_counted(k.get(), O, C, 1, x.data(), b.data(), x.data() + 1, &c, per.data()),
              "y shifted over x");
  expect_fail(actgen_channel_forward_counted(k.get(), O, C, 1, x.data(), b.data(), out.data(), &c, per.data()),
              "a bias kernel in the channel call");
  std::string err;
  Kernel back = make_kernel(ACTGEN_FORM_BIAS, "relu6", "", ACTGEN_BACKWARD, ACTGEN_F32, "", &err);
  ASSERT_TRUE(back) << err;
  expect_fail(actgen_bias_forward_counted(back.get(), O, C, 1, x.data(), b.data(), out.data(), &c, per.data()),
              "a backward kernel");
  // Zero elements: the counts and channel_flat set to 0.
  ASSERT_EQ(actgen_bias_forward_counted(k.get(), 0, C, 1, nullptr, nullptr, nullptr, &c, per.data()), ACTGEN_OK);
  EXPECT_EQ(c.zero_outputs, 0u);
  EXPECT_EQ(c.flat_inputs, 0u);
  EXPECT_EQ(per, std::vector<uint64_t>(C, 0));
}

TEST(Counts, FormsCppWrapper) {
  actgen::Kernel prelu = actgen::Kernel::channel("prelu");
  // [rows = 2, C = 3]: weights 0, 0.25, 0; the zero-weight channels are dead where x <= 0.
  const std::vector<float> x = {-1.0f, -2.0f, 3.0f, -4.0f, 5.0f, -6.0f}, w = {0.0f, 0.25f, 0.0f};
  std::vector<float> y(x.size());
  std::vector<uint64_t> flat;
  const actgen_counts c = prelu.channel_forward_counted(x, w, y, flat);
  EXPECT_EQ(flat, (std::vector<uint64_t>{2, 0, 1}));
  EXPECT_EQ(c.flat_inputs, 3u);
  EXPECT_EQ(c.zero_outputs, 3u);  // -1 * 0, -4 * 0, -6 * 0
  EXPECT_EQ(y[1], -0.5f);
  EXPECT_EQ(prelu.channel_forward_counted(x, w, y).flat_inputs, 3u);
  std::vector<float> wrong(x.size() + 1);
  EXPECT_THROW(prelu.channel_forward_counted(x, w, wrong), actgen::Error);
}

// ==== The gated form ========================================================================================

Kernel make_gated(const std::string &act, const std::string &params, const std::string &target) {
  return make_channel_form(act, params, ACTGEN_FORM_GATED, target);
}

// The gated form's counting call on [rows, d] halves of stride in_stride (y with y_stride): y bit-identical to
// actgen_gated_forward; zero_outputs a plain count; flat_inputs actgen_forward_counted's count of the a values.
void check_counted_gated(const std::string &act, const std::string &params, const std::string &target, size_t rows,
                         size_t d, size_t y_stride, uint64_t seed) {
  const size_t in_stride = 2 * d + 3;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-8.0f, 8.0f);
  std::vector<float> x(rows * in_stride);
  for (size_t i = 0; i < x.size(); ++i) x[i] = i % 7 == 0 ? 0.0f : i % 13 == 5 ? -3.0f : u(rng);
  const float *a = x.data(), *g = x.data() + d;
  Kernel k = make_gated(act, params, target);
  ASSERT_TRUE(k);
  std::vector<float> y_plain(rows * y_stride + 1, -1.0f), y(rows * y_stride + 1, -1.0f);
  ASSERT_EQ(actgen_gated_forward(k.get(), rows, d, a, g, in_stride, y_plain.data(), y_stride), ACTGEN_OK);
  actgen_counts c = ACTGEN_COUNTS_INIT;
  ASSERT_EQ(actgen_gated_forward_counted(k.get(), rows, d, a, g, in_stride, y.data(), y_stride, &c), ACTGEN_OK)
      << actgen_last_error();
  EXPECT_EQ(std::memcmp(y.data(), y_plain.data(), y.size() * 4), 0) << "y (or the gaps between its rows) differs";
  uint64_t zeros = 0;
  std::vector<float> activated;
  for (size_t r = 0; r < rows; ++r)
    for (size_t j = 0; j < d; ++j) {
      zeros += y[r * y_stride + j] == 0.0f;
      activated.push_back(a[r * in_stride + j]);
    }
  EXPECT_EQ(c.zero_outputs, zeros);
  std::vector<float> fa;
  const actgen_counts want = counted(make(act, params, ACTGEN_FORWARD, target), activated, &fa);
  EXPECT_EQ(c.flat_inputs, want.flat_inputs);
}

TEST(Counts, GatedFormEveryActivation) {
  // d: under 16, 16-lane blocks with 4 left (rows left over: 100 = 2 x 42 + 16), a 4096 block with 3 x 16 and 5
  // left.
  const size_t shapes[][3] = {{37, 5, 5}, {100, 100, 103}, {5, 4149, 4149}};
  for (const auto &cs : count_cases())
    for (const std::string &target : available_targets())
      for (const auto &s : shapes) {
        if (s[1] > 1000 && cs.first != "relu6" && cs.first != "hardswish") continue;
        SCOPED_TRACE(cs.first + " " + cs.second + " on " + target + ", rows " + std::to_string(s[0]) + " d " +
                     std::to_string(s[1]));
        check_counted_gated(cs.first, cs.second, target, s[0], s[1], s[2], 41 + s[1]);
      }
}

TEST(Counts, GatedPackedInPlaceAndErrors) {
  // Packed, the alias order: reglu activates the first half (relu: flat where x <= 0), glu the second (sigmoid:
  // no flat region).
  const std::vector<float> x = {-1.0f, 2.0f, 0.5f, -4.0f, 0.0f, -2.0f, 3.0f, 1.0f};  // rows 2, d 2
  std::vector<float> y(4);
  actgen_counts c = ACTGEN_COUNTS_INIT;
  Kernel reglu = make_gated("reglu", "", "");
  ASSERT_EQ(actgen_gated_forward_packed_counted(reglu.get(), 2, 2, x.data(), y.data(), &c), ACTGEN_OK);
  EXPECT_EQ(c.flat_inputs, 3u);   // -1, 0, -2
  EXPECT_EQ(c.zero_outputs, 3u);  // relu(-1) * 0.5, relu(0) * 3, relu(-2) * 1
  Kernel glu = make_gated("glu", "", "");
  ASSERT_EQ(actgen_gated_forward_packed_counted(glu.get(), 2, 2, x.data(), y.data(), &c), ACTGEN_OK);
  EXPECT_EQ(c.flat_inputs, 0u);
  EXPECT_EQ(c.zero_outputs, 1u);  // the first half gates: 0 * sigmoid(3)
  // Errors: a status and a message, nothing written.
  std::vector<float> out(4, 1234.5f);
  c.zero_outputs = c.flat_inputs = 77;
  auto untouched = [&] {
    for (float v : out)
      if (v != 1234.5f) return false;
    return c.zero_outputs == 77 && c.flat_inputs == 77;
  };
  const actgen_status INV = ACTGEN_ERROR_INVALID_ARGUMENT;
  EXPECT_EQ(actgen_gated_forward_counted(reglu.get(), 2, 2, x.data(), x.data() + 2, 4, out.data(), 2, nullptr), INV);
  EXPECT_TRUE(untouched()) << "counts NULL";
  actgen_counts old = c;
  old.size = sizeof(size_t);
  EXPECT_EQ(actgen_gated_forward_counted(reglu.get(), 2, 2, x.data(), x.data() + 2, 4, out.data(), 2, &old), INV);
  EXPECT_TRUE(untouched()) << "counts->size too small";
  EXPECT_EQ(actgen_gated_forward_counted(reglu.get(), 2, 2, x.data(), x.data() + 2, 1, out.data(), 2, &c), INV);
  EXPECT_TRUE(untouched()) << "a row stride below d";
  EXPECT_EQ(actgen_gated_forward_counted(reglu.get(), 2, 2, x.data(), x.data() + 2, 4, const_cast<float *>(x.data()) + 1,
                                         2, &c),
            INV);
  EXPECT_TRUE(untouched()) << "y over a";
  Kernel plain = make("relu", "", ACTGEN_FORWARD, "");
  EXPECT_EQ(actgen_gated_forward_counted(plain.get(), 2, 2, x.data(), x.data() + 2, 4, out.data(), 2, &c), INV);
  EXPECT_TRUE(untouched()) << "a plain kernel";
  EXPECT_STRNE(actgen_last_error(), "");
  // rows == 0: both counts 0.
  ASSERT_EQ(actgen_gated_forward_counted(reglu.get(), 0, 2, nullptr, nullptr, 4, nullptr, 2, &c), ACTGEN_OK);
  EXPECT_EQ(c.zero_outputs, 0u);
  EXPECT_EQ(c.flat_inputs, 0u);
  // C++.
  actgen::Kernel swiglu = actgen::Kernel::gated("reglu");
  std::vector<float> yy(4);
  EXPECT_EQ(swiglu.gated_forward_counted(x, yy, 2).flat_inputs, 3u);
  std::vector<float> wrong(5);
  EXPECT_THROW(swiglu.gated_forward_counted(x, wrong, 2), actgen::Error);
}

}  // namespace
