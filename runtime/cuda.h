// CUDA support: whether a usable driver and device exist (probed by dlopen, never by letting Halide abort), the
// context and stream kernels run on, and wrapping device pointers for Halide.
#ifndef ACTGEN_RUNTIME_CUDA_H
#define ACTGEN_RUNTIME_CUDA_H

#include <HalideRuntime.h>

#include <string>

#include "actgen/actgen.h"

namespace actgen::rt {

struct CudaProbe {
  bool usable = false;
  std::string reason;  // why not, when not usable
  std::string device;  // the device's name, when usable
};

// Probes once per process: libcuda.so.1 loads, cuInit succeeds, at least one device exists.
const CudaProbe &cuda_probe();

// Installs Halide's CUDA context and stream hooks (once): kernels run in the calling thread's current context,
// or device 0's primary context (the one the CUDA runtime API uses), on the stream the kernel was given.
void install_cuda_hooks();

// The stream the next kernel launch on this thread uses (NULL: the context's default stream).
void set_thread_stream(void *stream);

// Whether p is CUDA device (or managed) memory; false for host memory the driver does not know.
bool is_device_pointer(const void *p);

// Wraps a device pointer in b (whose type, dimensions and dim are set); detach after the call.
actgen_status wrap_device(halide_buffer_t *b, const void *device_pointer, const char *kernel_name);
void detach_device(halide_buffer_t *b);

// Copies between host memory and a CUDA device pointer (synchronous). The bias form's db goes through these.
actgen_status copy_device_to_host(void *host, const void *device_pointer, size_t bytes, const char *kernel_name);
actgen_status copy_host_to_device(void *device_pointer, const void *host, size_t bytes, const char *kernel_name);
// Brings a kernel's output buffer that Halide allocated on the device back to its host memory, then frees the
// device copy.
actgen_status fetch_and_free_device(halide_buffer_t *b, const char *kernel_name);

}  // namespace actgen::rt

#endif  // ACTGEN_RUNTIME_CUDA_H
