// A bounded, ordered producer pipeline: worker threads compute items 0..n-1 in any order, and the
// calling thread consumes them strictly in index order, with at most `window` items computed ahead
// of the consumer (memory stays bounded for streams larger than RAM). Output order, and therefore
// output bytes, never depend on the thread count or timing.
#pragma once

#include <cstddef>
#include <functional>

namespace tessera {

struct PipelineOptions {
  int threads = 0;          // worker threads; 0 = thread_count()
  std::size_t window = 0;   // items in flight; 0 = 2 × threads
};

/// Runs produce(i) on worker threads and consume(i, item) on the calling thread in order i = 0,
/// 1, ..., n-1. The first exception thrown by either side stops the pipeline and is rethrown.
template <class Item>
void run_ordered_pipeline(std::size_t n, const std::function<Item(std::size_t)>& produce,
                          const std::function<void(std::size_t, Item&)>& consume,
                          PipelineOptions options = {});

}  // namespace tessera

#include "tessera/core/ordered_pipeline_impl.hpp"
