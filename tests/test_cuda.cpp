// CUDA kernels: device pointers, caller's stream, accuracy against the host oracle, sizes, in place, host
// pointers refused, > 2^31 elements. Every test that needs a GPU skips with the runtime's reason where there is
// none (the build machine and CI); the no-device test checks that such kernels fail cleanly with a status.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "cuda_driver.h"
#include "half_check.h"
#include "oracle.h"
#include "test_support.h"

using namespace testsupport;

namespace {

const cudadriver::Driver &driver() {
  static const cudadriver::Driver d = [] {
    cudadriver::Driver d;
    std::string why;
    return cudadriver::load(&d, &why) ? d : cudadriver::Driver{};
  }();
  return d;
}

// Index of the "cuda" target in this build, or -1.
long cuda_target() {
  for (size_t i = 0; i < actgen_target_count(); ++i)
    if (actgen_target_memory(i) == ACTGEN_MEMORY_CUDA) return static_cast<long>(i);
  return -1;
}

// Skips the calling test with the runtime's reason unless a CUDA kernel can run here.
#define REQUIRE_GPU()                                                                                \
  do {                                                                                               \
    long t_ = cuda_target();                                                                         \
    if (t_ < 0) GTEST_SKIP() << "this build has no CUDA target";                                    \
    if (!actgen_target_available(t_)) {                                                             \
      actgen_kernel *k_ = nullptr;                                                                   \
      actgen_kernel_create_on(&k_, "relu", nullptr, ACTGEN_F32, ACTGEN_FORWARD, actgen_target_name(t_)); \
      GTEST_SKIP() << "no usable GPU: " << actgen_last_error();                                     \
    }                                                                                                \
    ASSERT_TRUE(driver().cuInit) << "the runtime found a GPU but the test could not set up the driver"; \
  } while (0)

// Device memory holding n floats.
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t n) : n_(n) { EXPECT_EQ(driver().cuMemAlloc(&ptr_, n * 4), 0); }
  ~DeviceBuffer() {
    if (ptr_) driver().cuMemFree(ptr_);
  }
  void *get() const { return reinterpret_cast<void *>(ptr_); }
  void upload(const float *h) { ASSERT_EQ(driver().cuMemcpyHtoD(ptr_, h, n_ * 4), 0); }
  std::vector<float> download() const {
    std::vector<float> h(n_);
    EXPECT_EQ(driver().cuCtxSynchronize(), 0);
    EXPECT_EQ(driver().cuMemcpyDtoH(h.data(), ptr_, n_ * 4), 0);
    return h;
  }

 private:
  unsigned long long ptr_ = 0;
  size_t n_;
};

std::vector<float> sweep_inputs() {
  std::vector<float> v;
  for (uint64_t b = 7; b < (1ull << 32); b += 4099) v.push_back(from_bits(static_cast<uint32_t>(b)));
  for (float s : {0.0f, -0.0f, INFINITY, -INFINITY, NAN, 1e-45f, -1e-45f, 1.17549435e-38f, 3.4028235e38f})
    v.push_back(s);
  for (int i = -4000; i <= 4000; ++i) v.push_back(i / 200.0f);
  return v;
}

TEST(Cuda, FailsCleanlyWithoutDevice) {
  long t = cuda_target();
  if (t < 0) GTEST_SKIP() << "this build has no CUDA target";
  if (actgen_target_available(t)) GTEST_SKIP() << "a GPU is present; the no-device path is not reachable";
  actgen_kernel *k = nullptr;
  EXPECT_EQ(actgen_kernel_create_on(&k, "gelu", nullptr, ACTGEN_F32, ACTGEN_FORWARD, "cuda"), ACTGEN_ERROR_UNSUPPORTED);
  EXPECT_EQ(k, nullptr);
  EXPECT_NE(std::string(actgen_last_error()).find("cuda"), std::string::npos) << actgen_last_error();
}

TEST(Cuda, AccuracyEveryActivation) {
  REQUIRE_GPU();
  const std::vector<float> x = sweep_inputs();
  const size_t n = x.size();
  std::vector<float> dy(n, 1.0f);
  DeviceBuffer dx_in(n), ddy(n), dout(n);
  dx_in.upload(x.data());
  ddy.upload(dy.data());
  for (const std::string &name : catalog_names()) {
    const oracle::Entry *e = oracle::find(name);
    ASSERT_NE(e, nullptr) << name;
    std::vector<long double> p(e->defaults.begin(), e->defaults.end());
    for (long double &v : p) v = static_cast<float>(v);
    for (actgen_direction dir : {ACTGEN_FORWARD, ACTGEN_BACKWARD}) {
      std::string err;
      Kernel k = make_kernel(name, "", dir, "cuda", &err);
      ASSERT_TRUE(k) << err;
      actgen_status s = dir == ACTGEN_FORWARD ? actgen_forward(k.get(), dx_in.get(), dout.get(), n)
                                              : actgen_backward(k.get(), dx_in.get(), ddy.get(), dout.get(), n);
      ASSERT_EQ(s, ACTGEN_OK) << actgen_last_error();
      const std::vector<float> got = dout.download();
      double worst = 0;
      float worst_x = 0;
      size_t fails = 0;
      for (size_t i = 0; i < n; ++i) {
        long double exact = dir == ACTGEN_FORWARD ? oracle::forward(*e, x[i], p.data())
                                                  : oracle::derivative(*e, x[i], p.data());
        double u = oracle::ulp_error(got[i], exact);
        bool ok = dir == ACTGEN_FORWARD ? u <= 4.0
                                        : (u <= 16.0 || std::fabs(static_cast<long double>(got[i]) - exact) <= 1e-7L);
        if (!ok) ++fails;
        if (std::isfinite(u) ? u > worst : !ok) worst = u, worst_x = x[i];
      }
      std::printf("CUDA ACCURACY %s %s max_ulp=%.3g at x=%.9g (n=%zu, fails=%zu)\n", name.c_str(), dir_name(dir),
                  worst, worst_x, n, fails);
      EXPECT_EQ(fails, 0u) << name << " " << dir_name(dir) << " worst at x=" << worst_x;
    }
  }
}

// f16 and bf16 on the GPU: all 65536 patterns, forward and backward (dy = 1), defaults, the half-precision
// contract (tests/half_check.h), for every 16-bit dtype of the build.
TEST(Cuda, HalfPrecisionExhaustive) {
  REQUIRE_GPU();
  for (size_t di = 0; di < actgen_dtype_count(); ++di) {
    const actgen_dtype dt = static_cast<actgen_dtype>(actgen_dtype_at(di));
    if (actgen_dtype_size(dt) != 2) continue;
    const halfcheck::Format f(dt);
    const std::vector<uint16_t> x = halfcheck::inputs(f, 1);
    const size_t n = x.size();
    const uint16_t one = halfcheck::encode(f, 1.0L);
    std::vector<uint16_t> dy(n, one);
    DeviceBuffer dx_in(n / 2), ddy(n / 2), dout(n / 2);  // n 16-bit elements = n / 2 floats
    dx_in.upload(reinterpret_cast<const float *>(x.data()));
    ddy.upload(reinterpret_cast<const float *>(dy.data()));
    for (const std::string &name : catalog_names()) {
      const oracle::Entry *e = oracle::find(name);
      ASSERT_NE(e, nullptr) << name;
      std::vector<long double> p(e->defaults.begin(), e->defaults.end());
      for (long double &v : p) v = static_cast<float>(v);
      for (actgen_direction dir : {ACTGEN_FORWARD, ACTGEN_BACKWARD}) {
        std::string err;
        Kernel k = make_kernel(ACTGEN_FORM_PLAIN, name, "", dir, dt, "cuda", &err);
        ASSERT_TRUE(k) << err;
        actgen_status s = dir == ACTGEN_FORWARD ? actgen_forward(k.get(), dx_in.get(), dout.get(), n)
                                                : actgen_backward(k.get(), dx_in.get(), ddy.get(), dout.get(), n);
        ASSERT_EQ(s, ACTGEN_OK) << actgen_last_error();
        const std::vector<float> raw_out = dout.download();
        std::vector<uint16_t> got(n);
        std::memcpy(got.data(), raw_out.data(), n * 2);
        halfcheck::Stats st;
        for (size_t i = 0; i < n; ++i) {
          const long double xv = f.decode(x[i]);
          halfcheck::add(f, &st, x[i], dir == ACTGEN_FORWARD ? oracle::forward(*e, xv, p.data())
                                                             : oracle::derivative(*e, xv, p.data()), got[i]);
        }
        std::printf("CUDA HALF %s %s %s max_ulp=%.3g not_correctly_rounded=%zu unfaithful=%zu\n", name.c_str(),
                    actgen_dtype_name(dt), dir_name(dir), st.worst.ulp, st.not_correctly_rounded, st.unfaithful);
        EXPECT_EQ(st.unfaithful, 0u) << name << " " << actgen_dtype_name(dt) << " " << dir_name(dir);
      }
    }
  }
}

TEST(Cuda, SizesInPlaceAndStream) {
  REQUIRE_GPU();
  Kernel k = make_kernel("silu", "", ACTGEN_FORWARD, "cuda");
  ASSERT_TRUE(k);
  Kernel host = make_kernel("silu", "", ACTGEN_FORWARD, "");
  void *stream = nullptr;
  ASSERT_EQ(driver().cuStreamCreate(&stream, 0), 0);
  for (size_t n : {size_t{1}, size_t{3}, size_t{17}, size_t{100}, size_t{1023}, size_t{4097}, size_t{1} << 20}) {
    std::vector<float> x(n);
    for (size_t i = 0; i < n; ++i) x[i] = static_cast<float>(i % 97) * 0.25f - 12.0f;
    std::vector<float> want(n);
    ASSERT_EQ(actgen_forward(host.get(), x.data(), want.data(), n), ACTGEN_OK);
    DeviceBuffer d(n);
    d.upload(x.data());
    ASSERT_EQ(actgen_forward_stream(k.get(), d.get(), d.get(), n, stream), ACTGEN_OK) << actgen_last_error();
    ASSERT_EQ(driver().cuStreamSynchronize(stream), 0);
    const std::vector<float> got = d.download();
    for (size_t i = 0; i < n; ++i)
      ASSERT_LE(oracle::ulp_error(got[i], want[i]), 8.0) << "n=" << n << " i=" << i << " x=" << x[i];
  }
  driver().cuStreamDestroy(stream);
}

TEST(Cuda, HostPointersRefused) {
  REQUIRE_GPU();
  Kernel k = make_kernel("relu", "", ACTGEN_FORWARD, "cuda");
  ASSERT_TRUE(k);
  std::vector<float> x(64, 1.0f), y(64, 7.0f);
  EXPECT_EQ(actgen_forward(k.get(), x.data(), y.data(), 64), ACTGEN_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(actgen_last_error()).find("device"), std::string::npos) << actgen_last_error();
  EXPECT_EQ(y[0], 7.0f);
}

TEST(Cuda, MoreThanTwoToThe31Elements) {
  REQUIRE_GPU();
  const size_t n = (size_t{1} << 31) + 64;
  Kernel k = make_kernel("relu", "", ACTGEN_FORWARD, "cuda");
  ASSERT_TRUE(k);
  DeviceBuffer d(n);
  std::vector<float> pattern(n);
  for (size_t i = 0; i < n; ++i) pattern[i] = (i & 1) ? -1.0f : static_cast<float>(i & 1023);
  d.upload(pattern.data());
  ASSERT_EQ(actgen_forward(k.get(), d.get(), d.get(), n), ACTGEN_OK) << actgen_last_error();
  const std::vector<float> got = d.download();
  for (size_t i = 0; i < n; i += 4093) ASSERT_EQ(got[i], (i & 1) ? 0.0f : static_cast<float>(i & 1023)) << i;
  for (size_t i = n - 64; i < n; ++i) ASSERT_EQ(got[i], (i & 1) ? 0.0f : static_cast<float>(i & 1023)) << i;
}

}  // namespace
