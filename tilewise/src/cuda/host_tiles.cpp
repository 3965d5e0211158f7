// TwMatrix → the CUDA kernel's host layout: the same tiles, rows and columns, weights from the
// masked dense matrix.
#include <vector>

#include "tessera/core/error.hpp"
#include "tw_matrix_cuda.hpp"

namespace tessera::tilewise::cuda {

HostTiles host_tiles(const TwMatrix& w) {
  if (!w.restored().rows.empty()) {
    throw usage_error("CUDA TW-GEMM", "restored elements (TEW) are not supported on the GPU");
  }
  HostTiles host;
  host.k = static_cast<int>(w.k());
  host.n = static_cast<int>(w.n());
  const AlignedBuffer<float> dense = w.unpack();
  for (const Tile& tile : w.pattern().tiles) {
    host.add_tile(std::vector<int>(tile.rows.begin(), tile.rows.end()),
                  std::vector<int>(tile.columns.begin(), tile.columns.end()), dense.data());
  }
  return host;
}

}  // namespace tessera::tilewise::cuda
