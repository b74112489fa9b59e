// The fused forms' generators: the same catalog definition (dsl/activations/<name>.cpp, linked into each
// activation's generator executable) in a different pipeline. Nothing here knows any activation.
//
// Gated: y[r, j] = f(a[r, j]) * g[r, j] over j < d, r < rows; a, g and y are 2-D buffers whose row strides are
// free (a and g are usually the two halves of one [rows, 2d] tensor: stride 2d). Backward: da = dy * g * f'(a)
// (the definition's backward product with dy * g in dy's place) and dg = dy * f(a), both from one loop so that
// da and dg may overwrite a and g (each element's inputs are loaded before its outputs are stored).
//
// Channel forms: x(i, c, o) (3-D: inner i fastest, channel c, outer o) and a per-channel vector v given as a
// 2-D view v(i, c) whose strides say which index it follows: (0, 1) for [outer, C, inner] with inner > 1 (v follows
// c), (1, 0) for channels-last [rows, C] passed as x(i = channel, c = 0, o = row) (v follows i). Vectors run
// along i, the contiguous dimension, in both layouts. What v is (generator parameter channel_vector):
//   bias (ACTGEN_FORM_BIAS): y = f(x + v); backward dx = dy * f'(x + v), and the channel sums are of dx (db);
//   param (ACTGEN_FORM_CHANNEL): the definition's channel parameter (Activation::channel_param, prelu's weight)
//   is v: y = f(x; p with p[k] = v); backward dx = dy * f'(x; p), and the channel sums are of the definition's
//   param_backward, dy * df/dp[k] (dweight).
// The backward forms see x, dy and dx as whole blocks, x(j, k, ib, c, r, ob) = x[i = (ib * chunks + k) * lanes + j,
// c, o = ob * rows + r] (lanes, chunks, rows: extents 0, 1 and 4); the runtime (runtime/forms.cpp) cuts any shape
// into at most six such regions. In the same loop as dx they write the partial sums of the channel sums:
// partial(j, c, ib, ob) = sum of term(j, k, ib, c, r, ob) over k < chunks, r < rows, a sequential f32 sum of at
// most 256 terms (the runtime's block sizes); the runtime adds the partials of each channel in double in a fixed
// order. The block sizes come from the shape only (never the thread count), so the sums are deterministic.
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
void schedule_rows(Stage out, Var j, Var r, Expr d, Expr rows, const Target &target, const ScheduleKnobs &k) {
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
                   const std::vector<GeneratorOutput<Buffer<>> *> &outputs) {
    for (GeneratorInput<Buffer<>> *b : buffers) b->set_estimates({{0, 1024}, {0, this->estimate / 1024}});
    this->estimate_scalars();
    for (GeneratorOutput<Buffer<>> *o : outputs) o->set_estimates({{0, 1024}, {0, this->estimate / 1024}});
  }
};

class GatedForward : public FormBase<GatedForward> {
 public:
  Input<Buffer<>> a{"a", 2};
  Input<Buffer<>> g{"g", 2};
  ACTGEN_PARAM_INPUTS
  Output<Buffer<>> y{"y", 2};

  void generate() {
    Var j("j"), r("r");
    Expr af = to_f32(a(j, r));
    Expr gf = to_f32(g(j, r));
    Expr f = propagate_nan(definition().forward(af, params()), af);
    y(j, r) = from_f32(f * gf, y.type());
    if (get_auto_schedule()) {
      estimate_2d({&a, &g}, {&y});
      return;
    }
    schedule_with_fast_case(y, fast_case(params()), [&](Stage s) {
      schedule_rows(s, j, r, y.dim(0).extent(), y.dim(1).extent(), get_target(), knobs());
    });
  }
};

class GatedBackward : public FormBase<GatedBackward> {
 public:
  Input<Buffer<>> a{"a", 2};
  Input<Buffer<>> g{"g", 2};
  Input<Buffer<>> dy{"dy", 2};
  ACTGEN_PARAM_INPUTS
  // Two buffers (the generated function's arguments grad_0 = da, grad_1 = dg), written by one loop.
  Output<Buffer<>> grad{"grad", 2};

  void generate() {
    Var j("j"), r("r");
    Expr af = to_f32(a(j, r));
    Expr gf = to_f32(g(j, r));
    Expr dyf = to_f32(dy(j, r));
    const std::vector<Expr> p = params();
    const Activation &act = definition();
    Expr dyg = dyf * gf;
    Expr da = propagate_nans(act.backward(af, dyg, p), af, dyg);
    Expr dg = dyf * propagate_nan(act.forward(af, p), af);
    grad(j, r) = Tuple(from_f32(da, grad.types()[0]), from_f32(dg, grad.types()[1]));
    if (get_auto_schedule()) {
      estimate_2d({&a, &g, &dy}, {&grad});
      return;
    }
    const OutputImageParam da_buffer = Func(grad).output_buffers()[0];  // a Tuple's outputs share their extents
    schedule_with_fast_case(grad, fast_case(p), [&](Stage s) {
      schedule_rows(s, j, r, da_buffer.dim(0).extent(), da_buffer.dim(1).extent(), get_target(), knobs());
    });
  }
};

// The gated forward with the dead-unit statistics (actgen_gated_forward_counted): y as GatedForward's, on the
// block view of the channel forms' counting forward with one channel (a, g and y: (j, k, ib, c = 0, r, ob), rows
// of d along j, k, ib), and per block and lane the packed counts of ChannelForwardCounted: the zero outputs, and
// the activated inputs a in the definition's flat region (never NaN). CPU only.
class GatedForwardCounted : public FormBase<GatedForwardCounted> {
 public:
  Input<Buffer<>> a{"a", 6};
  Input<Buffer<>> g{"g", 6};
  ACTGEN_PARAM_INPUTS
  Output<Buffer<>> y{"y", 6};
  Output<Buffer<int32_t>> counts{"counts", 4};  // see ChannelForwardCounted

  void generate();
};

// The per-channel view's two layouts (see the top): each gets its own code (a contiguous or a broadcast load of
// v); any other stride is refused by the kernel (the runtime never passes one).
template <typename Schedule>
void specialize_channel_layouts(Func out, Expr v_stride0, Schedule schedule) {
  for (int stride : {1, 0}) schedule(out.specialize(v_stride0 == stride));
  out.specialize_fail("per-channel view: dim 0 stride must be 0 or 1");
}

// What the per-channel vector is (see the top).
enum class ChannelVector { Bias, Param };
const std::map<std::string, ChannelVector> kChannelVectorNames = {{"bias", ChannelVector::Bias},
                                                                  {"param", ChannelVector::Param}};

// The definition's input and parameters at one element: x + v (bias), or x with the channel parameter v.
struct ChannelInputs {
  Expr z;
  std::vector<Expr> p;
};
ChannelInputs channel_inputs(const Activation &a, ChannelVector what, Expr x, Expr v, std::vector<Expr> p) {
  if (what == ChannelVector::Bias) return {x + v, p};
  if (a.channel_param < 0 || a.channel_param >= int(p.size()) || !a.param_backward) {
    std::cerr << a.name << " has no per-channel parameter (Activation::channel_param): no channel form\n";
    std::abort();  // build-time tool: cmake/forms.cmake asked for a form the definition does not declare
  }
  p[a.channel_param] = v;
  return {x, p};
}

// Schedules out(i, c, o) of an element-wise channel form: CPU vectors along i, tasks of whole (c, o) rows above
// the parallel threshold (as schedule_rows); GPU: schedule_rows' split along i with the rows fused into blocks.
void schedule_channel_rows(Stage s, Var i, Var c, Var o, Expr inner, Expr rows, const Target &target,
                           const ScheduleKnobs &k) {
  Var row("row");
  s.fuse(c, o, row);
  if (target.has_gpu_feature()) {
    Var block("block"), in_block("in_block"), thread("thread"), lane("lane"), blocks("blocks");
    s.split(i, block, in_block, k.gpu_threads * k.gpu_elements_per_thread, TailStrategy::GuardWithIf)
        .split(in_block, thread, lane, k.gpu_elements_per_thread)
        .fuse(block, row, blocks)
        .gpu_blocks(blocks)
        .gpu_threads(thread)
        .vectorize(lane);
    return;
  }
  if (k.parallel_threshold > 0) {
    Var ro("ro"), ri("ri");
    Stage par = s.specialize(cast<int64_t>(inner) * rows >= k.parallel_threshold);
    par.split(row, ro, ri, max(1, k.parallel_chunk / max(inner, 1)), TailStrategy::GuardWithIf).parallel(ro);
    vectorize_loop(par, i, target, k.parallel_vectors, 1);
  }
  vectorize_loop(s, i, target, k.vectors_per_iteration, 1);
}

template <typename T>
class ChannelFormBase : public FormBase<T> {
 protected:
  void estimate_3d(const std::vector<GeneratorInput<Buffer<>> *> &buffers, GeneratorInput<Buffer<>> &channel,
                   const std::vector<GeneratorOutput<Buffer<>> *> &outputs) {
    for (GeneratorInput<Buffer<>> *b : buffers) b->set_estimates({{0, 64}, {0, 64}, {0, this->estimate / 4096}});
    channel.set_estimates({{0, 64}, {0, 64}});
    this->estimate_scalars();
    for (GeneratorOutput<Buffer<>> *o : outputs) o->set_estimates({{0, 64}, {0, 64}, {0, this->estimate / 4096}});
  }
  // The block forms' estimates: 16 lanes x 16 chunks of one channel per block, 64 channels, 16 rows per block.
  template <typename Sums, typename... Like>
  void estimate_blocks(GeneratorInput<Buffer<>> &v, Sums &sums, Like &...like) {
    const int blocks = std::max(1, this->estimate / (16 * 16 * 64 * 16));
    (like.set_estimates({{0, 16}, {0, 16}, {0, 1}, {0, 64}, {0, 16}, {0, blocks}}), ...);
    v.set_estimates({{0, 256}, {0, 64}});
    sums.set_estimates({{0, 16}, {0, 64}, {0, 1}, {0, blocks}});
    this->estimate_scalars();
  }
};

class ChannelForward : public ChannelFormBase<ChannelForward> {
 public:
  GeneratorParam<ChannelVector> channel_vector{"channel_vector", ChannelVector::Bias, kChannelVectorNames};
  Input<Buffer<>> x{"x", 3};
  Input<Buffer<>> v{"v", 2};  // the per-channel view v(i, c): strides (0, 1) or (1, 0), see the top
  ACTGEN_PARAM_INPUTS
  Output<Buffer<>> y{"y", 3};

  void generate() {
    Var i("i"), c("c"), o("o");
    v.dim(0).set_stride(Expr());
    const ChannelInputs in = channel_inputs(definition(), channel_vector, to_f32(x(i, c, o)), to_f32(v(i, c)),
                                            params());
    y(i, c, o) = from_f32(propagate_nan(definition().forward(in.z, in.p), in.z), y.type());
    if (get_auto_schedule()) {
      estimate_3d({&x}, v, {&y});
      return;
    }
    Expr inner = y.dim(0).extent(), rows = cast<int64_t>(y.dim(1).extent()) * y.dim(2).extent();
    const Target t = get_target();
    const ScheduleKnobs k = knobs();
    // The fast cases (Activation::fast_when) only where the parameters are the kernel's scalars (bias): a
    // per-channel parameter would make their conditions vary along the loop.
    const std::vector<Expr> fast = channel_vector == ChannelVector::Bias ? fast_case(in.p) : std::vector<Expr>{};
    specialize_channel_layouts(y, v.dim(0).stride(), [&](Stage s) {
      schedule_with_fast_case(s, fast, [&](Stage u) { schedule_channel_rows(u, i, c, o, inner, rows, t, k); });
    });
  }
};

// The block forms' bounds (the channel backward and the counting channel forward): the runtime passes x and
// the buffers shaped like it with mins 0 and dense lanes, and the sums with extents (lanes, c, ib, ob) equal to
// x's. Stated here, the fused loops of the two stages have provably equal bounds (docs/halide14.md section 10).
template <typename X, typename... Like>
void state_block_bounds(X &x, OutputImageParam sums, Like &...like) {
  for (int d = 0; d < 6; ++d) {
    x.dim(d).set_min(0);
    (like.dim(d).set_bounds(0, x.dim(d).extent()), ...);
  }
  x.dim(0).set_stride(1);
  (like.dim(0).set_stride(1), ...);
  sums.dim(0).set_bounds(0, x.dim(0).extent());
  sums.dim(1).set_bounds(0, x.dim(3).extent());
  sums.dim(2).set_bounds(0, x.dim(2).extent());
  sums.dim(3).set_bounds(0, x.dim(5).extent());
}

// The block forms' CPU schedule: `out` (dx or y) is an update over the sums' own reduction domain R (clamped, so
// that its R is an impure reduction variable like theirs: docs/halide14.md section 14), both split by the native
// vector along j, and out computed with the sums at jo, so each vector of the inputs is loaded once, its sums
// updated, then out stored (the sums first: an in-place call's out overwrites an input only after both stages
// read it). Loops: j (vectors), k, r, then c, ib, ob; parallel over the blocks (ob, ib nested), every block
// writing its own sums. NCHW blocks of kBlockLanes lanes (the runtime's) get their own code: one vector per step
// along k with the sums in registers; channels-last steps along the channels, the sums in L1. v_stride0: the
// per-channel view's dim-0 stride, or an undefined Expr where there is none (the gated form's counting forward).
void schedule_blocks(Stage out, Func sums, const RDom &R, Expr lanes, Expr v_stride0, const Target &t) {
  const int natural = t.natural_vector_size<float>();
  Var j("j"), jo("jo"), ji("ji"), c("c"), ib("ib"), ob("ob");
  sums.vectorize(j, natural, TailStrategy::GuardWithIf);
  for (Stage s : {out, sums.update()})
    s.split(j, jo, ji, natural, TailStrategy::GuardWithIf)
        .reorder(ji, jo, R.x, R.y, c, ib, ob)
        .vectorize(ji)
        .parallel(ob)
        .parallel(ib);
  out.compute_with(sums.update(), jo);
  Stage s = sums.update();
  if (!v_stride0.defined()) {  // no per-channel view (the gated form)
    s.specialize(lanes == kBlockLanes);
    return;
  }
  s.specialize(v_stride0 == 1);
  s.specialize(v_stride0 == 0).specialize(lanes == kBlockLanes);
  s.specialize_fail("per-channel view: dim 0 stride must be 0 or 1");
}

// The counting forms' kernels are CPU only (cmake/forms.cmake builds them for host-memory targets).
void refuse_gpu(const Target &t, const char *generator) {
  if (!t.has_gpu_feature()) return;
  std::cerr << generator << ": no GPU schedule in this release (cmake/forms.cmake builds it for host-memory targets "
                            "only)\n";
  std::abort();  // build-time tool: a build-system bug
}

// The counting forms' algorithm on the block view: y = value over the blocks' reduction domain (returned; clamped
// as in the backward), and counts(j, c, ib, ob) += the packed statistics of each element: 1 where y is +-0, plus
// 2^16 where `flat` holds (the definition's flat region, never NaN: see actgen_forward_counted's generator).
RDom define_counted_blocks(Func y, Func counts, Func value, Expr flat, Type y_type, Expr chunks, Expr rows,
                           const Target &t) {
  Var j("j"), k("k"), ib("ib"), c("c"), r("r"), ob("ob");
  Func stats("stats");
  stats(j, k, ib, c, r, ob) =
      select(to_f32(value(j, k, ib, c, r, ob), t) == 0.0f, 1, 0) + select(flat, 1 << 16, 0);
  RDom R(0, chunks, 0, rows, "R");
  y(j, k, ib, c, r, ob) = undef(y_type);
  y(j, clamp(R.x, 0, chunks - 1), ib, c, clamp(R.y, 0, rows - 1), ob) = value(j, R.x, ib, c, R.y, ob);
  counts(j, c, ib, ob) = 0;
  counts(j, c, ib, ob) += stats(j, R.x, ib, c, R.y, ob);
  return R;
}

// The forward with the dead-unit statistics (actgen_bias_forward_counted, actgen_channel_forward_counted): y as
// ChannelForward's, on the backward's whole-block view, and per block and lane the two counts of
// actgen_forward_counted (zero outputs; inputs in the definition's flat region, never NaN) as
// counts(j, c, ib, ob), packed: the runtime adds them into the totals and, per channel, the flat inputs. CPU only.
class ChannelForwardCounted : public ChannelFormBase<ChannelForwardCounted> {
 public:
  GeneratorParam<ChannelVector> channel_vector{"channel_vector", ChannelVector::Bias, kChannelVectorNames};
  Input<Buffer<>> x{"x", 6};
  Input<Buffer<>> v{"v", 2};
  ACTGEN_PARAM_INPUTS
  Output<Buffer<>> y{"y", 6};
  // Both counts in one int32 per partial (the zero outputs in bits 0-15, the flat inputs in bits 16-31: a block
  // has at most 256 terms per lane), so each step loads and stores one accumulator vector, not two.
  Output<Buffer<int32_t>> counts{"counts", 4};

  void generate() {
    const Target t = get_target();
    refuse_gpu(t, "actgen_bias_forward_counted (or its alias actgen_channel_forward_counted)");
    Var j("j"), k("k"), ib("ib"), c("c"), r("r"), ob("ob");
    v.dim(0).set_stride(Expr());
    const Activation &act = definition();
    Expr lanes = x.dim(0).extent(), chunks = x.dim(1).extent(), rows = x.dim(4).extent();
    const ChannelInputs in = channel_inputs(act, channel_vector, to_f32(x(j, k, ib, c, r, ob)),
                                            to_f32(v((ib * chunks + k) * lanes + j, c)), params());
    Func value("value");
    value(j, k, ib, c, r, ob) = from_f32(propagate_nan(act.forward(in.z, in.p), in.z), y.type());
    Expr flat = act.flat ? act.flat(in.z, in.p) && !is_nan(in.z) : cast<bool>(false);
    const RDom R = define_counted_blocks(y, counts, value, flat, y.type(), chunks, rows, t);
    if (get_auto_schedule()) {
      this->estimate_blocks(v, counts, x, y);
      return;
    }
    state_block_bounds(x, Func(counts).output_buffer(), y);
    schedule_blocks(y.update(), counts, R, lanes, v.dim(0).stride(), t);
  }
};

void GatedForwardCounted::generate() {
  const Target t = get_target();
  refuse_gpu(t, "actgen_gated_forward_counted");
  Var j("j"), k("k"), ib("ib"), c("c"), r("r"), ob("ob");
  const Activation &act = definition();
  const std::vector<Expr> p = params();
  Expr af = to_f32(a(j, k, ib, c, r, ob)), gf = to_f32(g(j, k, ib, c, r, ob));
  Func value("value");
  value(j, k, ib, c, r, ob) = from_f32(propagate_nan(act.forward(af, p), af) * gf, y.type());
  Expr flat = act.flat ? act.flat(af, p) && !is_nan(af) : cast<bool>(false);
  Expr lanes = a.dim(0).extent(), chunks = a.dim(1).extent(), rows = a.dim(4).extent();
  const RDom R = define_counted_blocks(y, counts, value, flat, y.type(), chunks, rows, t);
  if (get_auto_schedule()) {
    const int blocks = std::max(1, estimate / (16 * 16 * 16));
    for (auto *b : {&a, &g}) b->set_estimates({{0, 16}, {0, 16}, {0, 1}, {0, 1}, {0, 16}, {0, blocks}});
    y.set_estimates({{0, 16}, {0, 16}, {0, 1}, {0, 1}, {0, 16}, {0, blocks}});
    counts.set_estimates({{0, 16}, {0, 1}, {0, 1}, {0, blocks}});
    estimate_scalars();
    return;
  }
  // a and g have their own row strides (dims 4 and 5: the caller's), y its own; the rest is stated as for the
  // channel forms.
  state_block_bounds(a, Func(counts).output_buffer(), g, y);
  schedule_blocks(y.update(), counts, R, lanes, Expr(), t);
}

class ChannelBackward : public ChannelFormBase<ChannelBackward> {
 public:
  GeneratorParam<ChannelVector> channel_vector{"channel_vector", ChannelVector::Bias, kChannelVectorNames};
  // x, dy and dx as whole blocks (see the top): (j, k, ib, c, r, ob).
  Input<Buffer<>> x{"x", 6};
  Input<Buffer<>> v{"v", 2};
  Input<Buffer<>> dy{"dy", 6};
  ACTGEN_PARAM_INPUTS
  Output<Buffer<>> dx{"dx", 6};
  Output<Buffer<float>> partial{"partial", 4};  // (j, c, ib, ob): see the top

  void generate() {
    Var j("j"), k("k"), ib("ib"), c("c"), r("r"), ob("ob");
    v.dim(0).set_stride(Expr());
    const Activation &act = definition();
    Expr lanes = x.dim(0).extent(), chunks = x.dim(1).extent(), rows = x.dim(4).extent();
    const ChannelInputs in = channel_inputs(act, channel_vector, to_f32(x(j, k, ib, c, r, ob)),
                                            to_f32(v((ib * chunks + k) * lanes + j, c)), params());
    Expr dyf = to_f32(dy(j, k, ib, c, r, ob));
    Expr dx_value = propagate_nans(act.backward(in.z, dyf, in.p), in.z, dyf);
    const bool bias = channel_vector == ChannelVector::Bias;
    Func grad("grad");
    // The param form's term as its two factors where it is a product (prelu's dy * select(x > 0, 0, x)), so that
    // the sum takes it with one fma where the target has FMA (one rounding per term instead of two, and one
    // instruction instead of two); otherwise the term itself.
    Expr pterm = bias ? Expr() : propagate_nans(act.param_backward(in.z, dyf, in.p), in.z, dyf);
    const Internal::Mul *product = pterm.defined() && math::fma_enabled() ? pterm.as<Internal::Mul>() : nullptr;
    if (bias)
      grad(j, k, ib, c, r, ob) = dx_value;
    else if (product)
      grad(j, k, ib, c, r, ob) = Tuple(dx_value, product->a, product->b);
    else
      grad(j, k, ib, c, r, ob) = Tuple(dx_value, pterm);
    Func value("value");
    value(j, k, ib, c, r, ob) = from_f32(bias ? Expr(grad(j, k, ib, c, r, ob)) : grad(j, k, ib, c, r, ob)[0],
                                         dx.type());
    const Target t = get_target();
    RDom R(0, chunks, 0, rows, "R");
    // The channel sums' terms: grad itself on the CPU (one loop with dx, below); on the GPU a second launch: bias
    // reads the stored dx back (an in-place call has overwritten dy or x by then), param recomputes its term from
    // x and dy (the channel form's CUDA backward is not in place: actgen.h).
    if (t.has_gpu_feature()) {
      dx(j, k, ib, c, r, ob) = value(j, k, ib, c, r, ob);
    } else {
      dx(j, k, ib, c, r, ob) = undef(dx.type());
      dx(j, clamp(R.x, 0, chunks - 1), ib, c, clamp(R.y, 0, rows - 1), ob) = value(j, R.x, ib, c, R.y, ob);
    }
    Func term("term");
    FuncRef g = grad(j, k, ib, c, r, ob);
    if (bias)
      term(j, k, ib, c, r, ob) = t.has_gpu_feature() ? to_f32(Func(dx)(j, k, ib, c, r, ob)) : Expr(g);
    else
      term(j, k, ib, c, r, ob) = product ? Tuple(g[1], g[2]) : Tuple(g[1]);
    partial(j, c, ib, ob) = 0.0f;
    FuncRef at = term(j, R.x, ib, c, R.y, ob);
    if (product)
      partial(j, c, ib, ob) = math::add_product(partial(j, c, ib, ob), at[0], at[1]);
    else
      partial(j, c, ib, ob) += Expr(at);
    if (get_auto_schedule()) {
      this->estimate_blocks(v, partial, x, dy, dx);
      return;
    }
    const ScheduleKnobs kn = knobs();
    state_block_bounds(x, Func(partial).output_buffer(), dy, dx);
    if (t.has_gpu_feature()) {
      // Not fused on the GPU: dx is one launch (grad inlined), a thread block per (ib, c, r, ob), threads over
      // (j / elements per thread, k) (at most 4096 / 4 of them: the runtime's blocks), and the partials a second
      // launch (one thread per (j, c, ib, ob), its terms in sequence, the same order as the CPU's).
      const int per_thread = kn.gpu_elements_per_thread;
      Var jt("jt"), jl("jl"), blocks("blocks");
      dx.split(j, jt, jl, per_thread, TailStrategy::GuardWithIf)
          .reorder(jl, jt, k, ib, c, r, ob)
          .fuse(ib, c, blocks).fuse(blocks, r, blocks).fuse(blocks, ob, blocks)
          .gpu_blocks(blocks)
          .gpu_threads(jt, k)
          .vectorize(jl);
      Var jo("jo"), ji("ji");
      partial.split(j, jo, ji, 64, TailStrategy::GuardWithIf)
          .fuse(jo, c, blocks).fuse(blocks, ib, blocks).fuse(blocks, ob, blocks)
          .gpu_blocks(blocks).gpu_threads(ji);
      partial.update()
          .split(j, jo, ji, 64, TailStrategy::GuardWithIf)
          .reorder(R.x, R.y, ji, jo, c, ib, ob)
          .fuse(jo, c, blocks).fuse(blocks, ib, blocks).fuse(blocks, ob, blocks)
          .gpu_blocks(blocks).gpu_threads(ji);
      specialize_channel_layouts(dx, v.dim(0).stride(), [](Stage) {});
      return;
    }
    schedule_blocks(dx.update(), partial, R, lanes, v.dim(0).stride(), t);
  }
};

}  // namespace
}  // namespace actgen

HALIDE_REGISTER_GENERATOR(actgen::ChannelForward, actgen_bias_forward)
HALIDE_REGISTER_GENERATOR(actgen::ChannelBackward, actgen_bias_backward)
HALIDE_REGISTER_GENERATOR(actgen::ChannelForwardCounted, actgen_bias_forward_counted)
HALIDE_REGISTER_GENERATOR_ALIAS(actgen_channel_forward, actgen_bias_forward, {{"channel_vector", "param"}})
HALIDE_REGISTER_GENERATOR_ALIAS(actgen_channel_backward, actgen_bias_backward, {{"channel_vector", "param"}})
HALIDE_REGISTER_GENERATOR_ALIAS(actgen_channel_forward_counted, actgen_bias_forward_counted,
                                {{"channel_vector", "param"}})
HALIDE_REGISTER_GENERATOR(actgen::GatedForward, actgen_gated_forward)
HALIDE_REGISTER_GENERATOR(actgen::GatedBackward, actgen_gated_backward)
HALIDE_REGISTER_GENERATOR(actgen::GatedForwardCounted, actgen_gated_forward_counted)
