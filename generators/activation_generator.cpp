// The Halide generators: one definition from dsl/ becomes a forward or a backward pipeline, element type from
// the generator parameters, schedule from generators/schedule. Each activation gets its own generator
// executable (this file + its definition), so editing one activation regenerates only its kernels.
#include "generators/dtype_convert.h"
#include "generators/generator_base.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

namespace actgen {
namespace {

using namespace Halide;

class ActivationForward : public ActivationBase<ActivationForward> {
 public:
  Input<Buffer<>> x{"x", 1};
  ACTGEN_PARAM_INPUTS
  Output<Buffer<>> y{"y", 1};

  void generate() {
    Var i("i");
    Expr xf = to_f32(x(i));
    Expr f = definition().forward(xf, params());
    y(i) = from_f32(propagate_nan(f, xf), y.type());
    schedule_or_estimate(y, i, {&x}, y);
  }
};

class ActivationBackward : public ActivationBase<ActivationBackward> {
 public:
  Input<Buffer<>> x{"x", 1};
  Input<Buffer<>> dy{"dy", 1};
  ACTGEN_PARAM_INPUTS
  Output<Buffer<>> dx{"dx", 1};

  void generate() {
    Var i("i");
    Expr xf = to_f32(x(i));
    Expr dyf = to_f32(dy(i));
    Expr g = definition().backward(xf, dyf, params());
    dx(i) = from_f32(propagate_nans(g, xf, dyf), dx.type());
    schedule_or_estimate(dx, i, {&x, &dy}, dx);
  }
};

// The counting forward: y as ActivationForward, and in the same pass the counts of (0) outputs that are +-0 in
// y's type and (1) inputs in the definition's flat region (Activation::flat; none when it has none), per block.
// The runtime passes x and y as 3-D views of whole blocks, (j, r, b) = element b * rows * L + r * L + j with
// L = kCountLanes = 16 lanes, `rows` rows per block and (16, 16 * rows) as strides, and the counts as counts(j, b):
// two int32 buffers (the generated function's counts_0, counts_1), lane j of block b counting its rows' element
// j. The runtime adds the blocks (exact: integers) and cuts any n into such views (runtime/api.cpp).
// One loop does everything: y is an update over the same reduction domain r as the counts (a pure definition
// of undef, so nothing is written twice), both vectorized over j and fused at r (compute_with), so each row's
// x is loaded once, its value computed once (Halide's CSE shares it between the two stages before the store,
// which keeps an in-place call right) and stored, and the accumulators stay in registers. Halide 14 fuses only
// loops of the same kind: r is an impure reduction variable in the counts (they do not depend on it), so y's r
// must be one too, which its left-hand side's clamp(r, ...) makes it (Halide cannot prove that distinct r write
// distinct elements; the clamp folds away in the loop). No fast-case specialization (Activation::fast_when):
// Halide 14 fails on specialized fused stages ("Symbol not found"), so celu, softplus and swish count on their
// general path. CPU only, parallel over blocks.
class ActivationForwardCounted : public ActivationBase<ActivationForwardCounted> {
 public:
  Input<Buffer<>> x{"x", 3};
  ACTGEN_PARAM_INPUTS
  Output<Buffer<>> y{"y", 3};
  Output<Buffer<>> counts{"counts", {Int(32), Int(32)}, 2};

  void generate() {
    Var j("j"), q("q"), b("b");
    const Activation &act = definition();
    const std::vector<Expr> p = params();
    const Target t = get_target();
    if (t.has_gpu_feature()) {
      std::cerr << "actgen_forward_counted: no GPU schedule in this release (cmake/generate.cmake builds it for "
                   "host-memory targets only)\n";
      std::abort();  // build-time tool: a build-system bug
    }
    auto value = [&](const Expr &xf) { return from_f32(propagate_nan(act.forward(xf, p), xf), y.type()); };
    RDom r(0, x.dim(1).extent(), "r");
    Expr xf = to_f32(x(j, r, b));
    y(j, q, b) = undef(y.type());
    y(j, clamp(r, 0, x.dim(1).extent() - 1), b) = value(xf);
    counts(j, b) = Tuple(0, 0);
    Expr zero = to_f32(value(xf)) == 0.0f;
    // NaN is never flat. The definitions' conditions say so (relu's x <= 0), but Halide's simplifier rewrites
    // x <= 0 as !(0 < x), which is true for NaN: the arm-64-neon kernel counted NaN as flat. is_nan is evaluated
    // strictly whatever the target.
    Expr flat = act.flat ? act.flat(xf, p) && !is_nan(xf) : cast<bool>(false);
    counts(j, b) = Tuple(counts(j, b)[0] + select(zero, 1, 0), counts(j, b)[1] + select(flat, 1, 0));
    const OutputImageParam c0 = Func(counts).output_buffers()[0];  // (a Tuple's second buffer shares its bounds)
    if (get_auto_schedule()) {
      x.set_estimates({{0, kCountLanes}, {0, 256}, {0, estimate / (256 * kCountLanes)}});
      estimate_scalars();
      y.set_estimates({{0, kCountLanes}, {0, 256}, {0, estimate / (256 * kCountLanes)}});
      counts.set_estimates({{0, kCountLanes}, {0, estimate / (256 * kCountLanes)}});
      return;
    }
    // The runtime's layout, stated: lanes innermost and dense, rows of 16, y shaped like x, one counts column per
    // block. Halide checks them on every call.
    x.dim(0).set_bounds(0, kCountLanes).set_stride(1);
    x.dim(1).set_min(0).set_stride(kCountLanes);
    x.dim(2).set_min(0);
    y.dim(0).set_bounds(0, kCountLanes).set_stride(1);
    y.dim(1).set_bounds(0, x.dim(1).extent()).set_stride(kCountLanes);
    y.dim(2).set_bounds(0, x.dim(2).extent());
    c0.dim(0).set_bounds(0, kCountLanes);
    c0.dim(1).set_bounds(0, x.dim(2).extent());
    // Native vectors over the 16 lanes (unrolled: a vector wider than the target's packs its masks on x86,
    // generators/schedule.h); rows serial, blocks parallel.
    const int natural = std::min(t.natural_vector_size<float>(), kCountLanes);
    Var jo("jo"), ji("ji");
    counts.split(j, jo, ji, natural).vectorize(ji).unroll(jo);
    y.update().split(j, jo, ji, natural).reorder(ji, jo, r, b).vectorize(ji).unroll(jo).parallel(b);
    counts.update().split(j, jo, ji, natural).reorder(ji, jo, r, b).vectorize(ji).unroll(jo).parallel(b);
    counts.update().compute_with(y.update(), r);
  }
};

// "--describe FILE": writes the activation's entry for the runtime's manifest (name, parameters, constraints,
// the per-channel parameter).
int describe(const char *path) {
  const Activation &a = defined_activation();
  FILE *out = std::fopen(path, "w");
  if (!out) {
    std::cerr << "cannot write " << path << "\n";
    return 1;
  }
  if (a.params.size() > kMaxParams) {
    std::cerr << a.name << ": more than " << kMaxParams << " parameters\n";
    return 1;
  }
  std::fprintf(out, "{\"%s\", %zu, {", a.name.c_str(), a.params.size());
  for (const Param &p : a.params)
    std::fprintf(out, "{\"%s\", %.17g, Constraint::%s}, ", p.name.c_str(), p.default_value, constraint_name(p.constraint));
  std::fprintf(out, "}, %zu, {", a.ordered.size());
  for (const auto &o : a.ordered) std::fprintf(out, "{%d, %d}, ", o.first, o.second);
  std::fprintf(out, "}, %d},\n", a.channel_param);
  return std::fclose(out) == 0 ? 0 : 1;
}

// "--describe-knobs": prints the schedule knobs (generators/schedule.h's ACTGEN_SCHEDULE_KNOBS), one
// "<name> <default>" line each, which every generator takes as parameters of those names: `actgen tune` reads its
// search space's names and defaults from here.
int describe_knobs() {
#define ACTGEN_KNOB_LINE(name, value) std::printf("%s %d\n", #name, static_cast<int>(value));
  ACTGEN_SCHEDULE_KNOBS(ACTGEN_KNOB_LINE)
#undef ACTGEN_KNOB_LINE
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace
}  // namespace actgen

HALIDE_REGISTER_GENERATOR(actgen::ActivationForward, actgen_forward)
HALIDE_REGISTER_GENERATOR(actgen::ActivationBackward, actgen_backward)
HALIDE_REGISTER_GENERATOR(actgen::ActivationForwardCounted, actgen_forward_counted)

int main(int argc, char **argv) {
  if (argc == 3 && std::strcmp(argv[1], "--describe") == 0) return actgen::describe(argv[2]);
  if (argc == 2 && std::strcmp(argv[1], "--describe-knobs") == 0) return actgen::describe_knobs();
  // CUDA: Halide 14 compiles PTX with FP-op fusion on, and ptxas fuses a plain mul.f32 into a following add.f32
  // too. -nvptx-fma-level=0 makes LLVM print every multiply and add it left unfused as mul.rn.f32 / add.rn.f32,
  // which ptxas keeps as written, so the PTX (`-e assembly`) is what the GPU computes. (LLVM's own fusion is
  // not affected: see math::set_contracting.) Halide hands HL_LLVM_ARGS to LLVM once, before compiling.
  std::string llvm_args = "-nvptx-fma-level=0";
  // AArch64: Halide scalarizes the math library's llvm.fma.f32 calls (docs/halide14.md section 3) and LLVM 14's
  // SLP vectorizer puts them back together as 2-lane halves of the 4-lane vectors, because it costs the 4-lane
  // trees above their scalar code (opt-14 -passes=slp-vectorizer on the scalar IR: 2-lane at the default
  // threshold and at -50, 4-lane from -100). Seen at one native vector per operation (bench/cost_report.py's
  // setting: the NEON hot loops lose 17-45% of their instructions with -slp-threshold=-1000, sigmoid's forward
  // 53 -> 36, gelu's 160 -> 88, none gains); the shipped schedules' 16-lane operations were already whole vectors
  // (within -2 .. +0.75 instructions per vector of the default schedule). The threshold only decides which trees
  // SLP vectorizes; the operations stay the same.
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "target=arm-64", 13) == 0) llvm_args += " -slp-threshold=-1000";
  if (const char *user = std::getenv("HL_LLVM_ARGS"); user && *user) llvm_args += std::string(" ") + user;
  setenv("HL_LLVM_ARGS", llvm_args.c_str(), 1);
  return Halide::Internal::generate_filter_main(argc, argv, std::cerr);
}
