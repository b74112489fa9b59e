// actgen C++17 wrapper: an RAII kernel, errors as exceptions. Header-only over the C API.
//
//   actgen::Kernel gelu("gelu");                       // forward, f32, best target
//   gelu.forward(x.data(), y.data(), x.size());
//   actgen::Kernel sp("softplus", "beta=2", actgen::Direction::backward);
//   sp.backward(x, dy, dx);                            // any contiguous containers of float
#ifndef ACTGEN_ACTGEN_HPP
#define ACTGEN_ACTGEN_HPP

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

#include "actgen/actgen.h"

namespace actgen {

enum class Direction { forward = ACTGEN_FORWARD, backward = ACTGEN_BACKWARD };
enum class DType { f32 = ACTGEN_F32, f16 = ACTGEN_F16, bf16 = ACTGEN_BF16 };

// A failed call: the status and the library's message.
class Error : public std::runtime_error {
 public:
  Error(actgen_status status, const std::string &message) : std::runtime_error(message), status_(status) {}
  actgen_status status() const noexcept { return status_; }

 private:
  actgen_status status_;
};

inline void check(actgen_status status) {
  if (status != ACTGEN_OK) throw Error(status, actgen_last_error());
}

// A kernel, or empty: default-constructed or moved from (a move leaves the source empty, by construction or by
// assignment). On an empty Kernel every call (forward, backward, target) throws actgen::Error with
// ACTGEN_ERROR_INVALID_ARGUMENT, as the C API refuses a NULL kernel; get() returns nullptr and bool is false;
// destroying, moving and assigning to it are fine.
class Kernel {
 public:
  Kernel() noexcept = default;
  // target: "" for the best this machine supports (or ACTGEN_TARGET), else e.g. "x86-64-avx2".
  explicit Kernel(const std::string &activation, const std::string &params = "",
                  Direction direction = Direction::forward, DType dtype = DType::f32,
                  const std::string &target = "") {
    check(actgen_kernel_create_on(&kernel_, activation.c_str(), params.c_str(), static_cast<actgen_dtype>(dtype),
                                  static_cast<actgen_direction>(direction), target.c_str()));
  }
  Kernel(const Kernel &) = delete;
  Kernel &operator=(const Kernel &) = delete;
  Kernel(Kernel &&other) noexcept : kernel_(std::exchange(other.kernel_, nullptr)) {}
  Kernel &operator=(Kernel &&other) noexcept {
    if (this != &other) {
      actgen_kernel_destroy(kernel_);
      kernel_ = std::exchange(other.kernel_, nullptr);
    }
    return *this;
  }
  ~Kernel() { actgen_kernel_destroy(kernel_); }

  void forward(const void *x, void *y, std::size_t n) const { check(actgen_forward(checked(), x, y, n)); }
  void backward(const void *x, const void *dy, void *dx, std::size_t n) const {
    check(actgen_backward(checked(), x, dy, dx, n));
  }

  // Containers with data() and size() (std::vector<float>, std::array, ...); sizes must match.
  template <typename In, typename Out>
  void forward(const In &x, Out &y) const {
    checked();
    if (x.size() != y.size()) throw Error(ACTGEN_ERROR_INVALID_ARGUMENT, "actgen: x and y differ in size");
    forward(x.data(), y.data(), x.size());
  }
  template <typename In, typename Grad, typename Out>
  void backward(const In &x, const Grad &dy, Out &dx) const {
    checked();
    if (x.size() != dy.size() || x.size() != dx.size())
      throw Error(ACTGEN_ERROR_INVALID_ARGUMENT, "actgen: x, dy and dx differ in size");
    backward(x.data(), dy.data(), dx.data(), x.size());
  }

  std::string target() const { return actgen_kernel_target(checked()); }
  const actgen_kernel *get() const noexcept { return kernel_; }
  explicit operator bool() const noexcept { return kernel_ != nullptr; }

 private:
  const actgen_kernel *checked() const {
    if (!kernel_)
      throw Error(ACTGEN_ERROR_INVALID_ARGUMENT, "actgen::Kernel is empty (default-constructed or moved from)");
    return kernel_;
  }

  actgen_kernel *kernel_ = nullptr;
};

}  // namespace actgen

#endif  // ACTGEN_ACTGEN_HPP
