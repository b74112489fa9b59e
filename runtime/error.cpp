#include "runtime/error.h"

#include <HalideRuntime.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>

namespace actgen::rt {
namespace {

thread_local char t_last_error[1024] = "";
thread_local char t_halide_message[768] = "";

void on_halide_error(void *, const char *message) {
  std::snprintf(t_halide_message, sizeof t_halide_message, "%s", message ? message : "");
  size_t n = std::strlen(t_halide_message);
  while (n > 0 && (t_halide_message[n - 1] == '\n' || t_halide_message[n - 1] == ' ')) t_halide_message[--n] = 0;
}

void on_halide_print(void *, const char *) {}

}  // namespace

actgen_status fail(actgen_status status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  std::vsnprintf(t_last_error, sizeof t_last_error, format, args);
  va_end(args);
  return status;
}

const char *last_error() { return t_last_error; }

void install_halide_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    halide_set_error_handler(on_halide_error);
    halide_set_custom_print(on_halide_print);
  });
}

actgen_status from_halide(int code, const char *kernel_name) {
  actgen_status status = ACTGEN_ERROR_INTERNAL;
  if (code == halide_error_code_out_of_memory) {
    status = ACTGEN_ERROR_OUT_OF_MEMORY;
  } else if (code == halide_error_code_device_malloc_failed || code == halide_error_code_device_free_failed ||
             code == halide_error_code_device_buffer_copy_failed ||
             code == halide_error_code_device_interface_no_device ||
             code == halide_error_code_no_device_interface || code == halide_error_code_device_crop_failed ||
             code == halide_error_code_device_sync_failed ||
             code == halide_error_code_device_wrap_native_failed) {
    status = ACTGEN_ERROR_DEVICE;
  }
  status = fail(status, "%s failed (Halide error %d): %s", kernel_name, code,
                t_halide_message[0] ? t_halide_message : "no message");
  t_halide_message[0] = 0;
  return status;
}

}  // namespace actgen::rt
