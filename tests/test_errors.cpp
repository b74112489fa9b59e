// Error handling, target pinning, threads.
//
// Every error case: the status, a non-empty actgen_last_error() that mentions the offending thing, and no output
// touched (output buffers are filled with a sentinel first; a failed create leaves no kernel behind).
#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <set>
#include <thread>

#include "test_support.h"

using namespace testsupport;

namespace {

const uint32_t kSentinel = 0x7fa5a5a5u;

std::string lower(std::string s) {
  for (char &c : s) c = (char)std::tolower((unsigned char)c);
  return s;
}
bool contains_ci(const std::string &hay, const std::string &needle) {
  return lower(hay).find(lower(needle)) != std::string::npos;
}
// `word` appears delimited by non-identifier characters.
bool has_word(const std::string &hay, const std::string &word) {
  auto isid = [](char c) { return std::isalnum((unsigned char)c) || c == '_'; };
  std::string h = lower(hay), w = lower(word);
  for (size_t p = h.find(w); p != std::string::npos; p = h.find(w, p + 1)) {
    bool l = p == 0 || !isid(h[p - 1]);
    bool r = p + w.size() >= h.size() || !isid(h[p + w.size()]);
    if (l && r) return true;
  }
  return false;
}
::testing::AssertionResult mentions_any(const std::string &msg, std::initializer_list<const char *> what) {
  if (msg.empty()) return ::testing::AssertionFailure() << "actgen_last_error() is empty";
  for (const char *w : what)
    if (contains_ci(msg, w)) return ::testing::AssertionSuccess();
  auto f = ::testing::AssertionFailure();
  f << "actgen_last_error() = \"" << msg << "\" mentions none of:";
  for (const char *w : what) f << " '" << w << "'";
  return f;
}

// Creates with bad arguments: expects `want`, a message mentioning one of `what`, and no kernel.
void expect_create_fails(actgen_status want, const char *act, const char *params, actgen_dtype dt,
                         actgen_direction dir, const char *target, std::initializer_list<const char *> what) {
  SCOPED_TRACE(std::string("activation=") + (act ? act : "NULL") + " params=\"" + (params ? params : "NULL") +
               "\" target=" + (target ? target : "NULL"));
  actgen_kernel *k = nullptr;
  actgen_status s = actgen_kernel_create_on(&k, act, params, dt, dir, target);
  EXPECT_EQ(s, want) << actgen_last_error();
  EXPECT_EQ(k, nullptr) << "a failed create returned a kernel";
  if (k) actgen_kernel_destroy(k);
  EXPECT_TRUE(mentions_any(actgen_last_error(), what));
  // The same through actgen_kernel_create (no target).
  if (!target) {
    k = nullptr;
    s = actgen_kernel_create(&k, act, params, dt, dir);
    EXPECT_EQ(s, want) << actgen_last_error();
    EXPECT_EQ(k, nullptr);
    if (k) actgen_kernel_destroy(k);
    EXPECT_TRUE(mentions_any(actgen_last_error(), what));
  }
}

void bad_params(const char *act, const char *params, std::initializer_list<const char *> what) {
  expect_create_fails(ACTGEN_ERROR_INVALID_ARGUMENT, act, params, ACTGEN_F32, ACTGEN_FORWARD, nullptr, what);
  expect_create_fails(ACTGEN_ERROR_INVALID_ARGUMENT, act, params, ACTGEN_F32, ACTGEN_BACKWARD, nullptr, what);
}

TEST(Errors, UnknownActivation) {
  bad_params("no_such_activation", nullptr, {"no_such_activation"});
  bad_params("RELU", "", {"RELU"});
  bad_params("", "", {"activation"});
}

TEST(Errors, UnknownParameterName) {
  bad_params("leaky_relu", "negativ_slope=0.1", {"negativ_slope"});
  bad_params("relu", "alpha=1", {"alpha"});
  bad_params("softplus", "beta=1,treshold=3", {"treshold"});
}

TEST(Errors, NonNumericValue) {
  bad_params("leaky_relu", "negative_slope=abc", {"abc", "negative_slope"});
  bad_params("leaky_relu", "negative_slope=0.1x", {"0.1x", "negative_slope"});
  bad_params("leaky_relu", "negative_slope=", {"negative_slope"});
  bad_params("softplus", "beta=1,threshold=twenty", {"twenty", "threshold"});
}

TEST(Errors, NonFiniteValue) {
  bad_params("leaky_relu", "negative_slope=nan", {"negative_slope", "nan"});
  bad_params("leaky_relu", "negative_slope=inf", {"negative_slope", "inf"});
  bad_params("softplus", "threshold=-inf", {"threshold", "inf"});
  bad_params("elu", "alpha=NaN", {"alpha", "nan"});
}

// A finite double that is infinite once rounded to float (the kernels compute with (float)param).
TEST(Errors, ValueOverflowingFloat) { bad_params("leaky_relu", "negative_slope=1e39", {"negative_slope", "1e39"}); }

TEST(Errors, ParameterMakesFunctionUndefined) {
  bad_params("softplus", "beta=0", {"beta"});
  bad_params("celu", "alpha=0", {"alpha"});
  bad_params("hardtanh", "min_val=2,max_val=1", {"min_val", "max_val"});
  bad_params("hardtanh", "min_val=2", {"min_val", "max_val"});  // 2 > default max_val 1
  bad_params("hardshrink", "lambd=-0.5", {"lambd"});
  bad_params("softshrink", "lambd=-0.5", {"lambd"});
}

TEST(Errors, MalformedParamsString) {
  bad_params("softplus", "beta", {"beta"});
  bad_params("softplus", "beta=1,,", {"beta=1,,", ",,", "empty", "malformed"});
  bad_params("softplus", "=1", {"=1", "empty", "malformed", "name", "parameter ''"});
  bad_params("softplus", "beta=1;threshold=2", {"beta=1;threshold=2", "1;threshold", "beta"});
}

TEST(Errors, ParameterGivenTwice) {
  bad_params("softplus", "beta=1,beta=2", {"beta"});
  bad_params("hardtanh", "min_val=-2,max_val=2,min_val=-1", {"min_val"});
}

TEST(Errors, NullArgumentsToCreate) {
  EXPECT_EQ(actgen_kernel_create(nullptr, "relu", nullptr, ACTGEN_F32, ACTGEN_FORWARD),
            ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(mentions_any(actgen_last_error(), {"kernel", "null", "pointer"}));
  EXPECT_EQ(actgen_kernel_create_on(nullptr, "relu", nullptr, ACTGEN_F32, ACTGEN_FORWARD, nullptr),
            ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(mentions_any(actgen_last_error(), {"kernel", "null", "pointer"}));
  expect_create_fails(ACTGEN_ERROR_INVALID_ARGUMENT, nullptr, nullptr, ACTGEN_F32, ACTGEN_FORWARD, nullptr,
                      {"activation"});
}

TEST(Errors, BadEnums) {
  expect_create_fails(ACTGEN_ERROR_INVALID_ARGUMENT, "relu", nullptr, (actgen_dtype)7, ACTGEN_FORWARD, nullptr,
                      {"dtype", "type"});
  expect_create_fails(ACTGEN_ERROR_INVALID_ARGUMENT, "relu", nullptr, ACTGEN_F32, (actgen_direction)5, nullptr,
                      {"direction"});
}

// The dtype list (cmake/targets.cmake's ACTGEN_DTYPES, through the runtime): f32 first, every listed dtype makes
// kernels in both directions, names and sizes are as documented, and anything else is refused.
TEST(Errors, DtypeList) {
  ASSERT_GE(actgen_dtype_count(), 1u);
  EXPECT_EQ(actgen_dtype_at(0), (int)ACTGEN_F32);
  EXPECT_EQ(actgen_dtype_at(actgen_dtype_count()), -1);
  for (size_t i = 0; i < actgen_dtype_count(); ++i) {
    const actgen_dtype d = (actgen_dtype)actgen_dtype_at(i);
    const char *name = actgen_dtype_name(d);
    ASSERT_NE(name, nullptr) << i;
    const std::string n = name;
    EXPECT_TRUE(n == "f32" || n == "f16" || n == "bf16") << n;
    EXPECT_EQ(actgen_dtype_size(d), n == "f32" ? 4u : 2u) << n;
    for (actgen_direction dir : {ACTGEN_FORWARD, ACTGEN_BACKWARD}) {
      actgen_kernel *k = nullptr;
      EXPECT_EQ(actgen_kernel_create(&k, "gelu", nullptr, d, dir), ACTGEN_OK) << n << ": " << actgen_last_error();
      actgen_kernel_destroy(k);
    }
  }
  EXPECT_EQ(actgen_dtype_name((actgen_dtype)7), nullptr);
  EXPECT_EQ(actgen_dtype_size((actgen_dtype)7), 0u);
}

TEST(Errors, UnknownTarget) {
  expect_create_fails(ACTGEN_ERROR_INVALID_ARGUMENT, "relu", nullptr, ACTGEN_F32, ACTGEN_FORWARD, "x86-64-avx9000",
                      {"x86-64-avx9000"});
  expect_create_fails(ACTGEN_ERROR_INVALID_ARGUMENT, "relu", nullptr, ACTGEN_F32, ACTGEN_FORWARD, "host",
                      {"host"});
  EXPECT_EQ(actgen_set_target("x86-64-avx9000"), ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(mentions_any(actgen_last_error(), {"x86-64-avx9000"}));
  // And nothing was pinned: automatic selection still works.
  Kernel k = make_kernel("relu", "", ACTGEN_FORWARD, "");
  EXPECT_TRUE(k);
}

TEST(Errors, UnavailableTargetIsUnsupported) {
  std::vector<std::string> missing;
  for (size_t i = 0; i < actgen_target_count(); ++i)
    if (!actgen_target_available(i)) missing.push_back(actgen_target_name(i));
  if (missing.empty()) GTEST_SKIP() << "every generated target is available on this machine";
  for (const std::string &t : missing) {
    expect_create_fails(ACTGEN_ERROR_UNSUPPORTED, "relu", nullptr, ACTGEN_F32, ACTGEN_FORWARD, t.c_str(),
                        {t.c_str()});
    EXPECT_EQ(actgen_set_target(t.c_str()), ACTGEN_ERROR_UNSUPPORTED) << t;
    EXPECT_TRUE(mentions_any(actgen_last_error(), {t.c_str()}));
  }
  actgen_set_target(nullptr);
}

// forward/backward with bad arguments: status, message, untouched output.
TEST(Errors, BadCalls) {
  Kernel fwd = make_kernel("gelu", "", ACTGEN_FORWARD, "");
  Kernel bwd = make_kernel("gelu", "", ACTGEN_BACKWARD, "");
  ASSERT_TRUE(fwd && bwd) << actgen_last_error();
  const size_t n = 100;
  std::vector<float> x(n, 0.5f), dy(n, 1.0f), out(n);
  auto untouched = [&] {
    for (float f : out)
      if (bits(f) != kSentinel) return false;
    return true;
  };
  auto reset = [&] { std::fill(out.begin(), out.end(), from_bits(kSentinel)); };

  reset();
  EXPECT_EQ(actgen_forward(nullptr, x.data(), out.data(), n), ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(mentions_any(actgen_last_error(), {"kernel"}));
  EXPECT_TRUE(untouched());
  EXPECT_EQ(actgen_backward(nullptr, x.data(), dy.data(), out.data(), n), ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(mentions_any(actgen_last_error(), {"kernel"}));
  EXPECT_TRUE(untouched());

  EXPECT_EQ(actgen_forward(fwd.get(), nullptr, out.data(), n), ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(has_word(actgen_last_error(), "x") || contains_ci(actgen_last_error(), "null")) << actgen_last_error();
  EXPECT_TRUE(untouched());
  EXPECT_EQ(actgen_forward(fwd.get(), x.data(), nullptr, n), ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(has_word(actgen_last_error(), "y") || contains_ci(actgen_last_error(), "null")) << actgen_last_error();

  EXPECT_EQ(actgen_backward(bwd.get(), nullptr, dy.data(), out.data(), n), ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(has_word(actgen_last_error(), "x") || contains_ci(actgen_last_error(), "null")) << actgen_last_error();
  EXPECT_TRUE(untouched());
  EXPECT_EQ(actgen_backward(bwd.get(), x.data(), nullptr, out.data(), n), ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(has_word(actgen_last_error(), "dy") || contains_ci(actgen_last_error(), "null"))
      << actgen_last_error();
  EXPECT_TRUE(untouched());
  EXPECT_EQ(actgen_backward(bwd.get(), x.data(), dy.data(), nullptr, n), ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(has_word(actgen_last_error(), "dx") || contains_ci(actgen_last_error(), "null"))
      << actgen_last_error();

  // Wrong direction.
  EXPECT_EQ(actgen_forward(bwd.get(), x.data(), out.data(), n), ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(mentions_any(actgen_last_error(), {"backward", "forward", "direction"}));
  EXPECT_TRUE(untouched());
  EXPECT_EQ(actgen_backward(fwd.get(), x.data(), dy.data(), out.data(), n), ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(mentions_any(actgen_last_error(), {"backward", "forward", "direction"}));
  EXPECT_TRUE(untouched());

  // The kernels still work afterwards.
  EXPECT_EQ(actgen_forward(fwd.get(), x.data(), out.data(), n), ACTGEN_OK);
  EXPECT_FALSE(untouched());
}

TEST(Errors, SetNumThreadsRejectsNegative) {
  EXPECT_EQ(actgen_set_num_threads(-1), ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_TRUE(mentions_any(actgen_last_error(), {"thread", "-1"}));
  EXPECT_EQ(actgen_set_num_threads(0), ACTGEN_OK);
}

TEST(Errors, MiscNullHandling) {
  EXPECT_EQ(actgen_kernel_target(nullptr), nullptr);
  actgen_kernel_destroy(nullptr);  // ignored
  EXPECT_NE(actgen_last_error(), nullptr);
  EXPECT_NE(actgen_cpu_features(), nullptr);
}

// Valid parameter strings are accepted, including NULL / "" for defaults.
TEST(Errors, ValidParamsAccepted) {
  const char *ok[][2] = {{"softplus", nullptr},       {"softplus", ""},          {"softplus", "beta=2"},
                         {"softplus", "threshold=5,beta=0.5"}, {"softplus", "beta=2.5e0,threshold=1e1"},
                         {"hardtanh", "min_val=-2,max_val=3"},
                         {"leaky_relu", "negative_slope=-0.5"}, {"hardshrink", "lambd=0"}, {"elu", "alpha=-1"}};
  for (auto &c : ok) {
    actgen_kernel *k = nullptr;
    EXPECT_EQ(actgen_kernel_create(&k, c[0], c[1], ACTGEN_F32, ACTGEN_FORWARD), ACTGEN_OK)
        << c[0] << " \"" << (c[1] ? c[1] : "NULL") << "\": " << actgen_last_error();
    actgen_kernel_destroy(k);
  }
}

// ---- last error is thread-local ---------------------------------------------------------------------------------
TEST(Errors, LastErrorIsThreadLocal) {
  actgen_kernel *k = nullptr;
  ASSERT_NE(actgen_kernel_create(&k, "main_thread_bogus", nullptr, ACTGEN_F32, ACTGEN_FORWARD), ACTGEN_OK);
  std::string mine = actgen_last_error();
  ASSERT_TRUE(contains_ci(mine, "main_thread_bogus")) << mine;
  std::string other_before, other_after;
  std::thread t([&] {
    other_before = actgen_last_error();
    actgen_kernel *k2 = nullptr;
    actgen_kernel_create(&k2, "other_thread_bogus", nullptr, ACTGEN_F32, ACTGEN_FORWARD);
    other_after = actgen_last_error();
  });
  t.join();
  EXPECT_EQ(other_before, "") << "a new thread starts with no error message";
  EXPECT_TRUE(contains_ci(other_after, "other_thread_bogus")) << other_after;
  EXPECT_EQ(std::string(actgen_last_error()), mine) << "another thread's failure changed this thread's message";
}

// ---- target pinning ---------------------------------------------------------------------------------------------
struct EnvGuard {
  EnvGuard() {
    const char *v = std::getenv("ACTGEN_TARGET");
    had = v != nullptr;
    if (had) old = v;
    unsetenv("ACTGEN_TARGET");
    actgen_set_target(nullptr);
  }
  ~EnvGuard() {
    if (had) setenv("ACTGEN_TARGET", old.c_str(), 1);
    else unsetenv("ACTGEN_TARGET");
    actgen_set_target(nullptr);
  }
  bool had;
  std::string old;
};

std::string target_of(const char *act, actgen_direction dir = ACTGEN_FORWARD) {
  actgen_kernel *k = nullptr;
  if (actgen_kernel_create(&k, act, nullptr, ACTGEN_F32, dir) != ACTGEN_OK) return std::string("ERROR: ") + actgen_last_error();
  std::string t = actgen_kernel_target(k) ? actgen_kernel_target(k) : "(null)";
  actgen_kernel_destroy(k);
  return t;
}

TEST(Targets, AutomaticSelectionPicksAnAvailableTarget) {
  EnvGuard g;
  std::vector<std::string> av = available_targets();
  ASSERT_FALSE(av.empty());
  std::string t = target_of("gelu");
  EXPECT_NE(std::find(av.begin(), av.end(), t), av.end()) << t;
  RecordProperty("automatic_target", t);
  // Among CPU targets, the automatic choice is the best (first listed) available one.
  std::string best_cpu;
  for (const std::string &a : av)
    if (a != "cuda" && a.rfind("cuda", 0) != 0) {
      best_cpu = a;
      break;
    }
  if (t.rfind("cuda", 0) != 0) {
    EXPECT_EQ(t, best_cpu);
  }
}

TEST(Targets, SetTargetPins) {
  EnvGuard g;
  for (const std::string &t : available_targets()) {
    ASSERT_EQ(actgen_set_target(t.c_str()), ACTGEN_OK) << t << ": " << actgen_last_error();
    EXPECT_EQ(target_of("gelu"), t);
    EXPECT_EQ(target_of("relu", ACTGEN_BACKWARD), t);
  }
  std::string pinned_last = available_targets().back();
  ASSERT_EQ(actgen_set_target(""), ACTGEN_OK);
  std::string automatic = target_of("gelu");
  ASSERT_EQ(actgen_set_target(pinned_last.c_str()), ACTGEN_OK);
  ASSERT_EQ(actgen_set_target(nullptr), ACTGEN_OK);
  EXPECT_EQ(target_of("gelu"), automatic) << "set_target(NULL) restores automatic selection";
}

TEST(Targets, EnvironmentVariableHonoured) {
  EnvGuard g;
  for (const std::string &t : available_targets()) {
    setenv("ACTGEN_TARGET", t.c_str(), 1);
    EXPECT_EQ(target_of("sigmoid"), t) << "ACTGEN_TARGET=" << t;
  }
  unsetenv("ACTGEN_TARGET");
}

TEST(Targets, SetTargetOverridesEnvironment) {
  EnvGuard g;
  std::vector<std::string> av = available_targets();
  if (av.size() < 2) GTEST_SKIP() << "needs two available targets";
  setenv("ACTGEN_TARGET", av[0].c_str(), 1);
  ASSERT_EQ(actgen_set_target(av[1].c_str()), ACTGEN_OK);
  EXPECT_EQ(target_of("tanh"), av[1]);
  ASSERT_EQ(actgen_set_target(nullptr), ACTGEN_OK);
  EXPECT_EQ(target_of("tanh"), av[0]) << "with the pin removed, ACTGEN_TARGET applies again";
}

TEST(Targets, CreateOnIgnoresPinAndEnvironment) {
  EnvGuard g;
  std::vector<std::string> av = available_targets();
  if (av.size() < 2) GTEST_SKIP() << "needs two available targets";
  setenv("ACTGEN_TARGET", av[0].c_str(), 1);
  ASSERT_EQ(actgen_set_target(av[0].c_str()), ACTGEN_OK);
  Kernel k = make_kernel("gelu", "", ACTGEN_FORWARD, av[1]);
  ASSERT_TRUE(k);
  EXPECT_EQ(std::string(actgen_kernel_target(k.get())), av[1]);
}

// ---- threads ----------------------------------------------------------------------------------------------------
std::vector<float> random_inputs(size_t n, uint64_t seed, float lo, float hi) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  std::vector<float> v(n);
  for (float &f : v) f = u(rng);
  return v;
}

TEST(Threads, ConcurrentCallsOnOneKernel) {
  for (actgen_direction dir : {ACTGEN_FORWARD, ACTGEN_BACKWARD}) {
    Kernel k = make_kernel("gelu", "", dir, "");
    ASSERT_TRUE(k) << actgen_last_error();
    const int T = 8;
    const size_t n = 200003;
    std::vector<std::vector<float>> xs(T), dys(T), ref(T), got(T);
    for (int t = 0; t < T; ++t) {
      xs[t] = random_inputs(n, 100 + t, -10.0f, 10.0f);
      dys[t] = random_inputs(n, 200 + t, -2.0f, 2.0f);
      ref[t].resize(n);
      got[t].resize(n);
      ASSERT_EQ(dir == ACTGEN_FORWARD ? actgen_forward(k.get(), xs[t].data(), ref[t].data(), n)
                                      : actgen_backward(k.get(), xs[t].data(), dys[t].data(), ref[t].data(), n),
                ACTGEN_OK);
    }
    std::atomic<int> mismatches{0}, errors{0};
    std::vector<std::thread> th;
    for (int t = 0; t < T; ++t)
      th.emplace_back([&, t] {
        for (int rep = 0; rep < 10; ++rep) {
          std::fill(got[t].begin(), got[t].end(), 0.0f);
          actgen_status s = dir == ACTGEN_FORWARD
                                ? actgen_forward(k.get(), xs[t].data(), got[t].data(), n)
                                : actgen_backward(k.get(), xs[t].data(), dys[t].data(), got[t].data(), n);
          if (s != ACTGEN_OK) ++errors;
          if (std::memcmp(got[t].data(), ref[t].data(), n * 4) != 0) ++mismatches;
        }
      });
    for (auto &t : th) t.join();
    EXPECT_EQ(errors.load(), 0) << dir_name(dir);
    EXPECT_EQ(mismatches.load(), 0) << dir_name(dir) << ": concurrent results differ from single-threaded ones";
  }
}

TEST(Threads, ConcurrentCreateAndDestroy) {
  std::vector<std::string> names = catalog_names();
  std::atomic<int> errors{0};
  std::vector<std::thread> th;
  for (int t = 0; t < 8; ++t)
    th.emplace_back([&, t] {
      for (size_t i = 0; i < names.size(); ++i) {
        actgen_kernel *k = nullptr;
        if (actgen_kernel_create(&k, names[(i + t) % names.size()].c_str(), nullptr, ACTGEN_F32,
                                 (t & 1) ? ACTGEN_BACKWARD : ACTGEN_FORWARD) != ACTGEN_OK)
          ++errors;
        float x = 0.25f, dy = 1.0f, y;
        if ((t & 1) ? actgen_backward(k, &x, &dy, &y, 1) != ACTGEN_OK : actgen_forward(k, &x, &y, 1) != ACTGEN_OK)
          ++errors;
        actgen_kernel_destroy(k);
      }
    });
  for (auto &t : th) t.join();
  EXPECT_EQ(errors.load(), 0);
}

TEST(Threads, NumThreadsDoesNotChangeResults) {
  const size_t n = 1u << 20;
  std::vector<float> x = random_inputs(n, 7, -12.0f, 12.0f), dy = random_inputs(n, 8, -2.0f, 2.0f);
  for (const char *act : {"gelu", "mish", "softplus"}) {
    for (actgen_direction dir : {ACTGEN_FORWARD, ACTGEN_BACKWARD}) {
      Kernel k = make_kernel(act, "", dir, "");
      ASSERT_TRUE(k) << actgen_last_error();
      std::vector<std::vector<float>> out;
      for (int threads : {1, 2, 0}) {
        ASSERT_EQ(actgen_set_num_threads(threads), ACTGEN_OK) << actgen_last_error();
        std::vector<float> o(n);
        ASSERT_EQ(dir == ACTGEN_FORWARD ? actgen_forward(k.get(), x.data(), o.data(), n)
                                        : actgen_backward(k.get(), x.data(), dy.data(), o.data(), n),
                  ACTGEN_OK);
        out.push_back(std::move(o));
      }
      EXPECT_EQ(std::memcmp(out[0].data(), out[1].data(), n * 4), 0) << act << " " << dir_name(dir) << ": 1 vs 2";
      EXPECT_EQ(std::memcmp(out[0].data(), out[2].data(), n * 4), 0) << act << " " << dir_name(dir) << ": 1 vs default";
    }
  }
  EXPECT_EQ(actgen_set_num_threads(0), ACTGEN_OK);
}

}  // namespace
