// The Halide generators: one definition from dsl/ becomes a forward or a backward pipeline, element type from
// the generator parameters, schedule from generators/schedule. Each activation gets its own generator
// executable (this file + its definition), so editing one activation regenerates only its kernels.
#include "generators/dtype_convert.h"
#include "generators/generator_base.h"

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
    dx(i) = from_f32(propagate_nan(propagate_nan(g, xf), dyf), dx.type());
    schedule_or_estimate(dx, i, {&x, &dy}, dx);
  }
};

// The counting forward: y as ActivationForward, and in the same pass the counts of (0) outputs that are +-0 in
// y's type and (1) inputs in the definition's flat region (Activation::flat; none when it has none), per block:
// counts(j, b) = the counts over the elements b * block + k * L + j (k < block / L, L = counts' extent 0), two
// int32 buffers (the generated function's counts_0, counts_1). The runtime adds the blocks (exact: integers).
// A call covers whole blocks only: x's extent is counts' extent 1 times block, and block a multiple of L (the
// runtime cuts a call that way, runtime/api.cpp; Halide's bounds checks refuse a call whose counts would read
// past x). So the counts read the tile and x at dense addresses, with no bounds tests (a clamped index made
// every read a gather, a predicate made the accumulators masked loads and stores).
// CPU only: parallel over blocks; each block's values are computed into a scratch tile, stored into y and
// counted from it (compute_with at the block loop), with the count accumulators in registers.
class ActivationForwardCounted : public ActivationBase<ActivationForwardCounted> {
 public:
  Input<Buffer<>> x{"x", 1};
  ACTGEN_PARAM_INPUTS
  Input<int> block{"block"};  // elements per block: a multiple of counts' extent 0
  Output<Buffer<>> y{"y", 1};
  Output<Buffer<>> counts{"counts", {Int(32), Int(32)}, 2};

  void generate() {
    Var i("i"), j("j"), b("b");
    const Activation &act = definition();
    const std::vector<Expr> p = params();
    Expr xf = to_f32(x(i));
    Func value("value");
    value(i) = from_f32(propagate_nan(act.forward(xf, p), xf), y.type());
    y(i) = value(i);
    const Target t = get_target();
    counts(j, b) = Tuple(0, 0);
    Expr lanes = Func(counts).output_buffers()[0].dim(0).extent();
    RDom r(0, block / lanes, "r");
    Expr k = b * block + r * lanes + j;
    Expr zero = to_f32(value(k)) == 0.0f;  // read from the block's scratch tile (see the schedule)
    // NaN is never flat. The definitions' conditions say so (relu's x <= 0), but Halide's simplifier rewrites
    // x <= 0 as !(0 < x), which is true for NaN: the arm-64-neon kernel counted NaN as flat. is_nan is evaluated
    // strictly whatever the target.
    Expr xk = to_f32(x(k));
    Expr flat = act.flat ? act.flat(xk, p) && !is_nan(xk) : cast<bool>(false);
    counts(j, b) = Tuple(counts(j, b)[0] + select(zero, 1, 0), counts(j, b)[1] + select(flat, 1, 0));
    if (get_auto_schedule()) {
      x.set_estimates({{0, estimate}});
      estimate_scalars();
      block.set_estimate(8192);
      y.set_estimates({{0, estimate}});
      counts.set_estimates({{0, 8}, {0, estimate / 8192}});
      return;
    }
    const ScheduleKnobs kn = knobs();
    const int natural = t.natural_vector_size<float>();
    if (t.has_gpu_feature()) {
      std::cerr << "actgen_forward_counted: no GPU schedule in this release (cmake/generate.cmake builds it for "
                   "host-memory targets only)\n";
      std::abort();  // build-time tool: a build-system bug
    }
    // The runtime passes mins 0 and counts' extent 1 equal to y's block count (runtime/api.cpp). Stated here, the
    // block loops of y and counts have provably equal bounds, so compute_with emits one loop nest instead of
    // prologue, steady and epilogue copies of the whole body.
    y.dim(0).set_min(0);
    // (A Tuple's second buffer shares the first's bounds.)
    const OutputImageParam c0 = Func(counts).output_buffers()[0];
    c0.dim(0).set_min(0);
    c0.dim(1).set_bounds(0, (y.dim(0).extent() + block - 1) / block);
    Var ii("ii");
    y.split(i, b, ii, block, TailStrategy::GuardWithIf).parallel(b);
    vectorize_loop(y, ii, t, kn.parallel_vectors, 1);
    // The reduction innermost over a vector of lanes: each accumulator stays in a register across the block
    // (with the lanes innermost, LLVM kept it in memory: a store-to-load chain per step).
    Var jo("jo"), ji("ji");
    counts.vectorize(j, natural, TailStrategy::GuardWithIf);
    counts.update()
        .split(j, jo, ji, natural, TailStrategy::GuardWithIf)
        .reorder(r, ji, jo, b)
        .vectorize(ji)
        .parallel(b);
    // The counts cannot read y itself (Halide 14: "Invalid compute_with: there is dependency between y and
    // counts"), so each block's values go through a scratch tile that y is copied from.
    counts.update().compute_with(y, b);
    value.compute_at(y, b);
    schedule_with_fast_case(value, fast_case(p), [&](Stage s) { vectorize_loop(s, i, t, kn.parallel_vectors, 1); });
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

}  // namespace
}  // namespace actgen

HALIDE_REGISTER_GENERATOR(actgen::ActivationForward, actgen_forward)
HALIDE_REGISTER_GENERATOR(actgen::ActivationBackward, actgen_backward)
HALIDE_REGISTER_GENERATOR(actgen::ActivationForwardCounted, actgen_forward_counted)

int main(int argc, char **argv) {
  if (argc == 3 && std::strcmp(argv[1], "--describe") == 0) return actgen::describe(argv[2]);
  // CUDA: Halide 14 compiles PTX with FP-op fusion on, and ptxas fuses a plain mul.f32 into a following add.f32
  // too. -nvptx-fma-level=0 makes LLVM print every multiply and add it left unfused as mul.rn.f32 / add.rn.f32,
  // which ptxas keeps as written, so the PTX (`-e assembly`) is what the GPU computes. (LLVM's own fusion is
  // not affected: see math::set_contracting.) Halide hands HL_LLVM_ARGS to LLVM once, before compiling.
  std::string llvm_args = "-nvptx-fma-level=0";
  if (const char *user = std::getenv("HL_LLVM_ARGS"); user && *user) llvm_args += std::string(" ") + user;
  setenv("HL_LLVM_ARGS", llvm_args.c_str(), 1);
  return Halide::Internal::generate_filter_main(argc, argv, std::cerr);
}
