#include "generators/schedule.h"

namespace actgen {

using namespace Halide;

void schedule_elementwise(Func out, Var i, Expr extent, const Target &target, const ScheduleKnobs &knobs) {
  const int width = target.natural_vector_size<float>() * knobs.vectors_per_iteration;
  Var outer("outer"), inner("inner");
  out.specialize(extent >= knobs.parallel_threshold)
      .split(i, outer, inner, knobs.parallel_chunk, TailStrategy::GuardWithIf)
      .parallel(outer)
      .vectorize(inner, width, TailStrategy::GuardWithIf);
  out.vectorize(i, width, TailStrategy::GuardWithIf);
}

}  // namespace actgen
