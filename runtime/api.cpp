// The C API: catalog queries, target selection, kernel creation and calls.
#include <HalideRuntime.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <string>
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

// struct actgen_kernel and the helpers runtime/forms.cpp shares: runtime/internal.h.

namespace actgen::rt {

// Halide extents are int32; calls are split into pieces of this many elements.
constexpr size_t kMaxPiece = size_t{1} << 30;

std::mutex g_pin_mutex;
std::string g_pinned;  // actgen_set_target's choice; "" = none

// The build's dtype table entry for d (generated from cmake/targets.cmake's ACTGEN_DTYPES), or nullptr.
const DtypeInfo *find_dtype(int d) {
  for (size_t i = 0; i < kDtypeCount; ++i)
    if (static_cast<int>(kDtypes[i].dtype) == d) return &kDtypes[i];
  return nullptr;
}

const char *dtype_name(actgen_dtype d) {
  const DtypeInfo *t = find_dtype(static_cast<int>(d));
  return t ? t->name : "unknown";
}

halide_type_t halide_type_of(actgen_dtype d) { return find_dtype(static_cast<int>(d))->type; }  // d was checked

size_t element_size(actgen_dtype d) { return find_dtype(static_cast<int>(d))->size; }

std::string dtype_list() {
  std::string s;
  for (size_t i = 0; i < kDtypeCount; ++i)
    s += (i ? ", " : "") + std::string(kDtypes[i].name) + " " + std::to_string(static_cast<int>(kDtypes[i].dtype));
  return s;
}

const ActivationInfo *find_activation(const char *name, size_t *index) {
  for (size_t i = 0; i < kActivationCount; ++i)
    if (std::strcmp(kActivations[i].name, name) == 0) {
      *index = i;
      return &kActivations[i];
    }
  return nullptr;
}

bool find_target(const char *name, size_t *index) {
  for (size_t i = 0; i < kTargetCount; ++i)
    if (std::strcmp(kTargets[i].name, name) == 0) {
      *index = i;
      return true;
    }
  return false;
}

std::string target_list() {
  std::string s;
  for (size_t i = 0; i < kTargetCount; ++i) s += std::string(i ? ", " : "") + kTargets[i].name;
  return s;
}

bool verbose() {
  const char *v = std::getenv("ACTGEN_VERBOSE");
  return v && *v && std::strcmp(v, "0") != 0;
}

bool target_usable(const TargetInfo &t) {
  return t.memory == ACTGEN_MEMORY_CUDA ? cuda_probe().usable : has_features(t.features);
}

// Why target t cannot run here (valid when !target_usable(t)).
std::string unusable_reason(const TargetInfo &t) {
  if (t.memory == ACTGEN_MEMORY_CUDA) return cuda_probe().reason;
  return std::string("it needs CPU features '") + t.features + "'; this CPU has '" + cpu_features() + "'";
}

// Resolves a target name for a kernel creation: explicit > actgen_set_target > ACTGEN_TARGET > automatic.
// Sets *target to the index, or SIZE_MAX for automatic; *why says where the choice came from.
actgen_status resolve_pin(const char *explicit_target, size_t *target, const char **why) {
  std::string name;
  *why = "automatic: the best target this CPU supports";
  if (explicit_target && *explicit_target) {
    name = explicit_target;
    *why = "requested by the caller";
  } else {
    std::lock_guard<std::mutex> lock(g_pin_mutex);
    name = g_pinned;
    if (!name.empty()) *why = "pinned by actgen_set_target";
  }
  if (name.empty()) {
    const char *env = std::getenv("ACTGEN_TARGET");
    if (env && *env) {
      name = env;
      *why = "pinned by ACTGEN_TARGET";
    }
  }
  *target = SIZE_MAX;
  if (name.empty()) return ACTGEN_OK;
  if (!find_target(name.c_str(), target))
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "unknown target '%s' (%s; known: %s)", name.c_str(), *why,
                target_list().c_str());
  if (!target_usable(kTargets[*target]))
    return fail(ACTGEN_ERROR_UNSUPPORTED, "target '%s' (%s) cannot run here: %s", name.c_str(), *why,
                unusable_reason(kTargets[*target]).c_str());
  return ACTGEN_OK;
}

actgen_status check_counts_struct(const char *call, const actgen_counts *counts) {
  const size_t first_version = offsetof(actgen_counts, flat_inputs) + sizeof(counts->flat_inputs);
  if (!counts) return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: counts is NULL", call);
  if (counts->size < first_version)
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: counts->size = %zu is smaller than the first actgen_counts (%zu "
                "bytes): set it to sizeof(actgen_counts)", call, counts->size, first_version);
  return ACTGEN_OK;
}

}  // namespace actgen::rt

namespace {

// Automatic selection (target == SIZE_MAX) takes the first usable host-memory target: kernels are listed best
// target first.
const KernelEntry *find_kernel(size_t activation, actgen_dtype dtype, size_t target) {
  for (size_t k = 0; k < kKernelCount; ++k) {
    const KernelEntry &e = kKernels[k];
    const TargetInfo &t = kTargets[e.target];
    if (e.activation == activation && e.dtype == dtype &&
        (target == SIZE_MAX ? t.memory == ACTGEN_MEMORY_HOST && target_usable(t) : e.target == target))
      return &e;
  }
  return nullptr;
}

halide_buffer_t wrap(const void *data, actgen_dtype dtype, size_t n, halide_dimension_t *dim) {
  *dim = halide_dimension_t(0, static_cast<int32_t>(n), 1);
  halide_buffer_t b{};
  b.host = static_cast<uint8_t *>(const_cast<void *>(data));
  b.type = halide_type_of(dtype);
  b.dimensions = 1;
  b.dim = dim;
  return b;
}

// Whether the n-byte ranges at a and b share a byte (computed without forming a + bytes, which could wrap).
bool overlap(const void *a, const void *b, size_t bytes) {
  const uintptr_t p = reinterpret_cast<uintptr_t>(a), q = reinterpret_cast<uintptr_t>(b);
  return (p <= q ? q - p : p - q) < bytes;
}

struct Operand {
  const void *pointer;
  const char *name;
};

// Checks a call before anything is read or written. The kernel is checked whatever n is (NULL, the wrong
// direction, a stream for a host kernel); with n == 0 the data pointers are not looked at. For a host kernel the
// output must be each input exactly (in place) or share no byte with it.
actgen_status check_call(const actgen_kernel *kernel, actgen_direction direction, size_t n, void *stream,
                         std::initializer_list<Operand> inputs, Operand output) {
  if (!kernel) return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "kernel is NULL");
  if (kernel->form != ACTGEN_FORM_PLAIN)
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s is a fused-form kernel; call its form's functions", kernel->name);
  if (kernel->direction != direction)
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s is a %s kernel; call %s", kernel->name,
                kernel->direction == ACTGEN_FORWARD ? "forward" : "backward",
                kernel->direction == ACTGEN_FORWARD ? "actgen_forward" : "actgen_backward");
  const bool on_device = kTargets[kernel->entry->target].memory == ACTGEN_MEMORY_CUDA;
  if (stream && !on_device)
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s runs on the host: stream must be NULL", kernel->name);
  if (n == 0) return ACTGEN_OK;
  for (const Operand &p : inputs) {
    if (!p.pointer)
      return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: %s is NULL with n = %zu", kernel->name, p.name, n);
  }
  if (!output.pointer)
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: %s is NULL with n = %zu", kernel->name, output.name, n);
  if (on_device) {
    for (const Operand &p : inputs)
      if (!is_device_pointer(p.pointer))
        return fail(ACTGEN_ERROR_INVALID_ARGUMENT,
                    "%s: %s is not CUDA device memory (a CUDA kernel takes device pointers)", kernel->name, p.name);
    if (!is_device_pointer(output.pointer))
      return fail(ACTGEN_ERROR_INVALID_ARGUMENT,
                  "%s: %s is not CUDA device memory (a CUDA kernel takes device pointers)", kernel->name, output.name);
    return ACTGEN_OK;  // overlap of device buffers is the caller's to avoid (actgen.h)
  }
  const size_t size = element_size(kernel->entry->dtype);
  if (n > SIZE_MAX / size)
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: n = %zu elements is more than the address space holds",
                kernel->name, n);
  const size_t bytes = n * size;
  for (const Operand &p : inputs)
    if (p.pointer != output.pointer && overlap(p.pointer, output.pointer, bytes))
      return fail(ACTGEN_ERROR_INVALID_ARGUMENT,
                  "%s: %s (%p) and %s (%p) overlap over n = %zu elements without being the same buffer "
                  "(in place means %s == %s exactly)",
                  kernel->name, output.name, output.pointer, p.name, p.pointer, n, output.name, p.name);
  return ACTGEN_OK;
}

// Runs a kernel over [0, n) in pieces Halide's int32 extents can hold, wrapping each pointer as a host or a
// device buffer. pointers: the kernel's buffers in argument order.
template <typename Call>
actgen_status run_pieces(const actgen_kernel *kernel, size_t n, void *stream,
                         std::initializer_list<const void *> pointers, Call call) {
  constexpr size_t kMaxBuffers = 3;
  const actgen_dtype dtype = kernel->entry->dtype;
  const size_t size = element_size(dtype);
  const bool on_device = kTargets[kernel->entry->target].memory == ACTGEN_MEMORY_CUDA;
  if (on_device) {
    install_cuda_hooks();
    set_thread_stream(stream);
  }
  for (size_t done = 0; done < n; done += kMaxPiece) {
    const size_t piece = n - done < kMaxPiece ? n - done : kMaxPiece;
    halide_dimension_t dims[kMaxBuffers];
    halide_buffer_t buffers[kMaxBuffers];
    size_t count = 0;
    for (const void *p : pointers) {
      buffers[count] = wrap(static_cast<const uint8_t *>(p) + done * size, dtype, piece, &dims[count]);
      if (on_device) {
        actgen_status s = wrap_device(&buffers[count], buffers[count].host, kernel->name);
        if (s != ACTGEN_OK) {
          for (size_t j = 0; j < count; ++j) detach_device(&buffers[j]);
          return s;
        }
      }
      ++count;
    }
    const int code = call(buffers);
    if (on_device)
      for (size_t j = 0; j < count; ++j) detach_device(&buffers[j]);
    if (code != 0) return from_halide(code, kernel->name);
  }
  return ACTGEN_OK;
}

// counted_run's return code when it found no memory for its partial counts (Halide's codes are negative).
constexpr int kNoScratch = 1;

// The counting forward over [0, n) of x -> y with entry e's counting kernel (in e's dtype; y may be x), its counts
// set into sums. Returns 0, a Halide error code, or kNoScratch.
int counted_run(const KernelEntry *e, const float *p, const void *x, void *y, size_t n, uint64_t sums[2]) {
  // The kernel sees whole blocks of whole rows of kCountLanes elements (generators/activation_generator.cpp:
  // x and y as 3-D views (lane, row, block), no bounds tests in its loop): [0, n) goes as calls over whole
  // kCountBlock blocks (pieces of at most kMaxPiece elements), then one call over the remaining whole rows (one
  // block of them), then the last n % kCountLanes elements in a scratch row of kCountLanes, whose lanes past them
  // are not added (lane j counts exactly element j there). Each block has kCountLanes int32 partial counts per
  // statistic (at most kCountBlock / kCountLanes per lane: no overflow); the totals are exact. A block is one
  // parallel task: 2^15 elements, the plain kernels' default parallel_chunk (generators/schedule.h).
  constexpr size_t kCountBlock = size_t{1} << 15, kLanes = kCountLanes;
  static_assert(kMaxPiece % kCountBlock == 0 && kCountBlock % kLanes == 0, "counting calls: whole blocks");
  const size_t max_blocks = ((n < kMaxPiece ? n : kMaxPiece) + kCountBlock - 1) / kCountBlock;
  int32_t small[2][4 * kLanes];
  int32_t *partial = max_blocks <= 4 ? &small[0][0] : static_cast<int32_t *>(std::malloc(2 * max_blocks * kLanes * 4));
  if (!partial) return kNoScratch;
  const size_t size = element_size(e->dtype);
  sums[0] = sums[1] = 0;
  // One call over count elements (blocks of block elements) at x, y; adds the first used_lanes lanes of each
  // block's counts.
  auto call = [&](const void *xs, void *ys, size_t count, size_t block, size_t used_lanes) {
    const size_t blocks = count / block;
    const halide_dimension_t view[3] = {halide_dimension_t(0, static_cast<int32_t>(kLanes), 1),
                                        halide_dimension_t(0, static_cast<int32_t>(block / kLanes), kLanes),
                                        halide_dimension_t(0, static_cast<int32_t>(blocks), static_cast<int32_t>(block))};
    halide_dimension_t xd[3] = {view[0], view[1], view[2]}, yd[3] = {view[0], view[1], view[2]}, flat, dims[2][2];
    halide_buffer_t b[2] = {wrap(xs, e->dtype, count, &flat), wrap(ys, e->dtype, count, &flat)};
    b[0].dimensions = b[1].dimensions = 3;
    b[0].dim = xd;
    b[1].dim = yd;
    halide_buffer_t c[2];
    for (int k = 0; k < 2; ++k) {
      dims[k][0] = halide_dimension_t(0, static_cast<int32_t>(kLanes), 1);
      dims[k][1] = halide_dimension_t(0, static_cast<int32_t>(blocks), static_cast<int32_t>(kLanes));
      c[k] = halide_buffer_t{};
      c[k].host = reinterpret_cast<uint8_t *>(partial + k * max_blocks * kLanes);
      c[k].type = halide_type_t(halide_type_int, 32, 1);
      c[k].dimensions = 2;
      c[k].dim = dims[k];
    }
    const int code = e->forward_counted(&b[0], ACTGEN_SCALAR_VALUES &b[1], &c[0], &c[1]);
    if (code == 0)
      for (int k = 0; k < 2; ++k)
        for (size_t i = 0; i < blocks * kLanes; ++i)
          if (i % kLanes < used_lanes) sums[k] += static_cast<uint64_t>(partial[k * max_blocks * kLanes + i]);
    return code;
  };
  const uint8_t *xb = static_cast<const uint8_t *>(x);
  uint8_t *yb = static_cast<uint8_t *>(y);
  int code = 0;
  size_t done = 0;
  for (; code == 0 && n - done >= kCountBlock;) {
    const size_t left = n - done < kMaxPiece ? n - done : kMaxPiece;
    const size_t count = left / kCountBlock * kCountBlock;
    code = call(xb + done * size, yb + done * size, count, kCountBlock, kLanes);
    done += count;
  }
  if (code == 0 && n - done >= kLanes) {
    const size_t count = (n - done) / kLanes * kLanes;
    code = call(xb + done * size, yb + done * size, count, count, kLanes);
    done += count;
  }
  if (code == 0 && done < n) {
    alignas(64) uint8_t xs[kLanes * 8] = {}, ys[kLanes * 8];
    std::memcpy(xs, xb + done * size, (n - done) * size);
    code = call(xs, ys, kLanes, kLanes, n - done);
    if (code == 0) std::memcpy(yb + done * size, ys, (n - done) * size);
  }
  if (partial != &small[0][0]) std::free(partial);
  return code;
}

// The f32 kernels an f16 kernel runs between the runtime's F16C conversions: where the manifest has no f16 kernel
// (cmake/generate.cmake leaves it out on a target whose features list f16c) and the processor has the
// conversions; nullptr elsewhere (the f16 kernel itself runs, or there is none).
const KernelEntry *converted_f16_entry(const KernelEntry *entry) {
  if (entry->forward || entry->dtype != ACTGEN_F16 || !f16c_conversions_usable()) return nullptr;
  return find_kernel(entry->activation, ACTGEN_F32, entry->target);
}

// The plain calls after their checks: the kernel's entry over [0, n) in pieces.
actgen_status forward_pieces(const actgen_kernel *kernel, const void *x, void *y, size_t n, void *stream) {
  const float *p = kernel->params;
  return run_pieces(kernel, n, stream, {x, y}, [&](halide_buffer_t *b) {
    return kernel->entry->forward(&b[0], ACTGEN_SCALAR_VALUES &b[1]);
  });
}

actgen_status backward_pieces(const actgen_kernel *kernel, const void *x, const void *dy, void *dx, size_t n,
                              void *stream) {
  const float *p = kernel->params;
  return run_pieces(kernel, n, stream, {x, dy, dx}, [&](halide_buffer_t *b) {
    return kernel->entry->backward(&b[0], &b[1], ACTGEN_SCALAR_VALUES &b[2]);
  });
}

// The counting forward after its checks (the kernel entry's counting kernel), its counts into *counts.
actgen_status forward_counted_unchecked(const actgen_kernel *kernel, const void *x, void *y, size_t n,
                                        actgen_counts *counts) {
  uint64_t sums[2] = {0, 0};
  const int code = counted_run(kernel->entry, kernel->params, x, y, n, sums);
  if (code == kNoScratch)
    return fail(ACTGEN_ERROR_OUT_OF_MEMORY, "%s: no memory for the counts' partial sums", kernel->name);
  if (code != 0) return from_halide(code, kernel->name);
  counts->zero_outputs = sums[0];
  counts->flat_inputs = sums[1];
  return ACTGEN_OK;
}

// An f16 call on a kernel with f32_entry: the f32 kernel's same API call on f32 copies, tile by tile
// (runtime/converted.h), as a 1-D index space {n, 1, 1}. counts: a counting forward's (zeros counted on the f16
// results, which can round to +-0 where the f32 ones do not; flat inputs the f32 kernel's).
actgen_status run_converted(const actgen_kernel *kernel, std::initializer_list<const void *> inputs, void *out,
                            size_t n, actgen_counts *counts = nullptr) {
  HalfCall c;
  start_half_call(c, kernel);
  c.space = {true, n, 1, 1, n};
  c.operand_count = 0;
  for (const void *p : inputs) c.operands[c.operand_count++] = {p, n, false};
  c.operands[c.operand_count++] = {out, n, true};
  if (counts) c.counted_output = 1;
  c.context = nullptr;
  // Each tile runs the f32 entry on the f32 copies without the API's checks: the 16-bit call was checked, and the
  // copies are the tile's own (no measurable gain at n = 1024 by itself; the checks are simply not needed).
  c.run = [](const HalfCall &call, HalfTile &t, const void *) {
    const actgen_kernel *k = &call.f32;
    // The output goes into x's copy (in place, as every kernel allows): one 64 KiB copy fewer in the cache.
    float *out = t.f[call.operand_count - 1] = t.f[0];
    if (call.counted_output >= 0) return forward_counted_unchecked(k, t.f[0], out, t.ni, &t.counts);
    return call.operand_count == 2 ? forward_pieces(k, t.f[0], out, t.ni, nullptr)
                                   : backward_pieces(k, t.f[0], t.f[1], out, t.ni, nullptr);
  };
  return run_half_call_counts(c, counts);
}

}  // namespace

extern "C" {

actgen_status actgen_kernel_create_on(actgen_kernel **kernel, const char *activation, const char *params,
                                      actgen_dtype dtype, actgen_direction direction, const char *target) {
  install_halide_handlers();
  if (!kernel) return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "kernel (the output pointer) is NULL");
  if (!activation) return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "activation name is NULL");
  size_t a_index = 0;
  const ActivationInfo *a = find_activation(activation, &a_index);
  if (!a) return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "unknown activation '%s' (actgen list shows the catalog)", activation);
  // The enums' raw values are checked as ints before either is used as its enum (include/actgen/actgen.h fixes
  // their underlying type to int in C++, so a caller's (actgen_dtype)7 is a value here, not undefined behaviour).
  static_assert(std::is_same_v<std::underlying_type_t<actgen_dtype>, int> &&
                    std::is_same_v<std::underlying_type_t<actgen_direction>, int>,
                "actgen.h: the input enums must have int as their underlying type in C++");
  const int raw_direction = static_cast<int>(direction), raw_dtype = static_cast<int>(dtype);
  if (raw_direction != ACTGEN_FORWARD && raw_direction != ACTGEN_BACKWARD)
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: direction %d is neither forward (%d) nor backward (%d)", activation,
                raw_direction, static_cast<int>(ACTGEN_FORWARD), static_cast<int>(ACTGEN_BACKWARD));
  if (!find_dtype(raw_dtype))
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: dtype %d is not an actgen_dtype of this build (%s)", activation,
                raw_dtype, dtype_list().c_str());
  float values[kMaxParams] = {};
  actgen_status s = parse_params(*a, params, values);
  if (s != ACTGEN_OK) return s;
  size_t t_index = SIZE_MAX;
  const char *why = "";
  s = resolve_pin(target, &t_index, &why);
  if (s != ACTGEN_OK) return s;
  const KernelEntry *entry = find_kernel(a_index, dtype, t_index);
  if (!entry)
    return fail(ACTGEN_ERROR_UNSUPPORTED, "%s: no %s kernel for %s in this build", activation, dtype_name(dtype),
                t_index == SIZE_MAX ? "any target this CPU supports" : kTargets[t_index].name);
  const KernelEntry *f32_entry = converted_f16_entry(entry);
  if (!entry->forward && !f32_entry)  // the manifest has no f16 kernel where the runtime converts
    return fail(ACTGEN_ERROR_UNSUPPORTED, "%s: the %s kernels on %s are f32 kernels between F16C conversions, which "
                "this processor or build does not have", activation, dtype_name(dtype), kTargets[entry->target].name);
  actgen_kernel *k = new (std::nothrow) actgen_kernel{};
  if (!k) return fail(ACTGEN_ERROR_OUT_OF_MEMORY, "out of memory creating a kernel");
  k->activation = a;
  k->entry = entry;
  k->f32_entry = f32_entry;
  k->dtype = dtype;
  k->direction = direction;
  for (int j = 0; j < kMaxParams; ++j) k->params[j] = values[j];
  std::snprintf(k->name, sizeof k->name, "actgen_%s_%s_%s_%s", a->name, direction == ACTGEN_FORWARD ? "fwd" : "bwd",
                dtype_name(dtype), kTargets[entry->target].name);
  if (verbose())
    std::fprintf(stderr, "actgen: %s %s %s -> %s (%s; CPU features: %s)%s\n", a->name,
                 direction == ACTGEN_FORWARD ? "forward" : "backward", dtype_name(dtype), kTargets[entry->target].name,
                 why, cpu_features().c_str(), k->f32_entry ? "; f32 kernel between F16C conversions" : "");
  *kernel = k;
  return ACTGEN_OK;
}

actgen_status actgen_kernel_create(actgen_kernel **kernel, const char *activation, const char *params,
                                   actgen_dtype dtype, actgen_direction direction) {
  return actgen_kernel_create_on(kernel, activation, params, dtype, direction, nullptr);
}

void actgen_kernel_destroy(actgen_kernel *kernel) { delete kernel; }

actgen_status actgen_forward_stream(const actgen_kernel *kernel, const void *x, void *y, size_t n, void *stream) {
  actgen_status s = check_call(kernel, ACTGEN_FORWARD, n, stream, {{x, "x"}}, {y, "y"});
  if (s != ACTGEN_OK || n == 0) return s;
  if (kernel->f32_entry) return run_converted(kernel, {x}, y, n);
  return forward_pieces(kernel, x, y, n, stream);
}

actgen_status actgen_backward_stream(const actgen_kernel *kernel, const void *x, const void *dy, void *dx, size_t n,
                                     void *stream) {
  actgen_status s = check_call(kernel, ACTGEN_BACKWARD, n, stream, {{x, "x"}, {dy, "dy"}}, {dx, "dx"});
  if (s != ACTGEN_OK || n == 0) return s;
  if (kernel->f32_entry) return run_converted(kernel, {x, dy}, dx, n);
  return backward_pieces(kernel, x, dy, dx, n, stream);
}

actgen_status actgen_forward_counted(const actgen_kernel *kernel, const void *x, void *y, size_t n,
                                     actgen_counts *counts) {
  actgen_status s = check_call(kernel, ACTGEN_FORWARD, n, nullptr, {{x, "x"}}, {y, "y"});
  if (s != ACTGEN_OK) return s;
  s = check_counts_struct(kernel->name, counts);
  if (s != ACTGEN_OK) return s;
  const KernelEntry *e = kernel->f32_entry ? kernel->f32_entry : kernel->entry;
  if (!e->forward_counted)
    return fail(ACTGEN_ERROR_UNSUPPORTED, "%s: no counting forward kernel in this build (built for the CPU "
                "targets only)", kernel->name);
  if (kernel->f32_entry) return run_converted(kernel, {x}, y, n, counts);
  return forward_counted_unchecked(kernel, x, y, n, counts);
}

actgen_status actgen_forward(const actgen_kernel *kernel, const void *x, void *y, size_t n) {
  return actgen_forward_stream(kernel, x, y, n, nullptr);
}

actgen_status actgen_backward(const actgen_kernel *kernel, const void *x, const void *dy, void *dx, size_t n) {
  return actgen_backward_stream(kernel, x, dy, dx, n, nullptr);
}

const char *actgen_kernel_target(const actgen_kernel *kernel) {
  return kernel ? kTargets[kernel->entry->target].name : nullptr;
}

const char *actgen_last_error(void) { return last_error(); }

size_t actgen_activation_count(void) { return kActivationCount; }

const char *actgen_activation_name(size_t i) { return i < kActivationCount ? kActivations[i].name : nullptr; }

size_t actgen_activation_param_count(size_t i) { return i < kActivationCount ? kActivations[i].param_count : 0; }

const char *actgen_activation_param_name(size_t i, size_t j) {
  return i < kActivationCount && j < kActivations[i].param_count ? kActivations[i].params[j].name : nullptr;
}

double actgen_activation_param_default(size_t i, size_t j) {
  return i < kActivationCount && j < kActivations[i].param_count ? kActivations[i].params[j].default_value
                                                                : __builtin_nan("");
}

int actgen_activation_channel_param(size_t i) { return i < kActivationCount ? kActivations[i].channel_param : -1; }

size_t actgen_target_count(void) { return kTargetCount; }

const char *actgen_target_name(size_t i) { return i < kTargetCount ? kTargets[i].name : nullptr; }

size_t actgen_dtype_count(void) { return kDtypeCount; }

int actgen_dtype_at(size_t i) { return i < kDtypeCount ? static_cast<int>(kDtypes[i].dtype) : -1; }

const char *actgen_dtype_name(actgen_dtype dtype) {
  const DtypeInfo *t = find_dtype(static_cast<int>(dtype));
  return t ? t->name : nullptr;
}

size_t actgen_dtype_size(actgen_dtype dtype) {
  const DtypeInfo *t = find_dtype(static_cast<int>(dtype));
  return t ? t->size : 0;
}

size_t actgen_kernel_count(void) { return 2 * kKernelCount; }  // each entry holds forward and backward

actgen_memory actgen_target_memory(size_t i) { return i < kTargetCount ? kTargets[i].memory : ACTGEN_MEMORY_HOST; }

const char *actgen_target_device(size_t i) {
  if (i >= kTargetCount || kTargets[i].memory != ACTGEN_MEMORY_CUDA || !cuda_probe().usable) return "";
  return cuda_probe().device.c_str();
}

int actgen_target_available(size_t i) { return i < kTargetCount && target_usable(kTargets[i]) ? 1 : 0; }

actgen_status actgen_set_target(const char *target) {
  if (target && *target) {
    size_t index = 0;
    if (!find_target(target, &index))
      return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "unknown target '%s' (known: %s)", target, target_list().c_str());
    if (!target_usable(kTargets[index]))
      return fail(ACTGEN_ERROR_UNSUPPORTED, "target '%s' cannot run here: %s", target,
                  unusable_reason(kTargets[index]).c_str());
  }
  std::lock_guard<std::mutex> lock(g_pin_mutex);
  g_pinned = target ? target : "";
  return ACTGEN_OK;
}

const char *actgen_cpu_features(void) { return cpu_features().c_str(); }

actgen_status actgen_set_num_threads(int n) {
  if (n < 0) return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "number of threads %d is negative", n);
  halide_set_num_threads(n);
  return ACTGEN_OK;
}

const char *actgen_version(void) { return ACTGEN_VERSION_STRING; }

}  // extern "C"
