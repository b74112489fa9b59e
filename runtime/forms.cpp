// The fused forms' C API (include/actgen/actgen.h, "Fused forms"): kernel creation from a descriptor, and the
// gated calls. Kernels come from the manifest's kFormKernels (cmake/forms.cmake).
#include <HalideRuntime.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <type_traits>

#include "actgen/actgen.h"
#include "runtime/convert.h"
#include "runtime/converted.h"
#include "runtime/cpu_features.h"
#include "runtime/cuda.h"
#include "runtime/error.h"
#include "runtime/internal.h"
#include "runtime/manifest.h"
#include "runtime/params.h"

using namespace actgen::rt;

namespace {

// The gated form's names people look for: each is the generic gated form of one catalog activation.
struct GatedAlias {
  const char *alias;
  const char *activation;
  bool second_half_activated;
};
constexpr GatedAlias kGatedAliases[] = {
    {"glu", "sigmoid", true},  // PyTorch's F.glu: first half * sigmoid(second half)
    {"swiglu", "silu", false},
    {"geglu", "gelu", false},
    {"geglu_tanh", "gelu_tanh", false},
    {"reglu", "relu", false},
};

const char *form_name(actgen_form f) {
  switch (f) {
    case ACTGEN_FORM_PLAIN: return "plain";
    case ACTGEN_FORM_GATED: return "gated";
    case ACTGEN_FORM_BIAS: return "bias";
    case ACTGEN_FORM_CHANNEL: return "channel";
  }
  return "unknown";
}

const FormKernelEntry *find_form_kernel(size_t activation, actgen_dtype dtype, actgen_form form, size_t target) {
  for (size_t k = 0; k < kFormKernelCount; ++k) {
    const FormKernelEntry &e = kFormKernels[k];
    const TargetInfo &t = kTargets[e.target];
    if (e.activation == activation && e.dtype == dtype && e.form == form &&
        (target == SIZE_MAX ? t.memory == ACTGEN_MEMORY_HOST && target_usable(t) : e.target == target))
      return &e;
  }
  return nullptr;
}

const KernelEntry *find_plain(size_t activation, actgen_dtype dtype, size_t target) {
  for (size_t k = 0; k < kKernelCount; ++k)
    if (kKernels[k].activation == activation && kKernels[k].dtype == dtype && kKernels[k].target == target)
      return &kKernels[k];
  return nullptr;
}

// Halide's offsets are int32: every piece of a call keeps (rows - 1) * stride + width below this.
constexpr size_t kMaxSpan = size_t{1} << 30;

// A 2-D operand: rows x d elements, row stride `stride` (elements).
struct Operand2 {
  const void *pointer;
  size_t stride;
  const char *name;
};

// Whether two rows x d regions share an element (a and b given in bytes: width w, strides sa, sb). Exact for
// equal strides (the rows of one interleave with the other's: the [rows, 2d] halves), conservative otherwise
// (their byte spans).
bool regions_overlap(const Operand2 &a, const Operand2 &b, size_t rows, size_t d, size_t size) {
  const uintptr_t p = reinterpret_cast<uintptr_t>(a.pointer), q = reinterpret_cast<uintptr_t>(b.pointer);
  const uintptr_t lo = p < q ? p : q, hi = p < q ? q : p;
  const size_t lo_span = ((rows - 1) * (p < q ? a.stride : b.stride) + d) * size;
  if (hi - lo >= lo_span) return false;  // disjoint spans
  if (a.stride != b.stride || rows == 1) return rows == 1 ? hi - lo < d * size : true;
  const size_t period = a.stride * size, w = d * size;
  const size_t offset = (hi - lo) % period;  // where the later region's rows start within the earlier's period
  return !(offset >= w && period - offset >= w);
}

bool same(const Operand2 &a, const Operand2 &b) { return a.pointer == b.pointer && a.stride == b.stride; }

// The checks every form call makes before reading or writing anything.
actgen_status check_form_call(const actgen_kernel *kernel, actgen_form form, actgen_direction direction,
                              const char *call, size_t rows, size_t d, void *stream,
                              std::initializer_list<Operand2> inputs, std::initializer_list<Operand2> outputs) {
  if (!kernel) return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: kernel is NULL", call);
  if (kernel->form != form)
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: %s is a %s-form kernel, not a %s one", call, kernel->name,
                form_name(kernel->form), form_name(form));
  if (kernel->direction != direction)
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: %s is a %s kernel", call, kernel->name,
                kernel->direction == ACTGEN_FORWARD ? "forward" : "backward");
  const bool on_device = kTargets[kernel->form_entry->target].memory == ACTGEN_MEMORY_CUDA;
  if (stream && !on_device)
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: %s runs on the host: stream must be NULL", call, kernel->name);
  if (rows == 0) return ACTGEN_OK;
  if (d == 0) return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: d = 0 with rows = %zu", call, rows);
  for (const auto *list : {&inputs, &outputs})
    for (const Operand2 &o : *list) {
      if (!o.pointer) return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: %s is NULL with rows = %zu", call, o.name, rows);
      if (o.stride < d)
        return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: %s's row stride %zu is less than d = %zu", call, o.name,
                    o.stride, d);
    }
  const size_t size = element_size(kernel->dtype);
  for (const auto *list : {&inputs, &outputs})
    for (const Operand2 &o : *list)
      if (rows - 1 > (SIZE_MAX / size - d) / o.stride)
        return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: %s (rows = %zu, stride %zu) is more than the address space "
                    "holds", call, o.name, rows, o.stride);
  if (on_device) {
    for (const auto *list : {&inputs, &outputs})
      for (const Operand2 &o : *list)
        if (!is_device_pointer(o.pointer))
          return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: %s is not CUDA device memory (a CUDA kernel takes device "
                      "pointers)", call, o.name);
    return ACTGEN_OK;  // overlap of device buffers is the caller's to avoid (actgen.h)
  }
  for (auto out = outputs.begin(); out != outputs.end(); ++out) {
    for (const Operand2 &in : inputs)
      if (!same(*out, in) && regions_overlap(*out, in, rows, d, size))
        return fail(ACTGEN_ERROR_INVALID_ARGUMENT,
                    "%s: %s (%p, stride %zu) and %s (%p, stride %zu) share elements without being the same "
                    "buffer (in place means the same pointer and stride)",
                    call, out->name, out->pointer, out->stride, in.name, in.pointer, in.stride);
    for (auto other = outputs.begin(); other != out; ++other)
      if (regions_overlap(*out, *other, rows, d, size))
        return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: outputs %s and %s overlap", call, other->name, out->name);
  }
  return ACTGEN_OK;
}

// Runs a 2-D kernel over rows x d in pieces whose int32 offsets fit (kMaxSpan), wrapping each operand as a host
// or device buffer. operands: the kernel's buffers in argument order.
template <size_t N, typename Call>
actgen_status run_pieces_2d(const actgen_kernel *kernel, size_t rows, size_t d, void *stream,
                            const Operand2 (&operands)[N], Call call) {
  const actgen_dtype dtype = kernel->form_entry->dtype;
  const size_t size = element_size(dtype);
  const bool on_device = kTargets[kernel->form_entry->target].memory == ACTGEN_MEMORY_CUDA;
  if (on_device) {
    install_cuda_hooks();
    set_thread_stream(stream);
  }
  size_t max_stride = 0;
  for (const Operand2 &o : operands) max_stride = o.stride > max_stride ? o.stride : max_stride;
  const size_t width = d < kMaxSpan ? d : kMaxSpan;
  const size_t rows_per_piece = 1 + (kMaxSpan - width) / max_stride;
  for (size_t r0 = 0; r0 < rows; r0 += rows_per_piece) {
    const size_t nr = rows - r0 < rows_per_piece ? rows - r0 : rows_per_piece;
    for (size_t c0 = 0; c0 < d; c0 += width) {
      const size_t nc = d - c0 < width ? d - c0 : width;
      halide_dimension_t dims[N][2];
      halide_buffer_t buffers[N];
      for (size_t k = 0; k < N; ++k) {
        dims[k][0] = halide_dimension_t(0, static_cast<int32_t>(nc), 1);
        dims[k][1] = halide_dimension_t(0, static_cast<int32_t>(nr), static_cast<int32_t>(nr > 1 ? operands[k].stride : nc));
        buffers[k] = halide_buffer_t{};
        buffers[k].host = const_cast<uint8_t *>(static_cast<const uint8_t *>(operands[k].pointer)) +
                          (r0 * operands[k].stride + c0) * size;
        buffers[k].type = halide_type_of(dtype);
        buffers[k].dimensions = 2;
        buffers[k].dim = dims[k];
        if (on_device) {
          actgen_status s = wrap_device(&buffers[k], buffers[k].host, kernel->name);
          if (s != ACTGEN_OK) {
            for (size_t j = 0; j < k; ++j) detach_device(&buffers[j]);
            return s;
          }
        }
      }
      const int code = call(buffers);
      if (on_device)
        for (size_t j = 0; j < N; ++j) detach_device(&buffers[j]);
      if (code != 0) return from_halide(code, kernel->name);
    }
  }
  return ACTGEN_OK;
}

// ==== Half-precision forms: the f32 form kernels between conversions =========================================
// The forms are built for f32 only (cmake/forms.cmake). An f16 or bf16 form kernel (kernel->dtype 16-bit,
// form_entry f32) runs the same target's f32 form kernels on f32 copies of its operands, tile by tile
// (runtime/converted.h): each tile makes the same API call on an f32 view of the kernel. Per-channel inputs (b, w)
// are converted once per call; per-channel outputs (db, dw) are summed in double and rounded to the dtype here.

// Whether a form kernel's calls convert (a 16-bit kernel running f32 kernels).
bool converts(const actgen_kernel *kernel) { return kernel->dtype != kernel->form_entry->dtype; }

// The bias and channel calls' index space (runtime/converted.h's BiasView): channels-last [outer, C] (inner = 1)
// has the channels along i, NCHW [outer, C, inner] along c.
BiasView bias_view(size_t outer, size_t channels, size_t inner) {
  if (inner == 1) return {true, channels, 1, outer, channels};
  return {false, inner, channels, outer, inner * channels};
}

// f32 copies of a per-channel vector (n elements of the kernel's 16-bit dtype), or nullptr (no memory: the
// caller fails). n == 0 gives a valid pointer.
float *half_vector(const actgen_kernel *kernel, const void *v, size_t n) {
  float *f = static_cast<float *>(std::malloc(n * sizeof(float) + 1));
  if (f) half_to_f32(kernel->dtype, static_cast<const uint16_t *>(v), f, n);
  return f;
}

// The gated calls, converted: [rows, d] as (i, c, o) = (d, 1, rows).
struct GatedHalfArgs {
  bool backward, counted;
};

actgen_status gated_half(const actgen_kernel *kernel, const GatedHalfArgs &args, size_t rows, size_t d,
                         std::initializer_list<HalfOperand> operands, actgen_counts *counts) {
  HalfCall c;
  start_half_call(c, kernel);
  c.space = {true, d, 1, rows, 0};
  c.operand_count = 0;
  for (const HalfOperand &o : operands) c.operands[c.operand_count++] = o;
  if (args.counted) c.counted_output = 2;
  c.context = &args;
  c.run = [](const HalfCall &call, HalfTile &t, const void *context) {
    const GatedHalfArgs &a = *static_cast<const GatedHalfArgs *>(context);
    const actgen_kernel *k = &call.f32;
    if (a.backward)
      return actgen_gated_backward_stream(k, t.no, t.ni, t.f[0], t.f[1], t.ni, t.f[2], t.ni, t.f[3], t.f[4], t.ni,
                                          nullptr);
    if (a.counted) {
      t.counts.size = sizeof t.counts;
      return actgen_gated_forward_counted(k, t.no, t.ni, t.f[0], t.f[1], t.ni, t.f[2], t.ni, &t.counts);
    }
    return actgen_gated_forward_stream(k, t.no, t.ni, t.f[0], t.f[1], t.ni, t.f[2], t.ni, nullptr);
  };
  return run_half_call_counts(c, counts);
}

}  // namespace

extern "C" {

actgen_status actgen_kernel_create_desc(actgen_kernel **kernel, const actgen_kernel_desc *desc) {
  install_halide_handlers();
  if (!kernel) return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "kernel (the output pointer) is NULL");
  if (!desc) return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "desc is NULL");
  // Fields beyond the caller's size keep their defaults (a caller built against an older, shorter struct).
  actgen_kernel_desc dd = ACTGEN_KERNEL_DESC_INIT;
  const size_t first_version = offsetof(actgen_kernel_desc, target) + sizeof(dd.target);
  if (desc->size < first_version)
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "desc->size = %zu is smaller than the first actgen_kernel_desc (%zu "
                "bytes): set it to sizeof(actgen_kernel_desc)", desc->size, first_version);
  std::memcpy(&dd, desc, desc->size < sizeof dd ? desc->size : sizeof dd);
  const int raw_form = static_cast<int>(dd.form);
  static_assert(std::is_same_v<std::underlying_type_t<actgen_form>, int>, "actgen_form must have int underneath");
  if (raw_form != ACTGEN_FORM_PLAIN && raw_form != ACTGEN_FORM_GATED && raw_form != ACTGEN_FORM_BIAS &&
      raw_form != ACTGEN_FORM_CHANNEL)
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "form %d is not an actgen_form", raw_form);
  const char *name = dd.activation;
  if (!name) return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "activation name is NULL");
  bool second_half = false;
  for (const GatedAlias &g : kGatedAliases)
    if (std::strcmp(name, g.alias) == 0) {
      if (dd.form != ACTGEN_FORM_GATED)
        return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "'%s' names the gated form of %s: set form = ACTGEN_FORM_GATED",
                    name, g.activation);
      name = g.activation;
      second_half = g.second_half_activated;
    }
  if (dd.form == ACTGEN_FORM_PLAIN)
    return actgen_kernel_create_on(kernel, name, dd.params, dd.dtype, dd.direction, dd.target);
  // Validates everything a plain kernel would (activation, enums, parameters, target) on a throwaway plain kernel.
  actgen_kernel *plain = nullptr;
  actgen_status s = actgen_kernel_create_on(&plain, name, dd.params, dd.dtype, dd.direction, dd.target);
  if (s != ACTGEN_OK) return s;
  size_t a_index = 0;
  find_activation(name, &a_index);
  if (dd.form == ACTGEN_FORM_CHANNEL && kActivations[a_index].channel_param < 0) {
    actgen_kernel_destroy(plain);
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s has no per-channel parameter: the channel form takes the "
                "activations whose definition declares one (actgen_activation_channel_param >= 0, e.g. prelu)", name);
  }
  size_t t_index = SIZE_MAX;
  const char *why = "";
  s = resolve_pin(dd.target, &t_index, &why);
  if (s != ACTGEN_OK) {
    actgen_kernel_destroy(plain);
    return s;
  }
  const FormKernelEntry *entry = find_form_kernel(a_index, dd.dtype, dd.form, t_index);
  // No 16-bit form kernel (the forms are built for f32 only): the f32 one between conversions, on a CPU target.
  if (!entry && dd.dtype != ACTGEN_F32) {
    entry = find_form_kernel(a_index, ACTGEN_F32, dd.form, t_index);
    if (entry && kTargets[entry->target].memory != ACTGEN_MEMORY_HOST) {
      actgen_kernel_destroy(plain);
      return fail(ACTGEN_ERROR_UNSUPPORTED, "%s: the %s-form %s calls run the f32 form kernels between conversions "
                  "on the host; %s has f32 form kernels only", name, form_name(dd.form), dtype_name(dd.dtype),
                  kTargets[entry->target].name);
    }
  }
  if (!entry) {
    actgen_kernel_destroy(plain);
    return fail(ACTGEN_ERROR_UNSUPPORTED, "%s: no %s-form %s kernel for %s in this build", name, form_name(dd.form),
                dtype_name(dd.dtype), t_index == SIZE_MAX ? "any target this CPU supports" : kTargets[t_index].name);
  }
  plain->entry = find_plain(a_index, dd.dtype, entry->target);
  plain->form = dd.form;
  plain->form_entry = entry;
  plain->second_half_activated = second_half;
  std::snprintf(plain->name, sizeof plain->name, "actgen_%s_%s_%s_%s_%s", plain->activation->name, form_name(dd.form),
                dd.direction == ACTGEN_FORWARD ? "fwd" : "bwd", dtype_name(dd.dtype), kTargets[entry->target].name);
  if (verbose())
    std::fprintf(stderr, "actgen: %s -> %s (%s)%s\n", plain->name, kTargets[entry->target].name, why,
                 converts(plain) ? "; f32 form kernels between conversions" : "");
  *kernel = plain;
  return ACTGEN_OK;
}

actgen_form actgen_kernel_form(const actgen_kernel *kernel) { return kernel ? kernel->form : ACTGEN_FORM_PLAIN; }

actgen_status actgen_gated_forward_stream(const actgen_kernel *kernel, size_t rows, size_t d, const void *a,
                                          const void *g, size_t in_stride, void *y, size_t y_stride, void *stream) {
  const Operand2 ops[3] = {{a, in_stride, "a"}, {g, in_stride, "g"}, {y, y_stride, "y"}};
  actgen_status s = check_form_call(kernel, ACTGEN_FORM_GATED, ACTGEN_FORWARD, "actgen_gated_forward", rows, d,
                                    stream, {ops[0], ops[1]}, {ops[2]});
  if (s != ACTGEN_OK || rows == 0) return s;
  if (converts(kernel))
    return gated_half(kernel, {false, false}, rows, d, {{a, in_stride, false}, {g, in_stride, false}, {y, y_stride, true}},
                      nullptr);
  const float *p = kernel->params;
  const auto fn = reinterpret_cast<GatedForwardFn>(kernel->form_entry->forward);
  return run_pieces_2d(kernel, rows, d, stream, ops,
                       [&](halide_buffer_t *b) { return fn(&b[0], &b[1], ACTGEN_SCALAR_VALUES &b[2]); });
}

actgen_status actgen_gated_backward_stream(const actgen_kernel *kernel, size_t rows, size_t d, const void *a,
                                           const void *g, size_t in_stride, const void *dy, size_t dy_stride, void *da,
                                           void *dg, size_t grad_stride, void *stream) {
  const Operand2 ops[5] = {{a, in_stride, "a"}, {g, in_stride, "g"}, {dy, dy_stride, "dy"},
                           {da, grad_stride, "da"}, {dg, grad_stride, "dg"}};
  actgen_status s = check_form_call(kernel, ACTGEN_FORM_GATED, ACTGEN_BACKWARD, "actgen_gated_backward", rows, d,
                                    stream, {ops[0], ops[1], ops[2]}, {ops[3], ops[4]});
  if (s != ACTGEN_OK || rows == 0) return s;
  if (converts(kernel))
    return gated_half(kernel, {true, false}, rows, d,
                      {{a, in_stride, false}, {g, in_stride, false}, {dy, dy_stride, false}, {da, grad_stride, true},
                       {dg, grad_stride, true}},
                      nullptr);
  const float *p = kernel->params;
  const auto fn = reinterpret_cast<GatedBackwardFn>(kernel->form_entry->backward);
  return run_pieces_2d(kernel, rows, d, stream, ops, [&](halide_buffer_t *b) {
    return fn(&b[0], &b[1], &b[2], ACTGEN_SCALAR_VALUES &b[3], &b[4]);
  });
}

actgen_status actgen_gated_forward(const actgen_kernel *kernel, size_t rows, size_t d, const void *a, const void *g,
                                   size_t in_stride, void *y, size_t y_stride) {
  return actgen_gated_forward_stream(kernel, rows, d, a, g, in_stride, y, y_stride, nullptr);
}

actgen_status actgen_gated_backward(const actgen_kernel *kernel, size_t rows, size_t d, const void *a, const void *g,
                                    size_t in_stride, const void *dy, size_t dy_stride, void *da, void *dg,
                                    size_t grad_stride) {
  return actgen_gated_backward_stream(kernel, rows, d, a, g, in_stride, dy, dy_stride, da, dg, grad_stride, nullptr);
}

// The packed calls: offsets of the two halves (in elements) for the kernel's order.
static size_t half_offset(const actgen_kernel *kernel, size_t d, bool activated) {
  const bool second = kernel && kernel->second_half_activated;
  return activated == second ? d : 0;
}

actgen_status actgen_gated_forward_packed(const actgen_kernel *kernel, size_t rows, size_t d, const void *x, void *y) {
  if (d > SIZE_MAX / 2) return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "actgen_gated_forward_packed: d = %zu is too large", d);
  const size_t size = kernel && kernel->form_entry ? element_size(kernel->dtype) : 4;
  const uint8_t *base = static_cast<const uint8_t *>(x);
  const void *a = x && rows ? base + half_offset(kernel, d, true) * size : x;
  const void *g = x && rows ? base + half_offset(kernel, d, false) * size : x;
  return actgen_gated_forward_stream(kernel, rows, d, a, g, 2 * d, y, d, nullptr);
}

actgen_status actgen_gated_backward_packed(const actgen_kernel *kernel, size_t rows, size_t d, const void *x,
                                           const void *dy, void *dx) {
  if (d > SIZE_MAX / 2) return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "actgen_gated_backward_packed: d = %zu is too large", d);
  const size_t size = kernel && kernel->form_entry ? element_size(kernel->dtype) : 4;
  const uint8_t *xb = static_cast<const uint8_t *>(x);
  uint8_t *db = static_cast<uint8_t *>(dx);
  const size_t ao = half_offset(kernel, d, true) * size, go = half_offset(kernel, d, false) * size;
  const bool live = rows != 0;
  return actgen_gated_backward_stream(kernel, rows, d, x && live ? xb + ao : x, x && live ? xb + go : x, 2 * d, dy, d,
                                      dx && live ? db + ao : dx, dx && live ? db + go : dx, 2 * d, nullptr);
}

}  // extern "C"

// ==== Bias and channel forms ================================================================================
// x is [outer, C, inner] row-major. The forward kernels see it as x(i, c, o) with the per-channel vector (the
// bias b, or the channel parameter w) as a 2-D view v(i, c) (generators/form_generators.cpp): inner > 1: (i, c, o)
// = (inner, C, outer) and v's strides (0, 1); inner == 1 (channels-last [outer, C]): (i, c, o) = (C, 1, outer)
// and v's strides (1, 0), so vectors run along C. A call runs in pieces whose int32 offsets fit (kMaxSpan
// elements each). The backward kernels see a piece as whole blocks, (j, k, ib, c, r, ob) with i = (ib * chunks +
// k) * lanes + j and o = ob * rows + r, one call per block region (block_regions); the channel sums' partials (db,
// dw) come back per region and are added here, in double, in a fixed order (pieces in order, regions in order,
// then blocks ob, ib, c, then lanes j).
namespace {

// The db blocks: each partial is a sequential f32 sum of at most kBiasBlockTerms terms (chunks * rows).
constexpr size_t kBiasBlockTerms = 256;
// The block lanes along inner (NCHW), and the unit channels-last lanes come in (common/kernel_signature.h); a
// multiple of every target's vector.
constexpr size_t kLanes = actgen::kBlockLanes;

// One piece: i0 + [0, ni), c0 + [0, nc), o0 + [0, no) of the view.
struct BiasPiece {
  size_t i0, ni, c0, nc, o0, no;
};

// The piece sizes (the same for every piece of a call but the last in each dimension).
void bias_piece_sizes(const BiasView &v, size_t *ni, size_t *nc, size_t *no) {
  *ni = v.xi < kMaxSpan ? v.xi : kMaxSpan;
  *nc = *ni < v.xi ? 1 : (v.xc < kMaxSpan / v.xi ? v.xc : kMaxSpan / v.xi);
  *no = (*nc < v.xc || *ni < v.xi) ? 1 : (v.xo < kMaxSpan / v.row ? v.xo : kMaxSpan / v.row);
}

// Calls fn(piece) for every piece of the view in order; stops at the first error.
template <typename Fn>
actgen_status for_each_piece(const BiasView &v, Fn fn) {
  size_t pi = 0, pc = 0, po = 0;
  bias_piece_sizes(v, &pi, &pc, &po);
  for (size_t o0 = 0; o0 < v.xo; o0 += po)
    for (size_t c0 = 0; c0 < v.xc; c0 += pc)
      for (size_t i0 = 0; i0 < v.xi; i0 += pi) {
        const BiasPiece piece{i0, v.xi - i0 < pi ? v.xi - i0 : pi, c0, v.xc - c0 < pc ? v.xc - c0 : pc,
                              o0, v.xo - o0 < po ? v.xo - o0 : po};
        const actgen_status s = fn(piece);
        if (s != ACTGEN_OK) return s;
      }
  return ACTGEN_OK;
}

// A backward call's region of a piece, whole blocks only: i0 + [0, lanes * chunks * nib) along i, o0 + [0, rows *
// nob) along o. A block is lanes x chunks x rows elements of one channel; its partials are `lanes` sums of chunks *
// rows terms each.
struct BlockRegion {
  size_t i0, lanes, chunks, nib, o0, rows, nob;
  size_t partials(size_t nc) const { return lanes * nc * nib * nob; }
};

// The regions of a piece (ni x no), at most 6, into out; returns how many. They depend on the shape only, never
// on the thread count. Along i: blocks of `width` (channels-last: up to 4096 channels, one chunk; NCHW: up to
// 4096 elements of inner, 16 lanes), then one block of the remaining whole 16s, then one of the last < 16. Along
// o: blocks of `rows` (channels-last: 65536 / width in [16, 256]; NCHW: 4096 / width), then one of the rest.
// Channels-last rows of 4096 channels ran 1.35x faster than of 1024 at 4096 x 4096 (prelu's backward, one run:
// 13.6 -> 10.0 ms; the partials stay in L1, 16 KB).
size_t block_regions(const BiasView &v, size_t ni, size_t no, BlockRegion *out) {
  struct Part {
    size_t start, lanes, chunks, blocks;
  } parts[3];
  size_t np = 0;
  if (ni < kLanes) {
    parts[np++] = {0, ni, 1, 1};
  } else {
    const size_t whole = ni / kLanes * kLanes, cap = 4096;
    const size_t width = whole < cap ? whole : cap;
    parts[np++] = {0, v.channels_last ? width : kLanes, v.channels_last ? 1 : width / kLanes, ni / width};
    size_t done = ni / width * width;
    if (ni - done >= kLanes) {
      const size_t w = (ni - done) / kLanes * kLanes;
      parts[np++] = {done, v.channels_last ? w : kLanes, v.channels_last ? 1 : w / kLanes, 1};
      done += w;
    }
    if (ni > done) parts[np++] = {done, ni - done, 1, 1};
  }
  const size_t width = parts[0].lanes * parts[0].chunks;
  size_t rows = v.channels_last ? 65536 / width : 4096 / width;
  if (v.channels_last) rows = rows < 16 ? 16 : (rows > kBiasBlockTerms ? kBiasBlockTerms : rows);
  if (rows > no) rows = no;
  const size_t nob = no / rows, tail = no - nob * rows;
  size_t n = 0;
  for (size_t p = 0; p < np; ++p) {
    out[n++] = {parts[p].start, parts[p].lanes, parts[p].chunks, parts[p].blocks, 0, rows, nob};
    if (tail) out[n++] = {parts[p].start, parts[p].lanes, parts[p].chunks, parts[p].blocks, nob * rows, tail, 1};
  }
  return n;
}

// Calls fn(piece, region) for every block region of every piece, in order; stops at the first error.
template <typename Fn>
actgen_status for_each_region(const BiasView &v, Fn fn) {
  return for_each_piece(v, [&](const BiasPiece &piece) {
    BlockRegion regions[6];
    const size_t count = block_regions(v, piece.ni, piece.no, regions);
    for (size_t r = 0; r < count; ++r) {
      const actgen_status s = fn(piece, regions[r]);
      if (s != ACTGEN_OK) return s;
    }
    return ACTGEN_OK;
  });
}

// The most partials (per statistic) any region of a call has: the scratch a call needs.
size_t most_partials(const BiasView &v) {
  size_t most = 0;
  for_each_region(v, [&](const BiasPiece &piece, const BlockRegion &g) {
    most = std::max(most, g.partials(piece.nc));
    return ACTGEN_OK;
  });
  return most;
}

// Calls fn(e, channel) for each partial e of a region (the kernels' order: (j, c, ib, ob), j fastest) with the
// channel it belongs to, in a fixed order: blocks ob, ib, channels c, lanes j.
template <typename Fn>
void for_each_partial(const BlockRegion &g, const BiasView &v, const BiasPiece &piece, Fn fn) {
  for (size_t ob = 0; ob < g.nob; ++ob)
    for (size_t ib = 0; ib < g.nib; ++ib)
      for (size_t c = 0; c < piece.nc; ++c) {
        const size_t row = ((ob * g.nib + ib) * piece.nc + c) * g.lanes;
        for (size_t j = 0; j < g.lanes; ++j)
          fn(row + j, v.channels_last ? piece.i0 + g.i0 + ib * g.lanes + j : piece.c0 + c);
      }
}

// Whether two contiguous regions of count elements (bytes: count * size) share a byte.
bool share(const void *a, size_t a_count, const void *b, size_t b_count, size_t size) {
  if (a_count == 0 || b_count == 0) return false;
  const uintptr_t p = reinterpret_cast<uintptr_t>(a), q = reinterpret_cast<uintptr_t>(b);
  return p < q ? q - p < a_count * size : p - q < b_count * size;
}

// outer * channels * inner, or SIZE_MAX when that overflows (check_bias_call refuses it first).
size_t n_of(size_t outer, size_t channels, size_t inner) {
  size_t rows = 0, n = 0;
  if (__builtin_mul_overflow(outer, inner, &rows) || __builtin_mul_overflow(rows, channels, &n)) return SIZE_MAX;
  return n;
}

struct BiasOperand {
  const void *pointer;
  size_t count;
  const char *name;
};

// Everything a bias or channel call checks before it reads or writes anything. *n: outer * channels * inner.
actgen_status check_bias_call(const actgen_kernel *kernel, actgen_form form, actgen_direction direction,
                              const char *call,
                              size_t outer, size_t channels, size_t inner, void *stream,
                              std::initializer_list<BiasOperand> inputs, std::initializer_list<BiasOperand> outputs,
                              std::initializer_list<std::pair<const void *, const void *>> in_place, size_t *n) {
  actgen_status s = check_form_call(kernel, form, direction, call, 0, 0, stream, {}, {});
  if (s != ACTGEN_OK) return s;
  size_t rows = 0;  // outer * inner
  if (__builtin_mul_overflow(outer, inner, &rows) || __builtin_mul_overflow(rows, channels, n))
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: outer x channels x inner (%zu x %zu x %zu) overflows size_t",
                call, outer, channels, inner);
  if (channels == 0 && rows > 0)
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: channels = 0 with outer x inner = %zu", call, rows);
  if (inner == 0 && outer > 0 && channels > 0)
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: inner = 0 with outer = %zu and channels = %zu", call, outer,
                channels);
  const size_t size = element_size(kernel->dtype);
  for (const auto *list : {&inputs, &outputs})
    for (const BiasOperand &o : *list) {
      if (o.count == 0) continue;
      if (!o.pointer)
        return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: %s is NULL (it holds %zu elements here)", call, o.name,
                    o.count);
      if (o.count > SIZE_MAX / size)
        return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: %s (%zu elements) is more than the address space holds",
                    call, o.name, o.count);
    }
  const bool on_device = kTargets[kernel->form_entry->target].memory == ACTGEN_MEMORY_CUDA;
  if (on_device) {
    for (const auto *list : {&inputs, &outputs})
      for (const BiasOperand &o : *list)
        if (o.count > 0 && !is_device_pointer(o.pointer))
          return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: %s is not CUDA device memory (a CUDA kernel takes device "
                      "pointers)", call, o.name);
    return ACTGEN_OK;  // overlap of device buffers is the caller's to avoid (actgen.h)
  }
  for (auto out = outputs.begin(); out != outputs.end(); ++out) {
    for (const BiasOperand &in : inputs) {
      bool allowed = false;
      for (const auto &pair : in_place)
        allowed = allowed || (pair.first == out->pointer && pair.second == in.pointer && out->pointer == in.pointer &&
                              out->count == in.count);
      if (!allowed && share(out->pointer, out->count, in.pointer, in.count, size))
        return fail(ACTGEN_ERROR_INVALID_ARGUMENT,
                    "%s: %s (%p) and %s (%p) share elements without being the same buffer (in place: %s)", call,
                    out->name, out->pointer, in.name, in.pointer,
                    direction == ACTGEN_FORWARD ? "y == x" : "dx == dy or dx == x");
    }
    for (auto other = outputs.begin(); other != out; ++other)
      if (share(out->pointer, out->count, other->pointer, other->count, size))
        return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: outputs %s and %s overlap", call, other->name, out->name);
  }
  return ACTGEN_OK;
}

// A dimension of a piece. A stride over int32 only occurs with extent 1 (bias_piece_sizes), where it is unused.
void set_dim(halide_dimension_t *d, size_t extent, size_t stride) {
  const size_t s = extent > 1 || stride <= kMaxSpan ? stride : 0;
  *d = halide_dimension_t(0, static_cast<int32_t>(extent), static_cast<int32_t>(s));
}

// Wraps `pointer` (host, or device on a CUDA target) as a buffer of the piece.
actgen_status bias_buffer(const actgen_kernel *kernel, halide_buffer_t *b, halide_dimension_t *dims, int dimensions,
                          const void *pointer, size_t offset) {
  const actgen_dtype dtype = kernel->form_entry->dtype;
  *b = halide_buffer_t{};
  b->host = const_cast<uint8_t *>(static_cast<const uint8_t *>(pointer)) + offset * element_size(dtype);
  b->type = halide_type_of(dtype);
  b->dimensions = dimensions;
  b->dim = dims;
  if (kTargets[kernel->form_entry->target].memory == ACTGEN_MEMORY_CUDA)
    return wrap_device(b, b->host, kernel->name);
  return ACTGEN_OK;
}

// How one kernel call sees its operands: the x-like buffers (x, y, dy, dx) share dims and an element offset, the
// per-channel view v has its own.
struct CallLayout {
  int dimensions;
  halide_dimension_t dims[6];
  size_t offset;
  halide_dimension_t vdims[2];
  size_t voffset;
};

// The forward's layout of a piece: x(i, c, o), v(i, c).
CallLayout piece_layout(const BiasView &v, const BiasPiece &piece) {
  CallLayout l{};
  l.dimensions = 3;
  set_dim(&l.dims[0], piece.ni, 1);
  set_dim(&l.dims[1], piece.nc, v.xi);
  set_dim(&l.dims[2], piece.no, v.xi * v.xc);
  l.offset = (piece.o0 * v.xc + piece.c0) * v.xi + piece.i0;
  set_dim(&l.vdims[0], piece.ni, v.channels_last ? 1 : 0);
  set_dim(&l.vdims[1], piece.nc, v.channels_last ? 0 : 1);
  l.voffset = v.channels_last ? piece.i0 : piece.c0;
  return l;
}

// The backward's layout of a region of a piece: x(j, k, ib, c, r, ob) (see the top), v(i, c) over the region's i.
// row: elements from one o to the next in this operand (the view's, but for the gated form's operands).
CallLayout region_layout(const BiasView &v, const BiasPiece &piece, const BlockRegion &g, size_t row) {
  CallLayout l{};
  l.dimensions = 6;
  set_dim(&l.dims[0], g.lanes, 1);
  set_dim(&l.dims[1], g.chunks, g.lanes);
  set_dim(&l.dims[2], g.nib, g.lanes * g.chunks);
  set_dim(&l.dims[3], piece.nc, v.xi);
  set_dim(&l.dims[4], g.rows, row);
  set_dim(&l.dims[5], g.nob, g.rows * row);
  l.offset = (piece.o0 + g.o0) * row + piece.c0 * v.xi + piece.i0 + g.i0;
  set_dim(&l.vdims[0], g.lanes * g.chunks * g.nib, v.channels_last ? 1 : 0);
  set_dim(&l.vdims[1], piece.nc, v.channels_last ? 0 : 1);
  l.voffset = v.channels_last ? piece.i0 + g.i0 : piece.c0;
  return l;
}

// Before a form call's kernels run: the CUDA hooks and the caller's stream, on a CUDA target.
void start_calls(const actgen_kernel *kernel, void *stream) {
  if (kTargets[kernel->form_entry->target].memory != ACTGEN_MEMORY_CUDA) return;
  install_cuda_hooks();
  set_thread_stream(stream);
}

// Wraps pointers[k] as buffers[k] in layouts[k] (dims into dims[k]), k < count; *made: how many were wrapped
// (to detach on a CUDA target, also after an error).
actgen_status wrap_operands(const actgen_kernel *kernel, const CallLayout *const *layouts,
                            const void *const *pointers, size_t count, halide_buffer_t *buffers,
                            halide_dimension_t (*dims)[6], size_t *made) {
  actgen_status s = ACTGEN_OK;
  for (*made = 0; *made < count && s == ACTGEN_OK; ++*made) {
    const CallLayout &l = *layouts[*made];
    std::memcpy(dims[*made], l.dims, sizeof(l.dims));
    s = bias_buffer(kernel, &buffers[*made], dims[*made], l.dimensions, pointers[*made], l.offset);
  }
  return s;
}

void detach_operands(const actgen_kernel *kernel, halide_buffer_t *buffers, size_t made) {
  if (kTargets[kernel->form_entry->target].memory != ACTGEN_MEMORY_CUDA) return;
  for (size_t k = 0; k < made; ++k) detach_device(&buffers[k]);
}

// Wraps operands[0] as v and operands[1 .. operand_count] as the x-like buffers of `layout`, runs
// call(buffers, &v_buffer) and detaches what it wrapped (CUDA).
template <typename Call>
actgen_status call_with_layout(const actgen_kernel *kernel, const CallLayout &layout, const void *const *operands,
                               size_t operand_count, Call call) {
  const CallLayout *layouts[3] = {&layout, &layout, &layout};
  halide_dimension_t dims[3][6], vdims[2] = {layout.vdims[0], layout.vdims[1]};
  halide_buffer_t buffers[3], vb;
  size_t made = 0;
  actgen_status s = wrap_operands(kernel, layouts, operands + 1, operand_count, buffers, dims, &made);
  if (s == ACTGEN_OK) {
    s = bias_buffer(kernel, &vb, vdims, 2, operands[0], layout.voffset);
    if (s == ACTGEN_OK) {
      s = call(buffers, &vb);
      detach_operands(kernel, &vb, 1);
    }
  }
  detach_operands(kernel, buffers, made);
  return s;
}

// A region's sums buffer (partial(j, c, ib, ob), or a count) over `data`.
halide_buffer_t sums_buffer(void *data, halide_type_t type, const BlockRegion &g, const BiasPiece &piece,
                            halide_dimension_t *dims) {
  set_dim(&dims[0], g.lanes, 1);
  set_dim(&dims[1], piece.nc, g.lanes);
  set_dim(&dims[2], g.nib, g.lanes * piece.nc);
  set_dim(&dims[3], g.nob, g.lanes * piece.nc * g.nib);
  halide_buffer_t b{};
  b.host = static_cast<uint8_t *>(data);
  b.type = type;
  b.dimensions = 4;
  b.dim = dims;
  return b;
}

// db (or dw) = 0 (a zero-element backward call with channels > 0).
actgen_status zero_db(const actgen_kernel *kernel, void *db, size_t channels) {
  const size_t size = element_size(kernel->dtype);
  if (kTargets[kernel->form_entry->target].memory != ACTGEN_MEMORY_CUDA) {
    std::memset(db, 0, channels * size);  // +0 in every dtype
    return ACTGEN_OK;
  }
  void *zeros = std::calloc(channels, size);
  if (!zeros) return fail(ACTGEN_ERROR_OUT_OF_MEMORY, "%s: no memory for db's %zu zeros", kernel->name, channels);
  actgen_status s = copy_host_to_device(db, zeros, channels * size, kernel->name);
  std::free(zeros);
  return s;
}

// Rounds acc to the kernel's dtype (f32 in this release: the forms are built for f32 only) into db.
void store_db(const double *acc, size_t channels, float *out) {
  for (size_t c = 0; c < channels; ++c) out[c] = static_cast<float>(acc[c]);
}

// The bias and channel calls: the same shapes, checks and pieces; form says which kernels, names the operands'.
struct ChannelCall {
  actgen_form form;
  const char *forward, *backward, *forward_counted;  // the calls' names
  const char *v, *dv;                                // the per-channel operand and its gradient
};
constexpr ChannelCall kBiasCall{ACTGEN_FORM_BIAS, "actgen_bias_forward", "actgen_bias_backward",
                                "actgen_bias_forward_counted", "b", "db"};
constexpr ChannelCall kChannelCall{ACTGEN_FORM_CHANNEL, "actgen_channel_forward", "actgen_channel_backward",
                                   "actgen_channel_forward_counted", "w", "dw"};

actgen_status channel_half(const ChannelCall &form, const actgen_kernel *kernel, actgen_direction direction,
                           bool counted, size_t outer, size_t channels, size_t inner,
                           std::initializer_list<HalfOperand> operands, const void *v, void *dv,
                           actgen_counts *counts, uint64_t *channel_flat);

// The forward calls' checks (y == x is allowed; y sharing b's elements is not); *n: outer * channels * inner.
actgen_status check_channel_forward(const ChannelCall &form, const char *call, const actgen_kernel *kernel,
                                    size_t outer, size_t channels, size_t inner, const void *x, const void *b,
                                    const void *y, void *stream, size_t *n) {
  const size_t count = n_of(outer, channels, inner), nb = outer && inner ? channels : 0;
  return check_bias_call(kernel, form.form, ACTGEN_FORWARD, call, outer, channels, inner, stream,
                         {{x, count, "x"}, {b, nb, form.v}}, {{y, count, "y"}}, {{y, x}}, n);
}

actgen_status channel_forward(const ChannelCall &form, const actgen_kernel *kernel, size_t outer, size_t channels,
                              size_t inner, const void *x, const void *b, void *y, void *stream) {
  size_t n = 0;
  actgen_status s = check_channel_forward(form, form.forward, kernel, outer, channels, inner, x, b, y, stream, &n);
  if (s != ACTGEN_OK || n == 0) return s;
  if (converts(kernel))
    return channel_half(form, kernel, ACTGEN_FORWARD, false, outer, channels, inner, {{x, 0, false}, {y, 0, true}}, b,
                        nullptr, nullptr, nullptr);
  const float *p = kernel->params;
  const auto fn = reinterpret_cast<ChannelForwardFn>(kernel->form_entry->forward);
  const void *ops[3] = {b, x, y};
  start_calls(kernel, stream);
  const BiasView v = bias_view(outer, channels, inner);
  return for_each_piece(v, [&](const BiasPiece &piece) {
    return call_with_layout(kernel, piece_layout(v, piece), ops, 2, [&](halide_buffer_t *bufs, halide_buffer_t *vb) {
      const int code = fn(&bufs[0], vb, ACTGEN_SCALAR_VALUES &bufs[1]);
      return code == 0 ? ACTGEN_OK : from_halide(code, kernel->name);
    });
  });
}

actgen_status channel_backward(const ChannelCall &form, const actgen_kernel *kernel, size_t outer, size_t channels,
                               size_t inner, const void *x, const void *b, const void *dy, void *dx, void *db,
                               void *stream) {
  const char *call = form.backward;
  size_t n = 0;
  const size_t count = n_of(outer, channels, inner);
  const size_t nb = outer && inner ? channels : 0;
  // db is written whenever channels > 0 (zeros when outer or inner is 0): it must be there then.
  actgen_status s = check_bias_call(kernel, form.form, ACTGEN_BACKWARD, call, outer, channels, inner, stream,
                                    {{x, count, "x"}, {b, nb, form.v}, {dy, count, "dy"}},
                                    {{dx, count, "dx"}, {db, channels, form.dv}}, {{dx, dy}, {dx, x}}, &n);
  if (s != ACTGEN_OK) return s;
  if (n == 0) return channels > 0 ? zero_db(kernel, db, channels) : ACTGEN_OK;
  if (converts(kernel))
    return channel_half(form, kernel, ACTGEN_BACKWARD, false, outer, channels, inner,
                        {{x, 0, false}, {dy, 0, false}, {dx, 0, true}}, b, db, nullptr, nullptr);
  const bool on_device = kTargets[kernel->form_entry->target].memory == ACTGEN_MEMORY_CUDA;
  // Scratch: the largest region's partials (f32) and one double per channel.
  const BiasView v = bias_view(outer, channels, inner);
  const size_t most = most_partials(v);
  float *partial = static_cast<float *>(std::malloc(most * sizeof(float)));
  double *acc = static_cast<double *>(std::calloc(channels, sizeof(double)));
  float *db_host = on_device ? static_cast<float *>(std::malloc(channels * sizeof(float))) : nullptr;
  if (!partial || !acc || (on_device && !db_host)) {
    std::free(partial);
    std::free(acc);
    std::free(db_host);
    return fail(ACTGEN_ERROR_OUT_OF_MEMORY, "%s: no memory for %s's %zu partial sums", kernel->name, form.dv, most);
  }
  const float *p = kernel->params;
  const auto fn = reinterpret_cast<ChannelBackwardFn>(kernel->form_entry->backward);
  const void *ops[4] = {b, x, dy, dx};
  start_calls(kernel, stream);
  s = for_each_region(v, [&](const BiasPiece &piece, const BlockRegion &g) {
    return call_with_layout(kernel, region_layout(v, piece, g, v.row), ops, 3, [&](halide_buffer_t *bufs, halide_buffer_t *vb) {
      halide_dimension_t pdims[4];
      halide_buffer_t pb = sums_buffer(partial, halide_type_t(halide_type_float, 32, 1), g, piece, pdims);
      const int code = fn(&bufs[0], vb, &bufs[1], ACTGEN_SCALAR_VALUES &bufs[2], &pb);
      if (code != 0) {
        if (on_device) halide_device_free(nullptr, &pb);
        return from_halide(code, kernel->name);
      }
      if (on_device) {
        const actgen_status fs = fetch_and_free_device(&pb, kernel->name);
        if (fs != ACTGEN_OK) return fs;
      }
      // NCHW: each block's lanes summed first (in double), then added to the channel's sum.
      double lanes_sum = 0;
      for_each_partial(g, v, piece, [&](size_t e, size_t channel) {
        if (v.channels_last) {
          acc[channel] += partial[e];
          return;
        }
        lanes_sum += partial[e];
        if (e % g.lanes == g.lanes - 1) {
          acc[channel] += lanes_sum;
          lanes_sum = 0;
        }
      });
      return ACTGEN_OK;
    });
  });
  if (s == ACTGEN_OK) {
    if (on_device) {
      store_db(acc, channels, db_host);
      s = copy_host_to_device(db, db_host, channels * sizeof(float), kernel->name);
    } else {
      store_db(acc, channels, static_cast<float *>(db));
    }
  }
  std::free(partial);
  std::free(acc);
  std::free(db_host);
  return s;
}


// A counting call's statistics operands: actgen_forward_counted's rules for counts; the per-channel counts
// (NULL: not asked for) may not overlap counts or another operand (others: pointer and size in bytes).
actgen_status check_counts(const actgen_kernel *kernel, const char *call, const actgen_counts *counts,
                           const uint64_t *channel_flat, size_t channels,
                           std::initializer_list<std::pair<const void *, size_t>> others) {
  const actgen_status s = check_counts_struct(call, counts);
  if (s != ACTGEN_OK) return s;
  if (!kernel->form_entry->forward_counted)
    return fail(ACTGEN_ERROR_UNSUPPORTED, "%s: no counting kernel for %s in this build (built for the CPU targets "
                "only)", call, kernel->name);
  if (!channel_flat || channels == 0) return ACTGEN_OK;
  const size_t bytes = channels * sizeof(uint64_t);
  if (share(channel_flat, bytes, counts, counts->size, 1))
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: channel_flat (%p) overlaps counts (%p)", call,
                static_cast<const void *>(channel_flat), static_cast<const void *>(counts));
  for (const auto &o : others)
    if (share(channel_flat, bytes, o.first, o.second, 1))
      return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: channel_flat (%p) overlaps another operand (%p)", call,
                  static_cast<const void *>(channel_flat), o.first);
  return ACTGEN_OK;
}

actgen_status channel_forward_counted(const ChannelCall &form, const actgen_kernel *kernel, size_t outer,
                                      size_t channels, size_t inner, const void *x, const void *b, void *y,
                                      actgen_counts *counts, uint64_t *channel_flat) {
  const char *call = form.forward_counted;
  size_t n = 0;
  const size_t nb = outer && inner ? channels : 0;
  actgen_status s = check_channel_forward(form, call, kernel, outer, channels, inner, x, b, y, nullptr, &n);
  if (s != ACTGEN_OK) return s;
  const size_t size = element_size(kernel->dtype);
  s = check_counts(kernel, call, counts, channel_flat, channels, {{x, n * size}, {y, n * size}, {b, nb * size}});
  if (s != ACTGEN_OK) return s;
  if (converts(kernel))
    return channel_half(form, kernel, ACTGEN_FORWARD, true, outer, channels, inner, {{x, 0, false}, {y, 0, true}}, b,
                        nullptr, counts, channel_flat);
  static_assert(kBiasBlockTerms < (1u << 16), "the packed counts hold 16 bits each");
  // Scratch: the largest region's partial counts (int32: the zero outputs + 2^16 x the flat inputs, at most 256
  // of each) and the exact per-channel flat counts, copied out at the end (outputs untouched on an error).
  const BiasView v = bias_view(outer, channels, inner);
  const size_t most = n == 0 ? 0 : most_partials(v);
  int32_t *partial = static_cast<int32_t *>(std::malloc(most * sizeof(int32_t) + 1));
  uint64_t *per_channel = static_cast<uint64_t *>(std::calloc(channels + 1, sizeof(uint64_t)));
  if (!partial || !per_channel) {
    std::free(partial);
    std::free(per_channel);
    return fail(ACTGEN_ERROR_OUT_OF_MEMORY, "%s: no memory for the counts' %zu partial sums", call, most);
  }
  uint64_t zero = 0;
  const float *p = kernel->params;
  const auto fn = reinterpret_cast<ChannelCountedFn>(kernel->form_entry->forward_counted);
  const void *ops[3] = {b, x, y};
  if (n > 0)
    s = for_each_region(v, [&](const BiasPiece &piece, const BlockRegion &g) {
      return call_with_layout(kernel, region_layout(v, piece, g, v.row), ops, 2, [&](halide_buffer_t *bufs,
                                                                              halide_buffer_t *vb) {
        halide_dimension_t dims[4];
        halide_buffer_t c = sums_buffer(partial, halide_type_t(halide_type_int, 32, 1), g, piece, dims);
        const int code = fn(&bufs[0], vb, ACTGEN_SCALAR_VALUES &bufs[1], &c);
        if (code != 0) return from_halide(code, kernel->name);
        for_each_partial(g, v, piece, [&](size_t e, size_t channel) {
          const uint32_t packed = static_cast<uint32_t>(partial[e]);
          zero += packed & 0xffffu;
          per_channel[channel] += packed >> 16;
        });
        return ACTGEN_OK;
      });
    });
  if (s == ACTGEN_OK) {
    uint64_t flat = 0;
    for (size_t c = 0; c < channels; ++c) flat += per_channel[c];
    counts->zero_outputs = zero;
    counts->flat_inputs = flat;
    if (channel_flat && channels > 0) std::memcpy(channel_flat, per_channel, channels * sizeof(uint64_t));
  }
  std::free(partial);
  std::free(per_channel);
  return s;
}

// The gated forward with the dead-unit statistics: the channel forms' block regions over [rows, d] seen as one
// channel (i = j < d, o = r < rows), a and g with row stride in_stride, y with y_stride.
actgen_status gated_forward_counted(const actgen_kernel *kernel, size_t rows, size_t d, const void *a, const void *g,
                                    size_t in_stride, void *y, size_t y_stride, actgen_counts *counts) {
  const char *call = "actgen_gated_forward_counted";
  const Operand2 ops[3] = {{a, in_stride, "a"}, {g, in_stride, "g"}, {y, y_stride, "y"}};
  actgen_status s = check_form_call(kernel, ACTGEN_FORM_GATED, ACTGEN_FORWARD, call, rows, d, nullptr,
                                    {ops[0], ops[1]}, {ops[2]});
  if (s != ACTGEN_OK) return s;
  s = check_counts(kernel, call, counts, nullptr, 0, {});
  if (s != ACTGEN_OK) return s;
  if (rows == 0) {
    counts->zero_outputs = counts->flat_inputs = 0;
    return ACTGEN_OK;
  }
  if (converts(kernel))
    return gated_half(kernel, {false, true}, rows, d, {{a, in_stride, false}, {g, in_stride, false}, {y, y_stride, true}},
                      counts);
  const BiasView v{false, d, 1, rows, in_stride > y_stride ? in_stride : y_stride};
  const size_t most = most_partials(v);
  int32_t *partial = static_cast<int32_t *>(std::malloc(most * sizeof(int32_t) + 1));
  if (!partial) return fail(ACTGEN_ERROR_OUT_OF_MEMORY, "%s: no memory for the counts' %zu partial sums", call, most);
  uint64_t zero = 0, flat = 0;
  const float *p = kernel->params;
  const auto fn = reinterpret_cast<GatedCountedFn>(kernel->form_entry->forward_counted);
  s = for_each_region(v, [&](const BiasPiece &piece, const BlockRegion &r) {
    const CallLayout in = region_layout(v, piece, r, in_stride), out = region_layout(v, piece, r, y_stride);
    const CallLayout *layouts[3] = {&in, &in, &out};
    const void *pointers[3] = {a, g, y};
    halide_dimension_t dims[3][6], cdims[4];
    halide_buffer_t b[3];
    size_t made = 0;
    const actgen_status ws = wrap_operands(kernel, layouts, pointers, 3, b, dims, &made);
    if (ws != ACTGEN_OK) return ws;  // a CPU kernel: nothing to detach
    halide_buffer_t c = sums_buffer(partial, halide_type_t(halide_type_int, 32, 1), r, piece, cdims);
    const int code = fn(&b[0], &b[1], ACTGEN_SCALAR_VALUES &b[2], &c);
    if (code != 0) return from_halide(code, kernel->name);
    for_each_partial(r, v, piece, [&](size_t e, size_t) {
      const uint32_t packed = static_cast<uint32_t>(partial[e]);
      zero += packed & 0xffffu;
      flat += packed >> 16;
    });
    return ACTGEN_OK;
  });
  if (s == ACTGEN_OK) {
    counts->zero_outputs = zero;
    counts->flat_inputs = flat;
  }
  std::free(partial);
  return s;
}

// The bias and channel calls, converted (see "Half-precision forms" at the top): the bias view's (i, c, o), each
// tile an [outer, channels, inner] call of its own: [no, ni, 1] channels-last, [no, nc, ni] otherwise.
struct ChannelHalfArgs {
  const ChannelCall *form;
  actgen_direction direction;
  bool counted;
  const float *v;  // the per-channel vector's f32 copy
};

actgen_status channel_half(const ChannelCall &form, const actgen_kernel *kernel, actgen_direction direction,
                           bool counted, size_t outer, size_t channels, size_t inner,
                           std::initializer_list<HalfOperand> operands, const void *v, void *dv,
                           actgen_counts *counts, uint64_t *channel_flat) {
  const size_t nv = outer && inner ? channels : 0;
  float *vf = half_vector(kernel, v, nv);
  uint64_t *flat = counted ? static_cast<uint64_t *>(std::calloc(channels + 1, sizeof(uint64_t))) : nullptr;
  if (!vf || (counted && !flat)) {
    std::free(vf);
    std::free(flat);
    return fail(ACTGEN_ERROR_OUT_OF_MEMORY, "%s: no memory for the f32 copy of %s (%zu channels)", kernel->name,
                form.v, channels);
  }
  HalfCall c;
  start_half_call(c, kernel);
  c.space = bias_view(outer, channels, inner);
  c.operand_count = 0;
  for (HalfOperand o : operands) {
    o.row = c.space.row;
    c.operands[c.operand_count++] = o;
  }
  c.counted_output = counted ? 1 : -1;  // the forward's y
  c.channel_sums = direction == ACTGEN_BACKWARD;
  c.channels = channels;
  c.channel_flat = flat;
  const ChannelHalfArgs args{&form, direction, counted, vf};
  c.context = &args;
  c.run = [](const HalfCall &call, HalfTile &t, const void *context) {
    const ChannelHalfArgs &a = *static_cast<const ChannelHalfArgs *>(context);
    const actgen_kernel *k = &call.f32;
    const size_t inner = call.space.channels_last ? 1 : t.ni;
    const float *vt = a.v + t.channel0;
    if (a.direction == ACTGEN_BACKWARD)
      return channel_backward(*a.form, k, t.no, t.channels, inner, t.f[0], vt, t.f[1], t.f[2], t.channel_sums,
                              nullptr);
    if (a.counted) {
      t.counts.size = sizeof t.counts;
      return channel_forward_counted(*a.form, k, t.no, t.channels, inner, t.f[0], vt, t.f[1], &t.counts,
                                     t.channel_flat);
    }
    return channel_forward(*a.form, k, t.no, t.channels, inner, t.f[0], vt, t.f[1], nullptr);
  };
  double *sums = nullptr;
  const actgen_status s = run_half_call(c, &sums);
  if (s == ACTGEN_OK && direction == ACTGEN_BACKWARD) {
    for (size_t ch = 0; ch < channels; ++ch) vf[ch] = static_cast<float>(sums[ch]);  // vf: no longer read
    f32_to_half(kernel->dtype, vf, static_cast<uint16_t *>(dv), channels);
  }
  if (s == ACTGEN_OK && counted) {
    counts->zero_outputs = c.zeros.load();
    counts->flat_inputs = c.flat.load();
    if (channel_flat && channels > 0) std::memcpy(channel_flat, flat, channels * sizeof(uint64_t));
  }
  std::free(sums);
  std::free(vf);
  std::free(flat);
  return s;
}
}  // namespace

extern "C" {

actgen_status actgen_bias_forward_stream(const actgen_kernel *kernel, size_t outer, size_t channels, size_t inner,
                                         const void *x, const void *b, void *y, void *stream) {
  return channel_forward(kBiasCall, kernel, outer, channels, inner, x, b, y, stream);
}

actgen_status actgen_bias_backward_stream(const actgen_kernel *kernel, size_t outer, size_t channels, size_t inner,
                                          const void *x, const void *b, const void *dy, void *dx, void *db,
                                          void *stream) {
  return channel_backward(kBiasCall, kernel, outer, channels, inner, x, b, dy, dx, db, stream);
}

actgen_status actgen_bias_forward(const actgen_kernel *kernel, size_t outer, size_t channels, size_t inner,
                                  const void *x, const void *b, void *y) {
  return actgen_bias_forward_stream(kernel, outer, channels, inner, x, b, y, nullptr);
}

actgen_status actgen_bias_backward(const actgen_kernel *kernel, size_t outer, size_t channels, size_t inner,
                                   const void *x, const void *b, const void *dy, void *dx, void *db) {
  return actgen_bias_backward_stream(kernel, outer, channels, inner, x, b, dy, dx, db, nullptr);
}

actgen_status actgen_channel_forward_stream(const actgen_kernel *kernel, size_t outer, size_t channels,
                                            size_t inner, const void *x, const void *w, void *y, void *stream) {
  return channel_forward(kChannelCall, kernel, outer, channels, inner, x, w, y, stream);
}

actgen_status actgen_channel_backward_stream(const actgen_kernel *kernel, size_t outer, size_t channels,
                                             size_t inner, const void *x, const void *w, const void *dy, void *dx,
                                             void *dw, void *stream) {
  return channel_backward(kChannelCall, kernel, outer, channels, inner, x, w, dy, dx, dw, stream);
}

actgen_status actgen_channel_forward(const actgen_kernel *kernel, size_t outer, size_t channels, size_t inner,
                                     const void *x, const void *w, void *y) {
  return channel_forward(kChannelCall, kernel, outer, channels, inner, x, w, y, nullptr);
}

actgen_status actgen_channel_backward(const actgen_kernel *kernel, size_t outer, size_t channels, size_t inner,
                                      const void *x, const void *w, const void *dy, void *dx, void *dw) {
  return channel_backward(kChannelCall, kernel, outer, channels, inner, x, w, dy, dx, dw, nullptr);
}

actgen_status actgen_bias_forward_counted(const actgen_kernel *kernel, size_t outer, size_t channels, size_t inner,
                                          const void *x, const void *b, void *y, actgen_counts *counts,
                                          uint64_t *channel_flat) {
  return channel_forward_counted(kBiasCall, kernel, outer, channels, inner, x, b, y, counts, channel_flat);
}

actgen_status actgen_channel_forward_counted(const actgen_kernel *kernel, size_t outer, size_t channels,
                                             size_t inner, const void *x, const void *w, void *y,
                                             actgen_counts *counts, uint64_t *channel_flat) {
  return channel_forward_counted(kChannelCall, kernel, outer, channels, inner, x, w, y, counts, channel_flat);
}

actgen_status actgen_gated_forward_counted(const actgen_kernel *kernel, size_t rows, size_t d, const void *a,
                                           const void *g, size_t in_stride, void *y, size_t y_stride,
                                           actgen_counts *counts) {
  return gated_forward_counted(kernel, rows, d, a, g, in_stride, y, y_stride, counts);
}

actgen_status actgen_gated_forward_packed_counted(const actgen_kernel *kernel, size_t rows, size_t d, const void *x,
                                                  void *y, actgen_counts *counts) {
  if (d > SIZE_MAX / 2)
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "actgen_gated_forward_packed_counted: d = %zu is too large", d);
  const size_t size = kernel && kernel->form_entry ? element_size(kernel->dtype) : 4;
  const uint8_t *base = static_cast<const uint8_t *>(x);
  const void *a = x && rows ? base + half_offset(kernel, d, true) * size : x;
  const void *g = x && rows ? base + half_offset(kernel, d, false) * size : x;
  return gated_forward_counted(kernel, rows, d, a, g, 2 * d, y, d, counts);
}

}  // extern "C"
