// Samples written out for a peer to train on (bench/torchrec_peer.py, bench/torchrec_criteo.py):
// raw little-endian arrays, as numpy.fromfile reads them, and a JSON file describing them.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <span>

#include "tessera/dlrm/batch.hpp"

namespace tessera::dlrm {

/// The samples of `batches`, in order, in `folder` (made if missing): dense.f32 (samples, dense
/// features), ids.i64 (tables, samples, pooling: table by table, the ids of every batch in turn;
/// every bag holds `pooling` ids) and labels.f32 (samples).
void write_samples(const std::filesystem::path& folder, std::span<const Batch> batches);

/// `about`, indented, in the file `name` of `folder`.
void write_json(const std::filesystem::path& folder, const char* name, const nlohmann::json& about);

}  // namespace tessera::dlrm
