// Converted calls: a 16-bit (f16 or bf16) call that runs an f32 kernel between the runtime's conversions
// (runtime/convert.h). Two users:
// - the plain f16 kernels of the x86 targets whose features list "f16c" (runtime/api.cpp): the target's f32 kernel
//   between the processor's F16C conversions (Halide 14 cannot emit them in a kernel, docs/halide14.md section 9);
// - every f16 and bf16 fused form on the CPU targets (runtime/forms.cpp): the forms' kernels are built for f32
//   only (cmake/forms.cmake).
// The call's index space (i, c, o) is cut into tiles of at most kHalfTile elements; each tile's x-like inputs are
// converted into dense f32 copies, the caller's run function makes the same API call on them through an f32 view
// of the kernel, and the x-like outputs are converted back. A tile reads its inputs before it writes its outputs,
// so in-place calls work as with the kernels. Per-channel outputs (db, dw) are each tile's f32 sums added in
// double, in a fixed order (tiles in order within a task, tasks in order; the tasks depend on the shape only), and
// rounded to the dtype by the caller. Counts: each tile's flat inputs are the f32 kernel's (x converts exactly);
// zero outputs are counted on the 16-bit results (an f32 result can round to +-0). From kHalfParallel elements the
// tiles go to the thread pool in at most kHalfTasks tasks.
#ifndef ACTGEN_RUNTIME_CONVERTED_H
#define ACTGEN_RUNTIME_CONVERTED_H

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "actgen/actgen.h"
#include "runtime/internal.h"

namespace actgen::rt {

// Elements per tile: a tile's f32 copies (64 KiB each) stay in L2. Smaller tiles, to stay in L1, were measured
// slower (2026-12-05, AVX2, one thread, f16 relu / sigmoid / gelu forward and backward at 64K and 16M: 4096 took
// 1.00-1.07x and 8192 1.02-1.14x the time of 16384): each tile's kernel call and conversion setup costs more than
// the L1 saves.
constexpr size_t kHalfTile = 16384;
constexpr size_t kHalfParallel = size_t{1} << 18;
constexpr size_t kHalfTasks = 64;
constexpr size_t kHalfMaxOperands = 5;  // the gated backward's a, g, dy, da, dg

// The index space of a call (the forms' view of x, runtime/forms.cpp "Bias and channel forms"): extents (i, c,
// o), an x-like operand's element (o, c, i) at o * row + c * xi + i (a converted call's operands each carry their
// own row); channels_last: the per-channel vectors run along i, else along c. A plain call of n elements is
// {true, n, 1, 1, n}.
struct BiasView {
  bool channels_last;
  size_t xi, xc, xo;  // the kernels' extents (i, c, o)
  size_t row;         // elements from one o to the next: xi * xc, or (the gated form's) the largest row stride
};

// An x-like operand of a converted call (the caller's 16-bit elements).
struct HalfOperand {
  const void *pointer;
  size_t row;
  bool output;
};

// One tile, as the caller's run function sees it: the tile's place, its operands' f32 copies (dense
// [no][nc][ni], operand order), and per-channel scratch for the tile's channels (channel0 + [0, channels)).
struct HalfTile {
  size_t i0, ni, c0, nc, o0, no;
  size_t channel0, channels;
  float *f[kHalfMaxOperands];
  float *channel_sums;     // the f32 call's db / dw for the tile's channels
  uint64_t *channel_flat;  // the f32 call's per-channel flat counts
  actgen_counts counts;    // the f32 call's counts (counted calls)
};

struct HalfCall {
  actgen_kernel f32;  // the kernel with its f32 dtype and entries: the calls the tiles make
  actgen_dtype dtype;
  BiasView space;
  HalfOperand operands[kHalfMaxOperands];
  size_t operand_count;
  int counted_output;  // the operand whose zeros are counted (counted calls), or -1
  bool channel_sums;   // a backward with db / dw
  size_t channels;     // of the per-channel vectors
  size_t ti, tc, to, tiles, tasks;
  double *sums;  // tasks x channels: each task's db / dw
  std::atomic<uint64_t> zeros{0}, flat{0};
  uint64_t *channel_flat;  // the per-channel flat counts (added to atomically), or nullptr
  actgen_status (*run)(const HalfCall &, HalfTile &, const void *context);
  const void *context;
  std::mutex error_mutex;
  actgen_status error = ACTGEN_OK;
  char message[1024];  // the failing task's message (set with error); not cleared: calls are per element count
};

// A converted call's setup for a 16-bit kernel: the f32 view (dtype f32, the plain f32 entry where the kernel has
// one), the 16-bit dtype, no counts, no channel sums. The caller sets space, operands, run and context.
void start_half_call(HalfCall &c, const actgen_kernel *kernel);

// Runs a converted call. On success *sums (channel_sums) holds the per-channel totals (channels doubles, the
// caller frees it); otherwise the status is the failing tile's, with its message.
actgen_status run_half_call(HalfCall &c, double **sums);
// run_half_call for a call without channel sums; on success a counted call's counts go into *counts (given).
actgen_status run_half_call_counts(HalfCall &c, actgen_counts *counts);

}  // namespace actgen::rt

#endif  // ACTGEN_RUNTIME_CONVERTED_H
