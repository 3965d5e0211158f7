// Typed NumPy .npy arrays for the SciPy .npz reader and writer (scipy_npz.hpp): the dtypes
// scipy.sparse stores (bool, integers, floats, complex, byte and unicode strings) in either byte
// order and either memory order, parsed into native-order, C-order bytes; written as version 1.0.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::sparse::detail {

/// Throws tessera::Error naming `source`, saying "member '<member>': <problem>".
[[noreturn]] void fail_member(std::string_view source, std::string_view member,
                              std::string_view problem);

/// NumPy's dtype kind characters, as in a descr such as '<f8'.
enum class NpyKind : char {
  kBool = 'b',
  kSigned = 'i',
  kUnsigned = 'u',
  kFloat = 'f',
  kComplex = 'c',
  kBytes = 'S',
  kUnicode = 'U',
};

struct NpyDtype {
  NpyKind kind = NpyKind::kBool;
  std::size_t item_size = 1;  // bytes per element (unicode: 4 per character)

  bool operator==(const NpyDtype&) const = default;
};

/// NumPy's name of `dtype` for messages: "bool", "int32", "uint8", "float64", "complex128",
/// "bytes3" (|S3), "str3" (<U3).
std::string dtype_name(NpyDtype dtype);

struct NpyArray {
  NpyDtype dtype;
  std::vector<std::uint64_t> shape;  // empty for a 0-d array (a scalar)
  std::vector<std::byte> data;       // count() elements in C order, native byte order

  /// The number of elements: the product of shape (1 for a scalar).
  std::uint64_t count() const;
};

/// Parses the .npy bytes of the .npz member `member` (versions 1.0 to 3.0, byte order '<', '>'
/// or '|', C or Fortran order, which is reordered to C). tessera::Error naming `source`, with the
/// member in its message, for a bad magic, version or header, a dtype of another kind (structured,
/// object, datetime), or data whose size does not match the shape.
NpyArray parse_npy_array(std::span<const std::byte> bytes, std::string_view source,
                         std::string_view member);

/// The .npy (version 1.0, C order, header padded to 64 bytes as NumPy does) bytes of an array of
/// `dtype` and `shape` whose elements are `data` (native byte order, which the descr records).
std::vector<std::byte> encode_npy_array(NpyDtype dtype, std::span<const std::uint64_t> shape,
                                        std::span<const std::byte> data);

/// An element of an integer or bool array as sign and magnitude (exact for every width).
struct NpyInteger {
  bool negative = false;
  std::uint64_t magnitude = 0;
};

/// Element `i` of `array`, which must be of kind bool, signed or unsigned.
NpyInteger integer_at(const NpyArray& array, std::uint64_t i);

/// The text of a one-element bytes or unicode array (NumPy drops trailing NULs; a character
/// beyond ASCII becomes '?'). tessera::Error naming `source` and `member` for another dtype or
/// element count.
std::string text_of(const NpyArray& array, std::string_view source, std::string_view member);

}  // namespace tessera::sparse::detail
