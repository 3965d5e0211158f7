// The three file formats a sparse tensor travels in, chosen by file name or by content: Matrix
// Market text (.mtx), SciPy's .npz (scipy.sparse.save_npz) and tessera's own .tsp.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/sparse/matrix_market.hpp"
#include "tessera/sparse/tensor.hpp"

namespace tessera::sparse {

enum class SparseFileKind : std::uint8_t { kMatrixMarket, kNpz, kTsp };

/// "mtx", "npz", "tsp".
std::string_view to_string(SparseFileKind kind);

/// The kind a file name's extension names (.mtx, .npz, .tsp), or none.
std::optional<SparseFileKind> kind_of_name(std::string_view name);

/// The kind the first bytes of a file show (TSPARSE, a ZIP header, %%MatrixMarket), or none.
std::optional<SparseFileKind> kind_of_content(std::span<const std::byte> head);

/// Reads the tensor in `bytes` of `kind`; errors name `source`.
SparseTensor parse_sparse(std::span<const std::byte> bytes, SparseFileKind kind,
                          std::string_view source, const MatrixMarketOptions& options = {});

/// The bytes of `tensor` as a file of `kind` (.npz takes csr, csc, coo and bcsr only).
std::vector<std::byte> encode_sparse(const SparseTensor& tensor, SparseFileKind kind);

}  // namespace tessera::sparse
