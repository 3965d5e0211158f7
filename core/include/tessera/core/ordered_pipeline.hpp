// A bounded, ordered producer pipeline: threads compute items 0..n-1 in any order, and the items
// are consumed strictly in index order, one at a time, with at most `window` items computed ahead
// of the consumer (memory stays bounded for streams larger than RAM). Output order, and therefore
// output bytes, never depend on the thread count or timing.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

namespace tessera {

struct PipelineOptions {
  int threads = 0;         // worker threads; 0 = thread_count(), at most kMaxThreads
  std::size_t window = 0;  // items in flight; 0 = 2 × threads
};

/// The scheduling behind run_ordered_pipeline, free of the item type: produce(i, slot) fills slot
/// i % window (free while it runs) and returns true, or returns false when there is no item i (a
/// stream has ended: the run then ends after item i - 1); consume(i, slot) empties it, in order
/// i = 0, 1, ..., up to n - 1 at most. Runs on `threads` OpenMP threads; the first exception of
/// either side stops it and is rethrown.
void run_ordered_slots(std::size_t n, int threads, std::size_t window,
                       const std::function<bool(std::size_t index, std::size_t slot)>& produce,
                       const std::function<void(std::size_t index, std::size_t slot)>& consume);

/// The thread count and window run_ordered_pipeline uses for `options` (zeros resolved).
PipelineOptions resolve_pipeline_options(PipelineOptions options);

/// Runs produce(i) on `threads` threads and consume(i, item) in order i = 0, 1, ..., n-1, one call
/// at a time (on whichever pipeline thread finds the next item ready). The first exception thrown
/// by either side stops the pipeline and is rethrown on the calling thread.
template <class Item>
void run_ordered_pipeline(std::size_t n, const std::function<Item(std::size_t)>& produce,
                          const std::function<void(std::size_t, Item&)>& consume,
                          PipelineOptions options = {}) {
  options = resolve_pipeline_options(options);
  std::vector<std::optional<Item>> slots(options.window);
  run_ordered_slots(
      n, options.threads, options.window,
      [&](std::size_t index, std::size_t slot) {
        slots[slot].emplace(produce(index));
        return true;
      },
      [&](std::size_t index, std::size_t slot) {
        std::optional<Item> item = std::move(slots[slot]);
        slots[slot].reset();
        consume(index, *item);
      });
}

/// run_ordered_pipeline over a stream of unknown length: produce(i) returns item i, or nothing
/// once i is past the end (and then for every later i too); consume(i, item) takes the items
/// before the end in order. A producer that reads the stream takes its turn in index order
/// (turnstile.hpp) for the read, then works on what it read in parallel with the others.
template <class Item>
void run_ordered_stream(const std::function<std::optional<Item>(std::size_t)>& produce,
                        const std::function<void(std::size_t, Item&)>& consume,
                        PipelineOptions options = {}) {
  options = resolve_pipeline_options(options);
  std::vector<std::optional<Item>> slots(options.window);
  run_ordered_slots(
      static_cast<std::size_t>(-1), options.threads, options.window,
      [&](std::size_t index, std::size_t slot) {
        slots[slot] = produce(index);
        return slots[slot].has_value();
      },
      [&](std::size_t index, std::size_t slot) {
        std::optional<Item> item = std::move(slots[slot]);
        slots[slot].reset();
        consume(index, *item);
      });
}

}  // namespace tessera
