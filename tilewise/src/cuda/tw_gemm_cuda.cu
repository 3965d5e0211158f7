// The tensor-core TW-GEMM kernel and its host side (tw_gemm_cuda.hpp). Thread block: 128 rows of
// A × 128 columns of one tile, 8 warps of 32 × 64 (2 × 4 WMMA fragments of 16 × 16), K in steps of
// 32 kept rows through shared memory. A arrives K-major, so each kept row of K is a contiguous run
// of A's rows: the masked loader gathers it with 16-byte loads, as it does the tile's block.
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <mma.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "tessera/tilewise/tw_gemm_cuda.hpp"

namespace tessera::tilewise::cuda {

namespace {

constexpr int kRows = 128;  // rows of A (and C) per thread block
constexpr int kColumns = kBlockColumns;
constexpr int kDepth = 32;       // kept K rows per shared-memory step
constexpr int kThreads = 256;    // 8 warps: 4 along M × 2 along N
constexpr int kALd = kRows + 8;  // padded leading dimensions (multiples of 8 halves)
constexpr int kBLd = kColumns + 8;
constexpr int kVector = 8;  // halves per 16-byte load
constexpr int kFragment = 16;

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) {
    throw std::runtime_error(std::string("TW-GEMM (CUDA): ") + what + ": " +
                             cudaGetErrorString(status));
  }
}

template <class T>
void* upload(const std::vector<T>& host, const char* what) {
  void* device = nullptr;
  const std::size_t bytes = host.size() * sizeof(T);
  check(cudaMalloc(&device, bytes == 0 ? 1 : bytes), what);
  if (bytes > 0) check(cudaMemcpy(device, host.data(), bytes, cudaMemcpyHostToDevice), what);
  return device;
}

__global__ void to_half(const float* in, __half* out, long long count) {
  for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < count;
       i += static_cast<long long>(gridDim.x) * blockDim.x) {
    out[i] = __float2half_rn(in[i]);
  }
}

// Eight halves from `source` (16-byte aligned when `vector`), those at or past `limit` zero.
__device__ uint4 load_eight(const __half* source, int limit, bool vector) {
  if (vector && limit >= kVector) return *reinterpret_cast<const uint4*>(source);
  uint4 out = make_uint4(0, 0, 0, 0);
  auto* halves = reinterpret_cast<__half*>(&out);
  for (int e = 0; e < kVector && e < limit; ++e) halves[e] = source[e];
  return out;
}

__global__ void __launch_bounds__(kThreads)
    tw_gemm_kernel(const __half* __restrict__ a_t, int m, bool a_vectors,
                   const int* __restrict__ row_offsets, const int* __restrict__ rows,
                   const int* __restrict__ column_offsets, const int* __restrict__ columns,
                   const long long* __restrict__ block_offsets, const __half* __restrict__ blocks,
                   const int2* __restrict__ work, float* __restrict__ c, int n) {
  using namespace nvcuda;
  __shared__ __align__(32) __half a_tile[kDepth * kALd];  // column-major: (row, step) at step·kALd
  __shared__ __align__(32) __half b_tile[kDepth * kBLd];
  __shared__ __align__(32) float scratch[kThreads / 32][kFragment * kFragment];

  const int tile = work[blockIdx.x].x;
  const int column0 = work[blockIdx.x].y * kColumns;  // first column of this block in the tile
  const int row0 = blockIdx.y * kRows;
  const int kept = row_offsets[tile + 1] - row_offsets[tile];
  const int* kept_rows = rows + row_offsets[tile];
  const int tile_columns = column_offsets[tile + 1] - column_offsets[tile];
  const int* column_map = columns + column_offsets[tile];
  const long long width = (tile_columns + kColumns - 1) / kColumns * kColumns;
  const __half* block = blocks + block_offsets[tile];
  const int warp = threadIdx.x / 32;
  const int warp_row = warp / 2 * 32;
  const int warp_column = warp % 2 * 64;

  wmma::fragment<wmma::accumulator, kFragment, kFragment, kFragment, float> sums[2][4];
  for (auto& row : sums) {
    for (auto& s : row) wmma::fill_fragment(s, 0.0f);
  }
  for (int k0 = 0; k0 < kept; k0 += kDepth) {
    // The masked loader: kept row k0 + step of K is A's run of rows row0 .. row0 + kRows.
    for (int i = threadIdx.x; i < kDepth * kRows / kVector; i += kThreads) {
      const int step = i / (kRows / kVector), row = i % (kRows / kVector) * kVector;
      const int index = k0 + step;
      const uint4 v =
          index < kept ? load_eight(a_t + static_cast<long long>(kept_rows[index]) * m + row0 + row,
                                    m - row0 - row, a_vectors)
                       : make_uint4(0, 0, 0, 0);
      *reinterpret_cast<uint4*>(a_tile + step * kALd + row) = v;
    }
    for (int i = threadIdx.x; i < kDepth * kColumns / kVector; i += kThreads) {
      const int step = i / (kColumns / kVector), column = i % (kColumns / kVector) * kVector;
      const uint4 v =
          k0 + step < kept
              ? *reinterpret_cast<const uint4*>(block + (k0 + step) * width + column0 + column)
              : make_uint4(0, 0, 0, 0);
      *reinterpret_cast<uint4*>(b_tile + step * kBLd + column) = v;
    }
    __syncthreads();
    for (int step = 0; step < kDepth; step += kFragment) {
      wmma::fragment<wmma::matrix_a, kFragment, kFragment, kFragment, __half, wmma::col_major>
          a_part[2];
      wmma::fragment<wmma::matrix_b, kFragment, kFragment, kFragment, __half, wmma::row_major>
          b_part[4];
      for (int i = 0; i < 2; ++i) {
        wmma::load_matrix_sync(a_part[i], a_tile + step * kALd + warp_row + i * kFragment, kALd);
      }
      for (int j = 0; j < 4; ++j) {
        wmma::load_matrix_sync(b_part[j], b_tile + step * kBLd + warp_column + j * kFragment, kBLd);
      }
      for (int i = 0; i < 2; ++i) {
        for (int j = 0; j < 4; ++j) wmma::mma_sync(sums[i][j], a_part[i], b_part[j], sums[i][j]);
      }
    }
    __syncthreads();
  }
  // Each fragment through the warp's scratch to C, through the tile's column map.
  const int lane = threadIdx.x % 32;
  float* mine = scratch[warp];
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 4; ++j) {
      wmma::store_matrix_sync(mine, sums[i][j], kFragment, wmma::mem_row_major);
      __syncwarp();
      for (int e = lane; e < kFragment * kFragment; e += 32) {
        const int row = row0 + warp_row + i * kFragment + e / kFragment;
        const int column = column0 + warp_column + j * kFragment + e % kFragment;
        if (row < m && column < tile_columns) {
          c[static_cast<long long>(row) * n + column_map[column]] = mine[e];
        }
      }
      __syncwarp();
    }
  }
}

}  // namespace

DeviceTiles::DeviceTiles(const HostTiles& host) : k_(host.k), n_(host.n) {
  std::vector<int2> work;
  for (int t = 0; t < host.tile_count(); ++t) {
    const int tile_columns = host.column_offsets[t + 1] - host.column_offsets[t];
    for (int b = 0; b * kColumns < tile_columns; ++b) work.push_back(make_int2(t, b));
  }
  work_items_ = static_cast<int>(work.size());
  row_offsets_ = upload(host.row_offsets, "row offsets");
  rows_ = upload(host.rows, "rows");
  column_offsets_ = upload(host.column_offsets, "column offsets");
  columns_ = upload(host.columns, "columns");
  block_offsets_ = upload(host.block_offsets, "block offsets");
  work_ = upload(work, "work list");
  void* floats = upload(host.blocks, "blocks");
  const auto count = static_cast<long long>(host.blocks.size());
  check(cudaMalloc(&blocks_, count == 0 ? 1 : count * sizeof(__half)), "blocks");
  if (count > 0) {
    to_half<<<256, 256>>>(static_cast<const float*>(floats), static_cast<__half*>(blocks_), count);
    check(cudaGetLastError(), "fp16 conversion");
  }
  check(cudaDeviceSynchronize(), "fp16 conversion");
  check(cudaFree(floats), "blocks");
}

DeviceTiles::~DeviceTiles() {
  for (void* p : {row_offsets_, rows_, column_offsets_, columns_, block_offsets_, blocks_, work_}) {
    cudaFree(p);
  }
}

void DeviceTiles::multiply(const std::uint16_t* a_t, int m, float* c, void* stream) const {
  const auto s = static_cast<cudaStream_t>(stream);
  check(cudaMemsetAsync(c, 0, static_cast<std::size_t>(m) * n_ * sizeof(float), s), "clear C");
  if (m == 0 || work_items_ == 0) return;
  const dim3 grid(work_items_, (m + kRows - 1) / kRows);
  // 16-byte loads of A's runs need every run to start 16-byte aligned.
  const bool a_vectors = m % kVector == 0 && reinterpret_cast<std::uintptr_t>(a_t) % 16 == 0;
  tw_gemm_kernel<<<grid, kThreads, 0, s>>>(
      reinterpret_cast<const __half*>(a_t), m, a_vectors, static_cast<const int*>(row_offsets_),
      static_cast<const int*>(rows_), static_cast<const int*>(column_offsets_),
      static_cast<const int*>(columns_), static_cast<const long long*>(block_offsets_),
      static_cast<const __half*>(blocks_), static_cast<const int2*>(work_), c, n_);
  check(cudaGetLastError(), "kernel launch");
}

}  // namespace tessera::tilewise::cuda
