// Training and evaluation loops with the next batch made ahead on another thread (training.hpp).
#include "tessera/dlrm/training.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>

#include "collectives.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/threads.hpp"
#include "tessera/dlrm/metrics.hpp"

namespace tessera::dlrm {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Calls step(batch, samples) on source samples [first, first + count) in batches of batch_size
// (of `samples` samples over all ranks, of which `batch` holds this rank's part), each batch made
// (and its rows read ahead by the model's store) on another thread while the step before it
// runs, until a step returns false.
template <class Step>
void for_each_batch(const Dlrm& model, const SampleSource& source, std::int64_t first,
                    std::int64_t count, std::int64_t batch_size, Step&& step) {
  const Communicator& ranks = model.communicator();
  if (batch_size < 1) throw Error("batch_size", "must be at least 1");
  if (first < 0 || count < 0) throw Error("samples", "the range must not be negative");
  // The loader runs beside the step on one thread: OpenMP's threads of its own, started per
  // thread, would compete with the step's for the cores.
  const auto make = [&](std::int64_t at) {
    const auto [begin, end] =
        rank_samples(std::min(batch_size, count - at), ranks.rank(), ranks.size());
    return std::async(std::launch::async,
                      [&source, &model, from = first + at + begin, n = end - begin] {
                        const ThreadCountScope one(1);
                        Batch batch = source(from, n);
                        model.prefetch(batch);
                        return batch;
                      });
  };
  std::future<Batch> next;
  if (count > 0) next = make(0);
  for (std::int64_t at = 0; at < count; at += batch_size) {
    Batch batch = next.get();
    if (at + batch_size < count) next = make(at + batch_size);
    if (!step(batch, std::min(batch_size, count - at))) break;
  }
}

}  // namespace

TrainResult train(Dlrm& model, const SampleSource& source, const TrainOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  TrainResult result;
  double loss_sum = 0;
  for_each_batch(model, source, options.first, options.samples, options.batch_size,
                 [&](const Batch& batch, std::int64_t samples) {
                   const auto step_start = std::chrono::steady_clock::now();
                   const double loss = model.train_step(batch);
                   result.step_seconds += seconds_since(step_start);
                   ++result.steps;
                   result.samples += samples;
                   loss_sum += loss * static_cast<double>(samples);
                   return !options.on_step || options.on_step(result.steps, loss);
                 });
  result.mean_loss = result.samples > 0 ? loss_sum / static_cast<double>(result.samples) : 0.0;
  result.total_seconds = seconds_since(start);
  return result;
}

Evaluation evaluate(Dlrm& model, const SampleSource& source, std::int64_t first, std::int64_t count,
                    std::int64_t batch_size) {
  std::vector<float> logits, labels;
  for_each_batch(model, source, first, count, batch_size, [&](const Batch& batch, std::int64_t) {
    const std::vector<float> l = model.logits(batch);
    logits.insert(logits.end(), l.begin(), l.end());
    labels.insert(labels.end(), batch.labels.begin(), batch.labels.end());
    return true;
  });
  if (model.communicator().size() > 1) {  // every rank's, in rank order
    logits = detail::all_gather(model.communicator(), "evaluation", logits);
    labels = detail::all_gather(model.communicator(), "evaluation", labels);
  }
  if (logits.empty()) throw Error("evaluation", "no samples to evaluate on");
  std::vector<float> probabilities(logits.size());
  for (std::size_t i = 0; i < logits.size(); ++i)
    probabilities[i] = 1.0f / (1.0f + std::exp(-logits[i]));
  return {roc_auc(logits, labels), log_loss(probabilities, labels),
          static_cast<std::int64_t>(logits.size())};
}

}  // namespace tessera::dlrm
