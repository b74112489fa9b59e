// Half precision, exhaustively: for every activation x (defaults, the oracle's first parameter variant) x
// (forward; backward with dy = 1 and dy = -1.375) x every 16-bit dtype of the build (f16, bf16) x every host target
// this machine runs, all 65536 input patterns against the long-double oracle (tests/half_check.h): every result
// faithfully rounded, NaN -> NaN, +-inf -> the limits. The oracle runs once per input and is reused across
// targets. Each case prints a HALF line: the largest error in narrow ulps and the count of results that are
// faithful but not correctly rounded (README's accuracy table). Every 61st input also goes through a size-1 call
// (the tail path), held to the same contract.
//
// ACTGEN_TEST_INPUT_SCALE=s (< 1 under qemu, tests/CMakeLists.txt): every round(1/s)-th pattern plus the
// specials (zeros, infinities, NaNs with high- and low-only payloads, the extreme finite values), because the
// long-double oracle is software quad precision there and every instruction is emulated.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>

#include <actgen/actgen.hpp>

#include "half_check.h"
#include "oracle.h"
#include "test_support.h"

using namespace testsupport;

namespace {

constexpr float kSecondDy = -1.375f;  // exact in f16 and bf16
constexpr size_t kSmallCallStride = 61;

uint32_t input_stride() {
  const char *v = std::getenv("ACTGEN_TEST_INPUT_SCALE");
  double d = v ? std::strtod(v, nullptr) : 1.0;
  if (!(d > 0 && d <= 1)) d = 1.0;
  return (uint32_t)std::lround(1.0 / d);
}

// The build's 16-bit dtypes, from the runtime's list (cmake/targets.cmake's ACTGEN_DTYPES).
std::vector<actgen_dtype> narrow_dtypes() {
  std::vector<actgen_dtype> v;
  for (size_t i = 0; i < actgen_dtype_count(); ++i) {
    actgen_dtype d = (actgen_dtype)actgen_dtype_at(i);
    if (actgen_dtype_size(d) == 2) v.push_back(d);
  }
  return v;
}

// The oracle's parameters for the API string spec (catalog defaults overridden by spec), rounded to float.
bool oracle_params(size_t idx, const oracle::Entry &e, const std::string &spec, std::vector<long double> *p,
                   std::string *err) {
  std::map<std::string, double> vals;
  for (size_t j = 0; j < actgen_activation_param_count(idx); ++j)
    vals[actgen_activation_param_name(idx, j)] = actgen_activation_param_default(idx, j);
  std::vector<std::pair<std::string, double>> kv;
  if (!oracle::parse_params(spec, &kv)) return *err = "malformed variant '" + spec + "'", false;
  for (auto &q : kv) {
    if (!vals.count(q.first)) return *err = "variant names unknown parameter '" + q.first + "'", false;
    vals[q.first] = q.second;
  }
  p->clear();
  for (const std::string &n : e.param_names) {
    if (!vals.count(n)) return *err = "catalog lacks parameter '" + n + "'", false;
    p->push_back((long double)(float)vals[n]);
  }
  return true;
}

std::string fmt(long double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.8Lg", v);
  return b;
}

class Half : public ::testing::TestWithParam<std::string> {};

TEST_P(Half, Exhaustive) {
  const std::string act = GetParam();
  const size_t idx = catalog_index(act);
  ASSERT_NE(idx, (size_t)-1);
  const oracle::Entry *e = oracle::find(act);
  ASSERT_NE(e, nullptr) << act << " has no oracle entry (tests/oracle.cpp)";
  const std::vector<actgen_dtype> dtypes = narrow_dtypes();
  ASSERT_FALSE(dtypes.empty()) << "this build has no 16-bit dtype";
  const std::vector<std::string> targets = available_targets();
  ASSERT_FALSE(targets.empty());
  std::vector<std::string> specs{""};
  if (!e->variants.empty()) specs.push_back(e->variants.front());
  const uint32_t stride = input_stride();

  for (actgen_dtype dt : dtypes) {
    const halfcheck::Format f(dt);
    const char *dname = actgen_dtype_name(dt);
    const std::vector<uint16_t> x = halfcheck::inputs(f, stride);
    const size_t n = x.size();
    for (const std::string &spec : specs) {
      std::vector<long double> p;
      std::string err;
      ASSERT_TRUE(oracle_params(idx, *e, spec, &p, &err)) << act << ": " << err;
      std::vector<long double> fx(n), dfx(n);
      for (size_t i = 0; i < n; ++i) {
        const long double xv = f.decode(x[i]);
        fx[i] = oracle::forward(*e, xv, p.data());
        dfx[i] = oracle::derivative(*e, xv, p.data());
      }
      for (actgen_direction dir : {ACTGEN_FORWARD, ACTGEN_BACKWARD}) {
        for (float dyv : {1.0f, kSecondDy}) {
          if (dir == ACTGEN_FORWARD && dyv != 1.0f) continue;
          // dy as a pattern of this dtype (1 and -1.375 are exact in both)
          uint16_t dyb = 0;
          for (uint32_t b = 0; b < 0x10000u; ++b)
            if (f.decode((uint16_t)b) == (long double)dyv) {
              dyb = (uint16_t)b;
              break;
            }
          const std::vector<uint16_t> dy(n, dyb);
          for (const std::string &target : targets) {
            actgen_kernel *raw = nullptr;
            ASSERT_EQ(actgen_kernel_create_on(&raw, act.c_str(), spec.c_str(), dt, dir, target.c_str()), ACTGEN_OK)
                << actgen_last_error();
            Kernel k(raw);
            std::vector<uint16_t> out(n, 0x7d5a);  // poison: every result must overwrite it
            const actgen_status s = dir == ACTGEN_FORWARD ? actgen_forward(k.get(), x.data(), out.data(), n)
                                                          : actgen_backward(k.get(), x.data(), dy.data(), out.data(), n);
            ASSERT_EQ(s, ACTGEN_OK) << actgen_last_error();
            // size-1 calls on a subset: the tail path
            for (size_t i = 0; i < n; i += kSmallCallStride) {
              uint16_t one = 0x7d5a;
              ASSERT_EQ(dir == ACTGEN_FORWARD ? actgen_forward(k.get(), &x[i], &one, 1)
                                              : actgen_backward(k.get(), &x[i], &dy[i], &one, 1),
                        ACTGEN_OK);
              EXPECT_EQ(one, out[i]) << act << " " << dname << " " << target << ": size-1 call differs at x pattern 0x"
                                     << std::hex << x[i];
            }
            halfcheck::Stats st;
            for (size_t i = 0; i < n; ++i) {
              long double exact = dir == ACTGEN_FORWARD ? fx[i] : (std::isnan(dfx[i]) ? dfx[i] : (long double)dyv * dfx[i]);
              halfcheck::add(f, &st, x[i], exact, out[i]);
            }
            std::ostringstream line;
            line << "HALF " << act << " " << dname << " " << dir_name(dir);
            if (dir == ACTGEN_BACKWARD) line << "(dy=" << dyv << ")";
            line << " " << target << " [" << (spec.empty() ? "defaults" : spec) << "] max_ulp=" << st.worst.ulp
                 << " at x=" << fmt(f.decode(st.worst.x)) << " not_correctly_rounded=" << st.not_correctly_rounded
                 << " unfaithful=" << st.unfaithful << " n=" << st.n;
            for (const halfcheck::Worst &w : st.not_cr)
              line << "\n    not CR: x=" << fmt(f.decode(w.x)) << " got=" << fmt(f.decode(w.got))
                   << " exact=" << fmt(w.exact) << " (" << w.ulp << " ulp)";
            std::printf("%s\n", line.str().c_str());
            if (st.unfaithful) {
              std::ostringstream m;
              m << line.str() << "\n  " << st.unfaithful << " results not faithfully rounded, e.g.";
              for (const halfcheck::Worst &w : st.failures)
                m << "\n  x=" << fmt(f.decode(w.x)) << " (0x" << std::hex << w.x << std::dec
                  << ") got=" << fmt(f.decode(w.got)) << " (0x" << std::hex << w.got << std::dec
                  << ") exact=" << fmt(w.exact) << " ulp=" << w.ulp;
              ADD_FAILURE() << m.str();
            }
          }
        }
      }
    }
  }
}

// The C++ wrapper's 16-bit containers: uint16_t patterns for either dtype, _Float16 for f16 where the compiler has
// it, and a container of the wrong element type refused.
TEST(HalfWrapper, Containers) {
  actgen::Kernel bf("relu", "", actgen::Direction::forward, actgen::DType::bf16);
  std::vector<uint16_t> xb{0x3f80, 0xbf80, 0x7fc1}, yb(3);  // 1, -1, NaN
  bf.forward(xb, yb);
  EXPECT_EQ(yb[0], 0x3f80);
  EXPECT_EQ(yb[1], 0x0000);
  EXPECT_EQ(yb[2] & 0x7f80, 0x7f80);
  EXPECT_NE(yb[2] & 0x007f, 0);
  std::vector<float> xf(3), yf(3);
  EXPECT_THROW(bf.forward(xf, yf), actgen::Error);
  actgen::Kernel h("relu", "", actgen::Direction::backward, actgen::DType::f16);
  std::vector<uint16_t> xh{0x3c00, 0xbc00}, dyh{0x4000, 0x4000}, dxh(2);  // x = 1, -1; dy = 2
  h.backward(xh, dyh, dxh);
  EXPECT_EQ(dxh[0], 0x4000);
  EXPECT_EQ(dxh[1], 0x0000);
#if defined(ACTGEN_HAS_FLOAT16)
  std::vector<_Float16> x16{(_Float16)1.5f, (_Float16)-2.0f}, dy16{(_Float16)1.0f, (_Float16)1.0f}, dx16(2);
  h.backward(x16, dy16, dx16);
  EXPECT_EQ((float)dx16[0], 1.0f);
  EXPECT_EQ((float)dx16[1], 0.0f);
  actgen::Kernel b2("relu", "", actgen::Direction::backward, actgen::DType::bf16);
  EXPECT_THROW(b2.backward(x16, dy16, dx16), actgen::Error);
#endif
}

INSTANTIATE_TEST_SUITE_P(Catalog, Half, ::testing::ValuesIn(catalog_names()),
                         [](const ::testing::TestParamInfo<std::string> &i) { return sanitize(i.param); });

}  // namespace
