#include "runtime/cuda.h"

#include <HalideRuntimeCuda.h>
#include <dlfcn.h>

#include <cstdint>
#include <mutex>

#include "runtime/error.h"

namespace actgen::rt {
namespace {

// The few driver API entry points the probe and the context hook need (CUDA driver API, ABI-stable).
using CUresult = int;
using CUdevice = int;
using CUcontext = void *;
struct Driver {
  CUresult (*cuInit)(unsigned) = nullptr;
  CUresult (*cuDeviceGetCount)(int *) = nullptr;
  CUresult (*cuDeviceGet)(CUdevice *, int) = nullptr;
  CUresult (*cuDeviceGetName)(char *, int, CUdevice) = nullptr;
  CUresult (*cuCtxGetCurrent)(CUcontext *) = nullptr;
  CUresult (*cuCtxSetCurrent)(CUcontext) = nullptr;
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice) = nullptr;
  CUresult (*cuPointerGetAttribute)(void *, int, unsigned long long) = nullptr;
};
constexpr int kPointerAttributeMemoryType = 2;  // CU_POINTER_ATTRIBUTE_MEMORY_TYPE
constexpr unsigned kMemoryTypeHost = 1;         // CU_MEMORYTYPE_HOST

Driver g_driver;
thread_local void *t_stream = nullptr;

template <typename F>
bool load(void *lib, const char *name, F *fn) {
  *fn = reinterpret_cast<F>(dlsym(lib, name));
  return *fn != nullptr;
}

CudaProbe probe() {
  CudaProbe p;
#ifndef ACTGEN_HAS_CUDA
  p.reason = "this build has no CUDA target";
  return p;
#endif
  void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    p.reason = "no CUDA driver (libcuda.so.1 cannot be loaded)";
    return p;
  }
  Driver &d = g_driver;
  if (!load(lib, "cuInit", &d.cuInit) || !load(lib, "cuDeviceGetCount", &d.cuDeviceGetCount) ||
      !load(lib, "cuDeviceGet", &d.cuDeviceGet) || !load(lib, "cuDeviceGetName", &d.cuDeviceGetName) ||
      !load(lib, "cuCtxGetCurrent", &d.cuCtxGetCurrent) || !load(lib, "cuCtxSetCurrent", &d.cuCtxSetCurrent) ||
      !load(lib, "cuDevicePrimaryCtxRetain", &d.cuDevicePrimaryCtxRetain) ||
      !load(lib, "cuPointerGetAttribute", &d.cuPointerGetAttribute)) {
    p.reason = "the CUDA driver lacks an entry point actgen needs";
    return p;
  }
  if (CUresult r = d.cuInit(0); r != 0) {
    p.reason = "cuInit failed (CUresult " + std::to_string(r) + ")";
    return p;
  }
  int count = 0;
  if (d.cuDeviceGetCount(&count) != 0 || count < 1) {
    p.reason = "no CUDA device";
    return p;
  }
  CUdevice dev = 0;
  char name[256] = "";
  if (d.cuDeviceGet(&dev, 0) == 0) d.cuDeviceGetName(name, sizeof name, dev);
  p.usable = true;
  p.device = name;
  return p;
}

int acquire_context(void *, void **ctx, bool create) {
  CUcontext current = nullptr;
  if (g_driver.cuCtxGetCurrent(&current) == 0 && current) {
    *ctx = current;
    return 0;
  }
  if (!create) {
    *ctx = nullptr;
    return 0;
  }
  CUdevice dev = 0;
  CUcontext primary = nullptr;
  if (g_driver.cuDeviceGet(&dev, 0) != 0 || g_driver.cuDevicePrimaryCtxRetain(&primary, dev) != 0 ||
      g_driver.cuCtxSetCurrent(primary) != 0)
    return halide_error_code_generic_error;
  *ctx = primary;
  return 0;
}

int release_context(void *) { return 0; }

int get_stream(void *, void *, void **stream) {
  *stream = t_stream;
  return 0;
}

}  // namespace

const CudaProbe &cuda_probe() {
  static const CudaProbe p = probe();
  return p;
}

// Without a CUDA target the Halide runtime has no CUDA module; nothing below is reached then (no target's memory
// is CUDA), but it must still link.
#ifdef ACTGEN_HAS_CUDA
void install_cuda_hooks() {
  static std::once_flag once;
  std::call_once(once, [] {
    halide_set_cuda_acquire_context(acquire_context);
    halide_set_cuda_release_context(release_context);
    halide_set_cuda_get_stream(get_stream);
  });
}
#else
void install_cuda_hooks() {}
#endif

void set_thread_stream(void *stream) { t_stream = stream; }

bool is_device_pointer(const void *p) {
  void *ctx = nullptr;
  if (acquire_context(nullptr, &ctx, true) != 0) return false;
  unsigned type = 0;
  // Plain host memory is unknown to the driver (an error); registered host memory reports CU_MEMORYTYPE_HOST.
  return g_driver.cuPointerGetAttribute(&type, kPointerAttributeMemoryType, reinterpret_cast<unsigned long long>(p)) ==
             0 &&
         type != kMemoryTypeHost;
}

#ifdef ACTGEN_HAS_CUDA
actgen_status wrap_device(halide_buffer_t *b, const void *device_pointer, const char *kernel_name) {
  b->host = nullptr;
  const int code = halide_cuda_wrap_device_ptr(nullptr, b, reinterpret_cast<uint64_t>(device_pointer));
  return code == 0 ? ACTGEN_OK : from_halide(code, kernel_name);
}

void detach_device(halide_buffer_t *b) { halide_cuda_detach_device_ptr(nullptr, b); }

namespace {
// A 1-D byte buffer over host memory `host`, wrapping device_pointer.
actgen_status byte_buffer(halide_buffer_t *b, halide_dimension_t *dim, void *host, const void *device_pointer,
                          size_t bytes, const char *kernel_name) {
  *dim = halide_dimension_t(0, static_cast<int32_t>(bytes), 1);
  *b = halide_buffer_t{};
  b->type = halide_type_t(halide_type_uint, 8, 1);
  b->dimensions = 1;
  b->dim = dim;
  actgen_status s = wrap_device(b, device_pointer, kernel_name);
  b->host = static_cast<uint8_t *>(host);
  return s;
}
}  // namespace

actgen_status copy_device_to_host(void *host, const void *device_pointer, size_t bytes, const char *kernel_name) {
  halide_buffer_t b;
  halide_dimension_t dim;
  actgen_status s = byte_buffer(&b, &dim, host, device_pointer, bytes, kernel_name);
  if (s != ACTGEN_OK) return s;
  b.flags |= halide_buffer_flag_device_dirty;
  const int code = halide_copy_to_host(nullptr, &b);
  detach_device(&b);
  return code == 0 ? ACTGEN_OK : from_halide(code, kernel_name);
}

actgen_status copy_host_to_device(void *device_pointer, const void *host, size_t bytes, const char *kernel_name) {
  halide_buffer_t b;
  halide_dimension_t dim;
  actgen_status s = byte_buffer(&b, &dim, const_cast<void *>(host), device_pointer, bytes, kernel_name);
  if (s != ACTGEN_OK) return s;
  b.flags |= halide_buffer_flag_host_dirty;
  const int code = halide_copy_to_device(nullptr, &b, halide_cuda_device_interface());
  detach_device(&b);
  return code == 0 ? ACTGEN_OK : from_halide(code, kernel_name);
}

actgen_status fetch_and_free_device(halide_buffer_t *b, const char *kernel_name) {
  const int code = halide_copy_to_host(nullptr, b);
  const int freed = halide_device_free(nullptr, b);
  if (code != 0) return from_halide(code, kernel_name);
  return freed == 0 ? ACTGEN_OK : from_halide(freed, kernel_name);
}
#else
actgen_status wrap_device(halide_buffer_t *, const void *, const char *kernel_name) {
  return fail(ACTGEN_ERROR_UNSUPPORTED, "%s: this build has no CUDA support", kernel_name);
}

void detach_device(halide_buffer_t *) {}

actgen_status copy_device_to_host(void *, const void *, size_t, const char *kernel_name) {
  return fail(ACTGEN_ERROR_UNSUPPORTED, "%s: this build has no CUDA support", kernel_name);
}
actgen_status copy_host_to_device(void *, const void *, size_t, const char *kernel_name) {
  return fail(ACTGEN_ERROR_UNSUPPORTED, "%s: this build has no CUDA support", kernel_name);
}
actgen_status fetch_and_free_device(halide_buffer_t *, const char *kernel_name) {
  return fail(ACTGEN_ERROR_UNSUPPORTED, "%s: this build has no CUDA support", kernel_name);
}
#endif

}  // namespace actgen::rt
