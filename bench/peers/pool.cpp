// parallel_for's worker pool (peers.h).
#include "peers.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace peers {

namespace {

class Pool {
 public:
  explicit Pool(int workers) {
    for (int k = 1; k <= workers; ++k) threads_.emplace_back([this, k] { work(k); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto &t : threads_) t.join();
  }
  int size() const { return int(threads_.size()) + 1; }

  void run(size_t n, const std::function<void(size_t, size_t)> &body) {
    body_ = &body;
    n_ = n;
    // Chunks of whole cache lines (16 floats), so no two threads write one line.
    chunk_ = ((n + size_t(size()) - 1) / size_t(size()) + 15) / 16 * 16;
    pending_.store(int(threads_.size()), std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    part(0);
    while (pending_.load(std::memory_order_acquire) != 0) {
    }
  }

 private:
  void part(int k) {
    const size_t begin = std::min(n_, size_t(k) * chunk_), end = std::min(n_, size_t(k + 1) * chunk_);
    if (begin < end) (*body_)(begin, end);
  }

  void work(int k) {
    uint64_t seen = 0;
    for (;;) {
      // Spin a little (back-to-back benchmark calls), then sleep (other libraries' turns).
      uint64_t g = generation_.load(std::memory_order_acquire);
      for (int spin = 0; g == seen && spin < 200000; ++spin) g = generation_.load(std::memory_order_acquire);
      if (g == seen) {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || generation_.load(std::memory_order_acquire) != seen; });
        if (stop_) return;
        g = generation_.load(std::memory_order_acquire);
      }
      seen = g;
      part(k);
      pending_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  const std::function<void(size_t, size_t)> *body_ = nullptr;
  size_t n_ = 0, chunk_ = 0;
};

}  // namespace

void parallel_for(size_t n, int threads, const std::function<void(size_t, size_t)> &body) {
  if (threads <= 1 || n < kParallelMin) {
    body(0, n);
    return;
  }
  static std::unique_ptr<Pool> pool;
  if (!pool || pool->size() != threads) {
    pool.reset();
    pool = std::make_unique<Pool>(threads - 1);
  }
  pool->run(n, body);
}

}  // namespace peers
