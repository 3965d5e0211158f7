// The weights of a model's Gemm and MatMul nodes as tilewise prunes them: W (K, N) of Y = X·W,
// whichever way the ONNX initializer stores it (Gemm's B is (N, K) under transB). Taken out to
// prune them (`tessera infer export-weights`, then `tessera tilewise prune`) and put back pruned
// (`tessera infer import-weights`), so that the plan finds their tile pattern.
#pragma once

#include <string>

#include "tessera/infer/graph.hpp"

namespace tessera::infer {

/// W (K, N) of initializer `name`: the B of every Gemm or MatMul that reads it, transposed where
/// that Gemm has transB. tessera::Error naming the initializer where there is none of that name,
/// it is not 2-D float32, no Gemm or MatMul reads it as B, or its readers disagree on transB.
Tensor gemm_weights(const Graph& graph, const std::string& name);

/// `graph` with initializer `name` replaced by `w` (K, N), stored the way it was (transposed
/// under transB); the same errors as gemm_weights, and one naming `source` where `w` is not a
/// float32 matrix of W's shape.
void set_gemm_weights(Graph& graph, const std::string& name, const Tensor& w,
                      const std::string& source);

}  // namespace tessera::infer
