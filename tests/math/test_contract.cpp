// The math library's contract (contract_table.h: every routine dsl/math.h declares, its bound and special values)
// held on every target this build generates kernels for: the table compiled ahead of time for each of them
// (contract_gen.cpp, at build time, with the FMA path that target's kernels use), run here against the references
// (contract_table.h's LD). A target the runtime does not select on this CPU is skipped, saying so; a cross build
// runs the same test under qemu. In a build with a CUDA target, the FMA targets' tables also run as built for a
// contracting backend ("_contracting": CUDA's arithmetic path). Measured maxima are printed as lines starting
// "[ulp]".
//
// ACTGEN_TEST_INPUT_SCALE = s < 1 (emulated builds, tests/CMakeLists.txt) keeps s of each row's whole-range sweep
// and dense sweeps (every instruction is emulated); the edges and special values stay.
#include <gtest/gtest.h>

#include <HalideRuntime.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <ostream>
#include <string>
#include <vector>

#include "contract_table.h"
#include "math_contract_targets.h"
#include "oracle.h"
#include "test_support.h"

namespace {

using actgen::mathtest::ContractFn;
using actgen::mathtest::ContractTarget;
using actgen::mathtest::kMathContractTargets;
using actgen::mathtest::contract::Row;
using actgen::mathtest::contract::table;
using floatbits::bits;

struct Case {
  size_t row;
  const ContractTarget *target;
  bool contracting;
};
void PrintTo(const Case &c, std::ostream *os) {
  *os << table()[c.row].routine << " on " << c.target->name << (c.contracting ? " contracting" : "");
}

// out[i] = the compiled routine of `c` applied to in[i].
std::vector<float> run(const Case &c, const std::vector<float> &in) {
  std::vector<float> out(in.size());
  if (in.empty()) return out;
  halide_dimension_t din(0, static_cast<int32_t>(in.size()), 1), dout = din;
  halide_buffer_t bin{}, bout{};
  bin.host = reinterpret_cast<uint8_t *>(const_cast<float *>(in.data()));
  bout.host = reinterpret_cast<uint8_t *>(out.data());
  bin.type = bout.type = halide_type_t(halide_type_float, 32);
  bin.dimensions = bout.dimensions = 1;
  bin.dim = &din;
  bout.dim = &dout;
  const ContractFn fn = c.contracting ? c.target->contracting[c.row] : c.target->fns[c.row];
  EXPECT_EQ(fn(&bin, &bout), 0) << "the compiled routine returned an error";
  return out;
}

std::vector<Case> cases() {
  std::vector<Case> v;
  for (const ContractTarget *t : kMathContractTargets)
    for (size_t r = 0; r < table().size(); ++r) {
      v.push_back({r, t, false});
      if (t->contracting) v.push_back({r, t, true});
    }
  return v;
}

class MathContract : public ::testing::TestWithParam<Case> {};

TEST_P(MathContract, BoundAndSpecialValues) {
  const Case &c = GetParam();
  const Row &r = table()[c.row];
  ASSERT_EQ(c.target->rows, table().size()) << "the compiled table is stale";
  ASSERT_STREQ(c.target->routines[c.row], r.routine) << "the compiled table is stale";
  const std::vector<std::string> here = testsupport::available_targets();
  if (std::find(here.begin(), here.end(), c.target->name) == here.end())
    GTEST_SKIP() << c.target->name << " is not available here (actgen_target_available: this CPU lacks its "
                 << "features), or ACTGEN_TEST_TARGETS leaves it out";
  const std::string where = std::string(c.target->name) + (c.contracting ? " contracting" : "");

  const std::vector<float> in = actgen::mathtest::contract::inputs(r, testsupport::input_scale());
  const std::vector<float> out = run(c, in);
  double worst = 0;
  float at = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const double e = oracle::ulp_error(out[i], r.ref(in[i]));
    if (!(e <= worst)) worst = e, at = in[i];
  }
  std::printf("[ulp] %-27s %-30s max %.3f ulp at x = %.9g (0x%08x), %zu inputs, bound %.1f\n", r.routine,
              where.c_str(), worst, at, bits(at), in.size(), r.max_ulp);
  std::fflush(stdout);
  EXPECT_LE(worst, r.max_ulp) << r.routine << " on " << where << " at x = " << at;

  std::vector<float> sx;
  for (const auto &s : r.specials) sx.push_back(s.x);
  const std::vector<float> so = run(c, sx);
  for (size_t i = 0; i < sx.size(); ++i) {
    const float want = r.specials[i].want;
    const bool ok = std::isnan(want) ? std::isnan(so[i]) : bits(so[i]) == bits(want);
    EXPECT_TRUE(ok) << r.routine << "(" << sx[i] << ") = " << so[i] << ", want " << want << " on " << where;
  }
}

INSTANTIATE_TEST_SUITE_P(Table, MathContract, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case> &info) {
                           std::string s = std::string(table()[info.param.row].routine) + "_" +
                                           info.param.target->name + (info.param.contracting ? "_contracting" : "");
                           for (char &ch : s)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return s;
                         });

}  // namespace
