// A packed TwMatrix laid out for the tensor-core kernel (tw_gemm_cuda.hpp); CUDA builds only.
#pragma once

#include "tessera/tilewise/tw_gemm_cuda.hpp"
#include "tessera/tilewise/tw_matrix.hpp"

namespace tessera::tilewise::cuda {

/// The tiles of `w` for DeviceTiles. Throws tessera::usage_error if `w` has restored elements
/// (TEW): the CUDA kernel has no element-wise pass.
HostTiles host_tiles(const TwMatrix& w);

}  // namespace tessera::tilewise::cuda
