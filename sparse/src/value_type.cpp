// Names and sizes of the value types (value_type.hpp).
#include "tessera/sparse/value_type.hpp"

#include <string>

#include "tessera/core/error.hpp"

namespace tessera::sparse {

std::string_view to_string(ValueType type) {
  switch (type) {
    case ValueType::kF32: return "f32";
    case ValueType::kF64: return "f64";
    case ValueType::kC128: return "c128";
    case ValueType::kPattern: return "pattern";
  }
  return "?";
}

ValueType parse_value_type(std::string_view text, std::string_view input) {
  for (ValueType t : {ValueType::kF32, ValueType::kF64, ValueType::kC128, ValueType::kPattern}) {
    if (text == to_string(t)) return t;
  }
  throw Error(input, "unknown value type '" + std::string(text) + "' (f32, f64, c128, pattern)");
}

std::size_t value_bytes(ValueType type, bool full_leaf) {
  switch (type) {
    case ValueType::kF32: return 4;
    case ValueType::kF64: return 8;
    case ValueType::kC128: return 16;
    case ValueType::kPattern: return full_leaf ? 1 : 0;
  }
  return 0;
}

}  // namespace tessera::sparse
