// Structural checks of a tensor that came from outside (a file, a Python array): every level's
// arrays have the sizes its parents imply, coordinates lie inside their extents, and a canonical
// tensor's entries are strictly ordered. Traversal and kernels assume a tensor that passed.
#pragma once

#include <string_view>

#include "tessera/sparse/tensor.hpp"

namespace tessera::sparse {

/// Throws tessera::Error naming `source` and the first inconsistency found.
void check_tensor(const SparseTensor& tensor, std::string_view source);

}  // namespace tessera::sparse
