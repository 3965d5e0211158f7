// Training and evaluation loops over a stream of samples: batches taken in order from a source
// (the synthetic stream, or a slice of a Criteo file), the next batch made on another thread
// while the current one trains (a two-stage pipelined loader).
#pragma once

#include <cstdint>
#include <functional>

#include "tessera/dlrm/batch.hpp"
#include "tessera/dlrm/model.hpp"

namespace tessera::dlrm {

/// Samples [first, first + count) of a stream, as one batch.
using SampleSource = std::function<Batch(std::int64_t first, std::int64_t count)>;

struct TrainOptions {
  std::int64_t batch_size = 2048;
  std::int64_t first = 0;    // the first sample of the source to train on
  std::int64_t samples = 0;  // samples to train on, in batches of batch_size (the last one shorter)
  /// Called after each step with the step's number (from 1) and its mean loss; training stops
  /// after a step for which it returns false. May be empty.
  std::function<bool(std::int64_t step, double loss)> on_step;
};

struct TrainResult {
  std::int64_t steps = 0;
  std::int64_t samples = 0;
  double mean_loss = 0;     // over all steps, weighted by their samples
  double step_seconds = 0;  // in train_step, the loader's time outside it
  double total_seconds = 0;
};

/// Trains `model` on source samples [first, first + samples), or fewer if on_step stops it.
TrainResult train(Dlrm& model, const SampleSource& source, const TrainOptions& options);

struct Evaluation {
  double auc = 0;
  double log_loss = 0;
  std::int64_t samples = 0;
};

/// The model's ROC AUC and log loss on source samples [first, first + count), predicted in
/// batches of batch_size.
Evaluation evaluate(Dlrm& model, const SampleSource& source, std::int64_t first, std::int64_t count,
                    std::int64_t batch_size);

}  // namespace tessera::dlrm
