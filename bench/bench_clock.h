// The clock the benchmarks time kernels with: the calling thread's CPU time when work runs on that thread only
// (steady on a shared machine), the wall clock when other threads help. Also the input range all benchmarks use.
#ifndef ACTGEN_BENCH_BENCH_CLOCK_H
#define ACTGEN_BENCH_BENCH_CLOCK_H

#include <time.h>

#include <chrono>

namespace benchclock {

// Inputs are uniform in [-kInputRange, kInputRange]: wide enough to reach the activations' curved parts and
// their flat tails, so branchy or range-reduced kernels pay their real cost.
constexpr float kInputRange = 6.0f;

// Set by main from the thread count.
inline bool thread_cpu_clock = true;

inline double now_seconds() {
  if (thread_cpu_clock) {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace benchclock

#endif  // ACTGEN_BENCH_BENCH_CLOCK_H
