// The C API: catalog queries, target selection, kernel creation and calls.
#include <HalideRuntime.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <string>

#include "actgen/actgen.h"
#include "runtime/cpu_features.h"
#include "runtime/error.h"
#include "runtime/manifest.h"
#include "runtime/params.h"

using namespace actgen::rt;

struct actgen_kernel {
  const ActivationInfo *activation;
  const KernelEntry *entry;
  actgen_direction direction;
  float params[kMaxParams];
  char name[96];  // the kernel's symbol, for messages
};

namespace {

// Halide extents are int32; calls are split into pieces of this many elements.
constexpr size_t kMaxPiece = size_t{1} << 30;

std::mutex g_pin_mutex;
std::string g_pinned;  // actgen_set_target's choice; "" = none

const char *dtype_name(actgen_dtype d) {
  switch (d) {
    case ACTGEN_F32: return "f32";
    case ACTGEN_F16: return "f16";
    case ACTGEN_BF16: return "bf16";
  }
  return "unknown";
}

halide_type_t halide_type_of(actgen_dtype d) {
  switch (d) {
    case ACTGEN_F32: return halide_type_t(halide_type_float, 32);
    case ACTGEN_F16: return halide_type_t(halide_type_float, 16);
    case ACTGEN_BF16: return halide_type_t(halide_type_bfloat, 16);
  }
  return halide_type_t(halide_type_float, 32);
}

size_t element_size(actgen_dtype d) { return d == ACTGEN_F32 ? 4 : 2; }

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
  if (!has_features(kTargets[*target].features))
    return fail(ACTGEN_ERROR_UNSUPPORTED, "target '%s' (%s) needs CPU features '%s'; this CPU has '%s'",
                name.c_str(), *why, kTargets[*target].features, cpu_features().c_str());
  return ACTGEN_OK;
}

const KernelEntry *find_kernel(size_t activation, actgen_dtype dtype, size_t target) {
  for (size_t k = 0; k < kKernelCount; ++k) {
    const KernelEntry &e = kKernels[k];
    if (e.activation == activation && e.dtype == dtype && (target == SIZE_MAX ? has_features(kTargets[e.target].features)
                                                                                : e.target == target))
      return &e;  // kernels are listed best target first
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

actgen_status check_call(const actgen_kernel *kernel, actgen_direction direction, size_t n,
                         std::initializer_list<std::pair<const void *, const char *>> pointers) {
  if (!kernel) return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "kernel is NULL");
  if (kernel->direction != direction)
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s is a %s kernel; call %s", kernel->name,
                kernel->direction == ACTGEN_FORWARD ? "forward" : "backward",
                kernel->direction == ACTGEN_FORWARD ? "actgen_forward" : "actgen_backward");
  if (n == 0) return ACTGEN_OK;
  for (const auto &p : pointers)
    if (!p.first) return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: %s is NULL with n = %zu", kernel->name, p.second, n);
  return ACTGEN_OK;
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
  if (direction != ACTGEN_FORWARD && direction != ACTGEN_BACKWARD)
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: direction %d is neither forward nor backward", activation,
                static_cast<int>(direction));
  if (dtype != ACTGEN_F32 && dtype != ACTGEN_F16 && dtype != ACTGEN_BF16)
    return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "%s: dtype %d is not an actgen_dtype", activation, static_cast<int>(dtype));
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
  actgen_kernel *k = new (std::nothrow) actgen_kernel{};
  if (!k) return fail(ACTGEN_ERROR_OUT_OF_MEMORY, "out of memory creating a kernel");
  k->activation = a;
  k->entry = entry;
  k->direction = direction;
  for (int j = 0; j < kMaxParams; ++j) k->params[j] = values[j];
  std::snprintf(k->name, sizeof k->name, "actgen_%s_%s_%s_%s", a->name, direction == ACTGEN_FORWARD ? "fwd" : "bwd",
                dtype_name(dtype), kTargets[entry->target].name);
  if (verbose())
    std::fprintf(stderr, "actgen: %s %s %s -> %s (%s; CPU features: %s)\n", a->name,
                 direction == ACTGEN_FORWARD ? "forward" : "backward", dtype_name(dtype), kTargets[entry->target].name,
                 why, cpu_features().c_str());
  *kernel = k;
  return ACTGEN_OK;
}

actgen_status actgen_kernel_create(actgen_kernel **kernel, const char *activation, const char *params,
                                   actgen_dtype dtype, actgen_direction direction) {
  return actgen_kernel_create_on(kernel, activation, params, dtype, direction, nullptr);
}

void actgen_kernel_destroy(actgen_kernel *kernel) { delete kernel; }

actgen_status actgen_forward(const actgen_kernel *kernel, const void *x, void *y, size_t n) {
  actgen_status s = check_call(kernel, ACTGEN_FORWARD, n, {{x, "x"}, {y, "y"}});
  if (s != ACTGEN_OK || n == 0) return s;
  const actgen_dtype dtype = kernel->entry->dtype;
  const size_t size = element_size(dtype);
  const float *p = kernel->params;
  for (size_t done = 0; done < n; done += kMaxPiece) {
    const size_t piece = n - done < kMaxPiece ? n - done : kMaxPiece;
    halide_dimension_t dx_dim, dy_dim;
    halide_buffer_t xb = wrap(static_cast<const uint8_t *>(x) + done * size, dtype, piece, &dx_dim);
    halide_buffer_t yb = wrap(static_cast<uint8_t *>(y) + done * size, dtype, piece, &dy_dim);
    const int code = kernel->entry->forward(&xb, p[0], p[1], p[2], p[3], &yb);
    if (code != 0) return from_halide(code, kernel->name);
  }
  return ACTGEN_OK;
}

actgen_status actgen_backward(const actgen_kernel *kernel, const void *x, const void *dy, void *dx, size_t n) {
  actgen_status s = check_call(kernel, ACTGEN_BACKWARD, n, {{x, "x"}, {dy, "dy"}, {dx, "dx"}});
  if (s != ACTGEN_OK || n == 0) return s;
  const actgen_dtype dtype = kernel->entry->dtype;
  const size_t size = element_size(dtype);
  const float *p = kernel->params;
  for (size_t done = 0; done < n; done += kMaxPiece) {
    const size_t piece = n - done < kMaxPiece ? n - done : kMaxPiece;
    halide_dimension_t d0, d1, d2;
    halide_buffer_t xb = wrap(static_cast<const uint8_t *>(x) + done * size, dtype, piece, &d0);
    halide_buffer_t dyb = wrap(static_cast<const uint8_t *>(dy) + done * size, dtype, piece, &d1);
    halide_buffer_t dxb = wrap(static_cast<uint8_t *>(dx) + done * size, dtype, piece, &d2);
    const int code = kernel->entry->backward(&xb, &dyb, p[0], p[1], p[2], p[3], &dxb);
    if (code != 0) return from_halide(code, kernel->name);
  }
  return ACTGEN_OK;
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

size_t actgen_target_count(void) { return kTargetCount; }

const char *actgen_target_name(size_t i) { return i < kTargetCount ? kTargets[i].name : nullptr; }

size_t actgen_kernel_count(void) { return 2 * kKernelCount; }  // each entry holds forward and backward

int actgen_target_available(size_t i) { return i < kTargetCount && has_features(kTargets[i].features) ? 1 : 0; }

actgen_status actgen_set_target(const char *target) {
  if (target && *target) {
    size_t index = 0;
    if (!find_target(target, &index))
      return fail(ACTGEN_ERROR_INVALID_ARGUMENT, "unknown target '%s' (known: %s)", target, target_list().c_str());
    if (!has_features(kTargets[index].features))
      return fail(ACTGEN_ERROR_UNSUPPORTED, "target '%s' needs CPU features '%s'; this CPU has '%s'", target,
                  kTargets[index].features, cpu_features().c_str());
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
