// Failures as values: a status plus a message kept per thread for actgen_last_error().
#ifndef ACTGEN_RUNTIME_ERROR_H
#define ACTGEN_RUNTIME_ERROR_H

#include "actgen/actgen.h"

namespace actgen::rt {

// Records the message for this thread and returns status.
actgen_status fail(actgen_status status, const char *format, ...) __attribute__((format(printf, 2, 3)));
const char *last_error();

// Installs Halide's error and print handlers (once): failures inside a kernel become return codes whose
// message is kept for this thread, and nothing is printed.
void install_halide_handlers();
// Turns a kernel's nonzero return code into a status, with the Halide message it left on this thread.
actgen_status from_halide(int code, const char *kernel_name);

}  // namespace actgen::rt

#endif  // ACTGEN_RUNTIME_ERROR_H
