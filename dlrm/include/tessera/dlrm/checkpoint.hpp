// Training checkpoints: a model's parameters and optimizer state, its config and the position in
// the data, in one checksummed file written atomically (replaced whole or not at all). A run
// resumed from a checkpoint ends with bitwise the weights of an uninterrupted run.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "tessera/dlrm/model.hpp"

namespace tessera::dlrm {

/// Where training stands: the epoch, the next sample of the epoch, steps taken in all.
struct TrainingPosition {
  std::int64_t epoch = 0;
  std::int64_t next_sample = 0;
  std::int64_t steps = 0;
};

/// Writes `model` (every array of for_each_array, and its config) and `position` to `path`.
/// File: "TSDLRMCK", version (u32), the config as JSON, the position, the named arrays of f32,
/// and the CRC32C of all that; little-endian. Collective over the model's ranks: every rank
/// calls it, rank 0 writes the whole model (so a run may resume on another number of ranks).
void save_checkpoint(const std::string& path, Dlrm& model, const TrainingPosition& position);

/// Restores the checkpoint at `path` into `model`, which must have the config it was saved with;
/// returns its position. tessera::Error naming the path for a file that is not a checkpoint, of
/// another version, corrupt (checksum), truncated, or of another model. Collective: every rank
/// reads the file and keeps its shards.
TrainingPosition load_checkpoint(const std::string& path, Dlrm& model);

/// A model made from the config saved at `path`, with the saved arrays; its position in
/// *position when not null. Errors as load_checkpoint.
std::unique_ptr<Dlrm> load_model(const std::string& path, TrainingPosition* position = nullptr);

}  // namespace tessera::dlrm
