// The catalog and the target list as the runtime reports them.
#include <gtest/gtest.h>

#include <cmath>
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
  const std::set<std::string> documented = {"x86-64-sse41", "x86-64-avx2", "x86-64-avx512", "arm-64-neon", "cuda"};
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
        EXPECT_EQ(av, has(flags, "avx2") && has(flags, "fma")) << t;
      }
      if (av) {
        EXPECT_TRUE(has(feats, "avx2")) << feats;
      }
    } else if (t == "x86-64-avx512") {
      bool cpu = has(flags, "avx512f") && has(flags, "avx512cd") && has(flags, "avx512bw") &&
                 has(flags, "avx512dq") && has(flags, "avx512vl");
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
    }
  }
}

}  // namespace
