// File kinds by name and content, and parsing and encoding by kind (sparse_files.hpp).
#include "tessera/sparse/sparse_files.hpp"

#include <cstring>

#include "tessera/sparse/scipy_npz.hpp"
#include "tessera/sparse/tsp_format.hpp"

namespace tessera::sparse {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool starts_with(std::span<const std::byte> bytes, std::string_view prefix) {
  return bytes.size() >= prefix.size() && std::memcmp(bytes.data(), prefix.data(), prefix.size()) == 0;
}

}  // namespace

std::string_view to_string(SparseFileKind kind) {
  switch (kind) {
    case SparseFileKind::kMatrixMarket: return "mtx";
    case SparseFileKind::kNpz: return "npz";
    case SparseFileKind::kTsp: return "tsp";
  }
  return "?";
}

std::optional<SparseFileKind> kind_of_name(std::string_view name) {
  if (ends_with(name, ".mtx")) return SparseFileKind::kMatrixMarket;
  if (ends_with(name, ".npz")) return SparseFileKind::kNpz;
  if (ends_with(name, ".tsp")) return SparseFileKind::kTsp;
  return std::nullopt;
}

std::optional<SparseFileKind> kind_of_content(std::span<const std::byte> head) {
  if (is_tsp(head)) return SparseFileKind::kTsp;
  if (starts_with(head, "PK\x03\x04") || starts_with(head, "PK\x05\x06")) return SparseFileKind::kNpz;
  if (starts_with(head, "%%MatrixMarket") || starts_with(head, "%%matrixmarket")) {
    return SparseFileKind::kMatrixMarket;
  }
  return std::nullopt;
}

SparseTensor parse_sparse(std::span<const std::byte> bytes, SparseFileKind kind,
                          std::string_view source, const MatrixMarketOptions& options) {
  switch (kind) {
    case SparseFileKind::kMatrixMarket:
      return parse_matrix_market(
          std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), source,
          options);
    case SparseFileKind::kNpz: return parse_npz(bytes, source);
    case SparseFileKind::kTsp: return decode_tsp(bytes, source);
  }
  throw Error(source, "unknown file kind");
}

std::vector<std::byte> encode_sparse(const SparseTensor& tensor, SparseFileKind kind) {
  switch (kind) {
    case SparseFileKind::kMatrixMarket: {
      const std::string text = format_matrix_market(tensor);
      const auto* b = reinterpret_cast<const std::byte*>(text.data());
      return {b, b + text.size()};
    }
    case SparseFileKind::kNpz: return encode_npz(tensor);
    case SparseFileKind::kTsp: return encode_tsp(tensor);
  }
  throw Error("output", "unknown file kind");
}

}  // namespace tessera::sparse
