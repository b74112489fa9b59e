// The fused forms' generators: the same catalog definition (dsl/activations/<name>.cpp, linked into each
// activation's generator executable) in a different pipeline. Nothing here knows any activation.
//
// Gated: y[r, j] = f(a[r, j]) * g[r, j] over j < d, r < rows; a, g and y are 2-D buffers whose row strides are
// free (a and g are usually the two halves of one [rows, 2d] tensor: stride 2d). Backward: da = dy * g * f'(a)
// (the definition's backward product with dy * g in dy's place) and dg = dy * f(a), both from one loop so that
// da and dg may overwrite a and g (each element's inputs are loaded before its outputs are stored).
//
// Element types convert at the edges exactly as the plain generators do (generators/dtype_convert.h: to_f32 on
// load, from_f32 on store).
#include "generators/dtype_convert.h"
#include "generators/generator_base.h"

namespace actgen {
namespace {

using namespace Halide;

// Schedules out(j, r) over j < d (contiguous), r < rows. CPU: vectors along j; above the parallel threshold,
// tasks of whole rows (about parallel_chunk elements, at least one row).
// GPU: the plain kernels' block/thread/lane split along j, with the rows fused into the block index.
void schedule_rows(Func out, Var j, Var r, Expr d, Expr rows, const Target &target, const ScheduleKnobs &k) {
  if (target.has_gpu_feature()) {
    Var block("block"), in_block("in_block"), thread("thread"), lane("lane"), blocks("blocks");
    out.split(j, block, in_block, k.gpu_threads * k.gpu_elements_per_thread, TailStrategy::GuardWithIf)
        .split(in_block, thread, lane, k.gpu_elements_per_thread)
        .fuse(block, r, blocks)
        .gpu_blocks(blocks)
        .gpu_threads(thread)
        .vectorize(lane);
    return;
  }
  if (k.parallel_threshold > 0) {
    // Tasks of whole rows, about parallel_chunk elements each (one row per task when rows are longer). Rows are
    // not split: splitting j by parallel_chunk as well left, for rows shorter than a chunk, a guarded loop over the
    // whole chunk per row, which ran about 15 times slower (measured: 26 vs 1.7 ns per element at 4096 x 4096).
    // A call with fewer rows than threads therefore runs on fewer threads.
    Var ro("ro"), ri("ri");
    Stage par = out.specialize(cast<int64_t>(d) * rows >= k.parallel_threshold);
    par.split(r, ro, ri, max(1, k.parallel_chunk / max(d, 1)), TailStrategy::GuardWithIf).parallel(ro);
    vectorize_loop(par, j, target, k.parallel_vectors, 1);
  }
  vectorize_loop(out, j, target, k.vectors_per_iteration, 1);
}

template <typename T>
class FormBase : public ActivationBase<T> {
 protected:
  // Estimates for `actgen tune report`'s autoscheduler runs (the forms have no tuned schedules yet).
  void estimate_2d(const std::vector<GeneratorInput<Buffer<>> *> &buffers,
                   const std::array<GeneratorInput<float> *, kMaxParams> &scalars,
                   const std::vector<GeneratorOutput<Buffer<>> *> &outputs) {
    const Activation &a = this->definition();
    for (GeneratorInput<Buffer<>> *b : buffers) b->set_estimates({{0, 1024}, {0, this->estimate / 1024}});
    for (size_t k = 0; k < scalars.size(); ++k)
      scalars[k]->set_estimate(k < a.params.size() ? float(a.params[k].default_value) : 0.0f);
    for (GeneratorOutput<Buffer<>> *o : outputs) o->set_estimates({{0, 1024}, {0, this->estimate / 1024}});
  }
};

class GatedForward : public FormBase<GatedForward> {
 public:
  Input<Buffer<>> a{"a", 2};
  Input<Buffer<>> g{"g", 2};
  Input<float> p0{"p0"}, p1{"p1"}, p2{"p2"}, p3{"p3"};
  Output<Buffer<>> y{"y", 2};

  void generate() {
    Var j("j"), r("r");
    Expr af = to_f32(a(j, r));
    Expr gf = to_f32(g(j, r));
    Expr f = propagate_nan(definition().forward(af, params({p0, p1, p2, p3})), af);
    y(j, r) = from_f32(f * gf, y.type());
    if (get_auto_schedule()) {
      estimate_2d({&a, &g}, {&p0, &p1, &p2, &p3}, {&y});
      return;
    }
    schedule_rows(y, j, r, y.dim(0).extent(), y.dim(1).extent(), get_target(), knobs());
  }
};

class GatedBackward : public FormBase<GatedBackward> {
 public:
  Input<Buffer<>> a{"a", 2};
  Input<Buffer<>> g{"g", 2};
  Input<Buffer<>> dy{"dy", 2};
  Input<float> p0{"p0"}, p1{"p1"}, p2{"p2"}, p3{"p3"};
  // Two buffers (the generated function's arguments grad_0 = da, grad_1 = dg), written by one loop.
  Output<Buffer<>> grad{"grad", 2};

  void generate() {
    Var j("j"), r("r");
    Expr af = to_f32(a(j, r));
    Expr gf = to_f32(g(j, r));
    Expr dyf = to_f32(dy(j, r));
    const std::vector<Expr> p = params({p0, p1, p2, p3});
    const Activation &act = definition();
    Expr dyg = dyf * gf;
    Expr da = propagate_nan(propagate_nan(act.backward(af, dyg, p), af), dyg);
    Expr dg = dyf * propagate_nan(act.forward(af, p), af);
    grad(j, r) = Tuple(from_f32(da, grad.types()[0]), from_f32(dg, grad.types()[1]));
    if (get_auto_schedule()) {
      estimate_2d({&a, &g, &dy}, {&p0, &p1, &p2, &p3}, {&grad});
      return;
    }
    const OutputImageParam da_buffer = Func(grad).output_buffers()[0];  // a Tuple's outputs share their extents
    schedule_rows(grad, j, r, da_buffer.dim(0).extent(), da_buffer.dim(1).extent(), get_target(), knobs());
  }
};

}  // namespace
}  // namespace actgen

HALIDE_REGISTER_GENERATOR(actgen::GatedForward, actgen_gated_forward)
HALIDE_REGISTER_GENERATOR(actgen::GatedBackward, actgen_gated_backward)
