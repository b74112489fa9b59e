// Thread stress: 8 worker threads make calls of mixed activations, directions and sizes (1..5000 elements, plus a
// few calls large enough to run on Halide's thread pool), each on a kernel the worker creates and destroys itself,
// while a ninth thread keeps changing actgen_set_num_threads and actgen_set_target under them. Every output is then
// recomputed serially, on the target its kernel reported, and compared bit for bit.
//
// ACTGEN_STRESS_ROUNDS (default 16; 2 under an emulator) rounds of ACTGEN_STRESS_CALLS (default 400) calls per worker, each round checked
// before the next (its outputs are kept for the comparison). scripts/test_sanitizers.sh runs this test under TSan.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "test_support.h"

using namespace testsupport;

#ifndef ACTGEN_STRESS_DEFAULT_ROUNDS
#define ACTGEN_STRESS_DEFAULT_ROUNDS 16
#endif

namespace {

constexpr int kWorkers = 8;
constexpr size_t kLarge = (size_t{1} << 18) + 12345;  // at least 2^18: runs in parallel
constexpr size_t kPool = kLarge + 8192;

struct Call {
  size_t activation;
  actgen_direction direction;
  size_t n, x_offset, dy_offset;
  std::string target;  // what actgen_kernel_target reported
  std::vector<float> out;
  actgen_status status = ACTGEN_OK;
  std::string error;
};

size_t env_count(const char *name, size_t fallback) {
  const char *s = std::getenv(name);
  const long v = s ? std::strtol(s, nullptr, 10) : 0;
  return v > 0 ? static_cast<size_t>(v) : fallback;
}

// Inputs: the bulk of each activation's domain, tails, zeros, a few specials.
std::vector<float> make_pool(uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<float> v(kPool);
  std::uniform_real_distribution<float> bulk(-8.0f, 8.0f), wide(-100.0f, 100.0f);
  const float specials[] = {0.0f, -0.0f, 1e-40f, -1e-40f, INFINITY, -INFINITY, NAN, 88.7f, -88.7f};
  for (size_t i = 0; i < kPool; ++i) {
    const uint32_t r = rng() % 16;
    v[i] = r < 12 ? bulk(rng) : r < 15 ? wide(rng) : specials[rng() % 9];
  }
  return v;
}

struct Totals {
  size_t calls = 0, large = 0, pins = 0, failures = 0, mismatches = 0;
  double seconds = 0;
  std::set<std::string> targets;
};

void run_round(uint32_t round, size_t per_worker, Totals &total) {
  const size_t activations = actgen_activation_count();
  const std::vector<std::string> targets = available_targets();
  ASSERT_GT(activations, 0u);
  ASSERT_FALSE(targets.empty());
  const std::vector<float> xs = make_pool(1), dys = make_pool(2);

  // The calls, decided up front (the seed is fixed): sizes spread over 1..5000, two large calls per worker.
  std::vector<std::vector<Call>> work(kWorkers);
  for (int w = 0; w < kWorkers; ++w) {
    std::mt19937 rng(100 + w);
    for (size_t i = 0; i < per_worker; ++i) {
      Call c;
      c.activation = rng() % activations;
      c.direction = rng() % 2 ? ACTGEN_BACKWARD : ACTGEN_FORWARD;
      const bool large = i == per_worker / 3 || i == 2 * per_worker / 3;
      c.n = large ? kLarge : rng() % 4 == 0 ? 1 + rng() % 16 : 1 + rng() % 5000;
      c.x_offset = rng() % (kPool - c.n + 1);
      c.dy_offset = rng() % (kPool - c.n + 1);
      work[w].push_back(std::move(c));
    }
  }

  std::atomic<int> running{kWorkers};
  std::atomic<size_t> pins{0};
  std::thread changer([&] {
    std::mt19937 rng(7 + round);
    const int counts[] = {1, 2, 3, 4, 0};
    while (running.load() > 0) {
      const size_t t = rng() % (targets.size() + 1);
      actgen_set_target(t == targets.size() ? nullptr : targets[t].c_str());
      actgen_set_num_threads(counts[rng() % 5]);
      ++pins;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      for (Call &c : work[w]) {
        actgen_kernel *k = nullptr;
        const char *name = actgen_activation_name(c.activation);
        c.status = actgen_kernel_create(&k, name, nullptr, ACTGEN_F32, c.direction);
        if (c.status != ACTGEN_OK) {
          c.error = std::string("create: ") + actgen_last_error();
          continue;
        }
        c.target = actgen_kernel_target(k);
        c.out.assign(c.n, 0.0f);
        const float *x = xs.data() + c.x_offset;
        c.status = c.direction == ACTGEN_FORWARD ? actgen_forward(k, x, c.out.data(), c.n)
                                                 : actgen_backward(k, x, dys.data() + c.dy_offset, c.out.data(), c.n);
        if (c.status != ACTGEN_OK) c.error = actgen_last_error();
        actgen_kernel_destroy(k);
      }
      --running;
    });
  for (std::thread &t : workers) t.join();
  changer.join();
  total.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  total.pins += pins.load();
  ASSERT_EQ(actgen_set_target(nullptr), ACTGEN_OK);
  ASSERT_EQ(actgen_set_num_threads(0), ACTGEN_OK);

  // Serially, one thread, one kernel per (activation, direction, target).
  std::map<std::tuple<size_t, int, std::string>, Kernel> kernels;
  for (const auto &list : work)
    for (const Call &c : list) {
      ++total.calls;
      total.large += c.n == kLarge;
      if (c.status != ACTGEN_OK) {
        if (++total.failures <= 5) ADD_FAILURE() << actgen_activation_name(c.activation) << ": " << c.error;
        continue;
      }
      total.targets.insert(c.target);
      Kernel &k = kernels[{c.activation, (int)c.direction, c.target}];
      if (!k) k = make_kernel(actgen_activation_name(c.activation), "", c.direction, c.target);
      ASSERT_TRUE(k) << actgen_last_error();
      std::vector<float> ref(c.n);
      const float *x = xs.data() + c.x_offset;
      ASSERT_EQ(c.direction == ACTGEN_FORWARD ? actgen_forward(k.get(), x, ref.data(), c.n)
                                              : actgen_backward(k.get(), x, dys.data() + c.dy_offset, ref.data(), c.n),
                ACTGEN_OK);
      if (std::memcmp(ref.data(), c.out.data(), c.n * 4) != 0 && ++total.mismatches <= 5)
        ADD_FAILURE() << "round " << round << ": " << actgen_activation_name(c.activation) << " "
                      << dir_name(c.direction) << " n=" << c.n << " on " << c.target
                      << ": concurrent result differs from the serial one";
    }
}

}  // namespace

TEST(Stress, ConcurrentMixedCallsMatchSerialResultsBitForBit) {
  const size_t rounds = env_count("ACTGEN_STRESS_ROUNDS", ACTGEN_STRESS_DEFAULT_ROUNDS), per_worker = env_count("ACTGEN_STRESS_CALLS", 400);
  Totals total;
  for (size_t r = 0; r < rounds && !HasFatalFailure(); ++r) run_round(static_cast<uint32_t>(r), per_worker, total);
  EXPECT_EQ(total.failures, 0u);
  EXPECT_EQ(total.mismatches, 0u);
  std::string seen;
  for (const std::string &t : total.targets) seen += " " + t;
  std::printf("stress: %zu calls (%zu of %zu elements) on %d threads, %zu rounds, %.2f s concurrent; every call on "
              "a kernel created and destroyed under it; %zu target pins and thread-count changes; targets used:%s\n",
              total.calls, total.large, kLarge, kWorkers, rounds, total.seconds, total.pins, seen.c_str());
  RecordProperty("calls", std::to_string(total.calls));
}
