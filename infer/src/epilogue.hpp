// The activation a FusedConv applies last (pass_epilogue_fusion.cpp): read from the node's
// attributes once, applied per element by the reference and by every Conv kernel.
#pragma once

#include <algorithm>
#include <string>

#include "tessera/core/error.hpp"
#include "tessera/infer/graph.hpp"

namespace tessera::infer::detail {

struct Activation {
  enum class Kind { kNone, kRelu, kClip, kLeakyRelu } kind = Kind::kNone;
  float alpha = 0;       // LeakyRelu's slope below zero
  float lo = 0, hi = 0;  // Clip's bounds

  /// The activation of FusedConv `node` ("activation": "", "Relu", "Clip", "LeakyRelu");
  /// tessera::Error naming the node for another name.
  static Activation of(const Node& node) {
    const std::string name = node.attribute<std::string>("activation", "");
    Activation a;
    if (name == "Relu") {
      a.kind = Kind::kRelu;
    } else if (name == "Clip") {
      a.kind = Kind::kClip;
      a.lo = node.required_attribute<float>("activation_min");
      a.hi = node.required_attribute<float>("activation_max");
    } else if (name == "LeakyRelu") {
      a.kind = Kind::kLeakyRelu;
      a.alpha = node.required_attribute<float>("activation_alpha");
    } else if (!name.empty()) {
      throw Error(node.describe(), "has activation '" + name + "' (Relu, Clip, LeakyRelu or none)");
    }
    return a;
  }

  float operator()(float x) const {
    switch (kind) {
      case Kind::kNone:
        return x;
      case Kind::kRelu:
        return std::max(x, 0.0f);
      case Kind::kClip:
        return std::min(std::max(x, lo), hi);
      case Kind::kLeakyRelu:
        return x < 0 ? alpha * x : x;
    }
    return x;
  }
};

}  // namespace tessera::infer::detail
