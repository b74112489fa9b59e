// How an element-wise kernel is laid out on a target. Knows nothing about what the kernel computes.
#ifndef ACTGEN_GENERATORS_SCHEDULE_H
#define ACTGEN_GENERATORS_SCHEDULE_H

#include <Halide.h>

namespace actgen {

struct ScheduleKnobs {
  // Native vectors processed per loop iteration (LLVM splits the wide vector into this many registers).
  int vectors_per_iteration = 4;
  // Calls with at least this many elements run in parallel; below it a thread pool costs more than it saves.
  int parallel_threshold = 1 << 18;
  // Elements per parallel task.
  int parallel_chunk = 1 << 15;
  // GPU: threads per block and elements per thread (a thread's elements are one vector load and store; one
  // element per thread reached only ~75% of copy bandwidth on an H100, see HALIDE14.md).
  int gpu_threads = 256;
  int gpu_elements_per_thread = 4;
};

// Schedules out(i) over [0, extent). Tails use GuardWithIf: ShiftInwards would recompute the last elements
// from an input that an in-place call (y == x) has already overwritten.
void schedule_elementwise(Halide::Func out, Halide::Var i, Halide::Expr extent, const Halide::Target &target,
                          const ScheduleKnobs &knobs);

}  // namespace actgen

#endif  // ACTGEN_GENERATORS_SCHEDULE_H
