// A bounded, ordered producer pipeline: threads compute items 0..n-1 in any order, and the items
// are consumed strictly in index order, one at a time, with at most `window` items computed ahead
// of the consumer (memory stays bounded for streams larger than RAM). Output order, and therefore
// output bytes, never depend on the thread count or timing.
#pragma once

#include <cstddef>
#include <functional>

namespace tessera {

struct PipelineOptions {
  int threads = 0;         // worker threads; 0 = thread_count()
  std::size_t window = 0;  // items in flight; 0 = 2 × threads
};

/// Runs produce(i) on `threads` threads and consume(i, item) in order i = 0, 1, ..., n-1, one call
/// at a time (on whichever pipeline thread finds the next item ready). The first exception thrown
/// by either side stops the pipeline and is rethrown on the calling thread.
template <class Item>
void run_ordered_pipeline(std::size_t n, const std::function<Item(std::size_t)>& produce,
                          const std::function<void(std::size_t, Item&)>& consume,
                          PipelineOptions options = {});

}  // namespace tessera

#include "tessera/core/ordered_pipeline_impl.hpp"
