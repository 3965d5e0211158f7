// TW-GEMM on NVIDIA tensor cores (Guo et al., SC'20, §4; built with TESSERA_WITH_CUDA=ON): fp16 A
// and W, fp32 accumulation and C. A is given K-major (column-major), so that each kept K-row is a
// contiguous run of A's rows. A thread block computes a 128 × 128 block of C for one tile: its
// loader gathers the tile's kept K-rows of A straight into shared memory with 16-byte asynchronous
// copies (the paper's masked loader, no gather pass), the tile's dense K_t × G block streams beside
// it through the same three-stage pipeline, warps multiply them with WMMA 16×16×16 fragments, and
// results go to C through the tile's column map.
// This header needs no CUDA headers and the kernel nothing but the CUDA runtime, so that
// bench/gpu/tilewise.sh builds it with nvcc alone on a machine without the project's other
// dependencies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tessera::tilewise::cuda {

/// Output columns per thread block; every tile's block is padded with zero columns to a multiple.
inline constexpr int kBlockColumns = 128;

/// A tile-wise matrix laid out for the kernel, on the host: per tile its kept rows, its output
/// columns and its K_t × width block of weights (width = columns rounded up to kBlockColumns).
struct HostTiles {
  int k = 0;
  int n = 0;
  std::vector<int> row_offsets{0};     // tile t keeps rows[row_offsets[t] .. row_offsets[t + 1])
  std::vector<int> rows;               // increasing within a tile
  std::vector<int> column_offsets{0};  // tile t's output columns, likewise; each column in at
                                       // most one tile
  std::vector<int> columns;
  std::vector<long long> block_offsets{0};  // tile t's block starts at blocks[block_offsets[t]]
  std::vector<float> blocks;                // row-major, converted to fp16 on upload

  int tile_count() const { return static_cast<int>(row_offsets.size()) - 1; }

  /// Appends a tile keeping `kept_rows` of `tile_columns`, its weights read from `weights`
  /// (k × n, row-major).
  void add_tile(const std::vector<int>& kept_rows, const std::vector<int>& tile_columns,
                const float* weights) {
    const std::size_t width =
        (tile_columns.size() + kBlockColumns - 1) / kBlockColumns * kBlockColumns;
    for (int r : kept_rows) {
      for (std::size_t j = 0; j < width; ++j) {
        blocks.push_back(j < tile_columns.size()
                             ? weights[static_cast<std::size_t>(r) * static_cast<std::size_t>(n) +
                                       static_cast<std::size_t>(tile_columns[j])]
                             : 0.0f);
      }
    }
    rows.insert(rows.end(), kept_rows.begin(), kept_rows.end());
    row_offsets.push_back(static_cast<int>(rows.size()));
    columns.insert(columns.end(), tile_columns.begin(), tile_columns.end());
    column_offsets.push_back(static_cast<int>(columns.size()));
    block_offsets.push_back(static_cast<long long>(blocks.size()));
  }
};

/// The tiles in device memory, owned, and the kernel that multiplies by them. Errors of the CUDA
/// runtime throw std::runtime_error with its message.
class DeviceTiles {
 public:
  /// Uploads `host`, converting its weights to fp16 (round to nearest).
  explicit DeviceTiles(const HostTiles& host);
  ~DeviceTiles();
  DeviceTiles(const DeviceTiles&) = delete;
  DeviceTiles& operator=(const DeviceTiles&) = delete;

  int k() const { return k_; }
  int n() const { return n_; }

  /// C (m × n, fp32, row-major, device memory) = A · W, with A given as `a_t`: A^T, k × m fp16
  /// bits row-major (A column-major), in device memory; columns in no tile are 0. Asynchronous on
  /// `stream` (a cudaStream_t; null: the default). Fastest with m a multiple of 8.
  void multiply(const std::uint16_t* a_t, int m, float* c, void* stream = nullptr) const;

 private:
  int k_ = 0;
  int n_ = 0;
  int work_items_ = 0;                // (tile, block of kBlockColumns of its columns) pairs
  bool covers_every_column_ = false;  // else C is cleared first: columns in no tile are 0
  void* row_offsets_ = nullptr;
  void* rows_ = nullptr;
  void* column_offsets_ = nullptr;
  void* columns_ = nullptr;
  void* block_offsets_ = nullptr;
  void* blocks_ = nullptr;
  void* work_ = nullptr;
};

}  // namespace tessera::tilewise::cuda
