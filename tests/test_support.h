// Small helpers shared by the test suites: the catalog and the targets as the runtime reports them (the tests never
// keep a second list of activations), kernels through the C++ wrapper, float bit helpers (float_bits.h).
#ifndef ACTGEN_TESTS_TEST_SUPPORT_H
#define ACTGEN_TESTS_TEST_SUPPORT_H

#include <actgen/actgen.h>
#include <actgen/actgen.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "float_bits.h"

namespace testsupport {

inline std::vector<std::string> catalog_names() {
  std::vector<std::string> v;
  size_t n = actgen_activation_count();
  for (size_t i = 0; i < n; ++i) {
    const char *s = actgen_activation_name(i);
    v.push_back(s ? s : "");
  }
  return v;
}

// Index in the catalog, or (size_t)-1.
inline size_t catalog_index(const std::string &name) {
  size_t n = actgen_activation_count();
  for (size_t i = 0; i < n; ++i) {
    const char *s = actgen_activation_name(i);
    if (s && name == s) return i;
  }
  return (size_t)-1;
}

inline std::vector<std::string> all_targets() {
  std::vector<std::string> v;
  for (size_t i = 0; i < actgen_target_count(); ++i) {
    const char *s = actgen_target_name(i);
    v.push_back(s ? s : "");
  }
  return v;
}

// Targets this machine can run whose kernels take host memory (GPU targets have tests of their own). The
// environment's ACTGEN_TEST_TARGETS (comma-separated names), where set, keeps only those: scripts/test.sh runs the
// f16 tests a second time on arm-64-neon_fp16 alone.
inline std::vector<std::string> available_targets() {
  const char *only = std::getenv("ACTGEN_TEST_TARGETS");
  const std::string keep = only ? "," + std::string(only) + "," : "";
  std::vector<std::string> v;
  for (size_t i = 0; i < actgen_target_count(); ++i)
    if (actgen_target_available(i) && actgen_target_memory(i) == ACTGEN_MEMORY_HOST) {
      const char *s = actgen_target_name(i);
      const std::string name = s ? s : "";
      if (!only || keep.find("," + name + ",") != std::string::npos) v.push_back(name);
    }
  return v;
}

using floatbits::bits;
using floatbits::from_bits;

// ACTGEN_TEST_INPUT_SCALE (tests/CMakeLists.txt sets it below 1 under emulation: the long double reference is
// emulated too), clamped to (0, 1]; 1 when unset or malformed. Each suite that reads it says what it shrinks.
inline double input_scale() {
  static const double s = [] {
    const char *v = std::getenv("ACTGEN_TEST_INPUT_SCALE");
    const double d = v ? std::strtod(v, nullptr) : 1.0;
    return d > 0 && d <= 1 ? d : 1.0;
  }();
  return s;
}

// The tests' kernels are the C++ wrapper's (RAII); they call the C API on get() where the C API is under test.
using Kernel = actgen::Kernel;

// Creates a kernel of any form and dtype (target empty = automatic); on failure returns an empty Kernel and sets
// *err (the status and the library's message) instead of throwing, so that a test can ASSERT on it.
inline Kernel make_kernel(actgen_form form, const std::string &act, const std::string &params, actgen_direction dir,
                          actgen_dtype dtype, const std::string &target, std::string *err = nullptr) {
  try {
    return Kernel(static_cast<actgen::Form>(form), act, params, static_cast<actgen::Direction>(dir),
                  static_cast<actgen::DType>(dtype), target);
  } catch (const actgen::Error &e) {
    if (err) *err = "status " + std::to_string((int)e.status()) + ": " + e.what();
    return Kernel();
  }
}

// A plain f32 kernel, as above.
inline Kernel make_kernel(const std::string &act, const std::string &params, actgen_direction dir,
                          const std::string &target, std::string *err = nullptr) {
  return make_kernel(ACTGEN_FORM_PLAIN, act, params, dir, ACTGEN_F32, target, err);
}

// For test names: letters, digits and '_' only.
inline std::string sanitize(const std::string &s) {
  std::string o;
  for (char c : s) o += (isalnum((unsigned char)c) ? c : '_');
  return o;
}

inline const char *dir_name(actgen_direction d) { return d == ACTGEN_FORWARD ? "fwd" : "bwd"; }

// The build's 16-bit dtypes, from the runtime's list (cmake/targets.cmake's ACTGEN_DTYPES).
inline std::vector<actgen_dtype> narrow_dtypes() {
  std::vector<actgen_dtype> v;
  for (size_t i = 0; i < actgen_dtype_count(); ++i) {
    actgen_dtype d = (actgen_dtype)actgen_dtype_at(i);
    if (actgen_dtype_size(d) == 2) v.push_back(d);
  }
  return v;
}

}  // namespace testsupport

#endif
