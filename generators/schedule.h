// How an element-wise kernel is laid out on a target. Knows nothing about what the kernel computes.
#ifndef ACTGEN_GENERATORS_SCHEDULE_H
#define ACTGEN_GENERATORS_SCHEDULE_H

#include <Halide.h>

namespace actgen {

// The schedule's choices. Each is also a generator parameter of the same name, which is how the tuned database
// (schedules/<target>.json, read by cmake/generate.cmake) and `actgen tune`'s candidates set them.
struct ScheduleKnobs {
  // Serial path (calls below parallel_threshold): native vectors per vector operation (LLVM splits the wide
  // vector into this many registers) and how many such operations one loop iteration does (unrolled).
  int vectors_per_iteration = 4;
  int unroll = 1;
  // Calls with at least this many elements run in parallel (0: never); below it a thread pool costs more than it
  // saves.
  int parallel_threshold = 1 << 18;
  // Parallel path: elements per task, and native vectors per operation inside a task.
  int parallel_chunk = 1 << 15;
  int parallel_vectors = 4;
  // GPU: threads per block and elements per thread (Halide 14 emits a thread's elements as scalar loads, see
  // bench/cost_report.py; one element per thread reached only ~75% of copy bandwidth on an H100, docs/halide14.md).
  int gpu_threads = 256;
  int gpu_elements_per_thread = 4;
};

// Vectorizes loop v of stage s: `vectors` native vectors per vector operation, `unroll` operations per iteration.
// On x86 the operations are always native-width (`vectors * unroll` of them, unrolled): LLVM 14 legalizes the
// compare masks of a vector wider than the target's (<16 x i1> on AVX2, <8 x i1> on SSE4.1) by packing them into
// bytes and unpacking them before each blend, which cost AVX2 1.5x the instructions on average (hardswish 57
// instead of 2 x 10 per 16 floats, and 3x the time); see docs/halide14.md, "Wide vectors". On ARM the wide vector
// is kept: there it needs fewer instructions than the unrolled native ones (bench/cost_report.py --knobs).
void vectorize_loop(Halide::Stage s, const Halide::VarOrRVar &v, const Halide::Target &target, int vectors,
                    int unroll);

// Schedules out(i) over [0, extent). Tails use GuardWithIf: ShiftInwards would recompute the last elements
// from an input that an in-place call (y == x) has already overwritten.
void schedule_elementwise(Halide::Func out, Halide::Var i, Halide::Expr extent, const Halide::Target &target,
                          const ScheduleKnobs &knobs);

}  // namespace actgen

#endif  // ACTGEN_GENERATORS_SCHEDULE_H
