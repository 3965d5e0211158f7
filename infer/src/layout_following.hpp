// Steps that compute in the layout their inputs come in: pooling, and concatenation along the
// channels, on oneDNN. Through them, the blocked layouts of the convolutions on either side pass
// without the reorders to NCHW and back that the plan's own NCHW kernels would need.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conv_kernels.hpp"
#include "plan_ops.hpp"

namespace tessera::infer::detail {

class LayoutFollowingStep {
 public:
  virtual ~LayoutFollowingStep() = default;
  /// The kernel's name in the plan ("onednn-pooling").
  virtual std::string kernel() const = 0;
  /// Prepares the step for inputs in the format named `format` (OwnLayout::name), its output
  /// written in that format too; false where it cannot compute in that format.
  virtual bool prepare(const std::string& format) = 0;
  /// After prepare: the output written in the format named `format` instead ("nchw", or the one
  /// its readers compute in), through a reorder of its own; false for a name it does not know.
  virtual bool write_in(const std::string& format) = 0;
  /// After prepare: the layout input `i` must come in, and the one the output leaves in.
  virtual OwnLayout input_layout(std::size_t i) const = 0;
  virtual OwnLayout output_layout() const = 0;
  /// After prepare: the byte offsets at which the inputs lie inside the output, where each is one
  /// contiguous slice of it in the prepared format (a Concat of one image along channels in NCHW
  /// or whole channel blocks), so that inputs written there leave the step nothing to do; else
  /// nullopt.
  virtual std::optional<std::vector<std::size_t>> input_offsets() const { return std::nullopt; }
  /// Runs on inputs in the prepared format, y in output_layout().
  virtual void run(const std::vector<const float*>& x, float* y) = 0;
};

/// The step for `node`, whose values `values` holds at their final shapes: MaxPool, AveragePool
/// (without auto_pad; ceil_mode's extra padding only where the average excludes padding) and
/// GlobalAveragePool of 4-D float tensors, and Concat of 4-D float tensors along the channels;
/// nullptr for any other node.
std::unique_ptr<LayoutFollowingStep> layout_following_step(const Node& node,
                                                           const ValueStore& values);

}  // namespace tessera::infer::detail
