// libFuzzer target for actgen_kernel_create (clang -fsanitize=fuzzer, built with ACTGEN_BUILD_FUZZERS in the
// ASan+UBSan build of scripts/test_sanitizers.sh).
//
// Input: 4 bytes dtype, 4 bytes direction (int32, little endian, any value), then the activation name, a NUL, and
// the parameter string (no NUL: params is NULL). Checks the library's promises on every input: a failed create
// returns no kernel and leaves a message; a created kernel reports a target, runs forward or backward on 17 mixed
// inputs (and n = 0) with status OK and writes only its output.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "actgen/actgen.h"

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();  // a broken promise: libFuzzer records the input as a crash
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 8) return 0;
  int32_t dtype, direction;
  std::memcpy(&dtype, data, 4);
  std::memcpy(&direction, data + 4, 4);
  const std::string rest(reinterpret_cast<const char *>(data + 8), size - 8);
  const size_t nul = rest.find('\0');
  const std::string name = rest.substr(0, nul);
  const std::string params = nul == std::string::npos ? "" : rest.substr(nul + 1);
  const char *params_arg = nul == std::string::npos ? nullptr : params.c_str();

  actgen_kernel *k = nullptr;
  const actgen_status s = actgen_kernel_create(&k, name.c_str(), params_arg, static_cast<actgen_dtype>(dtype),
                                               static_cast<actgen_direction>(direction));
  if (s != ACTGEN_OK) {
    require(k == nullptr);
    require(actgen_last_error()[0] != '\0');
    return 0;
  }
  require(k != nullptr);
  require(actgen_kernel_target(k) != nullptr);
  constexpr size_t n = 17;
  const float x[n] = {0.0f,   -0.0f, 1.0f,      -1.0f,    0.5f,     -3.5f,      20.0f,     -20.0f, 1e-40f,
                      -1e-40f, 88.7f, -88.7f,   INFINITY, -INFINITY, NAN,        1e30f,     -1e30f};
  float dy[n], out[n + 2];
  for (size_t i = 0; i < n; ++i) dy[i] = 1.0f - 0.25f * static_cast<float>(i);
  const float guard = 12345.0f;
  out[0] = out[n + 1] = guard;
  const actgen_status r = direction == ACTGEN_FORWARD ? actgen_forward(k, x, out + 1, n)
                                                      : actgen_backward(k, x, dy, out + 1, n);
  require(r == ACTGEN_OK);
  require(out[0] == guard && out[n + 1] == guard);
  require((direction == ACTGEN_FORWARD ? actgen_forward(k, nullptr, nullptr, 0)
                                       : actgen_backward(k, nullptr, nullptr, nullptr, 0)) == ACTGEN_OK);
  actgen_kernel_destroy(k);
  return 0;
}
