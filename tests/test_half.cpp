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

uint32_t input_stride() { return (uint32_t)std::lround(1.0 / testsupport::input_scale()); }

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
            Kernel k = make_kernel(ACTGEN_FORM_PLAIN, act, spec, dir, dt, target, &err);
            ASSERT_TRUE(k) << err;
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

// The 16-bit kernels compute in f32 as the f32 kernels do and convert at the edges (in the kernel, or in the runtime
// with F16C for f16 on the x86 targets whose features list f16c: runtime/convert.h), so every f16 and bf16 result
// is the same target's f32 kernel's result on the decoded inputs, rounded to nearest even, bit for bit (a NaN for a
// NaN). Held for sizes around the runtime's blocks (16384 elements; the thread pool from 2^18), unaligned
// pointers, in place (y == x; dx == dy and dx == x), and 1, 2 and 7 threads.
TEST(HalfKernels, EqualTheF32KernelsRounded) {
  // Under qemu (ACTGEN_TEST_INPUT_SCALE < 1: the reference's long double is emulated too; 82 s under qemu-riscv64
  // with the sizes up to 16383) three small sizes and two activations: no target there converts in the runtime.
  const bool scaled = input_stride() > 1;
  std::vector<size_t> sizes{1, 7, 9, 16383, 16384, 16385, (size_t{1} << 18) + 16387};
  if (scaled) sizes = {1, 9, 333};
  std::vector<const char *> acts{"relu", "leaky_relu", "sigmoid", "gelu", "silu", "tanh"};
  if (scaled) acts = {"relu", "gelu"};
  for (actgen_dtype dtype : narrow_dtypes()) {
    const halfcheck::FastFormat f(dtype);  // kernels against kernels: no oracle table needed
    for (const char *act : acts)
      for (const std::string &target : available_targets())
        for (actgen_direction dir : {ACTGEN_FORWARD, ACTGEN_BACKWARD}) {
          SCOPED_TRACE(std::string(act) + " " + (dir == ACTGEN_FORWARD ? "fwd " : "bwd ") +
                       (dtype == ACTGEN_F16 ? "f16 " : "bf16 ") + target);
          std::string err;
          Kernel k16 = make_kernel(ACTGEN_FORM_PLAIN, act, "", dir, dtype, target, &err);
          ASSERT_TRUE(k16) << err;
          Kernel k32 = make_kernel(act, "", dir, target);
          ASSERT_TRUE(k32);
          for (size_t n : sizes) {
            SCOPED_TRACE("n = " + std::to_string(n));
            // Patterns walked with an odd stride (every pattern once per 65536, NaNs and infinities included).
            std::vector<uint16_t> x(n + 1), dy(n + 1);
            std::vector<float> x32(n), dy32(n), y32(n);
            for (size_t i = 0; i < n; ++i) {
              x[i + 1] = (uint16_t)((i * 40503u + 7u) & 0xffffu);
              dy[i + 1] = (uint16_t)((i * 11807u + 0x3c00u) & 0xffffu);
              x32[i] = (float)f.decode(x[i + 1]);
              dy32[i] = (float)f.decode(dy[i + 1]);
            }
            const bool fwd = dir == ACTGEN_FORWARD;
            ASSERT_EQ(fwd ? actgen_forward(k32.get(), x32.data(), y32.data(), n)
                          : actgen_backward(k32.get(), x32.data(), dy32.data(), y32.data(), n),
                      ACTGEN_OK);
            std::vector<uint16_t> want(n);
            for (size_t i = 0; i < n; ++i) want[i] = halfcheck::nearest(f, y32[i]);
            auto check = [&](const uint16_t *got, const char *how) {
              size_t bad = 0;
              for (size_t i = 0; i < n; ++i) {
                const bool same = std::isnan(y32[i]) ? f.is_nan(got[i]) : got[i] == want[i];
                if (!same && bad++ < 3)
                  ADD_FAILURE() << how << ": element " << i << " x = 0x" << std::hex << x[i + 1] << " got 0x"
                                << got[i] << " want 0x" << want[i] << std::dec;
              }
            };
            // Out of place, both pointers one element off their allocation's alignment.
            std::vector<uint16_t> out(n + 1);
            ASSERT_EQ(fwd ? actgen_forward(k16.get(), x.data() + 1, out.data() + 1, n)
                          : actgen_backward(k16.get(), x.data() + 1, dy.data() + 1, out.data() + 1, n),
                      ACTGEN_OK)
                << actgen_last_error();
            check(out.data() + 1, "out of place");
            // In place.
            std::vector<uint16_t> io = x;
            ASSERT_EQ(fwd ? actgen_forward(k16.get(), io.data() + 1, io.data() + 1, n)
                          : actgen_backward(k16.get(), io.data() + 1, dy.data() + 1, io.data() + 1, n),
                      ACTGEN_OK);
            check(io.data() + 1, fwd ? "y == x" : "dx == x");
            if (fwd) {  // the counting forward: the same outputs, zeros counted in the narrow type, flat inputs as f32's
              actgen_counts c16 = ACTGEN_COUNTS_INIT, c32 = ACTGEN_COUNTS_INIT;
              std::vector<float> y32c(n);
              ASSERT_EQ(actgen_forward_counted(k32.get(), x32.data(), y32c.data(), n, &c32), ACTGEN_OK);
              for (int threads : {1, 2}) {
                ASSERT_EQ(actgen_set_num_threads(threads), ACTGEN_OK);
                std::fill(out.begin(), out.end(), 0);
                const actgen_status cs = actgen_forward_counted(k16.get(), x.data() + 1, out.data() + 1, n, &c16);
                ASSERT_EQ(actgen_set_num_threads(0), ACTGEN_OK);
                ASSERT_EQ(cs, ACTGEN_OK) << actgen_last_error();
                check(out.data() + 1, "counted");
                size_t zeros = 0;
                for (size_t i = 0; i < n; ++i) zeros += (want[i] & 0x7fffu) == 0 && !std::isnan(y32[i]);
                EXPECT_EQ(c16.zero_outputs, zeros) << threads << " threads";
                EXPECT_EQ(c16.flat_inputs, c32.flat_inputs) << threads << " threads";
              }
            }
            if (!fwd) {
              io = dy;
              ASSERT_EQ(actgen_backward(k16.get(), x.data() + 1, io.data() + 1, io.data() + 1, n), ACTGEN_OK);
              check(io.data() + 1, "dx == dy");
            }
            if (n < (size_t{1} << 18)) continue;
            for (int threads : {2, 7}) {
              ASSERT_EQ(actgen_set_num_threads(threads), ACTGEN_OK);
              std::fill(out.begin(), out.end(), 0);
              const actgen_status s = fwd ? actgen_forward(k16.get(), x.data() + 1, out.data() + 1, n)
                                          : actgen_backward(k16.get(), x.data() + 1, dy.data() + 1, out.data() + 1, n);
              ASSERT_EQ(actgen_set_num_threads(0), ACTGEN_OK);
              ASSERT_EQ(s, ACTGEN_OK);
              check(out.data() + 1, threads == 2 ? "2 threads" : "7 threads");
            }
          }
        }
  }
}

INSTANTIATE_TEST_SUITE_P(Catalog, Half, ::testing::ValuesIn(catalog_names()),
                         [](const ::testing::TestParamInfo<std::string> &i) { return sanitize(i.param); });

}  // namespace
