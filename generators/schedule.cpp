#include "generators/schedule.h"

namespace actgen {

using namespace Halide;

namespace {

// Vectorizes loop v of stage s by `vectors` native vectors, `unroll` vector operations per iteration.
void vectorize_loop(Stage s, const VarOrRVar &v, int natural, int vectors, int unroll) {
  const int width = natural * vectors;
  if (unroll <= 1) {
    s.vectorize(v, width, TailStrategy::GuardWithIf);
    return;
  }
  Var block("block"), in_block("in_block"), step("step"), lane("lane");
  s.split(v, block, in_block, width * unroll, TailStrategy::GuardWithIf)
      .split(in_block, step, lane, width)
      .vectorize(lane)
      .unroll(step);
}

}  // namespace

void schedule_elementwise(Func out, Var i, Expr extent, const Target &target, const ScheduleKnobs &knobs) {
  if (target.has_gpu_feature()) {
    Var block("block"), in_block("in_block"), thread("thread"), lane("lane");
    out.split(i, block, in_block, knobs.gpu_threads * knobs.gpu_elements_per_thread, TailStrategy::GuardWithIf)
        .split(in_block, thread, lane, knobs.gpu_elements_per_thread)
        .gpu_blocks(block)
        .gpu_threads(thread)
        .vectorize(lane);
    return;
  }
  const int natural = target.natural_vector_size<float>();
  if (knobs.parallel_threshold > 0) {
    Var outer("outer"), inner("inner");
    Stage par = out.specialize(extent >= knobs.parallel_threshold);
    par.split(i, outer, inner, knobs.parallel_chunk, TailStrategy::GuardWithIf).parallel(outer);
    vectorize_loop(par, inner, natural, knobs.parallel_vectors, 1);
  }
  vectorize_loop(out, i, natural, knobs.vectors_per_iteration, knobs.unroll);
}

}  // namespace actgen
