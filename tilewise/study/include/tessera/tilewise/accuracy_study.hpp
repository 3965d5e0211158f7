// The accuracy study of the tile-wise patterns on real data (Guo et al., SC'20, §5): train a dense
// MLP on Fashion-MNIST, then for each pattern and sparsity prune its hidden layers gradually (one
// global threshold per step, fine-tuning between steps) and measure test accuracy; and run the
// pruned model with TW-GEMM against the dense one with oneDNN.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "tessera/learn/idx_dataset.hpp"
#include "tessera/learn/mlp.hpp"
#include "tessera/tilewise/pruning.hpp"
#include "tessera/tilewise/tw_gemm_bf16.hpp"
#include "tessera/tilewise/tw_matrix.hpp"

namespace tessera::tilewise {

struct StudyOptions {
  std::vector<std::size_t> sizes{784, 1024, 1024, 10};  // the MLP; hidden layers are pruned
  std::size_t dense_epochs = 8;
  std::size_t steps = 6;  // gradual: sparsity s·i/steps at step i, then fine-tuning
  std::size_t epochs_per_step = 1;
  float fine_tune_learning_rate = 0.01f;  // fine-tuning after each step
  // Rank by first-order Taylor scores (∂L/∂w · w)², summed over the batches of the latest epoch
  // (dense training's last, then each step's fine-tuning): comparable across layers, unlike
  // magnitudes, which a layer's fan-in scales (a global threshold on |w| strips the widest layer).
  bool taylor = true;
  // TW patterns: before each step, renumber each hidden layer's units by the importance of their
  // outgoing weights, so that tiles of consecutive units gather units of like importance (the
  // model computes the same function). Without it, TW-1D kills units in the next layer while
  // each tile still keeps their incoming weights.
  bool order_units = true;
  PruneOptions prune;  // pattern and sparsity are set per case
  learn::TrainOptions train;
};

struct StudyCase {
  PatternKind pattern = PatternKind::kTileWise1D;
  double sparsity = 0;                 // asked
  double achieved = 0;                 // of the pruned layers' weights
  std::vector<double> layer_sparsity;  // per hidden layer
  double accuracy = 0;                 // test accuracy
  // Hidden units whose outgoing weights are all pruned (next layer pruned too), and the share of
  // all kept weights that feed them: kept, yet without effect on the output.
  std::size_t cut_off_units = 0;
  double idle_weights = 0;
};

/// Throws a usage error naming the field at fault for options no study can run with: a layer of no
/// units, 0 steps, a learning rate that is not a positive number, or check_prune_options' errors.
/// train_dense calls it; commands call it for each case before any work.
void check_study_options(const StudyOptions& options);

/// Trains the dense model (the loss of each epoch reported through `progress`); with
/// options.taylor its last epoch accumulates Taylor scores. Usage errors name the field at fault
/// (StudyOptions::sizes with a layer of no units, StudyOptions::steps of 0).
learn::Mlp train_dense(const learn::ImageSet& train, const StudyOptions& options,
                       const std::function<void(const std::string&)>& progress);

/// A pruned model and the masks of its hidden layers (layer l's at index l).
struct PrunedModel {
  learn::Mlp model;
  std::vector<LayerMask> masks;
};

/// Prunes a copy of `dense` to (result.pattern, result.sparsity) gradually with fine-tuning, and
/// fills the case's achieved sparsity and test accuracy; the same usage errors as train_dense.
PrunedModel prune_gradually(const learn::Mlp& dense, const learn::ImageSet& train,
                            const learn::ImageSet& test, const StudyOptions& options,
                            StudyCase& result);

/// The hidden layers of a TW-1D, TW-2D or TEW pruned model, packed for TW-GEMM (TEW's restored
/// elements included).
std::vector<TwMatrix> pack_hidden_layers(const PrunedModel& pruned);

/// Logits of `count` inputs with the hidden layers run by TW-GEMM from `hidden` (one per hidden
/// layer) and the output layer by oneDNN: the pruned model's inference path.
void tw_forward(const learn::Mlp& model, std::span<const TwMatrix> hidden,
                std::span<const float> inputs, std::size_t count, std::span<float> logits);
/// The same in bf16: each hidden layer's input rounded to bf16 and multiplied by TW-GEMM in bf16
/// (weights in bf16, fp32 sums); biases, ReLU and the output layer in fp32. tessera::Error where
/// TW-GEMM in bf16 does not run (tw_gemm_bf16_runs_here).
void tw_forward(const learn::Mlp& model, std::span<const TwMatrixBf16> hidden,
                std::span<const float> inputs, std::size_t count, std::span<float> logits);

/// The share of `logits` (one row of scores per image of `data`) whose largest score is the label.
double accuracy_of(std::span<const float> logits, const learn::ImageSet& data);

}  // namespace tessera::tilewise
