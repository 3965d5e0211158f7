// Implementation of run_ordered_pipeline: a ring of `window` slots guarded by one mutex; workers
// claim indices in order, wait for a free slot, compute outside the lock, and publish.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
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
  std::exception_ptr failure;

  const auto worker = [&] {
    for (;;) {
      std::size_t index = 0;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] {
          return failure || next_to_claim >= n || next_to_claim < next_to_consume + window;
        });
        if (failure || next_to_claim >= n) return;
        index = next_to_claim++;
      }
      try {
        Item item = produce(index);
        const std::lock_guard lock(mutex);
        slots[index % window].emplace(std::move(item));
      } catch (...) {
        const std::lock_guard lock(mutex);
        if (!failure) failure = std::current_exception();
      }
      changed.notify_all();
    }
  };

  std::vector<std::jthread> workers;
  workers.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) workers.emplace_back(worker);

  try {
    for (std::size_t index = 0; index < n; ++index) {
      std::optional<Item> item;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return failure || slots[index % window].has_value(); });
        if (failure) break;
        item.emplace(std::move(*slots[index % window]));
        slots[index % window].reset();
      }
      consume(index, *item);
      {
        const std::lock_guard lock(mutex);
        ++next_to_consume;
      }
      changed.notify_all();
    }
  } catch (...) {
    const std::lock_guard lock(mutex);
    if (!failure) failure = std::current_exception();
  }
  changed.notify_all();
  workers.clear();  // joins
  if (failure) std::rethrow_exception(failure);
}

}  // namespace tessera
