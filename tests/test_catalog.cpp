// The catalog and the target list as the runtime reports them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "oracle.h"
#include "test_support.h"

using namespace testsupport;

namespace {

bool same_float(double a, double b) { return (float)a == (float)b; }

TEST(Catalog, Version) {
  const char *v = actgen_version();
  ASSERT_NE(v, nullptr);
  EXPECT_GT(std::strlen(v), 0u);
  RecordProperty("version", v);
}

TEST(Catalog, NamesAreUniqueIdentifiers) {
  size_t n = actgen_activation_count();
  ASSERT_GT(n, 0u);
  std::set<std::string> seen;
  for (size_t i = 0; i < n; ++i) {
    const char *s = actgen_activation_name(i);
    ASSERT_NE(s, nullptr) << i;
    EXPECT_TRUE(std::regex_match(s, std::regex("[a-z][a-z0-9_]*"))) << s;
    EXPECT_TRUE(seen.insert(s).second) << "duplicate activation " << s;
    std::set<std::string> pnames;
    for (size_t j = 0; j < actgen_activation_param_count(i); ++j) {
      const char *p = actgen_activation_param_name(i, j);
      ASSERT_NE(p, nullptr) << s << " param " << j;
      EXPECT_TRUE(std::regex_match(p, std::regex("[a-z][a-z0-9_]*"))) << s << "." << p;
      EXPECT_TRUE(pnames.insert(p).second) << "duplicate parameter " << s << "." << p;
      EXPECT_TRUE(std::isfinite(actgen_activation_param_default(i, j))) << s << "." << p;
    }
  }
}

TEST(Catalog, KnownEntries) {
  size_t relu = catalog_index("relu");
  ASSERT_NE(relu, (size_t)-1);
  EXPECT_EQ(actgen_activation_param_count(relu), 0u);
  size_t sp = catalog_index("softplus");
  ASSERT_NE(sp, (size_t)-1);
  ASSERT_EQ(actgen_activation_param_count(sp), 2u);
  EXPECT_STREQ(actgen_activation_param_name(sp, 0), "beta");
  EXPECT_EQ(actgen_activation_param_default(sp, 0), 1.0);
  EXPECT_STREQ(actgen_activation_param_name(sp, 1), "threshold");
  EXPECT_EQ(actgen_activation_param_default(sp, 1), 20.0);
  size_t lr = catalog_index("leaky_relu");
  ASSERT_NE(lr, (size_t)-1);
  ASSERT_EQ(actgen_activation_param_count(lr), 1u);
  EXPECT_STREQ(actgen_activation_param_name(lr, 0), "negative_slope");
  EXPECT_TRUE(same_float(actgen_activation_param_default(lr, 0), 0.01));
}

// Every catalog entry has an oracle entry, with the parameter names (in order) and defaults it expects; and every
// activation the oracle knows (the documented catalog) is in the runtime's catalog.
TEST(Catalog, MatchesOracle) {
  for (const std::string &name : catalog_names()) {
    const oracle::Entry *e = oracle::find(name);
    if (!e) {
      ADD_FAILURE() << "catalog activation '" << name << "' has no oracle entry (tests/oracle.cpp)";
      continue;
    }
    size_t i = catalog_index(name);
    ASSERT_EQ(actgen_activation_param_count(i), e->param_names.size()) << name;
    for (size_t j = 0; j < e->param_names.size(); ++j) {
      EXPECT_STREQ(actgen_activation_param_name(i, j), e->param_names[j].c_str()) << name << " param " << j;
      EXPECT_TRUE(same_float(actgen_activation_param_default(i, j), e->defaults[j]))
          << name << "." << e->param_names[j] << " default " << actgen_activation_param_default(i, j)
          << ", expected " << e->defaults[j];
    }
  }
  for (const oracle::Entry &e : oracle::entries())
    EXPECT_NE(catalog_index(e.name), (size_t)-1) << "documented activation '" << e.name << "' missing from the catalog";
}

// Every oracle variant string is accepted by the runtime.
TEST(Catalog, OracleVariantsAccepted) {
  for (const std::string &name : catalog_names()) {
    const oracle::Entry *e = oracle::find(name);
    if (!e) continue;
    for (const std::string &v : e->variants) {
      std::string err;
      EXPECT_TRUE(make_kernel(name, v, ACTGEN_FORWARD, "", &err)) << name << " \"" << v << "\": " << err;
    }
  }
}

// Backward at the kinks, exactly as current PyTorch (aten/src/ATen/native/cpu/Activation.cpp and its CUDA twin)
// defines it, on every target this machine runs, with dy = 1 and a vector long enough for the vector loop. The
// accuracy suite checks the same points against the oracle; this table states the conventions on their own, so
// that a change to the oracle and the kernels together cannot move them silently.
TEST(Catalog, BackwardAtKinksFollowsPyTorch) {
  struct Case {
    const char *act, *params;
    float x, df;
    int ulps;  // 0: exact
  };
  const float below3 = std::nextafter(3.0f, 0.0f), above_m3 = std::nextafter(-3.0f, 0.0f);
  const Case cases[] = {
      {"relu", "", 0.0f, 0.0f, 0},
      {"leaky_relu", "negative_slope=0.2", 0.0f, 0.2f, 0},
      {"prelu", "weight=0.1", 0.0f, 0.1f, 0},
      {"elu", "alpha=2.5", 0.0f, 2.5f, 0},
      {"selu", "", 0.0f, (float)(1.0507009873554804934 * 1.6732632423543772848), 2},
      {"celu", "alpha=2", 0.0f, 1.0f, 0},
      {"hardtanh", "", -1.0f, 0.0f, 0},
      {"hardtanh", "", 1.0f, 0.0f, 0},
      {"hardtanh", "min_val=-2,max_val=3", -2.0f, 0.0f, 0},
      {"hardtanh", "min_val=-2,max_val=3", 3.0f, 0.0f, 0},
      {"relu6", "", 0.0f, 0.0f, 0},
      {"relu6", "", 6.0f, 0.0f, 0},
      {"hardsigmoid", "", -3.0f, 0.0f, 0},
      {"hardsigmoid", "", 3.0f, 0.0f, 0},
      // pytorch/pytorch#148049 (2025): one-sided at -3 (flat side) and 3 (linear side); it was -0.5 and 1.5.
      {"hardswish", "", -3.0f, 0.0f, 0},
      {"hardswish", "", 3.0f, 1.0f, 0},
      {"hardswish", "", above_m3, (float)((2.0L * above_m3 + 3.0L) / 6.0L), 3},
      {"hardswish", "", below3, (float)((2.0L * below3 + 3.0L) / 6.0L), 3},
      {"hardshrink", "lambd=1", -1.0f, 0.0f, 0},
      {"hardshrink", "lambd=1", 1.0f, 0.0f, 0},
      {"hardshrink", "lambd=0", 0.0f, 0.0f, 0},
      {"softshrink", "lambd=1", -1.0f, 0.0f, 0},
      {"softshrink", "lambd=1", 1.0f, 0.0f, 0},
      {"threshold", "threshold=1,value=5", 1.0f, 0.0f, 0},
      // beta x > threshold is the linear side; at equality the sigmoid.
      {"softplus", "beta=1,threshold=1", 1.0f, (float)(1.0L / (1.0L + std::exp(-1.0L))), 2},
      {"softplus", "beta=1,threshold=1", std::nextafter(1.0f, 2.0f), 1.0f, 0},
  };
  const size_t n = 67;  // a vector body and a tail on every target
  for (const std::string &target : available_targets())
    for (const Case &c : cases) {
      std::string err;
      Kernel k = make_kernel(c.act, c.params, ACTGEN_BACKWARD, target, &err);
      ASSERT_TRUE(k) << c.act << " " << c.params << " on " << target << ": " << err;
      std::vector<float> x(n, c.x), dy(n, 1.0f), dx(n, -7.0f);
      ASSERT_EQ(actgen_backward(k.get(), x.data(), dy.data(), dx.data(), n), ACTGEN_OK);
      for (size_t i = 0; i < n; ++i) {
        int64_t d = (int64_t)bits(dx[i]) - (int64_t)bits(c.df);
        bool ok = c.ulps == 0 ? dx[i] == c.df : (std::signbit(dx[i]) == std::signbit(c.df) && std::llabs(d) <= c.ulps);
        ASSERT_TRUE(ok) << c.act << "(" << c.params << ")'(" << c.x << ") = " << dx[i] << ", PyTorch: " << c.df
                        << " (" << target << ", element " << i << ")";
      }
    }
}

TEST(Catalog, OutOfRange) {
  size_t n = actgen_activation_count();
  EXPECT_EQ(actgen_activation_name(n), nullptr);
  EXPECT_EQ(actgen_activation_name((size_t)-1), nullptr);
  EXPECT_EQ(actgen_activation_param_count(n), 0u);
  EXPECT_EQ(actgen_activation_param_name(n, 0), nullptr);
  EXPECT_TRUE(std::isnan(actgen_activation_param_default(n, 0)));
  size_t relu = catalog_index("relu");
  ASSERT_NE(relu, (size_t)-1);
  EXPECT_EQ(actgen_activation_param_name(relu, 0), nullptr);
  EXPECT_TRUE(std::isnan(actgen_activation_param_default(relu, 0)));
  EXPECT_EQ(actgen_target_name(actgen_target_count()), nullptr);
  EXPECT_EQ(actgen_target_available(actgen_target_count()), 0);
}

TEST(Catalog, TargetNames) {
  const std::set<std::string> documented = {"x86-64-sse41", "x86-64-avx2",      "x86-64-avx512",
                                            "arm-64-neon",  "arm-64-neon_fp16", "cuda"};
  size_t n = actgen_target_count();
  ASSERT_GT(n, 0u);
  std::set<std::string> seen;
  int available = 0;
  std::string list;
  for (size_t i = 0; i < n; ++i) {
    const char *t = actgen_target_name(i);
    ASSERT_NE(t, nullptr);
    EXPECT_TRUE(seen.insert(t).second) << "duplicate target " << t;
    // The documented names, or further ones following the same pattern (arch-bits-feature, or cuda...).
    bool ok = documented.count(t) ||
              std::regex_match(t, std::regex("(x86|arm|riscv|wasm|powerpc)-(32|64)-[a-z0-9_]+|cuda(-[a-z0-9_]+)?"));
    EXPECT_TRUE(ok) << "target name '" << t << "' is neither documented nor of the documented form";
    if (!documented.count(t)) RecordProperty(std::string("undocumented_target_") + std::to_string(i), t);
    available += actgen_target_available(i) ? 1 : 0;
    list += std::string(t) + (actgen_target_available(i) ? "(yes) " : "(no) ");
  }
  RecordProperty("targets", list);
  std::printf("TARGETS %s\nCPU FEATURES %s\n", list.c_str(), actgen_cpu_features());
  EXPECT_GT(available, 0) << "no target runs on this machine";
}

// Availability agrees with the CPU (from /proc/cpuinfo where it exists) and with actgen_cpu_features().
TEST(Catalog, TargetAvailabilityMatchesCpu) {
  // x86 lists its features on "flags" lines, aarch64 on "Features" lines (asimd = NEON). Under qemu-user the file
  // is the host's, so only the line of the architecture this test was built for is read.
#if defined(__aarch64__)
  const char *key = "Features";
#else
  const char *key = "flags";
#endif
  std::ifstream in("/proc/cpuinfo");
  std::string line, flags;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) {
      flags = " " + line.substr(line.find(':') + 1) + " ";
      break;
    }
  std::string feats = std::string(" ") + actgen_cpu_features() + " ";
  auto has = [](const std::string &s, const char *f) { return s.find(std::string(" ") + f + " ") != std::string::npos; };
  for (size_t i = 0; i < actgen_target_count(); ++i) {
    std::string t = actgen_target_name(i);
    bool av = actgen_target_available(i) != 0;
    if (t == "x86-64-sse41") {
      if (!flags.empty()) {
        EXPECT_EQ(av, has(flags, "sse4_1")) << t;
      }
      if (av) {
        EXPECT_TRUE(has(feats, "sse41")) << feats;
      }
    } else if (t == "x86-64-avx2") {
      if (!flags.empty()) {
        EXPECT_EQ(av, has(flags, "avx2") && has(flags, "fma") && has(flags, "f16c")) << t;
      }
      if (av) {
        EXPECT_TRUE(has(feats, "avx2")) << feats;
      }
    } else if (t == "x86-64-avx512") {
      bool cpu = has(flags, "avx512f") && has(flags, "avx512cd") && has(flags, "avx512bw") &&
                 has(flags, "avx512dq") && has(flags, "avx512vl") && has(flags, "f16c");
      if (!flags.empty()) {
        EXPECT_EQ(av, cpu) << t;
      }
      if (av) {
        EXPECT_TRUE(has(feats, "avx512f")) << feats;
      }
    } else if (t == "arm-64-neon") {
#if defined(__x86_64__)
      EXPECT_FALSE(av) << "arm target available on x86";
#elif defined(__aarch64__)
      if (!flags.empty()) {
        EXPECT_EQ(av, has(flags, "asimd")) << t;
      }
      if (av) {
        EXPECT_TRUE(has(feats, "neon")) << feats;
      }
#endif
    } else if (t == "arm-64-neon_fp16") {  // ARMv8.2-FP16: both hwcaps (qemu-aarch64's default cpu has them,
                                           // QEMU_CPU=cortex-a72 has not: scripts/test_cross.sh runs both)
#if defined(__x86_64__)
      EXPECT_FALSE(av) << "arm target available on x86";
#elif defined(__aarch64__)
      if (!flags.empty()) {
        EXPECT_EQ(av, has(flags, "asimd") && has(flags, "fphp") && has(flags, "asimdhp")) << t;
      }
      EXPECT_EQ(av, has(feats, "neon") && has(feats, "fp16")) << feats;
#endif
    }
  }
}

}  // namespace
