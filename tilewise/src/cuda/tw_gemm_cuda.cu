// The tensor-core TW-GEMM kernel and its host side (tw_gemm_cuda.hpp). Thread block: 128 rows of
// A × 128 columns of one tile, 8 warps of 32 × 64 (2 × 4 WMMA fragments of 16 × 16), K in steps of
// 64 kept rows through a three-stage shared-memory pipeline fed by cp.async. A arrives K-major, so
// each kept row of K is a contiguous run of A's rows: the masked loader gathers it with 16-byte
// copies, as it does the tile's block. On an H100, warps of 64 × 64, 64-row blocks and four stages
// of 32 rows measured no faster.
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
constexpr int kDepth = 64;  // kept K rows per pipeline stage
constexpr int kStages = 3;  // stages in flight: one computed, two loading
constexpr int kFragment = 16;
constexpr int kWarpRows = 32;  // each warp: kWarpRows × kWarpColumns of C
constexpr int kWarpColumns = 64;
constexpr int kWarpsAlongColumns = kColumns / kWarpColumns;
constexpr int kThreads = 32 * kRows / kWarpRows * kWarpsAlongColumns;
constexpr int kALd = kRows + 8;  // padded leading dimensions (multiples of 8 halves)
constexpr int kBLd = kColumns + 8;
constexpr int kStageHalves = kDepth * (kALd + kBLd);
constexpr int kSharedBytes = kStages * kStageHalves * static_cast<int>(sizeof(__half));
constexpr int kVector = 8;                                     // halves per 16-byte copy
constexpr int kACopies = kDepth * kRows / kVector / kThreads;  // per thread and stage
constexpr int kBCopies = kDepth * kColumns / kVector / kThreads;
static_assert(kACopies * kVector * kThreads == kDepth * kRows &&
              kBCopies * kVector * kThreads == kDepth * kColumns);
static_assert(kThreads / 32 * kFragment * kFragment * sizeof(float) <= kSharedBytes,
              "the epilogue's scratch reuses the pipeline's shared memory");

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

// Copies `valid` (≤ 8; none if ≤ 0) halves from `source` to shared `target` and zeros the rest of
// the eight. Vector copies (16-byte aligned source, valid 0 or 8) go asynchronously through
// cp.async and complete at the next wait; others are loaded and stored here.
__device__ void copy_eight(__half* target, const __half* source, int valid, bool vector) {
  if (vector) {
    const auto shared = static_cast<unsigned>(__cvta_generic_to_shared(target));
    const int bytes = valid >= kVector ? 16 : 0;  // 0: cp.async reads nothing and writes zeros
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(shared), "l"(source),
                 "r"(bytes));
    return;
  }
  uint4 out = make_uint4(0, 0, 0, 0);
  auto* halves = reinterpret_cast<__half*>(&out);
#pragma unroll
  for (int e = 0; e < kVector; ++e) {
    if (e < valid) halves[e] = source[e];
  }
  *reinterpret_cast<uint4*>(target) = out;
}

__device__ void commit_copies() { asm volatile("cp.async.commit_group;\n" ::); }

// Waits until at most `pending` committed groups of copies are still in flight.
template <int pending>
__device__ void wait_copies() {
  asm volatile("cp.async.wait_group %0;\n" ::"n"(pending));
}

// One thread block's share of the work: a block of kColumns of one tile's columns, and where they
// go in C when they are consecutive columns starting at a multiple of 8 (-1 otherwise; then each
// element goes through the tile's column map).
struct WorkItem {
  int tile;
  int block;
  int contiguous_first;
};

__global__ void __launch_bounds__(kThreads)
    tw_gemm_kernel(const __half* __restrict__ a_t, int m, bool a_vectors,
                   const int* __restrict__ row_offsets, const int* __restrict__ rows,
                   const int* __restrict__ column_offsets, const int* __restrict__ columns,
                   const long long* __restrict__ block_offsets, const __half* __restrict__ blocks,
                   const WorkItem* __restrict__ work, float* __restrict__ c, int n,
                   bool c_aligned) {
  using namespace nvcuda;
  // Per stage: A's gathered rows column-major ((row, step) at step·kALd + row), then the block.
  extern __shared__ __align__(128) __half stages[];

  const WorkItem item = work[blockIdx.x];
  const int tile = item.tile;
  const int column0 = item.block * kColumns;  // first column of this block in the tile
  const int row0 = blockIdx.y * kRows;
  const int kept = row_offsets[tile + 1] - row_offsets[tile];
  const int* kept_rows = rows + row_offsets[tile];
  const int tile_columns = column_offsets[tile + 1] - column_offsets[tile];
  const int* column_map = columns + column_offsets[tile];
  const long long width = (tile_columns + kColumns - 1) / kColumns * kColumns;
  const __half* block = blocks + block_offsets[tile];
  const int warp = threadIdx.x / 32;
  const int warp_row = warp / kWarpsAlongColumns * kWarpRows;
  const int warp_column = warp % kWarpsAlongColumns * kWarpColumns;
  constexpr int kFragmentRows = kWarpRows / kFragment;
  constexpr int kFragmentColumns = kWarpColumns / kFragment;

  // The masked loader. This thread's copies of A in a stage are those of steps (threadIdx.x +
  // q·kThreads) / (kRows / kVector), q < kACopies; their kept-row numbers are fetched a stage
  // ahead.
  const auto fetch_rows = [&](int k0, int(&kept_row)[kACopies]) {
#pragma unroll
    for (int q = 0; q < kACopies; ++q) {
      const int index = k0 + (threadIdx.x + q * kThreads) / (kRows / kVector);
      kept_row[q] = index < kept ? kept_rows[index] : -1;
    }
  };
  // Kept row k0 + step of K is A's run of rows row0 .. row0 + kRows, and row k0 + step of the
  // block.
  const auto load_stage = [&](int k0, const int(&kept_row)[kACopies], __half* stage) {
    __half* a_tile = stage;
    __half* b_tile = stage + kDepth * kALd;
    const int row = threadIdx.x % (kRows / kVector) * kVector;
#pragma unroll
    for (int q = 0; q < kACopies; ++q) {
      const int step = (threadIdx.x + q * kThreads) / (kRows / kVector);
      const bool live = kept_row[q] >= 0;
      copy_eight(a_tile + step * kALd + row,
                 a_t + (live ? static_cast<long long>(kept_row[q]) * m + row0 + row : 0),
                 live ? m - row0 - row : 0, a_vectors);
    }
    const int column = threadIdx.x % (kColumns / kVector) * kVector;
#pragma unroll
    for (int q = 0; q < kBCopies; ++q) {
      const int step = (threadIdx.x + q * kThreads) / (kColumns / kVector);
      const bool live = k0 + step < kept;
      copy_eight(b_tile + step * kBLd + column,
                 block + (live ? (k0 + step) * width + column0 + column : 0), live ? kVector : 0,
                 true);
    }
  };

  wmma::fragment<wmma::accumulator, kFragment, kFragment, kFragment, float> sums[kFragmentRows]
                                                                                [kFragmentColumns];
#pragma unroll
  for (auto& row : sums) {
#pragma unroll
    for (auto& s : row) wmma::fill_fragment(s, 0.0f);
  }
  const int steps = (kept + kDepth - 1) / kDepth;
  int kept_row[kACopies];
  fetch_rows(0, kept_row);
  for (int s = 0; s < kStages - 1; ++s) {
    if (s < steps) load_stage(s * kDepth, kept_row, stages + s * kStageHalves);
    commit_copies();
    fetch_rows((s + 1) * kDepth, kept_row);
  }
  for (int s = 0; s < steps; ++s) {
    wait_copies<kStages - 2>();  // stage s has landed (this thread's copies) ...
    __syncthreads();             // ... and everyone's; everyone is done with stage s - 1
    const __half* a_tile = stages + s % kStages * kStageHalves;
    const __half* b_tile = a_tile + kDepth * kALd;
#pragma unroll
    for (int step = 0; step < kDepth; step += kFragment) {
      wmma::fragment<wmma::matrix_a, kFragment, kFragment, kFragment, __half, wmma::col_major>
          a_part[kFragmentRows];
      wmma::fragment<wmma::matrix_b, kFragment, kFragment, kFragment, __half, wmma::row_major>
          b_part[kFragmentColumns];
#pragma unroll
      for (int i = 0; i < kFragmentRows; ++i) {
        wmma::load_matrix_sync(a_part[i], a_tile + step * kALd + warp_row + i * kFragment, kALd);
      }
#pragma unroll
      for (int j = 0; j < kFragmentColumns; ++j) {
        wmma::load_matrix_sync(b_part[j], b_tile + step * kBLd + warp_column + j * kFragment, kBLd);
      }
#pragma unroll
      for (int i = 0; i < kFragmentRows; ++i) {
#pragma unroll
        for (int j = 0; j < kFragmentColumns; ++j)
          wmma::mma_sync(sums[i][j], a_part[i], b_part[j], sums[i][j]);
      }
    }
    const int next = s + kStages - 1;  // into the buffer of stage s - 1
    if (next < steps) load_stage(next * kDepth, kept_row, stages + next % kStages * kStageHalves);
    commit_copies();
    fetch_rows((next + 1) * kDepth, kept_row);
  }
  wait_copies<0>();
  __syncthreads();  // the pipeline's memory becomes the epilogue's scratch

  // Each fragment straight to C where its columns are consecutive there, else through the warp's
  // scratch and the tile's column map.
  const int lane = threadIdx.x % 32;
  float* mine = reinterpret_cast<float*>(stages) + warp * kFragment * kFragment;
  const bool direct = item.contiguous_first >= 0 && c_aligned;
#pragma unroll
  for (int i = 0; i < kFragmentRows; ++i) {
#pragma unroll
    for (int j = 0; j < kFragmentColumns; ++j) {
      const int first_row = row0 + warp_row + i * kFragment;
      const int first_column = warp_column + j * kFragment;  // in this block
      if (direct && first_row + kFragment <= m &&
          column0 + first_column + kFragment <= tile_columns) {
        wmma::store_matrix_sync(
            c + static_cast<long long>(first_row) * n + item.contiguous_first + first_column,
            sums[i][j], n, wmma::mem_row_major);
        continue;
      }
      wmma::store_matrix_sync(mine, sums[i][j], kFragment, wmma::mem_row_major);
      __syncwarp();
      for (int e = lane; e < kFragment * kFragment; e += 32) {
        const int row = first_row + e / kFragment;
        const int column = column0 + first_column + e % kFragment;
        if (row < m && column < tile_columns) {
          c[static_cast<long long>(row) * n + column_map[column]] = mine[e];
        }
      }
      __syncwarp();
    }
  }
}

}  // namespace

DeviceTiles::DeviceTiles(const HostTiles& host)
    : k_(host.k),
      n_(host.n),
      covers_every_column_(static_cast<int>(host.columns.size()) == host.n) {
  std::vector<WorkItem> work;
  for (int t = 0; t < host.tile_count(); ++t) {
    const int* tile_columns = host.columns.data() + host.column_offsets[t];
    const int count = host.column_offsets[t + 1] - host.column_offsets[t];
    for (int b = 0; b * kColumns < count; ++b) {
      const int* first = tile_columns + b * kColumns;
      bool contiguous = *first % kVector == 0;
      for (int j = 1; contiguous && j < kColumns && b * kColumns + j < count; ++j) {
        contiguous = first[j] == *first + j;
      }
      work.push_back({t, b, contiguous ? *first : -1});
    }
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
  check(cudaFuncSetAttribute(tw_gemm_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                             kSharedBytes),
        "shared memory");
}

DeviceTiles::~DeviceTiles() {
  for (void* p : {row_offsets_, rows_, column_offsets_, columns_, block_offsets_, blocks_, work_}) {
    cudaFree(p);
  }
}

void DeviceTiles::multiply(const std::uint16_t* a_t, int m, float* c, void* stream) const {
  const auto s = static_cast<cudaStream_t>(stream);
  if (!covers_every_column_ || work_items_ == 0) {
    check(cudaMemsetAsync(c, 0, static_cast<std::size_t>(m) * n_ * sizeof(float), s), "clear C");
  }
  if (m == 0 || work_items_ == 0) return;
  const dim3 grid(work_items_, (m + kRows - 1) / kRows);
  // 16-byte copies of A's runs need every run to start 16-byte aligned; fragments stored straight
  // to C, every row of 16 columns 32-byte aligned.
  const bool a_vectors = m % kVector == 0 && reinterpret_cast<std::uintptr_t>(a_t) % 16 == 0;
  const bool c_aligned = n_ % kVector == 0 && reinterpret_cast<std::uintptr_t>(c) % 32 == 0;
  tw_gemm_kernel<<<grid, kThreads, kSharedBytes, s>>>(
      reinterpret_cast<const __half*>(a_t), m, a_vectors, static_cast<const int*>(row_offsets_),
      static_cast<const int*>(rows_), static_cast<const int*>(column_offsets_),
      static_cast<const int*>(columns_), static_cast<const long long*>(block_offsets_),
      static_cast<const __half*>(blocks_), static_cast<const WorkItem*>(work_), c, n_, c_aligned);
  check(cudaGetLastError(), "kernel launch");
}

}  // namespace tessera::tilewise::cuda
