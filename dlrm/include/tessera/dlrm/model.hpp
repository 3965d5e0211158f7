// DLRM (Naumov et al. 2019): a bottom MLP over the dense features, one embedding table per sparse
// feature (the table-batched operator), the dot interaction, a top MLP, sigmoid and binary
// cross-entropy. One training step is forward, loss, backward and the optimizer's update of every
// parameter; for a given seed and thread count the weights after it are bitwise reproducible.
// Over several ranks (distribution.hpp) each rank runs the step on its part of the batch: the
// embedding exchanges, then the MLPs' gradients summed over the ranks; every call that runs a
// step or reads the tables is then collective.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tessera/dlrm/batch.hpp"
#include "tessera/dlrm/distribution.hpp"
#include "tessera/dlrm/embedding.hpp"
#include "tessera/dlrm/optimizer.hpp"

namespace tessera::dlrm {

struct DlrmConfig {
  std::int64_t dense_features = 13;
  std::vector<std::int64_t> bottom_mlp{512, 256, 64};  // the last width is the embedding dim
  std::vector<std::int64_t> top_mlp{512, 256, 1};      // the last width is 1: the logit
  std::vector<std::int64_t> table_rows{100'000, 100'000, 100'000, 100'000};
  Pooling pooling = Pooling::kSum;
  OptimizerConfig optimizer;
  std::uint64_t seed = 1;
  /// The MLPs' sums over a batch as trees over chunks of samples, so that the weights do not
  /// depend on how the batch is split over ranks (distribution.hpp); else in one pass, faster.
  bool world_size_invariant = false;
};

/// Where the last training step's time went, in seconds.
struct StepTimes {
  double embedding_forward = 0;   // the ids and pooled exchanges and the lookups
  double embedding_backward = 0;  // the gradients' exchange and the fused updates
  double dense = 0;               // MLPs, interaction and loss, forward and backward
  double dense_reduction = 0;     // the MLPs' gradients summed over the ranks
  double total() const { return embedding_forward + embedding_backward + dense + dense_reduction; }
};

class Dlrm {
 public:
  /// tessera::Error naming the field of a config that does not make a model, or the plan that
  /// does not place its tables.
  explicit Dlrm(DlrmConfig config, Distribution distribution = {});
  ~Dlrm();
  Dlrm(const Dlrm&) = delete;
  Dlrm& operator=(const Dlrm&) = delete;

  const DlrmConfig& config() const { return config_; }
  /// The ranks the model is spread over (a LocalCommunicator for one process).
  Communicator& communicator() const { return *distribution_.communicator; }

  /// The click probability of each sample of `batch` (this rank's samples).
  std::vector<float> predict(const Batch& batch);
  /// The logit of each sample (its probability's log-odds, which rank samples without ties where
  /// probabilities round to 1).
  std::vector<float> logits(const Batch& batch);
  /// One optimizer step on `batch` (this rank's part of the step's samples); the mean log loss of
  /// the step's samples (on all ranks) before the step.
  double train_step(const Batch& batch);

  /// Asks a tiered store to read `next`'s cold rows ahead (see tiered_embedding.hpp); may run on
  /// another thread beside a step. Does nothing for tables in RAM or sharded over ranks.
  void prefetch(const Batch& next) const;
  /// The counts of this rank's tiered store, if its tables are tiered.
  std::optional<TierStats> store_stats() const;

  /// The parts of the last train_step's time.
  const StepTimes& step_times() const { return step_times_; }
  /// Number of the MLPs' weights and biases (what the dense reduction carries).
  std::size_t dense_parameter_count() const;

  /// Every parameter array in a fixed order (bottom MLP, top MLP, tables), with its name
  /// ("bottom.0.weight", "table.3"): what checksums and checkpoints read.
  void for_each_parameter(
      const std::function<void(const std::string&, std::span<const float>)>& visit) const;
  /// The parameters as for_each_parameter, each followed by its optimizer state where it has one
  /// ("bottom.0.weight.state", "table.3.state"): what a checkpoint saves (kRead) and restores
  /// (kWrite). Collective over ranks; see ArrayAccess.
  void for_each_array(const std::function<void(const std::string&, std::span<float>)>& visit,
                      ArrayAccess access);
  /// Number of arrays for_each_array visits.
  std::size_t array_count() const;
  /// SHA-256 of the parameters' bytes in for_each_parameter's order (64 hex digits); over
  /// several ranks, rank 0's is the model's.
  std::string parameters_sha256() const;

 private:
  struct Parts;
  /// The logits of `batch`, keeping what the backward needs.
  std::span<const float> forward(const Batch& batch);

  DlrmConfig config_;
  Distribution distribution_;
  std::unique_ptr<Parts> parts_;
  StepTimes step_times_;
};

}  // namespace tessera::dlrm
