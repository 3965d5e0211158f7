// Samples written out for a peer (sample_dump.hpp).
#include "sample_dump.hpp"

#include <string>
#include <vector>

#include "tessera/core/file_io.hpp"

namespace tessera::dlrm {
namespace {

// `values` as raw little-endian bytes in the file `name` of `folder`.
template <class T>
void write_raw(const std::filesystem::path& folder, const char* name,
               const std::vector<T>& values) {
  write_file(folder / name, std::as_bytes(std::span(values)));
}

}  // namespace

void write_samples(const std::filesystem::path& folder, std::span<const Batch> batches) {
  std::filesystem::create_directories(folder);
  std::vector<float> dense, labels;
  std::vector<std::int64_t> ids;
  for (const Batch& b : batches) {
    dense.insert(dense.end(), b.dense.begin(), b.dense.end());
    labels.insert(labels.end(), b.labels.begin(), b.labels.end());
  }
  const std::int64_t tables = batches.empty() ? 0 : batches[0].sparse.tables;
  for (std::int64_t t = 0; t < tables; ++t) {
    for (const Batch& b : batches) {
      const auto first = b.sparse.offsets[static_cast<std::size_t>(t * b.size)];
      const auto end = b.sparse.offsets[static_cast<std::size_t>((t + 1) * b.size)];
      ids.insert(ids.end(), b.sparse.ids.begin() + first, b.sparse.ids.begin() + end);
    }
  }
  write_raw(folder, "dense.f32", dense);
  write_raw(folder, "ids.i64", ids);
  write_raw(folder, "labels.f32", labels);
}

void write_json(const std::filesystem::path& folder, const char* name,
                const nlohmann::json& about) {
  const std::string text = about.dump(2) + "\n";
  write_file(folder / name, std::as_bytes(std::span(text)));
}

}  // namespace tessera::dlrm
