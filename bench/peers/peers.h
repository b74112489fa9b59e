// The peer libraries bench_peers holds actgen against: one Library per peer, built only when CMake found it.
//
// A Library names the activations it offers (actgen's catalog names, PyTorch's), forward and backward, and
// makes an Op for one (activation, direction, buffers, n): all setup (primitive creation, JIT, operator
// creation) happens there, so Op::run() is only the call a user would time.
//
// A peer maps an activation only when its operator computes the same function at actgen's default parameters
// (e.g. celu(alpha=1) = elu(1), prelu(weight=0.25) = leaky_relu(0.25), silu = swish(1)).
//
// Element types are actgen's (actgen_dtype): every peer takes f32; a peer that also has 16-bit operators
// (oneDNN's bf16 eltwise, XNNPACK's f16 operators) lists what it offers in each. 16-bit buffers hold the bit
// patterns (uint16_t).
#ifndef ACTGEN_BENCH_PEERS_H
#define ACTGEN_BENCH_PEERS_H

#include <actgen/actgen.h>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace peers {

struct Op {
  virtual ~Op() = default;
  // y = f(x) (forward) or dx = dy * f'(x) (backward), on the buffers the Op was made with.
  virtual void run() = 0;
  // The implementation the library picked, where it says (oneDNN's "jit:avx512_core", "ref:any"); empty if not.
  virtual std::string implementation() const { return {}; }
};

struct Buffers {
  const void *x;
  const void *dy;  // backward only
  void *out;       // y (forward) or dx (backward)
  size_t n;
  actgen_dtype dtype = ACTGEN_F32;  // of all three
  const float *xf() const { return static_cast<const float *>(x); }
  float *outf() const { return static_cast<float *>(out); }
};

// The activations a library offers in one element type.
struct Offer {
  std::vector<std::string> forward, backward;
};

struct Library {
  std::string name;     // "onednn", "xnnpack", "eigen", "plain", "plain_fastmath"
  std::string version;  // shown in the benchmark context
  std::string threading;  // how --threads applies, e.g. "OpenMP", "pthreadpool", "single-threaded"
  std::map<actgen_dtype, Offer> offers;  // activations offered, per element type (f32 always)
  // Called once, before any make, with --threads.
  std::function<void(int threads)> set_threads;
  // nullptr when the activation/direction/type is not offered or setup fails (then error says why).
  std::function<std::unique_ptr<Op>(const std::string &activation, bool backward, const Buffers &b,
                                    std::string *error)>
      make;
};

// Defined in the per-peer files; bench_peers calls those CMake enabled (ACTGEN_PEER_<LIB> definitions).
Library onednn_library();
Library xnnpack_library();
Library eigen_library();
Library plain_library();
Library plain_fastmath_library();

// Runs body(begin, end) over [0, n) in `threads` parts, the calling thread taking the first, on a pool of
// persistent workers (started on first use; they spin briefly after a call, then sleep). n under
// kParallelMin runs on the calling thread. Used by the plain loop and the copies for --threads > 1.
constexpr size_t kParallelMin = size_t(1) << 14;
void parallel_for(size_t n, int threads, const std::function<void(size_t, size_t)> &body);

}  // namespace peers

#endif  // ACTGEN_BENCH_PEERS_H
