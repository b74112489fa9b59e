// actgen C++17 wrapper: an RAII kernel, errors as exceptions. Header-only over the C API.
//
//   actgen::Kernel gelu("gelu");                       // forward, f32, best target
//   gelu.forward(x.data(), y.data(), x.size());
//   actgen::Kernel relu("relu");
//   actgen_counts c = relu.forward_counted(x, y);       // c.zero_outputs, c.flat_inputs (dead units)
//   actgen::Kernel sp("softplus", "beta=2", actgen::Direction::backward);
//   sp.backward(x, dy, dx);                            // any contiguous containers of float
//   actgen::Kernel h("gelu", "", actgen::Direction::forward, actgen::DType::bf16);
//   h.forward(xb, yb);                                 // containers of uint16_t bit patterns (f16 or bf16),
//                                                      // _Float16 (f16) or __bf16 / std::bfloat16_t (bf16)
//   auto swiglu = actgen::Kernel::gated("swiglu");     // fused forms: include/actgen/actgen.h, "Fused forms"
//   swiglu.gated_forward(x, y, d);                     // x [rows, 2d], y [rows, d]
//   auto bias_gelu = actgen::Kernel::bias("gelu");     // y = gelu(x + b), x [outer, C, inner], b [C]
//   bias_gelu.bias_forward(x, b, y);                   // inner = 1: channels-last [rows, C]
//   auto prelu = actgen::Kernel::channel("prelu");     // PReLU with one learned weight per channel, w [C]
//   prelu.channel_forward(x, w, y, H * W);             // NCHW: inner = H * W; the backward gives dx and dw
#ifndef ACTGEN_ACTGEN_HPP
#define ACTGEN_ACTGEN_HPP

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>
#if __has_include(<stdfloat>)
#include <stdfloat>
#endif

// _Float16 in C++: Clang where it defines __FLT16_MAX__, GCC from 13, and GCC 12 on x86 (GCC 12 defines
// __FLT16_MAX__ on aarch64 too, but has _Float16 only in C there).
#if defined(__FLT16_MAX__) && (defined(__clang__) || defined(__x86_64__) || defined(__i386__) || \
                               (defined(__GNUC__) && __GNUC__ >= 13))
#define ACTGEN_HAS_FLOAT16 1
#endif

#include "actgen/actgen.h"

namespace actgen {

enum class Direction { forward = ACTGEN_FORWARD, backward = ACTGEN_BACKWARD };
enum class DType { ACTGEN_DTYPE_CXX_ENUMERATORS };  // f32, f16, bf16 (actgen/actgen_dtypes.h)
enum class Form {
  plain = ACTGEN_FORM_PLAIN,
  gated = ACTGEN_FORM_GATED,
  bias = ACTGEN_FORM_BIAS,
  channel = ACTGEN_FORM_CHANNEL
};

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

// Whether a container of T holds elements of dtype d: float for f32; uint16_t bit patterns for f16 and bf16;
// _Float16 for f16 and __bf16 / std::bfloat16_t for bf16 where the compiler has them.
template <typename T>
constexpr bool element_matches(DType d) {
  using U = std::remove_cv_t<T>;
  if (std::is_same_v<U, float>) return d == DType::f32;
  if (std::is_same_v<U, std::uint16_t>) return d == DType::f16 || d == DType::bf16;
#if defined(ACTGEN_HAS_FLOAT16)
  if (std::is_same_v<U, _Float16>) return d == DType::f16;
#endif
#if defined(__STDCPP_BFLOAT16_T__)
  if (std::is_same_v<U, std::bfloat16_t>) return d == DType::bf16;
#elif defined(__BFLT16_MAX__)
  if (std::is_same_v<U, __bf16>) return d == DType::bf16;
#endif
  return false;
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
    dtype_ = dtype;
  }
  // Any form, from the C API's descriptor fields.
  Kernel(Form form, const std::string &activation, const std::string &params = "",
         Direction direction = Direction::forward, DType dtype = DType::f32, const std::string &target = "") {
    actgen_kernel_desc desc = ACTGEN_KERNEL_DESC_INIT;
    desc.activation = activation.c_str();
    desc.params = params.c_str();
    desc.dtype = static_cast<actgen_dtype>(dtype);
    desc.direction = static_cast<actgen_direction>(direction);
    desc.form = static_cast<actgen_form>(form);
    desc.target = target.c_str();
    check(actgen_kernel_create_desc(&kernel_, &desc));
    dtype_ = dtype;
  }
  // The gated form of a catalog activation or of an alias (glu, swiglu, geglu, geglu_tanh, reglu).
  static Kernel gated(const std::string &activation, const std::string &params = "",
                      Direction direction = Direction::forward, DType dtype = DType::f32,
                      const std::string &target = "") {
    return Kernel(Form::gated, activation, params, direction, dtype, target);
  }
  // The bias form (y = f(x + b), b per channel) of a catalog activation.
  static Kernel bias(const std::string &activation, const std::string &params = "",
                     Direction direction = Direction::forward, DType dtype = DType::f32,
                     const std::string &target = "") {
    return Kernel(Form::bias, activation, params, direction, dtype, target);
  }
  // The channel form (the activation's per-channel parameter, e.g. prelu's weight, given per channel).
  static Kernel channel(const std::string &activation, const std::string &params = "",
                        Direction direction = Direction::forward, DType dtype = DType::f32,
                        const std::string &target = "") {
    return Kernel(Form::channel, activation, params, direction, dtype, target);
  }
  Kernel(const Kernel &) = delete;
  Kernel &operator=(const Kernel &) = delete;
  Kernel(Kernel &&other) noexcept : kernel_(std::exchange(other.kernel_, nullptr)), dtype_(other.dtype_) {}
  Kernel &operator=(Kernel &&other) noexcept {
    if (this != &other) {
      actgen_kernel_destroy(kernel_);
      kernel_ = std::exchange(other.kernel_, nullptr);
      dtype_ = other.dtype_;
    }
    return *this;
  }
  ~Kernel() { actgen_kernel_destroy(kernel_); }

  void forward(const void *x, void *y, std::size_t n) const { check(actgen_forward(checked(), x, y, n)); }
  void backward(const void *x, const void *dy, void *dx, std::size_t n) const {
    check(actgen_backward(checked(), x, dy, dx, n));
  }

  // Containers with data() and size() (std::vector<float>, std::array, std::span, ...); sizes must match, and
  // their elements must be the kernel's dtype (element_matches; otherwise actgen::Error, INVALID_ARGUMENT).
  template <typename In, typename Out>
  void forward(const In &x, Out &y) const {
    checked();
    check_elements(x.data(), "x");
    check_elements(y.data(), "y");
    if (x.size() != y.size()) throw Error(ACTGEN_ERROR_INVALID_ARGUMENT, "actgen: x and y differ in size");
    forward(x.data(), y.data(), x.size());
  }
  template <typename In, typename Grad, typename Out>
  void backward(const In &x, const Grad &dy, Out &dx) const {
    checked();
    check_elements(x.data(), "x");
    check_elements(dy.data(), "dy");
    check_elements(dx.data(), "dx");
    if (x.size() != dy.size() || x.size() != dx.size())
      throw Error(ACTGEN_ERROR_INVALID_ARGUMENT, "actgen: x, dy and dx differ in size");
    backward(x.data(), dy.data(), dx.data(), x.size());
  }
  // As forward, and counts the zero outputs and the inputs in the activation's flat region (dead units) in the
  // same pass (actgen_forward_counted).
  actgen_counts forward_counted(const void *x, void *y, std::size_t n) const {
    actgen_counts counts = ACTGEN_COUNTS_INIT;
    check(actgen_forward_counted(checked(), x, y, n, &counts));
    return counts;
  }
  template <typename In, typename Out>
  actgen_counts forward_counted(const In &x, Out &y) const {
    checked();
    check_elements(x.data(), "x");
    check_elements(y.data(), "y");
    if (x.size() != y.size()) throw Error(ACTGEN_ERROR_INVALID_ARGUMENT, "actgen: x and y differ in size");
    return forward_counted(x.data(), y.data(), x.size());
  }

  // Gated form, pointers and row strides (elements), as actgen_gated_forward / actgen_gated_backward.
  void gated_forward(std::size_t rows, std::size_t d, const void *a, const void *g, std::size_t in_stride, void *y,
                     std::size_t y_stride) const {
    check(actgen_gated_forward(checked(), rows, d, a, g, in_stride, y, y_stride));
  }
  void gated_backward(std::size_t rows, std::size_t d, const void *a, const void *g, std::size_t in_stride,
                      const void *dy, std::size_t dy_stride, void *da, void *dg, std::size_t grad_stride) const {
    check(actgen_gated_backward(checked(), rows, d, a, g, in_stride, dy, dy_stride, da, dg, grad_stride));
  }
  // Gated form, packed containers: x and dx hold rows x 2d, y and dy rows x d (rows from the sizes).
  template <typename In, typename Out>
  void gated_forward(const In &x, Out &y, std::size_t d) const {
    const std::size_t rows = gated_forward_rows(x, y, d);
    check(actgen_gated_forward_packed(get(), rows, d, x.data(), y.data()));
  }
  // Gated forward with the dead-unit statistics (actgen_gated_forward_counted / ..._packed_counted).
  actgen_counts gated_forward_counted(std::size_t rows, std::size_t d, const void *a, const void *g,
                                      std::size_t in_stride, void *y, std::size_t y_stride) const {
    actgen_counts counts = ACTGEN_COUNTS_INIT;
    check(actgen_gated_forward_counted(checked(), rows, d, a, g, in_stride, y, y_stride, &counts));
    return counts;
  }
  template <typename In, typename Out>
  actgen_counts gated_forward_counted(const In &x, Out &y, std::size_t d) const {
    const std::size_t rows = gated_forward_rows(x, y, d);
    actgen_counts counts = ACTGEN_COUNTS_INIT;
    check(actgen_gated_forward_packed_counted(get(), rows, d, x.data(), y.data(), &counts));
    return counts;
  }
  template <typename In, typename Grad, typename Out>
  void gated_backward(const In &x, const Grad &dy, Out &dx, std::size_t d) const {
    checked();
    check_elements(x.data(), "x");
    check_elements(dy.data(), "dy");
    check_elements(dx.data(), "dx");
    const std::size_t rows = gated_rows(x.size(), d);
    if (dy.size() != rows * d || dx.size() != x.size())
      throw Error(ACTGEN_ERROR_INVALID_ARGUMENT, "actgen: dy must hold rows x d elements and dx rows x 2d");
    check(actgen_gated_backward_packed(get(), rows, d, x.data(), dy.data(), dx.data()));
  }

  // Bias form, pointers, as actgen_bias_forward / actgen_bias_backward: x [outer, channels, inner].
  void bias_forward(std::size_t outer, std::size_t channels, std::size_t inner, const void *x, const void *b,
                    void *y) const {
    check(actgen_bias_forward(checked(), outer, channels, inner, x, b, y));
  }
  void bias_backward(std::size_t outer, std::size_t channels, std::size_t inner, const void *x, const void *b,
                     const void *dy, void *dx, void *db) const {
    check(actgen_bias_backward(checked(), outer, channels, inner, x, b, dy, dx, db));
  }
  // Bias form, containers: channels = b.size(), outer = x.size() / (channels * inner) (x's size must be a
  // multiple of channels * inner); y, dy and dx as x, db as b.
  template <typename In, typename Bias, typename Out>
  void bias_forward(const In &x, const Bias &b, Out &y, std::size_t inner = 1) const {
    per_channel_forward(actgen_bias_forward, "b", x, b, y, inner);
  }
  template <typename In, typename Bias, typename Grad, typename Out, typename BiasGrad>
  void bias_backward(const In &x, const Bias &b, const Grad &dy, Out &dx, BiasGrad &db, std::size_t inner = 1) const {
    per_channel_backward(actgen_bias_backward, "b", "db", x, b, dy, dx, db, inner);
  }
  // Channel form, as the bias form with w (the per-channel parameter) in b's place and dw in db's.
  void channel_forward(std::size_t outer, std::size_t channels, std::size_t inner, const void *x, const void *w,
                       void *y) const {
    check(actgen_channel_forward(checked(), outer, channels, inner, x, w, y));
  }
  void channel_backward(std::size_t outer, std::size_t channels, std::size_t inner, const void *x, const void *w,
                        const void *dy, void *dx, void *dw) const {
    check(actgen_channel_backward(checked(), outer, channels, inner, x, w, dy, dx, dw));
  }
  template <typename In, typename Weight, typename Out>
  void channel_forward(const In &x, const Weight &w, Out &y, std::size_t inner = 1) const {
    per_channel_forward(actgen_channel_forward, "w", x, w, y, inner);
  }
  template <typename In, typename Weight, typename Grad, typename Out, typename WeightGrad>
  void channel_backward(const In &x, const Weight &w, const Grad &dy, Out &dx, WeightGrad &dw,
                        std::size_t inner = 1) const {
    per_channel_backward(actgen_channel_backward, "w", "dw", x, w, dy, dx, dw, inner);
  }

  // Bias and channel forms with the dead-unit statistics (actgen_bias_forward_counted,
  // actgen_channel_forward_counted): pointers (channel_flat: NULL, or `channels` entries), and containers as
  // bias_forward / channel_forward, optionally with the per-channel flat counts (resized to channels).
  actgen_counts bias_forward_counted(std::size_t outer, std::size_t channels, std::size_t inner, const void *x,
                                     const void *b, void *y, std::uint64_t *channel_flat = nullptr) const {
    actgen_counts counts = ACTGEN_COUNTS_INIT;
    check(actgen_bias_forward_counted(checked(), outer, channels, inner, x, b, y, &counts, channel_flat));
    return counts;
  }
  actgen_counts channel_forward_counted(std::size_t outer, std::size_t channels, std::size_t inner, const void *x,
                                        const void *w, void *y, std::uint64_t *channel_flat = nullptr) const {
    actgen_counts counts = ACTGEN_COUNTS_INIT;
    check(actgen_channel_forward_counted(checked(), outer, channels, inner, x, w, y, &counts, channel_flat));
    return counts;
  }
  template <typename In, typename Bias, typename Out>
  actgen_counts bias_forward_counted(const In &x, const Bias &b, Out &y, std::size_t inner = 1) const {
    return per_channel_counted(actgen_bias_forward_counted, "b", x, b, y, nullptr, inner);
  }
  template <typename In, typename Bias, typename Out>
  actgen_counts bias_forward_counted(const In &x, const Bias &b, Out &y, std::vector<std::uint64_t> &channel_flat,
                                     std::size_t inner = 1) const {
    return per_channel_counted(actgen_bias_forward_counted, "b", x, b, y, &channel_flat, inner);
  }
  template <typename In, typename Weight, typename Out>
  actgen_counts channel_forward_counted(const In &x, const Weight &w, Out &y, std::size_t inner = 1) const {
    return per_channel_counted(actgen_channel_forward_counted, "w", x, w, y, nullptr, inner);
  }
  template <typename In, typename Weight, typename Out>
  actgen_counts channel_forward_counted(const In &x, const Weight &w, Out &y, std::vector<std::uint64_t> &channel_flat,
                                        std::size_t inner = 1) const {
    return per_channel_counted(actgen_channel_forward_counted, "w", x, w, y, &channel_flat, inner);
  }

  Form form() const { return static_cast<Form>(actgen_kernel_form(checked())); }
  std::string target() const { return actgen_kernel_target(checked()); }
  DType dtype() const {
    checked();
    return dtype_;
  }
  const actgen_kernel *get() const noexcept { return kernel_; }
  explicit operator bool() const noexcept { return kernel_ != nullptr; }

 private:
  const actgen_kernel *checked() const {
    if (!kernel_)
      throw Error(ACTGEN_ERROR_INVALID_ARGUMENT, "actgen::Kernel is empty (default-constructed or moved from)");
    return kernel_;
  }

  template <typename T>
  void check_elements(const T *, const char *name) const {
    if (!element_matches<T>(dtype_))
      throw Error(ACTGEN_ERROR_INVALID_ARGUMENT, std::string("actgen: ") + name +
                                                     "'s element type does not hold this kernel's dtype (" +
                                                     actgen_dtype_name(static_cast<actgen_dtype>(dtype_)) + ")");
  }

  // The packed gated forward's checks; returns rows.
  template <typename In, typename Out>
  std::size_t gated_forward_rows(const In &x, const Out &y, std::size_t d) const {
    checked();
    check_elements(x.data(), "x");
    check_elements(y.data(), "y");
    const std::size_t rows = gated_rows(x.size(), d);
    if (y.size() != rows * d) throw Error(ACTGEN_ERROR_INVALID_ARGUMENT, "actgen: y must hold rows x d elements");
    return rows;
  }

  static std::size_t gated_rows(std::size_t x_size, std::size_t d) {
    if (d == 0 || x_size % (2 * d) != 0)
      throw Error(ACTGEN_ERROR_INVALID_ARGUMENT, "actgen: x's size is not a multiple of 2d (two halves of d per row)");
    return x_size / (2 * d);
  }

  static std::size_t channel_outer(std::size_t x_size, std::size_t channels, std::size_t inner, const char *v) {
    if (channels == 0 || inner == 0 || x_size % (channels * inner) != 0)
      throw Error(ACTGEN_ERROR_INVALID_ARGUMENT, std::string("actgen: x's size is not a multiple of channels x inner "
                                                             "(channels = ") + v + "'s size, nonzero)");
    return x_size / (channels * inner);
  }

  // The bias and channel forms' container calls (the same shapes; fn is the form's C call).
  using PerChannelForward = decltype(&actgen_bias_forward);
  using PerChannelBackward = decltype(&actgen_bias_backward);
  // The forward container calls' checks; returns outer.
  template <typename In, typename Vec, typename Out>
  std::size_t per_channel_outer(const char *v_name, const In &x, const Vec &v, const Out &y, std::size_t inner) const {
    checked();
    check_elements(x.data(), "x");
    check_elements(v.data(), v_name);
    check_elements(y.data(), "y");
    const std::size_t outer = channel_outer(x.size(), v.size(), inner, v_name);
    if (y.size() != x.size()) throw Error(ACTGEN_ERROR_INVALID_ARGUMENT, "actgen: x and y differ in size");
    return outer;
  }
  template <typename In, typename Vec, typename Out>
  void per_channel_forward(PerChannelForward fn, const char *v_name, const In &x, const Vec &v, Out &y,
                           std::size_t inner) const {
    const std::size_t outer = per_channel_outer(v_name, x, v, y, inner);
    check(fn(get(), outer, v.size(), inner, x.data(), v.data(), y.data()));
  }
  using PerChannelCounted = decltype(&actgen_bias_forward_counted);
  template <typename In, typename Vec, typename Out>
  actgen_counts per_channel_counted(PerChannelCounted fn, const char *v_name, const In &x, const Vec &v, Out &y,
                                    std::vector<std::uint64_t> *channel_flat, std::size_t inner) const {
    const std::size_t outer = per_channel_outer(v_name, x, v, y, inner);
    std::vector<std::uint64_t> flat(channel_flat ? v.size() : 0);
    actgen_counts counts = ACTGEN_COUNTS_INIT;
    check(fn(get(), outer, v.size(), inner, x.data(), v.data(), y.data(), &counts,
             channel_flat ? flat.data() : nullptr));
    if (channel_flat) *channel_flat = std::move(flat);
    return counts;
  }
  template <typename In, typename Vec, typename Grad, typename Out, typename VecGrad>
  void per_channel_backward(PerChannelBackward fn, const char *v_name, const char *dv_name, const In &x, const Vec &v,
                            const Grad &dy, Out &dx, VecGrad &dv, std::size_t inner) const {
    checked();
    check_elements(x.data(), "x");
    check_elements(v.data(), v_name);
    check_elements(dy.data(), "dy");
    check_elements(dx.data(), "dx");
    check_elements(dv.data(), dv_name);
    const std::size_t outer = channel_outer(x.size(), v.size(), inner, v_name);
    if (dy.size() != x.size() || dx.size() != x.size() || dv.size() != v.size())
      throw Error(ACTGEN_ERROR_INVALID_ARGUMENT, std::string("actgen: dy and dx must be x's size and ") + dv_name +
                                                     " " + v_name + "'s");
    check(fn(get(), outer, v.size(), inner, x.data(), v.data(), dy.data(), dx.data(), dv.data()));
  }

  actgen_kernel *kernel_ = nullptr;
  DType dtype_ = DType::f32;
};

}  // namespace actgen

#endif  // ACTGEN_ACTGEN_HPP
