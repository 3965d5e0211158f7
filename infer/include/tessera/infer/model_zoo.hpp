// The benchmark models, generated: ResNet-18, MobileNetV2 and SqueezeNet 1.1 as torchvision
// defines them, in inference form (BatchNormalization nodes kept, for the passes to fold), with
// seeded random weights. Constants are named as torchvision's state_dict keys ("conv1.weight",
// "layer1.0.bn1.running_mean", "features.3.squeeze.weight", ...), so that the same weights load
// into torchvision's model for the PyTorch peer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/infer/graph.hpp"

namespace tessera::infer {

struct ZooOptions {
  std::int64_t batch = 1;
  std::int64_t image = 224;  // input height and width (3 channels)
  std::uint64_t seed = 1;
};

/// The model names make_zoo_model takes: "resnet18", "mobilenetv2", "squeezenet1.1".
std::vector<std::string> zoo_model_names();

/// The model `name` for `options`: input "input" of [batch, 3, image, image], output "output" of
/// [batch, 1000] (logits), opset 13. Weights: convolutions Kaiming-normal (fan-out, as torchvision
/// initialises ResNet and MobileNetV2), their biases (SqueezeNet's) and the classifier uniform,
/// batch-norm scale, shift, mean and variance drawn around 1, 0, 0 and 1 so that folding them
/// changes the weights. The same options give the same
/// bytes. tessera::Error naming `name` when it is not a zoo model (the message lists them), or
/// for a batch or image below 1 (SqueezeNet and ResNet need images of at least 32 pixels).
Graph make_zoo_model(std::string_view name, const ZooOptions& options = {});

}  // namespace tessera::infer
