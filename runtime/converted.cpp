// Converted calls (runtime/converted.h).
#include "runtime/converted.h"

#include <HalideRuntime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "runtime/convert.h"
#include "runtime/error.h"
#include "runtime/manifest.h"

namespace actgen::rt {

namespace {

// Size arithmetic without a division where the common shapes allow: a 64-bit division costs tens of cycles, and
// a call of one tile made about a dozen (measured: an f16 relu call of n = 1024 took ~13 ns less without them;
// the tiles still cost ~55 ns per call more than the block loop they replaced, in their layers).
inline size_t quot(size_t a, size_t b) { return b == 1 ? a : a < b ? 0 : a / b; }
inline size_t rem(size_t a, size_t b) { return b == 1 ? 0 : a < b ? a : a % b; }
inline size_t ceil_quot(size_t a, size_t b) { return a <= b ? (a != 0) : (a - 1) / b + 1; }

// Converts and runs the tiles of task t.
actgen_status run_half_task(HalfCall &c, size_t t) {
  // The f32 copies (the operands' and the channel sums'), then the per-channel flat counts.
  ScratchLease lease((kHalfMaxOperands + 1) * kHalfTile * sizeof(float) + kHalfTile * sizeof(uint64_t));
  float *scratch = static_cast<float *>(lease.get());
  if (!scratch) return fail(ACTGEN_ERROR_OUT_OF_MEMORY, "%s: no memory for the f32 copies of a tile", c.f32.name);
  const BiasView &s = c.space;
  const size_t nti = ceil_quot(s.xi, c.ti), ntc = ceil_quot(s.xc, c.tc);
  const size_t size = element_size(c.dtype);
  double *sums = c.channel_sums ? c.sums + t * c.channels : nullptr;
  const size_t first = quot(t * c.tiles, c.tasks), last = quot((t + 1) * c.tiles, c.tasks);
  for (size_t tile = first; tile < last; ++tile) {
    HalfTile h{};
    h.i0 = rem(tile, nti) * c.ti;
    h.c0 = rem(quot(tile, nti), ntc) * c.tc;
    h.o0 = quot(tile, nti * ntc) * c.to;
    h.ni = std::min(c.ti, s.xi - h.i0);
    h.nc = std::min(c.tc, s.xc - h.c0);
    h.no = std::min(c.to, s.xo - h.o0);
    h.channel0 = s.channels_last ? h.i0 : h.c0;
    h.channels = s.channels_last ? h.ni : h.nc;
    for (size_t k = 0; k < kHalfMaxOperands; ++k) h.f[k] = scratch + k * kHalfTile;
    h.channel_sums = scratch + kHalfMaxOperands * kHalfTile;
    h.channel_flat = reinterpret_cast<uint64_t *>(scratch + (kHalfMaxOperands + 1) * kHalfTile);
    auto element = [&](const HalfOperand &op, size_t o, size_t ch) {
      return static_cast<const uint8_t *>(op.pointer) + ((h.o0 + o) * op.row + (h.c0 + ch) * s.xi + h.i0) * size;
    };
    for (size_t k = 0; k < c.operand_count; ++k)
      if (!c.operands[k].output)
        for (size_t o = 0; o < h.no; ++o)
          for (size_t ch = 0; ch < h.nc; ++ch)
            half_to_f32(c.dtype, reinterpret_cast<const uint16_t *>(element(c.operands[k], o, ch)),
                        h.f[k] + (o * h.nc + ch) * h.ni, h.ni);
    const actgen_status st = c.run(c, h, c.context);
    if (st != ACTGEN_OK) return st;
    uint64_t zeros = 0;
    for (size_t k = 0; k < c.operand_count; ++k)
      if (c.operands[k].output)
        for (size_t o = 0; o < h.no; ++o)
          for (size_t ch = 0; ch < h.nc; ++ch) {
            uint16_t *out = const_cast<uint16_t *>(reinterpret_cast<const uint16_t *>(element(c.operands[k], o, ch)));
            f32_to_half(c.dtype, h.f[k] + (o * h.nc + ch) * h.ni, out, h.ni);
            if (static_cast<int>(k) == c.counted_output)
              for (size_t j = 0; j < h.ni; ++j) zeros += (out[j] & 0x7fffu) == 0;
          }
    if (c.counted_output >= 0) {
      c.zeros += zeros;
      c.flat += h.counts.flat_inputs;
      if (c.channel_flat)
        for (size_t j = 0; j < h.channels; ++j)
          __atomic_fetch_add(&c.channel_flat[h.channel0 + j], h.channel_flat[j], __ATOMIC_RELAXED);
    }
    if (sums)
      for (size_t j = 0; j < h.channels; ++j) sums[h.channel0 + j] += h.channel_sums[j];
  }
  return ACTGEN_OK;
}

int half_task(void *, int task, uint8_t *closure) {
  HalfCall &c = *reinterpret_cast<HalfCall *>(closure);
  const actgen_status s = run_half_task(c, static_cast<size_t>(task));
  if (s == ACTGEN_OK) return 0;
  std::lock_guard<std::mutex> lock(c.error_mutex);
  if (c.error == ACTGEN_OK) {
    c.error = s;
    std::snprintf(c.message, sizeof c.message, "%s", last_error());
  }
  return 1;
}

}  // namespace

void start_half_call(HalfCall &c, const actgen_kernel *kernel) {
  c.f32 = *kernel;
  c.f32.dtype = ACTGEN_F32;
  if (kernel->f32_entry) {
    c.f32.entry = kernel->f32_entry;
    c.f32.f32_entry = nullptr;
  }
  c.dtype = kernel->dtype;
  c.counted_output = -1;
  c.channel_sums = false;
  c.channels = 0;
  c.channel_flat = nullptr;
  c.message[0] = '\0';
}

actgen_status run_half_call(HalfCall &c, double **sums) {
  const BiasView &s = c.space;
  const size_t n = s.xi * s.xc * s.xo;
  if (n == 0) {  // no tiles; counts and sums stay zero
    *sums = c.channel_sums ? static_cast<double *>(std::calloc(c.channels + 1, sizeof(double))) : nullptr;
    return c.channel_sums && !*sums ? fail(ACTGEN_ERROR_OUT_OF_MEMORY, "%s: no memory", c.f32.name) : ACTGEN_OK;
  }
  c.ti = std::min(s.xi, kHalfTile);
  c.tc = c.ti < s.xi ? 1 : std::min(s.xc, quot(kHalfTile, s.xi));
  c.to = c.tc < s.xc || c.ti < s.xi ? 1 : std::min(s.xo, quot(kHalfTile, s.xi * s.xc));
  c.tiles = ceil_quot(s.xi, c.ti) * ceil_quot(s.xc, c.tc) * ceil_quot(s.xo, c.to);
  c.tasks = n < kHalfParallel ? 1 : std::min(c.tiles, kHalfTasks);
  // The tasks' sums: at most 2^23 doubles (64 MiB) whatever the channel count.
  if (c.channel_sums) c.tasks = std::max<size_t>(1, std::min(c.tasks, (size_t{1} << 23) / std::max<size_t>(c.channels, 1)));
  c.sums = nullptr;
  if (c.channel_sums) {
    c.sums = static_cast<double *>(std::calloc(c.tasks * c.channels, sizeof(double)));
    if (!c.sums) return fail(ACTGEN_ERROR_OUT_OF_MEMORY, "%s: no memory for the sums of %zu channels", c.f32.name,
                             c.channels);
  }
  actgen_status st = ACTGEN_OK;
  if (c.tasks == 1) {
    st = run_half_task(c, 0);
  } else if (halide_do_par_for(nullptr, half_task, 0, static_cast<int>(c.tasks), reinterpret_cast<uint8_t *>(&c)) != 0) {
    st = fail(c.error == ACTGEN_OK ? ACTGEN_ERROR_INTERNAL : c.error, "%s", c.message);
  }
  if (st == ACTGEN_OK && c.channel_sums) {
    for (size_t t = 1; t < c.tasks; ++t)
      for (size_t ch = 0; ch < c.channels; ++ch) c.sums[ch] += c.sums[t * c.channels + ch];
    *sums = c.sums;
    return ACTGEN_OK;
  }
  std::free(c.sums);
  return st;
}

actgen_status run_half_call_counts(HalfCall &c, actgen_counts *counts) {
  double *unused = nullptr;
  const actgen_status s = run_half_call(c, &unused);
  if (s == ACTGEN_OK && counts) {
    counts->zero_outputs = c.zeros.load();
    counts->flat_inputs = c.flat.load();
  }
  return s;
}

}  // namespace actgen::rt
