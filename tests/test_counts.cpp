// The counting forward (actgen_forward_counted): dead-unit and sparsity statistics counted by the forward pass.
//
// For every catalog activation (defaults, and the parameter sets that make a flat region appear or move) on every
// host target this machine runs: y bit-identical to actgen_forward; zero_outputs equal to a plain count of the
// returned zeros; flat_inputs equal to the number of finite inputs where the long-double oracle's derivative
// (oracle.h, independent of dsl/) is exactly 0, and, input by input on the kinks and a random sample, counted
// exactly where the kernel's own backward returns 0 for two nonzero dy (the declared region is where the
// backward returns 0; inputs where dy f' underflows are left out of that check). f16 and bf16 on all 65536 inputs
// against the f32 counts of the same values. Also: the same counts for thread counts 1, 2 and 7, NaN and
// infinities, sizes around the runtime's blocks, in place, the error table and the C++ wrapper.
#include <gtest/gtest.h>

#include <actgen/actgen.hpp>

#include <cmath>
#include <cstring>
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
        actgen_kernel *k16 = nullptr;
        ASSERT_EQ(actgen_kernel_create_on(&k16, c.first.c_str(), c.second.c_str(), dtype, ACTGEN_FORWARD,
                                          target.c_str()), ACTGEN_OK) << actgen_last_error();
        Kernel half(k16);
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
  actgen_kernel_desc desc = ACTGEN_KERNEL_DESC_INIT;
  desc.activation = "relu";
  desc.form = ACTGEN_FORM_BIAS;
  actgen_kernel *bias = nullptr;
  ASSERT_EQ(actgen_kernel_create_desc(&bias, &desc), ACTGEN_OK);
  Kernel bias_k(bias);
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

}  // namespace
