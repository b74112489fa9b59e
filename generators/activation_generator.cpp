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
  Input<float> p0{"p0"}, p1{"p1"}, p2{"p2"}, p3{"p3"};
  Output<Buffer<>> y{"y", 1};

  void generate() {
    Var i("i");
    Expr xf = to_f32(x(i));
    Expr f = definition().forward(xf, params({p0, p1, p2, p3}));
    y(i) = from_f32(propagate_nan(f, xf), y.type());
    schedule_or_estimate(y, i, {&x}, {&p0, &p1, &p2, &p3}, y);
  }
};

class ActivationBackward : public ActivationBase<ActivationBackward> {
 public:
  Input<Buffer<>> x{"x", 1};
  Input<Buffer<>> dy{"dy", 1};
  Input<float> p0{"p0"}, p1{"p1"}, p2{"p2"}, p3{"p3"};
  Output<Buffer<>> dx{"dx", 1};

  void generate() {
    Var i("i");
    Expr xf = to_f32(x(i));
    Expr dyf = to_f32(dy(i));
    Expr g = definition().backward(xf, dyf, params({p0, p1, p2, p3}));
    dx(i) = from_f32(propagate_nan(propagate_nan(g, xf), dyf), dx.type());
    schedule_or_estimate(dx, i, {&x, &dy}, {&p0, &p1, &p2, &p3}, dx);
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
