// The ordered pipeline's scheduling on the project's one thread runtime (OpenMP): every thread of
// one parallel region claims the next index (at most `window` ahead of the consumer), produces it
// outside the lock, marks it ready, and then drains the items that are ready, in order, unless
// another thread is already draining. A producer that finds no item (a stream's end) lowers the
// count, so that no one claims or waits past it. Nothing spins: waits use a condition variable.
#include "tessera/core/ordered_pipeline.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>

#include "tessera/core/threads.hpp"

namespace tessera {

PipelineOptions resolve_pipeline_options(PipelineOptions options) {
  options.threads = options.threads <= 0 ? thread_count() : std::min(options.threads, kMaxThreads);
  if (options.window == 0) options.window = 2 * static_cast<std::size_t>(options.threads);
  return options;
}

void run_ordered_slots(std::size_t n, int threads, std::size_t window,
                       const std::function<bool(std::size_t index, std::size_t slot)>& produce,
                       const std::function<void(std::size_t index, std::size_t slot)>& consume) {
  // Slot i % window is free for index i once index i - window is consumed: a producer claims i
  // only below next_to_consume + window, so it writes its slot without the lock.
  std::vector<char> ready(window, 0);
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t next_to_claim = 0;
  std::size_t next_to_consume = 0;
  bool draining = false;
  std::exception_ptr failure;

  // Consumes ready items in order; called with the lock held, returns with it held.
  const auto drain = [&](std::unique_lock<std::mutex>& lock) {
    draining = true;
    while (!failure && next_to_consume < n && ready[next_to_consume % window] != 0) {
      const std::size_t index = next_to_consume;
      ready[index % window] = 0;
      lock.unlock();
      try {
        consume(index, index % window);
      } catch (...) {
        lock.lock();
        if (!failure) failure = std::current_exception();
        break;
      }
      lock.lock();
      ++next_to_consume;
      changed.notify_all();
    }
    draining = false;
  };

  const auto work = [&] {
    std::unique_lock lock(mutex);
    for (;;) {
      changed.wait(lock, [&] {
        return failure || next_to_claim >= n || next_to_claim < next_to_consume + window;
      });
      if (failure || next_to_claim >= n) return;
      const std::size_t index = next_to_claim++;
      lock.unlock();
      try {
        const bool produced = produce(index, index % window);
        lock.lock();
        if (produced) {
          ready[index % window] = 1;
        } else {
          n = std::min(n, index);  // the stream ended before `index`
        }
      } catch (...) {
        lock.lock();
        if (!failure) failure = std::current_exception();
      }
      if (!draining) drain(lock);
      changed.notify_all();
    }
  };

#pragma omp parallel num_threads(threads)
  work();

  if (failure) std::rethrow_exception(failure);
}

}  // namespace tessera
