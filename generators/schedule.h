// How an element-wise kernel is laid out on a target. Knows nothing about what the kernel computes.
#ifndef ACTGEN_GENERATORS_SCHEDULE_H
#define ACTGEN_GENERATORS_SCHEDULE_H

#include <Halide.h>

namespace actgen {

// The schedule's choices, listed once: ACTGEN_SCHEDULE_KNOBS(X) calls X(name, default) for each. From it come
// ScheduleKnobs' members (below), the generators' parameters of the same names (generators/generator_base.h),
// which is how the tuned database (schedules/<target>.json, read by cmake/generate.cmake) and `actgen tune`'s
// candidates set them, and the tuner's names and defaults (tools/tune/actgen_tune.py runs a generator with
// `--describe-knobs`, which prints this list).
//   vectors_per_iteration, unroll: serial path (calls below parallel_threshold): native vectors per vector
//     operation and operations per loop iteration (see vectorize_loop: on x86 all of them are native vectors,
//     unrolled).
//   parallel_threshold: calls with at least this many elements run in parallel (0: never); below it a thread pool
//     costs more than it saves.
//   parallel_chunk, parallel_vectors: parallel path: elements per task, native vectors per operation in a task.
//   gpu_threads, gpu_elements_per_thread: GPU threads per block and elements per thread (Halide 14 emits a
//     thread's elements as scalar loads, see bench/cost_report.py; one element per thread reached only ~75% of
//     copy bandwidth on an H100, docs/halide14.md).
#define ACTGEN_SCHEDULE_KNOBS(X)  \
  X(vectors_per_iteration, 4)     \
  X(unroll, 1)                    \
  X(parallel_threshold, 1 << 18)  \
  X(parallel_chunk, 1 << 15)      \
  X(parallel_vectors, 4)          \
  X(gpu_threads, 256)             \
  X(gpu_elements_per_thread, 4)

struct ScheduleKnobs {
#define ACTGEN_KNOB_MEMBER(name, value) int name = value;
  ACTGEN_SCHEDULE_KNOBS(ACTGEN_KNOB_MEMBER)
#undef ACTGEN_KNOB_MEMBER
};

// Vectorizes loop v of stage s: `vectors` native vectors per vector operation, `unroll` operations per iteration.
// On x86 the operations are always native-width (`vectors * unroll` of them, unrolled): LLVM 14 legalizes the
// compare masks of a vector wider than the target's (<16 x i1> on AVX2, <8 x i1> on SSE4.1) by packing them into
// bytes and unpacking them before each blend, which cost AVX2 1.5x the instructions on average (hardswish 57
// instead of 2 x 10 per 16 floats, and 3x the time); see docs/halide14.md, "Wide vectors". On ARM the wide vector
// is kept: there it needs fewer instructions than the unrolled native ones (bench/cost_report.py --knobs).
// Where Halide emits no vector code for the target (vector_code below), one native vector (natural lanes, which
// LLVM splits into scalar operations: natural-way unrolled scalar code) whatever `vectors` says: `vectors` of them
// were the same work in `vectors` times the code (riscv64: gelu's forward 138 KB instead of 33, generated in 2.5 s
// instead of 0.55).
void vectorize_loop(Halide::Stage s, const Halide::VarOrRVar &v, const Halide::Target &target, int vectors,
                    int unroll);

// Whether Halide 14 emits vector instructions for the target: not for RISC-V (its back end asks LLVM 14 for a
// feature name LLVM no longer knows, docs/halide14.md section 12) nor for WebAssembly without simd128.
bool vector_code(const Halide::Target &target);

// Schedules out(i) over [0, extent). Tails use GuardWithIf: ShiftInwards would recompute the last elements
// from an input that an in-place call (y == x) has already overwritten.
void schedule_elementwise(Halide::Stage out, Halide::Var i, Halide::Expr extent, const Halide::Target &target,
                          const ScheduleKnobs &knobs);

// Applies schedule(Stage) to the specialization of s on each of `fast` in order (Activation::fast_when's cases;
// Halide nests them: if (case 0) ... else if (case 1) ... else ...), then to s itself: each specialization is
// scheduled as a stage of its own, so it gets the whole schedule, the parallel specialization nested in it
// included (`-e stmt`: if (case) { if (parallel) ... }).
template <typename Schedule>
void schedule_with_fast_case(Halide::Stage s, const std::vector<Halide::Expr> &fast, Schedule schedule) {
  for (const Halide::Expr &c : fast) schedule(s.specialize(c));
  schedule(s);
}

}  // namespace actgen

#endif  // ACTGEN_GENERATORS_SCHEDULE_H
