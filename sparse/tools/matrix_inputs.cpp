// Reading the matrices of a command (matrix_inputs.hpp).
#include "matrix_inputs.hpp"

#include <fmt/format.h>

#include <iostream>

#include "tessera/core/file_io.hpp"
#include "tessera/sparse/data_manifest.hpp"
#include "tessera/sparse/matrix_market.hpp"
#include "tessera/sparse/sparse_files.hpp"

namespace tessera::sparse {

std::vector<NamedMatrix> read_matrices(const std::vector<std::string>& paths, const std::string& command) {
  std::vector<NamedMatrix> out;
  for (const std::string& path : paths) {
    const auto kind = kind_of_name(path);
    out.push_back({path, kind == SparseFileKind::kMatrixMarket || !kind
                             ? read_matrix_market(path)
                             : parse_sparse(read_file(path), *kind, path)});
  }
  if (!paths.empty()) return out;
  for (const DataInput& in : data_manifest().set("real")) {
    if (!in.present) {
      std::cerr << fmt::format("skipped {}: {}\n", in.id, in.missing_reason);
      continue;
    }
    out.push_back({in.id, read_matrix_market(in.path)});
  }
  if (out.empty()) throw Error(command, "no matrix: give files with -i, or install the data");
  return out;
}

}  // namespace tessera::sparse
