// The generated benchmark models (model_zoo.hpp): a small graph builder that names weights as
// torchvision's state_dict does and draws them from one counter-based stream per tensor, and the
// three architectures written with it, layer by layer as torchvision's models define them.
#include "tessera/infer/model_zoo.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <utility>

#include "tessera/core/error.hpp"
#include "tessera/core/rng.hpp"

namespace tessera::infer {
namespace {

class ModelBuilder {
 public:
  ModelBuilder(std::string name, const ZooOptions& o) : seed_(o.seed) {
    graph_.name = std::move(name);
    graph_.opset = 13;
    graph_.inputs.push_back({"input", DataType::kFloat32, {o.batch, 3, o.image, o.image}});
    graph_.outputs.push_back({"output", DataType::kFloat32, {o.batch, 1000}});
  }

  /// Conv `prefix` (weight "<prefix>.weight", bias "<prefix>.bias" when `bias`): k x k, weights
  /// Kaiming-normal with fan-out, biases uniform in +-0.05.
  std::string conv(const std::string& prefix, const std::string& x, std::int64_t in,
                   std::int64_t out, std::int64_t k, std::int64_t stride, std::int64_t pad,
                   std::int64_t groups = 1, bool bias = false) {
    const double fan_out = static_cast<double>(out * k * k / groups);
    std::vector<std::string> inputs = {
        x, normal(prefix + ".weight", {out, in / groups, k, k}, std::sqrt(2.0 / fan_out))};
    if (bias) inputs.push_back(constant(prefix + ".bias", {out}, -0.05, 0.05));
    return add_node("Conv", prefix, std::move(inputs),
                    {{"kernel_shape", std::vector<std::int64_t>{k, k}},
                     {"strides", std::vector<std::int64_t>{stride, stride}},
                     {"pads", std::vector<std::int64_t>{pad, pad, pad, pad}},
                     {"group", groups}});
  }

  std::string batch_norm(const std::string& prefix, const std::string& x, std::int64_t channels) {
    return add_node("BatchNormalization", prefix,
                    {x, constant(prefix + ".weight", {channels}, 0.5, 1.5),
                     constant(prefix + ".bias", {channels}, -0.1, 0.1),
                     constant(prefix + ".running_mean", {channels}, -0.1, 0.1),
                     constant(prefix + ".running_var", {channels}, 0.5, 1.5)},
                    {{"epsilon", 1e-5f}});
  }

  std::string relu(const std::string& x) { return add_node("Relu", "", {x}); }
  /// ReLU6: Clip to [0, 6].
  std::string relu6(const std::string& x) {
    if (!graph_.constants.count("relu6.min")) {
      graph_.constants["relu6.min"] = make_float({}, {0.0f});
      graph_.constants["relu6.max"] = make_float({}, {6.0f});
    }
    return add_node("Clip", "", {x, "relu6.min", "relu6.max"});
  }
  std::string add(const std::string& a, const std::string& b) {
    return add_node("Add", "", {a, b});
  }
  std::string max_pool(const std::string& x, std::int64_t k, std::int64_t stride, std::int64_t pad,
                       bool ceil_mode) {
    return add_node("MaxPool", "", {x},
                    {{"kernel_shape", std::vector<std::int64_t>{k, k}},
                     {"strides", std::vector<std::int64_t>{stride, stride}},
                     {"pads", std::vector<std::int64_t>{pad, pad, pad, pad}},
                     {"ceil_mode", std::int64_t{ceil_mode}}});
  }
  std::string concat(std::vector<std::string> xs) {
    return add_node("Concat", "", std::move(xs), {{"axis", std::int64_t{1}}});
  }
  /// GlobalAveragePool and Flatten: [N, C, H, W] to [N, C].
  std::string pool_and_flatten(const std::string& x) {
    return add_node("Flatten", "", {add_node("GlobalAveragePool", "", {x})},
                    {{"axis", std::int64_t{1}}});
  }
  /// torchvision's Linear as Gemm with B transposed, weight and bias uniform in +-1/sqrt(in)
  /// (torchvision's default); its output is the graph's.
  void linear(const std::string& prefix, const std::string& x, std::int64_t in, std::int64_t out) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(in));
    add_node("Gemm", prefix,
             {x, constant(prefix + ".weight", {out, in}, -bound, bound),
              constant(prefix + ".bias", {out}, -bound, bound)},
             {{"transB", std::int64_t{1}}});
    graph_.nodes.back().outputs = {"output"};
  }
  /// pool_and_flatten as the graph's output.
  void pool_and_flatten_output(const std::string& x) {
    pool_and_flatten(x);
    graph_.nodes.back().outputs = {"output"};
  }

  Graph finish() { return std::move(graph_); }

 private:
  // A node named `name` (or "<op>#<index>"), whose one output takes the node's name.
  std::string add_node(const std::string& op, const std::string& name,
                       std::vector<std::string> inputs,
                       std::map<std::string, Attribute, std::less<>> attributes = {}) {
    Node node;
    node.op_type = op;
    node.name = name.empty() ? fmt::format("{}#{}", op, graph_.nodes.size()) : name;
    node.inputs = std::move(inputs);
    node.outputs = {node.name + ".out"};
    node.attributes = std::move(attributes);
    graph_.nodes.push_back(std::move(node));
    return graph_.nodes.back().outputs[0];
  }

  // Each weight tensor draws from its own stream: one more tensor leaves the others' bytes alone.
  CounterRng next_stream() { return CounterRng(seed_, stream_++); }

  std::string normal(const std::string& name, std::vector<std::int64_t> shape, double stddev) {
    Tensor t(DataType::kFloat32, std::move(shape));
    const CounterRng rng = next_stream();
    std::span<float> v = t.data<float>();
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(rng.normal(i, 0, stddev));
    graph_.constants[name] = std::move(t);
    return name;
  }

  std::string constant(const std::string& name, std::vector<std::int64_t> shape, double lo,
                       double hi) {
    Tensor t(DataType::kFloat32, std::move(shape));
    const CounterRng rng = next_stream();
    std::span<float> v = t.data<float>();
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(rng.uniform(i, lo, hi));
    graph_.constants[name] = std::move(t);
    return name;
  }

  Graph graph_;
  std::uint64_t seed_;
  std::uint64_t stream_ = 0;
};

// torchvision.models.resnet18: BasicBlocks [2, 2, 2, 2] of 64, 128, 256 and 512 channels.
Graph resnet18(const ZooOptions& o) {
  ModelBuilder b("resnet18", o);
  std::string x = b.conv("conv1", "input", 3, 64, 7, 2, 3);
  x = b.max_pool(b.relu(b.batch_norm("bn1", x, 64)), 3, 2, 1, false);
  std::int64_t in = 64;
  for (int layer = 1; layer <= 4; ++layer) {
    const std::int64_t out = std::int64_t{64} << (layer - 1);
    for (int block = 0; block < 2; ++block) {
      const std::string p = fmt::format("layer{}.{}", layer, block);
      const std::int64_t stride = layer > 1 && block == 0 ? 2 : 1;
      std::string y =
          b.relu(b.batch_norm(p + ".bn1", b.conv(p + ".conv1", x, in, out, 3, stride, 1), out));
      y = b.batch_norm(p + ".bn2", b.conv(p + ".conv2", y, out, out, 3, 1, 1), out);
      std::string shortcut = x;
      if (stride != 1 || in != out) {
        shortcut = b.batch_norm(p + ".downsample.1",
                                b.conv(p + ".downsample.0", x, in, out, 1, stride, 0), out);
      }
      x = b.relu(b.add(y, shortcut));
      in = out;
    }
  }
  b.linear("fc", b.pool_and_flatten(x), 512, 1000);
  return b.finish();
}

// torchvision.models.mobilenet_v2 (width 1.0): inverted residual blocks (expansion t, channels
// c, repeats n, first stride s).
Graph mobilenetv2(const ZooOptions& o) {
  ModelBuilder b("mobilenetv2", o);
  const auto conv_bn = [&](const std::string& p, const std::string& x, std::int64_t in,
                           std::int64_t out, std::int64_t k, std::int64_t stride,
                           std::int64_t groups) {
    return b.relu6(
        b.batch_norm(p + ".1", b.conv(p + ".0", x, in, out, k, stride, k / 2, groups), out));
  };
  std::string x = conv_bn("features.0", "input", 3, 32, 3, 2, 1);
  constexpr std::int64_t kSettings[][4] = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2},
                                           {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2},
                                           {6, 320, 1, 1}};
  std::int64_t in = 32;
  int feature = 1;
  for (const auto& [t, c, n, s] : kSettings) {
    for (std::int64_t i = 0; i < n; ++i, ++feature) {
      const std::string p = fmt::format("features.{}.conv", feature);
      const std::int64_t stride = i == 0 ? s : 1, hidden = in * t;
      std::string y = x;
      int part = 0;
      if (t != 1) y = conv_bn(fmt::format("{}.{}", p, part++), y, in, hidden, 1, 1, 1);
      y = conv_bn(fmt::format("{}.{}", p, part++), y, hidden, hidden, 3, stride, hidden);
      y = b.conv(fmt::format("{}.{}", p, part), y, hidden, c, 1, 1, 0);
      y = b.batch_norm(fmt::format("{}.{}", p, part + 1), y, c);
      x = stride == 1 && in == c ? b.add(x, y) : y;
      in = c;
    }
  }
  x = conv_bn(fmt::format("features.{}", feature), x, in, 1280, 1, 1, 1);
  b.linear("classifier.1", b.pool_and_flatten(x), 1280, 1000);
  return b.finish();
}

// torchvision.models.squeezenet1_1: Fire modules (squeeze, then 1x1 and 3x3 expands
// concatenated), the classifier a 1x1 convolution to 1000 channels, ReLU and the mean over the
// image.
Graph squeezenet11(const ZooOptions& o) {
  ModelBuilder b("squeezenet1.1", o);
  const auto fire = [&](int index, const std::string& x, std::int64_t in, std::int64_t squeeze,
                        std::int64_t expand) {
    const std::string p = fmt::format("features.{}", index);
    const std::string s = b.relu(b.conv(p + ".squeeze", x, in, squeeze, 1, 1, 0, 1, true));
    return b.concat({b.relu(b.conv(p + ".expand1x1", s, squeeze, expand, 1, 1, 0, 1, true)),
                     b.relu(b.conv(p + ".expand3x3", s, squeeze, expand, 3, 1, 1, 1, true))});
  };
  std::string x = b.relu(b.conv("features.0", "input", 3, 64, 3, 2, 0, 1, true));
  x = b.max_pool(x, 3, 2, 0, true);
  x = fire(4, fire(3, x, 64, 16, 64), 128, 16, 64);
  x = b.max_pool(x, 3, 2, 0, true);
  x = fire(7, fire(6, x, 128, 32, 128), 256, 32, 128);
  x = b.max_pool(x, 3, 2, 0, true);
  x = fire(10, fire(9, x, 256, 48, 192), 384, 48, 192);
  x = fire(12, fire(11, x, 384, 64, 256), 512, 64, 256);
  x = b.relu(b.conv("classifier.1", x, 512, 1000, 1, 1, 0, 1, true));
  b.pool_and_flatten_output(x);
  return b.finish();
}

}  // namespace

std::vector<std::string> zoo_model_names() { return {"resnet18", "mobilenetv2", "squeezenet1.1"}; }

Graph make_zoo_model(std::string_view name, const ZooOptions& options) {
  if (options.batch < 1) throw Error(name, "needs a batch of at least 1");
  if (options.image < 32) throw Error(name, "needs images of at least 32 x 32 pixels");
  if (name == "resnet18") return resnet18(options);
  if (name == "mobilenetv2") return mobilenetv2(options);
  if (name == "squeezenet1.1") return squeezenet11(options);
  throw Error(name, "is not a model of the zoo (resnet18, mobilenetv2, squeezenet1.1)");
}

}  // namespace tessera::infer
