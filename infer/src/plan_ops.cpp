// The plan's own kernels for the nodes around the convolutions (plan_ops.hpp). Each checks what
// it takes at compile time and captures raw pointers to the plan's buffers, which never move.
#include "plan_ops.hpp"

#include <cblas.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "epilogue.hpp"
#include "pass_graph_queries.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::infer::detail {
namespace {

bool all_float(const Node& node, const ValueStore& values) {
  for (const auto* names : {&node.inputs, &node.outputs}) {
    for (const std::string& name : *names) {
      if (!name.empty() && values.at(name).type != DataType::kFloat32) return false;
    }
  }
  return true;
}

const float* in(const ValueStore& values, const Node& node, std::size_t i) {
  return values.at(node.inputs[i]).data<float>().data();
}
float* out(ValueStore& values, const Node& node) {
  return values.at(node.outputs[0]).data<float>().data();
}

std::optional<StepKernel> activation_step(const Node& node, const Graph& graph,
                                          ValueStore& values) {
  Activation a;
  if (node.op_type == "Relu") {
    a.kind = Activation::Kind::kRelu;
  } else if (node.op_type == "LeakyRelu") {
    a.kind = Activation::Kind::kLeakyRelu;
    a.alpha = node.attribute<float>("alpha", 0.01f);
  } else {
    const auto bounds = clip_bounds(graph, node);
    if (!bounds) return std::nullopt;
    a.kind = Activation::Kind::kClip;
    a.lo = bounds->first, a.hi = bounds->second;
  }
  const float* x = in(values, node, 0);
  float* y = out(values, node);
  const std::size_t n = values.at(node.outputs[0]).size();
  return StepKernel{"own-eltwise", [=] {
                      for (std::size_t i = 0; i < n; ++i) y[i] = a(x[i]);
                    }};
}

std::optional<StepKernel> add_step(const Node& node, ValueStore& values) {
  const Tensor &a = values.at(node.inputs[0]), &b = values.at(node.inputs[1]);
  const Tensor& y = values.at(node.outputs[0]);
  if (a.shape != y.shape || b.shape != y.shape) return std::nullopt;
  const float *pa = in(values, node, 0), *pb = in(values, node, 1);
  float* py = out(values, node);
  const std::size_t n = y.size();
  return StepKernel{"own-add", [=] {
                      for (std::size_t i = 0; i < n; ++i) py[i] = pa[i] + pb[i];
                    }};
}

std::optional<StepKernel> max_pool_step(const Node& node, ValueStore& values) {
  const Tensor &x = values.at(node.inputs[0]), &y = values.at(node.outputs[0]);
  if (x.rank() != 4 || node.attribute<std::string>("auto_pad", "NOTSET") != "NOTSET" ||
      (node.outputs.size() > 1 && !node.outputs[1].empty()))
    return std::nullopt;
  const auto kernel = node.attribute<std::vector<std::int64_t>>("kernel_shape", {});
  const auto strides = node.attribute<std::vector<std::int64_t>>("strides", {1, 1});
  const auto dilations = node.attribute<std::vector<std::int64_t>>("dilations", {1, 1});
  const auto pads = node.attribute<std::vector<std::int64_t>>("pads", {0, 0, 0, 0});
  if (kernel.size() != 2 || strides.size() != 2 || dilations.size() != 2 || pads.size() != 4)
    return std::nullopt;
  const std::int64_t h = x.shape[2], w = x.shape[3], oh = y.shape[2], ow = y.shape[3];
  const std::int64_t planes = x.shape[0] * x.shape[1];
  const float* px = in(values, node, 0);
  float* py = out(values, node);
  // Per output row: the maximum over the window's rows inside the image, column by column
  // (contiguous, vectorised), then over the window's columns inside the image.
  return StepKernel{
      "own-maxpool", [=] {
        parallel_for(static_cast<std::size_t>(planes), 8, [&](std::size_t, Range r) {
          std::vector<float> rows(static_cast<std::size_t>(w));
          for (std::size_t p = r.begin; p < r.end; ++p) {
            const float* plane = px + static_cast<std::int64_t>(p) * h * w;
            float* dst = py + static_cast<std::int64_t>(p) * oh * ow;
            for (std::int64_t oy = 0; oy < oh; ++oy) {
              std::fill(rows.begin(), rows.end(), -std::numeric_limits<float>::infinity());
              for (std::int64_t i = 0; i < kernel[0]; ++i) {
                const std::int64_t iy = oy * strides[0] - pads[0] + i * dilations[0];
                if (iy < 0 || iy >= h) continue;
                const float* src = plane + iy * w;
                for (std::int64_t ix = 0; ix < w; ++ix) rows[ix] = std::max(rows[ix], src[ix]);
              }
              for (std::int64_t ox = 0; ox < ow; ++ox) {
                float m = -std::numeric_limits<float>::infinity();
                for (std::int64_t j = 0; j < kernel[1]; ++j) {
                  const std::int64_t ix = ox * strides[1] - pads[1] + j * dilations[1];
                  if (ix >= 0 && ix < w) m = std::max(m, rows[ix]);
                }
                dst[oy * ow + ox] = m;
              }
            }
          }
        });
      }};
}

std::optional<StepKernel> global_average_pool_step(const Node& node, ValueStore& values) {
  const Tensor& x = values.at(node.inputs[0]);
  if (x.rank() < 3) return std::nullopt;
  const std::size_t planes = static_cast<std::size_t>(x.shape[0] * x.shape[1]);
  const std::size_t size = x.size() / planes;
  const float* px = in(values, node, 0);
  float* py = out(values, node);
  return StepKernel{"own-global-average-pool", [=] {
                      for (std::size_t p = 0; p < planes; ++p) {
                        double sum = 0;
                        for (std::size_t i = 0; i < size; ++i) sum += px[p * size + i];
                        py[p] = static_cast<float>(sum / static_cast<double>(size));
                      }
                    }};
}

// Gemm (alpha, beta, transA, transB; C of one value, one per column, or one per element) and 2-D
// MatMul as OpenBLAS sgemm.
std::optional<StepKernel> gemm_step(const Node& node, ValueStore& values) {
  const std::optional<GemmNode> g = gemm_node(node, values);
  if (!g) return std::nullopt;
  const float *pa = in(values, node, 0), *pb = in(values, node, 1);
  float* py = out(values, node);
  const int lda = static_cast<int>(g->trans_a ? g->m : g->k);
  const int ldb = static_cast<int>(g->trans_b ? g->k : g->n);
  // Column blocks of the output on the plan's threads, OpenBLAS on each (see conv_kernels.cpp).
  const std::size_t block = gemm_column_block(static_cast<std::size_t>(g->n));
  return StepKernel{"openblas-sgemm", [=, g = *g] {
                      parallel_for(static_cast<std::size_t>(g.n), block, [&](std::size_t, Range r) {
                        const float* b_block =
                            g.trans_b ? pb + r.begin * static_cast<std::size_t>(ldb) : pb + r.begin;
                        cblas_sgemm(CblasRowMajor, g.trans_a ? CblasTrans : CblasNoTrans,
                                    g.trans_b ? CblasTrans : CblasNoTrans, static_cast<int>(g.m),
                                    static_cast<int>(r.end - r.begin), static_cast<int>(g.k),
                                    g.alpha, pa, lda, b_block, ldb, 0.0f, py + r.begin,
                                    static_cast<int>(g.n));
                      });
                      g.add_c(py);
                    }};
}

std::optional<StepKernel> concat_step(const Node& node, ValueStore& values) {
  const Tensor& y = values.at(node.outputs[0]);
  auto axis = node.attribute<std::int64_t>("axis", 0);
  if (axis < 0) axis += static_cast<std::int64_t>(y.rank());
  std::size_t outer = 1;
  for (std::int64_t d = 0; d < axis; ++d) outer *= static_cast<std::size_t>(y.shape[d]);
  std::vector<std::pair<const std::byte*, std::size_t>> parts;  // each input and its chunk bytes
  for (const std::string& name : node.inputs) {
    const Tensor& t = values.at(name);
    parts.emplace_back(t.bytes.data(), t.bytes.size() / outer);
  }
  std::byte* py = values.at(node.outputs[0]).bytes.data();
  return StepKernel{"own-concat", [=] {
                      std::byte* dst = py;
                      for (std::size_t o = 0; o < outer; ++o) {
                        for (const auto& [src, chunk] : parts) {
                          std::memcpy(dst, src + o * chunk, chunk);
                          dst += chunk;
                        }
                      }
                    }};
}

std::optional<StepKernel> copy_step(const Node& node, ValueStore& values) {
  const Tensor &x = values.at(node.inputs[0]), &y = values.at(node.outputs[0]);
  if (x.bytes.size() != y.bytes.size() || x.type != y.type) return std::nullopt;
  const std::byte* px = x.bytes.data();
  std::byte* py = values.at(node.outputs[0]).bytes.data();
  const std::size_t n = x.bytes.size();
  return StepKernel{"own-copy", [=] { std::memcpy(py, px, n); }};
}

}  // namespace

std::optional<GemmNode> gemm_node(const Node& node, const ValueStore& values) {
  GemmNode g;
  const bool matmul = node.op_type == "MatMul";
  const Tensor &a = values.at(node.inputs[0]), &b = values.at(node.inputs[1]);
  const Tensor& y = values.at(node.outputs[0]);
  if (a.rank() != 2 || b.rank() != 2 || y.rank() != 2) return std::nullopt;
  g.trans_a = !matmul && node.attribute<std::int64_t>("transA", 0) != 0;
  g.trans_b = !matmul && node.attribute<std::int64_t>("transB", 0) != 0;
  g.alpha = matmul ? 1.0f : node.attribute<float>("alpha", 1.0f);
  g.beta = matmul ? 0.0f : node.attribute<float>("beta", 1.0f);
  g.m = y.shape[0], g.n = y.shape[1], g.k = g.trans_a ? a.shape[0] : a.shape[1];
  if (!matmul && node.inputs.size() > 2 && !node.inputs[2].empty()) {
    const Tensor& ct = values.at(node.inputs[2]);
    g.c_size = ct.size();
    const bool row =
        g.c_size == static_cast<std::size_t>(g.n) && (ct.rank() == 1 || ct.shape[0] == 1);
    if (g.c_size != 1 && !row && ct.shape != y.shape) return std::nullopt;
    g.c = in(values, node, 2);
  }
  return g;
}

void GemmNode::add_c(float* y) const {
  if (c == nullptr) return;
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      const std::size_t at = c_size == 1 ? 0
                             : c_size == static_cast<std::size_t>(n)
                                 ? static_cast<std::size_t>(j)
                                 : static_cast<std::size_t>(i * n + j);
      y[i * n + j] += beta * c[at];
    }
  }
}

std::optional<StepKernel> own_kernel_step(const Node& node, const Graph& graph,
                                          ValueStore& values) {
  if (node.outputs.empty() || node.outputs[0].empty() || node.inputs.empty()) return std::nullopt;
  const std::string& op = node.op_type;
  if (op == "Flatten" || op == "Reshape" || op == "Squeeze" || op == "Unsqueeze" ||
      op == "Identity" ||
      (op == "Dropout" && (node.outputs.size() == 1 || node.outputs[1].empty())))
    return copy_step(node, values);
  if (op == "Concat" && all_float(node, values)) return concat_step(node, values);
  if (!all_float(node, values)) return std::nullopt;
  if (op == "Relu" || op == "LeakyRelu" || op == "Clip")
    return activation_step(node, graph, values);
  if (op == "Add" && node.inputs.size() == 2) return add_step(node, values);
  if (op == "MaxPool") return max_pool_step(node, values);
  if (op == "GlobalAveragePool") return global_average_pool_step(node, values);
  if (op == "Gemm" || op == "MatMul") return gemm_step(node, values);
  return std::nullopt;
}

}  // namespace tessera::infer::detail
