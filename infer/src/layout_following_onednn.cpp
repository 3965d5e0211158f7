// The layout-following steps on oneDNN (layout_following.hpp): pooling and channel concatenation
// primitives made for the format their inputs come in, writing their output in that format, or
// into a buffer of that format and then, through a reorder, into the plan's NCHW buffer.
#include <algorithm>
#include <optional>
#include <unordered_map>

#include "layout_following.hpp"
#include "layout_onednn.hpp"
#include "tessera/core/buffer.hpp"

namespace tessera::infer::detail {
namespace {

using dnnl::memory;

memory::dims dims_of(const Tensor& t) { return memory::dims(t.shape.begin(), t.shape.end()); }

// What the two kinds share: the primitive made per format, its memories (handles set per run),
// and the reorder of its output into another format.
class OnednnFollowing : public LayoutFollowingStep {
 public:
  OnednnFollowing(std::vector<memory::dims> inputs, memory::dims output)
      : inputs_(std::move(inputs)), output_(std::move(output)), stream_(onednn_engine()) {}

  bool prepare(const std::string& format) override {
    if (format == format_) return write_in(format);  // made before; written in it again
    format_.clear();
    std::vector<memory::desc> srcs;
    for (const memory::dims& d : inputs_) {
      const std::optional<memory::desc> src = format_desc(d, format);
      if (!src) return false;
      srcs.push_back(*src);
    }
    const std::optional<memory::desc> dst = format_desc(output_, format);
    if (!dst) return false;
    try {
      primitive_ = make(srcs, *dst);
    } catch (const dnnl::error&) {
      return false;  // no implementation for this format
    }
    dnnl::engine& engine = onednn_engine();
    srcs_.clear();
    args_.clear();
    for (std::size_t i = 0; i < srcs.size(); ++i) {
      srcs_.emplace_back(srcs[i], engine, static_cast<void*>(DNNL_MEMORY_NONE));
      args_.emplace(source_argument(i), srcs_.back());
    }
    buffer_ = AlignedBuffer<std::byte>(dst->get_size());
    dst_ = memory(*dst, engine, DNNL_MEMORY_NONE);
    args_.emplace(DNNL_ARG_DST, dst_);
    format_ = format;
    return write_in(format);
  }

  bool write_in(const std::string& format) override {
    reorder_ = format != format_;
    if (!reorder_) {
      out_ = dst_;
      return true;
    }
    const std::optional<memory::desc> out = format_desc(output_, format);
    if (!out) return false;
    out_ = memory(*out, onednn_engine(), DNNL_MEMORY_NONE);
    to_out_ = dnnl::reorder(dst_, out_);
    return true;
  }

  OwnLayout input_layout(std::size_t i) const override {
    return own_layout_of(srcs_.at(i).get_desc());
  }
  OwnLayout output_layout() const override { return own_layout_of(out_.get_desc()); }

  void run(const std::vector<const float*>& x, float* y) override {
    for (std::size_t i = 0; i < srcs_.size(); ++i)
      srcs_[i].set_data_handle(const_cast<float*>(x[i]));
    dst_.set_data_handle(reorder_ ? buffer_.data() : static_cast<void*>(y));
    primitive_.execute(stream_, args_);
    if (reorder_) {
      out_.set_data_handle(y);
      to_out_.execute(stream_, dst_, out_);
    }
    stream_.wait();
  }

 protected:
  /// The primitive for sources and destination in these descriptors; dnnl::error where oneDNN
  /// has no implementation.
  virtual dnnl::primitive make(const std::vector<memory::desc>& srcs, const memory::desc& dst) = 0;
  virtual int source_argument(std::size_t i) const = 0;
  const std::string& prepared_format() const { return format_; }
  const std::vector<memory::dims>& input_dims() const { return inputs_; }
  const memory::dims& output_dims() const { return output_; }

 private:
  std::vector<memory::dims> inputs_;
  memory::dims output_;
  dnnl::stream stream_;
  std::string format_;  // the one prepared, "" before
  dnnl::primitive primitive_;
  std::vector<memory> srcs_;
  memory dst_, out_;  // the primitive's output, and what run() writes (the same, or a reorder's)
  std::unordered_map<int, memory> args_;
  AlignedBuffer<std::byte> buffer_;
  dnnl::reorder to_out_;
  bool reorder_ = false;
};

// A 2-D pooling window: oneDNN's algorithm, kernel, strides, dilations (0 for none) and pads.
struct PoolWindow {
  dnnl::algorithm algorithm = dnnl::algorithm::pooling_max;
  memory::dims kernel, strides, dilation{0, 0}, pad_l{0, 0}, pad_r{0, 0};
};

// The window of MaxPool, AveragePool or GlobalAveragePool `node` from input x to output y (both
// 4-D); nullopt where oneDNN's pooling cannot express it.
std::optional<PoolWindow> pool_window(const Node& node, const Tensor& x, const Tensor& y) {
  PoolWindow p;
  if (node.op_type == "GlobalAveragePool") {
    p.algorithm = dnnl::algorithm::pooling_avg_include_padding;
    p.kernel = {x.shape[2], x.shape[3]};
    p.strides = {1, 1};
    return p;
  }
  if (node.attribute<std::string>("auto_pad", "NOTSET") != "NOTSET") return std::nullopt;
  const bool average = node.op_type == "AveragePool";
  const bool include_pad = average && node.attribute<std::int64_t>("count_include_pad", 0) != 0;
  p.algorithm = !average      ? dnnl::algorithm::pooling_max
                : include_pad ? dnnl::algorithm::pooling_avg_include_padding
                              : dnnl::algorithm::pooling_avg_exclude_padding;
  p.kernel = node.attribute<std::vector<std::int64_t>>("kernel_shape", {});
  p.strides = node.attribute<std::vector<std::int64_t>>("strides", {1, 1});
  const auto dilations = node.attribute<std::vector<std::int64_t>>("dilations", {1, 1});
  const auto pads = node.attribute<std::vector<std::int64_t>>("pads", {0, 0, 0, 0});
  if (p.kernel.size() != 2 || p.strides.size() != 2 || dilations.size() != 2 || pads.size() != 4)
    return std::nullopt;
  for (std::size_t d = 0; d < 2; ++d) {
    p.dilation[d] = dilations[d] - 1;
    p.pad_l[d] = pads[d];
    // ceil_mode's last window reaches past the declared pad: as far as the output needs.
    const std::int64_t span = (p.kernel[d] - 1) * dilations[d] + 1;
    const std::int64_t needed =
        (y.shape[2 + d] - 1) * p.strides[d] + span - x.shape[2 + d] - pads[d];
    p.pad_r[d] = std::max(pads[2 + d], needed);
    // Counting padding in the average must not count the padding ceil_mode adds.
    if (include_pad && p.pad_r[d] != pads[2 + d]) return std::nullopt;
  }
  return p;
}

class OnednnPooling final : public OnednnFollowing {
 public:
  OnednnPooling(const Tensor& x, const Tensor& y, PoolWindow window)
      : OnednnFollowing({dims_of(x)}, dims_of(y)), window_(std::move(window)) {}
  std::string kernel() const override { return "onednn-pooling"; }

 protected:
  dnnl::primitive make(const std::vector<memory::desc>& srcs, const memory::desc& dst) override {
    const dnnl::pooling_v2_forward::desc desc(dnnl::prop_kind::forward_inference, window_.algorithm,
                                              srcs[0], dst, window_.strides, window_.kernel,
                                              window_.dilation, window_.pad_l, window_.pad_r);
    return dnnl::pooling_v2_forward(
        dnnl::pooling_v2_forward::primitive_desc(desc, onednn_engine()));
  }
  int source_argument(std::size_t) const override { return DNNL_ARG_SRC; }

 private:
  PoolWindow window_;
};

class OnednnConcat final : public OnednnFollowing {
 public:
  using OnednnFollowing::OnednnFollowing;
  std::string kernel() const override { return "onednn-concat"; }

  std::optional<std::vector<std::size_t>> input_offsets() const override {
    // One image; channels outermost (NCHW), or in blocks of X outermost (nChwXc) with every
    // input a whole number of blocks.
    const std::string& format = prepared_format();
    std::int64_t block = 0;
    if (format == "nchw") block = 1;
    if (format.size() > 5 && format.rfind("nChw", 0) == 0 && format.back() == 'c')
      block = std::stoll(format.substr(4, format.size() - 5));
    if (block < 1 || output_dims()[0] != 1) return std::nullopt;
    std::vector<std::size_t> offsets;
    std::size_t at = 0;
    for (std::size_t i = 0; i < input_dims().size(); ++i) {
      const memory::dims& d = input_dims()[i];
      const auto bytes = static_cast<std::size_t>(d[1] * d[2] * d[3]) * sizeof(float);
      if (d[1] % block != 0 || input_layout(i).bytes != bytes) return std::nullopt;
      offsets.push_back(at);
      at += bytes;
    }
    return offsets;
  }

 protected:
  dnnl::primitive make(const std::vector<memory::desc>& srcs, const memory::desc& dst) override {
    return dnnl::concat(dnnl::concat::primitive_desc(dst, 1, srcs, onednn_engine()));
  }
  int source_argument(std::size_t i) const override {
    return DNNL_ARG_MULTIPLE_SRC + static_cast<int>(i);
  }
};

}  // namespace

std::unique_ptr<LayoutFollowingStep> layout_following_step(const Node& node,
                                                           const ValueStore& values) {
  if (node.inputs.empty() || node.outputs.empty() || node.outputs[0].empty()) return nullptr;
  const auto float_4d = [&](const std::string& name) {
    const auto v = values.find(name);
    return v != values.end() && v->second.type == DataType::kFloat32 && v->second.rank() == 4;
  };
  if (!float_4d(node.outputs[0])) return nullptr;
  const Tensor& y = values.at(node.outputs[0]);
  const std::string& op = node.op_type;
  if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool") {
    if (node.inputs.size() != 1 || !float_4d(node.inputs[0]) ||
        (node.outputs.size() > 1 && !node.outputs[1].empty()))
      return nullptr;
    const Tensor& x = values.at(node.inputs[0]);
    std::optional<PoolWindow> window = pool_window(node, x, y);
    if (!window) return nullptr;
    return std::make_unique<OnednnPooling>(x, y, std::move(*window));
  }
  if (op == "Concat") {
    auto axis = node.attribute<std::int64_t>("axis", 0);
    if (axis != 1 && axis != -3) return nullptr;
    std::vector<memory::dims> inputs;
    for (const std::string& name : node.inputs) {
      if (!float_4d(name)) return nullptr;
      inputs.push_back(dims_of(values.at(name)));
    }
    return std::make_unique<OnednnConcat>(std::move(inputs), dims_of(y));
  }
  return nullptr;
}

}  // namespace tessera::infer::detail
