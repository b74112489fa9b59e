#include "generators/schedule.h"

#include <algorithm>

namespace actgen {

using namespace Halide;

bool vector_code(const Target &target) {
  if (target.arch == Target::RISCV) return false;
  return !(target.arch == Target::WebAssembly && !target.has_feature(Target::WasmSimd128));
}

void vectorize_loop(Stage s, const VarOrRVar &v, const Target &target, int vectors, int unroll) {
  const int natural = target.natural_vector_size<float>();
  vectors = vector_code(target) ? std::max(1, vectors) : 1;
  unroll = std::max(1, unroll);
  if (target.arch != Target::ARM) {
    // x86: native vectors only, `vectors * unroll` of them unrolled.
    unroll *= vectors;
    vectors = 1;
  }
  const int width = natural * vectors;
  if (unroll == 1) {
    s.vectorize(v, width, TailStrategy::GuardWithIf);
    return;
  }
  Var block("block"), in_block("in_block"), step("step"), lane("lane");
  s.split(v, block, in_block, width * unroll, TailStrategy::GuardWithIf)
      .split(in_block, step, lane, width)
      .vectorize(lane)
      .unroll(step);
}

void schedule_elementwise(Stage out, Var i, Expr extent, const Target &target, const ScheduleKnobs &knobs) {
  if (target.has_gpu_feature()) {
    Var block("block"), in_block("in_block"), thread("thread"), lane("lane");
    out.split(i, block, in_block, knobs.gpu_threads * knobs.gpu_elements_per_thread, TailStrategy::GuardWithIf)
        .split(in_block, thread, lane, knobs.gpu_elements_per_thread)
        .gpu_blocks(block)
        .gpu_threads(thread)
        .vectorize(lane);
    return;
  }
  if (knobs.parallel_threshold > 0) {
    Var outer("outer"), inner("inner");
    Stage par = out.specialize(extent >= knobs.parallel_threshold);
    par.split(i, outer, inner, knobs.parallel_chunk, TailStrategy::GuardWithIf).parallel(outer);
    vectorize_loop(par, inner, target, knobs.parallel_vectors, 1);
  }
  vectorize_loop(out, i, target, knobs.vectors_per_iteration, knobs.unroll);
}

}  // namespace actgen
