// The Halide generators: one definition from dsl/ becomes a forward or a backward pipeline, element type from
// the generator parameters, schedule from generators/schedule. Each activation gets its own generator
// executable (this file + its definition), so editing one activation regenerates only its kernels.
#include "dsl/activation.h"
#include "dsl/math.h"
#include "generators/dtype_convert.h"
#include "generators/schedule.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

namespace actgen {
namespace {

using namespace Halide;

// The contract's NaN rule, for every activation: NaN in x (or dy) gives NaN out, whatever the definition's
// comparisons would do with it.
Expr propagate_nan(Expr value, Expr x) { return select(is_nan(x), x, value); }

template <typename T>
class ActivationBase : public Generator<T> {
 public:
  GeneratorParam<std::string> activation{"activation", ""};
  GeneratorParam<int> vectors_per_iteration{"vectors_per_iteration", ScheduleKnobs{}.vectors_per_iteration};
  GeneratorParam<int> parallel_threshold{"parallel_threshold", ScheduleKnobs{}.parallel_threshold};
  GeneratorParam<int> unroll{"unroll", ScheduleKnobs{}.unroll};
  GeneratorParam<int> parallel_chunk{"parallel_chunk", ScheduleKnobs{}.parallel_chunk};
  GeneratorParam<int> parallel_vectors{"parallel_vectors", ScheduleKnobs{}.parallel_vectors};
  GeneratorParam<int> gpu_threads{"gpu_threads", ScheduleKnobs{}.gpu_threads};
  GeneratorParam<int> gpu_elements_per_thread{"gpu_elements_per_thread", ScheduleKnobs{}.gpu_elements_per_thread};
  // With auto_schedule=true (Halide's autoschedulers, for `actgen tune report`): the element count the
  // autoscheduler is told to expect. The hand schedule ignores it.
  GeneratorParam<int> estimate{"estimate", 1 << 20};

 protected:
  // The definition this generator was asked for, with the math library set up for the target (its FMA path on
  // avx2-fma, avx512 and CUDA, off for sse41 and others; fusion-proof exact products on CUDA). Called first
  // thing by generate().
  const Activation &definition() {
    math::set_fma(math::target_has_fma(this->get_target()));
    math::set_contracting(math::target_contracts(this->get_target()));
    const Activation &a = defined_activation();
    if (a.name != activation.value()) {
      std::cerr << "this generator defines '" << a.name << "', asked for '" << activation.value() << "'\n";
      std::abort();  // build-time tool: a mismatch is a build-system bug
    }
    return a;
  }

  std::vector<Expr> params(const std::array<Expr, kMaxParams> &all) {
    const Activation &a = definition();
    return std::vector<Expr>(all.begin(), all.begin() + a.params.size());
  }

  ScheduleKnobs knobs() const {
    ScheduleKnobs k;
    k.vectors_per_iteration = vectors_per_iteration;
    k.unroll = unroll;
    k.parallel_threshold = parallel_threshold;
    k.parallel_chunk = parallel_chunk;
    k.parallel_vectors = parallel_vectors;
    k.gpu_threads = gpu_threads;
    k.gpu_elements_per_thread = gpu_elements_per_thread;
    return k;
  }

  // The hand schedule, or (auto_schedule=true) the estimates Halide's autoschedulers need: every input buffer's
  // extent, every scalar's value (the parameters' defaults), the output's extent.
  void schedule_or_estimate(Func out, Var i, const std::vector<GeneratorInput<Buffer<>> *> &buffers,
                            const std::array<GeneratorInput<float> *, kMaxParams> &scalars,
                            GeneratorOutput<Buffer<>> &output) {
    if (!this->get_auto_schedule()) {
      schedule_elementwise(out, i, output.dim(0).extent(), this->get_target(), knobs());
      return;
    }
    const Activation &a = definition();
    for (GeneratorInput<Buffer<>> *b : buffers) b->set_estimates({{0, estimate}});
    for (size_t k = 0; k < scalars.size(); ++k)
      scalars[k]->set_estimate(k < a.params.size() ? float(a.params[k].default_value) : 0.0f);
    output.set_estimates({{0, estimate}});
  }
};

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

// "--describe FILE": writes the activation's entry for the runtime's manifest (name, parameters, constraints).
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
  std::fprintf(out, "}},\n");
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
