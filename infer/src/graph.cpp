// Node attribute access with errors that name the node, and graph lookups.
#include "tessera/infer/graph.hpp"

#include <fmt/format.h>

#include "tessera/core/error.hpp"

namespace tessera::infer {

std::string Node::describe() const { return fmt::format("node '{}' ({})", name, op_type); }

template <class T>
T Node::attribute(std::string_view key, T fallback) const {
  const auto it = attributes.find(key);
  if (it == attributes.end()) return fallback;
  if (const T* value = std::get_if<T>(&it->second)) return *value;
  throw Error(describe(), fmt::format("attribute '{}' is of another kind", key));
}

template <class T>
T Node::required_attribute(std::string_view key) const {
  if (!has_attribute(key)) throw Error(describe(), fmt::format("needs the attribute '{}'", key));
  return attribute<T>(key, T{});
}

template std::int64_t Node::attribute(std::string_view, std::int64_t) const;
template float Node::attribute(std::string_view, float) const;
template std::string Node::attribute(std::string_view, std::string) const;
template std::vector<std::int64_t> Node::attribute(std::string_view,
                                                   std::vector<std::int64_t>) const;
template std::vector<float> Node::attribute(std::string_view, std::vector<float>) const;
template Tensor Node::attribute(std::string_view, Tensor) const;
template std::int64_t Node::required_attribute(std::string_view) const;
template float Node::required_attribute(std::string_view) const;
template std::string Node::required_attribute(std::string_view) const;
template std::vector<std::int64_t> Node::required_attribute(std::string_view) const;
template std::vector<float> Node::required_attribute(std::string_view) const;
template Tensor Node::required_attribute(std::string_view) const;

std::optional<ValueInfo> Graph::input(std::string_view value) const {
  for (const ValueInfo& v : inputs) {
    if (v.name == value) return v;
  }
  return std::nullopt;
}

}  // namespace tessera::infer
