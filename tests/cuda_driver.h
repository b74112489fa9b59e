// The CUDA driver API entry points the GPU tests and benchmark use, loaded at run time so that they build without
// a CUDA toolkit, and device 0's primary context made current (the context the runtime's kernels use too).
#ifndef ACTGEN_TESTS_CUDA_DRIVER_H
#define ACTGEN_TESTS_CUDA_DRIVER_H

#include <dlfcn.h>

#include <string>
#include <type_traits>

namespace cudadriver {

struct Driver {
  int (*cuInit)(unsigned) = nullptr;
  int (*cuDeviceGet)(int *, int) = nullptr;
  int (*cuDevicePrimaryCtxRetain)(void **, int) = nullptr;
  int (*cuCtxSetCurrent)(void *) = nullptr;
  int (*cuMemAlloc)(unsigned long long *, size_t) = nullptr;
  int (*cuMemFree)(unsigned long long) = nullptr;
  int (*cuMemcpyHtoD)(unsigned long long, const void *, size_t) = nullptr;
  int (*cuMemcpyDtoH)(void *, unsigned long long, size_t) = nullptr;
  int (*cuMemcpyDtoD)(unsigned long long, unsigned long long, size_t) = nullptr;
  int (*cuCtxSynchronize)() = nullptr;
  int (*cuStreamCreate)(void **, unsigned) = nullptr;
  int (*cuStreamSynchronize)(void *) = nullptr;
  int (*cuStreamDestroy)(void *) = nullptr;
  int (*cuDeviceGetName)(char *, int, int) = nullptr;
  void *context = nullptr;  // device 0's primary context, once load() succeeded
};

// Loads the driver and makes device 0's primary context current on this thread; false (and why) otherwise.
inline bool load(Driver *d, std::string *why) {
  void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib) return *why = "libcuda.so.1 not found", false;
  auto get = [lib](auto *fn, const char *name) {
    *fn = reinterpret_cast<std::remove_pointer_t<decltype(fn)>>(dlsym(lib, name));
    return *fn != nullptr;
  };
  const bool all = get(&d->cuInit, "cuInit") && get(&d->cuDeviceGet, "cuDeviceGet") &&
                   get(&d->cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain") &&
                   get(&d->cuCtxSetCurrent, "cuCtxSetCurrent") && get(&d->cuMemAlloc, "cuMemAlloc_v2") &&
                   get(&d->cuMemFree, "cuMemFree_v2") && get(&d->cuMemcpyHtoD, "cuMemcpyHtoD_v2") &&
                   get(&d->cuMemcpyDtoH, "cuMemcpyDtoH_v2") && get(&d->cuMemcpyDtoD, "cuMemcpyDtoD_v2") &&
                   get(&d->cuCtxSynchronize, "cuCtxSynchronize") && get(&d->cuStreamCreate, "cuStreamCreate") &&
                   get(&d->cuStreamSynchronize, "cuStreamSynchronize") &&
                   get(&d->cuStreamDestroy, "cuStreamDestroy_v2") && get(&d->cuDeviceGetName, "cuDeviceGetName");
  if (!all) return *why = "the CUDA driver lacks an entry point", false;
  int dev = 0;
  void *ctx = nullptr;
  if (d->cuInit(0) != 0 || d->cuDeviceGet(&dev, 0) != 0 || d->cuDevicePrimaryCtxRetain(&ctx, dev) != 0 ||
      d->cuCtxSetCurrent(ctx) != 0)
    return *why = "no usable CUDA device", false;
  d->context = ctx;
  return true;
}

}  // namespace cudadriver

#endif  // ACTGEN_TESTS_CUDA_DRIVER_H
