// The matrices a sparse command works through: files given on the command line (.mtx, .npz, .tsp),
// or else the real matrices of the data manifest, those missing reported on stderr and skipped.
#pragma once

#include <string>
#include <vector>

#include "tessera/sparse/tensor.hpp"

namespace tessera::sparse {

struct NamedMatrix {
  std::string name;  // the path, or the manifest's id
  SparseTensor matrix;
};

/// The matrices of `paths`, or of the manifest's set "real" when `paths` is empty; tessera::Error
/// naming `command` when there is none.
std::vector<NamedMatrix> read_matrices(const std::vector<std::string>& paths, const std::string& command);

}  // namespace tessera::sparse
