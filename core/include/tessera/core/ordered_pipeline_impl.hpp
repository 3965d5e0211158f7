// Implementation of run_ordered_pipeline on the project's one thread runtime (OpenMP): every
// thread of one parallel region claims the next index (at most `window` ahead of the consumer),
// produces it outside the lock, publishes it, and then drains the items that are ready, in order,
// unless another thread is already draining. Nothing spins: waits use a condition variable.
#pragma once

#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <vector>

#include "tessera/core/threads.hpp"

namespace tessera {

template <class Item>
void run_ordered_pipeline(std::size_t n, const std::function<Item(std::size_t)>& produce,
                          const std::function<void(std::size_t, Item&)>& consume,
                          PipelineOptions options) {
  const int threads = options.threads > 0 ? options.threads : thread_count();
  const std::size_t window =
      options.window > 0 ? options.window : 2 * static_cast<std::size_t>(threads);
  std::vector<std::optional<Item>> slots(window);
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t next_to_claim = 0;
  std::size_t next_to_consume = 0;
  bool draining = false;
  std::exception_ptr failure;

  // Consumes ready items in order; called with the lock held, returns with it held.
  const auto drain = [&](std::unique_lock<std::mutex>& lock) {
    draining = true;
    while (!failure && next_to_consume < n && slots[next_to_consume % window].has_value()) {
      std::optional<Item> item(std::move(slots[next_to_consume % window]));
      slots[next_to_consume % window].reset();
      lock.unlock();
      try {
        consume(next_to_consume, *item);
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
        Item item = produce(index);
        lock.lock();
        slots[index % window].emplace(std::move(item));
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
