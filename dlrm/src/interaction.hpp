// DLRM's dot interaction: for each sample, the bottom MLP's output z0 and the pooled embeddings
// z1..zF (all of width d) give [z0, zi·zj for i = 1..F, j = 0..i-1], the top MLP's input (as in
// the reference implementation, without self-interactions).
#pragma once

#include <cstdint>
#include <span>

namespace tessera::dlrm::detail {

/// Width of the interaction's output for `vectors` = F + 1 vectors of width d.
inline std::int64_t interaction_width(std::int64_t vectors, std::int64_t d) {
  return d + vectors * (vectors - 1) / 2;
}

/// out (rows, interaction_width) from bottom (rows, d) and pooled (rows, F * d).
void interact(std::span<const float> bottom, std::span<const float> pooled, std::int64_t rows,
              std::int64_t tables, std::int64_t d, std::span<float> out);

/// The gradients of bottom and pooled (same shapes as theirs) from the output's, d_out.
void interact_backward(std::span<const float> bottom, std::span<const float> pooled,
                       std::span<const float> d_out, std::int64_t rows, std::int64_t tables,
                       std::int64_t d, std::span<float> d_bottom, std::span<float> d_pooled);

}  // namespace tessera::dlrm::detail
