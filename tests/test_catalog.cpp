// The catalog and the target list as the runtime reports them.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>

#include "build_targets.h"
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

// The runtime lists exactly the build's targets (build_targets.h, from cmake/targets.cmake), in its order, each
// name unique and of the documented form (arch-bits-feature, or cuda...).
TEST(Catalog, TargetNames) {
  size_t n = actgen_target_count();
  ASSERT_GT(n, 0u);
  ASSERT_EQ(n, std::size(kBuildTargets)) << "the runtime's target list is not the build's";
  std::set<std::string> seen;
  int available = 0;
  std::string list;
  for (size_t i = 0; i < n; ++i) {
    const char *t = actgen_target_name(i);
    ASSERT_NE(t, nullptr);
    EXPECT_STREQ(t, kBuildTargets[i].name) << "target " << i;
    EXPECT_EQ(actgen_target_memory(i) == ACTGEN_MEMORY_HOST, kBuildTargets[i].host_memory()) << t;
    EXPECT_TRUE(seen.insert(t).second) << "duplicate target " << t;
    EXPECT_TRUE(std::regex_match(t, std::regex("(x86|arm|riscv|wasm|powerpc)-(32|64)-[a-z0-9_]+|cuda(-[a-z0-9_]+)?")))
        << "target name '" << t << "' is not of the documented form";
    available += actgen_target_available(i) ? 1 : 0;
    list += std::string(t) + (actgen_target_available(i) ? "(yes) " : "(no) ");
  }
  RecordProperty("targets", list);
  std::printf("TARGETS %s\nCPU FEATURES %s\n", list.c_str(), actgen_cpu_features());
  EXPECT_GT(available, 0) << "no target runs on this machine";
}

// The /proc/cpuinfo flags that hold a feature of the build's list (runtime/cpu_features.cpp's names): the same
// name, except where the kernel spells it otherwise (x86 "sse4_1"; aarch64 "asimd" for neon, "fphp asimdhp" for fp16,
// "asimddp" for dotprod).
std::vector<std::string> cpuinfo_flags(const std::string &feature) {
  if (feature == "sse41") return {"sse4_1"};
  if (feature == "neon") return {"asimd"};
  if (feature == "fp16") return {"fphp", "asimdhp"};
  if (feature == "dotprod") return {"asimddp"};
  return {feature};
}

// This architecture's flags line of /proc/cpuinfo, " "-padded, or "" where there is none to read. x86 lists its
// features on "flags" lines, aarch64 on "Features" lines; elsewhere (riscv64's "isa" line spells extensions
// differently) the test holds availability to actgen_cpu_features() only. Under qemu-user the file is the
// host's, so only the line of the architecture this test was built for is read.
std::string cpuinfo_flags_line() {
#if defined(__x86_64__) || defined(__i386__)
  const std::string key = "flags";
#elif defined(__aarch64__)
  const std::string key = "Features";
#else
  const std::string key;  // none to read
#endif
  if (key.empty()) return "";
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return " " + line.substr(line.find(':') + 1) + " ";
  return "";
}

// Availability agrees with the CPU (from /proc/cpuinfo where it exists) and with actgen_cpu_features(): a host
// target is available exactly where the CPU has every feature its entry in the build's list names.
TEST(Catalog, TargetAvailabilityMatchesCpu) {
  const std::string flags = cpuinfo_flags_line();
  const std::string feats = std::string(" ") + actgen_cpu_features() + " ";
  auto has = [](const std::string &s, const std::string &f) { return s.find(" " + f + " ") != std::string::npos; };
  ASSERT_EQ(actgen_target_count(), std::size(kBuildTargets));
  for (size_t i = 0; i < actgen_target_count(); ++i) {
    const BuildTarget &t = kBuildTargets[i];
    if (!t.host_memory()) continue;  // a device target's availability is the driver's (test_cuda)
    const bool av = actgen_target_available(i) != 0;
    bool detected = true, in_cpuinfo = true;
    std::istringstream features(t.features);
    for (std::string f; features >> f;) {
      detected = detected && has(feats, f);
      for (const std::string &flag : cpuinfo_flags(f)) in_cpuinfo = in_cpuinfo && has(flags, flag);
    }
    EXPECT_EQ(av, detected) << t.name << " needs '" << t.features << "'; detected:" << feats;
    if (!flags.empty()) {
      EXPECT_EQ(av, in_cpuinfo) << t.name << " needs '" << t.features << "'; /proc/cpuinfo:" << flags;
    }
  }
}

}  // namespace
