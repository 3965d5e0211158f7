// Steps taken strictly in index order by the workers of a parallel pipeline: step i starts once
// step i-1 has finished, so state the steps share (a compressor's online codebook, an optimizer's
// running sums) evolves in index order whatever the thread count or timing. Used inside
// run_ordered_pipeline's producers (ordered_pipeline.hpp), where the window bounds the wait.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <utility>

namespace tessera {

class Turnstile {
 public:
  /// Waits until steps 0..index-1 have finished, runs step() and returns its result. A failure
  /// recorded earlier (by fail() or a throwing step) is rethrown instead, so that no worker waits
  /// for a turn that never comes; a throwing step records its own failure.
  template <class Step>
  auto take_turn(std::size_t index, Step&& step) {
    {
      std::unique_lock lock(mutex_);
      turned_.wait(lock, [&] { return failure_ || next_ == index; });
      if (failure_) std::rethrow_exception(failure_);
    }
    try {
      auto result = std::forward<Step>(step)();
      {
        const std::lock_guard lock(mutex_);
        ++next_;
      }
      turned_.notify_all();
      return result;
    } catch (...) {
      fail(std::current_exception());
      throw;
    }
  }

  /// Records a failure of work before its turn: every later take_turn rethrows it.
  void fail(std::exception_ptr failure) {
    {
      const std::lock_guard lock(mutex_);
      if (!failure_) failure_ = std::move(failure);
    }
    turned_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable turned_;
  std::size_t next_ = 0;
  std::exception_ptr failure_;
};

}  // namespace tessera
