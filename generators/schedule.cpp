#include "generators/schedule.h"

namespace actgen {

using namespace Halide;

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
  const int width = target.natural_vector_size<float>() * knobs.vectors_per_iteration;
  Var outer("outer"), inner("inner");
  out.specialize(extent >= knobs.parallel_threshold)
      .split(i, outer, inner, knobs.parallel_chunk, TailStrategy::GuardWithIf)
      .parallel(outer)
      .vectorize(inner, width, TailStrategy::GuardWithIf);
  out.vectorize(i, width, TailStrategy::GuardWithIf);
}

}  // namespace actgen
