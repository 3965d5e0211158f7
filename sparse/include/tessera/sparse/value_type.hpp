// The value types a sparse tensor holds: f32, f64, complex f64 (Matrix Market's complex field) and
// pattern (coordinates only). Integer Matrix Market files are held as f64.
#pragma once

#include <complex>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tessera::sparse {

enum class ValueType : std::uint8_t { kF32, kF64, kC128, kPattern };

/// "f32", "f64", "c128", "pattern".
std::string_view to_string(ValueType type);
/// The value type named by to_string; tessera::Error naming `input` for any other text.
ValueType parse_value_type(std::string_view text, std::string_view input);

/// Bytes per stored value. A pattern tensor stores no values, except in a format whose last
/// level is full (dense, block): there one byte per position says whether an entry is there.
std::size_t value_bytes(ValueType type, bool full_leaf);

using Complex = std::complex<double>;

}  // namespace tessera::sparse
