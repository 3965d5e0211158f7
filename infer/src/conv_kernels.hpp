// The runtime's 2-D convolution kernels (registry "infer.conv"): each record prepares an executor
// for one Conv or FusedConv node (packing its weights once), which then runs it on NCHW float
// buffers with the node's epilogue (bias, residual, activation) applied before the output leaves
// the cache. The plan times every record that takes a node and keeps the fastest.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "epilogue.hpp"
#include "tessera/core/kernel_registry.hpp"
#include "tessera/infer/graph.hpp"
#include "tessera/tune/measure.hpp"

namespace tessera::infer::detail {

/// A 2-D convolution's geometry, NCHW input and output, weights [K, C/groups, R, S].
struct ConvShape {
  std::int64_t n = 0, c = 0, h = 0, w = 0;  // input
  std::int64_t k = 0, r = 0, s = 0;         // output channels, kernel height and width
  std::int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  std::int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  std::int64_t groups = 1;
  std::int64_t oh = 0, ow = 0;  // output height and width
  Activation activation;
  bool residual = false;  // an input z of the output's shape is added before the activation

  /// oh and ow from the input size, the kernel, the strides, the dilations and the pads.
  void set_output_size() {
    oh = (h + pad_top + pad_bottom - ((r - 1) * dilation_h + 1)) / stride_h + 1;
    ow = (w + pad_left + pad_right - ((s - 1) * dilation_w + 1)) / stride_w + 1;
  }
  std::int64_t input_size() const { return n * c * h * w; }
  std::int64_t output_size() const { return n * k * oh * ow; }
  bool depthwise() const { return groups == c && groups == k; }
};

/// The shape of 2-D Conv or FusedConv `node` on an input of `input_shape` and weights of
/// `weight_shape`, its auto_pad resolved; nullopt where the node is not a 2-D convolution
/// (another rank) or is malformed (the reference kernel then reports it).
std::optional<ConvShape> conv_shape_of(const Node& node, std::span<const std::int64_t> input_shape,
                                       std::span<const std::int64_t> weight_shape);

/// A layout of an executor's own (oneDNN's blocked ones), other than NCHW: tensors in layouts of
/// equal keys pass from one executor to the next without reorders.
struct OwnLayout {
  std::string key;
  std::size_t bytes = 0;
  std::string name;  // for people: "nChw16c"
};

/// A prepared convolution: y = activation(conv(x) + bias + z), with z only if shape.residual.
/// x, z and y are NCHW unless use_own_layouts said otherwise.
class ConvExecutor {
 public:
  virtual ~ConvExecutor() = default;
  virtual void run(const float* x, const float* z, float* y) = 0;
  /// The layouts the executor computes in, where they are not NCHW.
  virtual std::optional<OwnLayout> own_input_layout() const { return std::nullopt; }
  virtual std::optional<OwnLayout> own_output_layout() const { return std::nullopt; }
  /// From now on x comes in own_input_layout() (when `x`), z in own_output_layout() (when `z`)
  /// and y leaves in own_output_layout() (when `y`); only layouts the executor has.
  virtual void use_own_layouts(bool x, bool z, bool y) {
    static_cast<void>(x), static_cast<void>(z), static_cast<void>(y);
  }
  /// The schedule of a loop-nest kernel (GemmSchedule::key(), ConvSchedule::key()), for saved
  /// plans; else empty.
  virtual std::string schedule() const { return {}; }
  /// The library's implementation (oneDNN's, as "brgconv:avx512_core"): two records whose
  /// executors have the same one in the same layouts built the same primitive. Empty for the
  /// project's own kernels.
  virtual std::string implementation() const { return {}; }
};

/// Median seconds of `executor` for `shape` in its own layouts (input, residual and output), on
/// zeroed buffers of those layouts (NCHW for an input it takes as such); for executors with an
/// output layout of their own.
double own_layout_seconds(ConvExecutor& executor, const ConvShape& shape,
                          const tune::TimingOptions& timing);

class GemmKernelSource;
class ConvKernelSource;

/// What a record of "infer.conv" is asked for: prepare an executor into *result.
struct ConvPrepare {
  const ConvShape* shape = nullptr;
  const float* weight = nullptr;  // [K, C/groups, R, S]
  const float* bias = nullptr;    // [K], or nullptr
  std::unique_ptr<ConvExecutor>* result = nullptr;
  /// Where the generated GEMM record gets its kernel; nullptr: the default built-in schedule.
  GemmKernelSource* gemm = nullptr;
  /// Where the blocked records get a tuned kernel; nullptr: the built-in ones only.
  ConvKernelSource* blocked = nullptr;
  /// The schedule a loop-nest record must use (a saved plan's), or nullptr.
  const std::string* schedule = nullptr;
};

/// The patches of one image's channels of one group, `in` pointing at its first channel, as
/// im2col columns [C/groups * R * S, OH * OW].
void im2col(const ConvShape& shape, const float* in, float* columns);

/// A record of "infer.conv" that prepares the executor `make` builds, for the shapes `takes`
/// accepts (null: every 2-D convolution).
using MakeConvExecutor =
    std::function<std::unique_ptr<ConvExecutor>(const ConvShape&, const float*, const float*)>;
Kernel<ConvPrepare> conv_kernel(std::string name, KernelBackend backend, std::string description,
                                std::function<bool(const ConvShape&)> takes, MakeConvExecutor make);

/// The records: "im2col-openblas" (any convolution), "depthwise" (one filter per channel),
/// "generated-gemm" (ungrouped convolutions: im2col, then a generated or built-in GEMM kernel),
/// "onednn-nchw" and "onednn-blocked" (built with oneDNN; the blocked one reorders its input
/// and output around the primitive, and that time counts).
const KernelRegistry<ConvPrepare>& conv_kernels();

}  // namespace tessera::infer::detail
