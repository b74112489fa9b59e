// The fused forms' C API (include/actgen/actgen.h, "Fused forms"): kernel creation from a descriptor, and the
// gated calls. Kernels come from the manifest's kFormKernels (cmake/forms.cmake).
#include <HalideRuntime.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>
#include <type_traits>

#include "actgen/actgen.h"
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
  const size_t size = element_size(kernel->form_entry->dtype);
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
  if (raw_form != ACTGEN_FORM_PLAIN && raw_form != ACTGEN_FORM_GATED)
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
  size_t t_index = SIZE_MAX;
  const char *why = "";
  s = resolve_pin(dd.target, &t_index, &why);
  if (s != ACTGEN_OK) {
    actgen_kernel_destroy(plain);
    return s;
  }
  const FormKernelEntry *entry = find_form_kernel(a_index, dd.dtype, dd.form, t_index);
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
    std::fprintf(stderr, "actgen: %s -> %s (%s)\n", plain->name, kTargets[entry->target].name, why);
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
  const float *p = kernel->params;
  const auto fn = reinterpret_cast<GatedForwardFn>(kernel->form_entry->forward);
  return run_pieces_2d(kernel, rows, d, stream, ops,
                       [&](halide_buffer_t *b) { return fn(&b[0], &b[1], p[0], p[1], p[2], p[3], &b[2]); });
}

actgen_status actgen_gated_backward_stream(const actgen_kernel *kernel, size_t rows, size_t d, const void *a,
                                           const void *g, size_t in_stride, const void *dy, size_t dy_stride, void *da,
                                           void *dg, size_t grad_stride, void *stream) {
  const Operand2 ops[5] = {{a, in_stride, "a"}, {g, in_stride, "g"}, {dy, dy_stride, "dy"},
                           {da, grad_stride, "da"}, {dg, grad_stride, "dg"}};
  actgen_status s = check_form_call(kernel, ACTGEN_FORM_GATED, ACTGEN_BACKWARD, "actgen_gated_backward", rows, d,
                                    stream, {ops[0], ops[1], ops[2]}, {ops[3], ops[4]});
  if (s != ACTGEN_OK || rows == 0) return s;
  const float *p = kernel->params;
  const auto fn = reinterpret_cast<GatedBackwardFn>(kernel->form_entry->backward);
  return run_pieces_2d(kernel, rows, d, stream, ops, [&](halide_buffer_t *b) {
    return fn(&b[0], &b[1], &b[2], p[0], p[1], p[2], p[3], &b[3], &b[4]);
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
  const size_t size = kernel && kernel->form_entry ? element_size(kernel->form_entry->dtype) : 4;
  const uint8_t *base = static_cast<const uint8_t *>(x);
  const void *a = x && rows ? base + half_offset(kernel, d, true) * size : x;
  const void *g = x && rows ? base + half_offset(kernel, d, false) * size : x;
  return actgen_gated_forward_stream(kernel, rows, d, a, g, 2 * d, y, d, nullptr);
}

actgen_status actgen_gated_backward_packed(const actgen_kernel *kernel, size_t rows, size_t d, const void *x,
                                           const void *dy, void *dx) {
  if (d > SIZE_MAX / 2) return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "actgen_gated_backward_packed: d = %zu is too large", d);
  const size_t size = kernel && kernel->form_entry ? element_size(kernel->form_entry->dtype) : 4;
  const uint8_t *xb = static_cast<const uint8_t *>(x);
  uint8_t *db = static_cast<uint8_t *>(dx);
  const size_t ao = half_offset(kernel, d, true) * size, go = half_offset(kernel, d, false) * size;
  const bool live = rows != 0;
  return actgen_gated_backward_stream(kernel, rows, d, x && live ? xb + ao : x, x && live ? xb + go : x, 2 * d, dy, d,
                                      dx && live ? db + ao : dx, dx && live ? db + go : dx, 2 * d, nullptr);
}

}  // extern "C"
