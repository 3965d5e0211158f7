// Typed .npy parsing and encoding (npy_array.hpp): the magic, the version, the Python dict
// literal of the header ('descr', 'fortran_order', 'shape'), parsed token by token, and the data,
// swapped to native byte order and reordered to C order.
#include "npy_array.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

#include "tessera/core/bytes.hpp"
#include "tessera/core/error.hpp"

namespace tessera::sparse::detail {
namespace {

constexpr std::string_view kMagic = "\x93NUMPY";
constexpr std::size_t kAlignment = 64;  // NumPy pads the header so that data starts here
constexpr std::uint64_t kMaxCharacters = 1u << 20;  // the longest string dtype taken (<U1048576)
constexpr bool kNativeBig = std::endian::native == std::endian::big;

// The member an error is about.
struct Where {
  std::string_view source;
  std::string_view member;

  [[noreturn]] void fail(std::string_view problem) const { fail_member(source, member, problem); }
};

struct Header {
  std::string descr;
  bool fortran_order = false;
  std::vector<std::uint64_t> shape;
};

// The header's Python dict literal: {'descr': '<f8', 'fortran_order': False, 'shape': (3,), }.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const Where& where) : text_(text), where_(where) {}

  Header parse() {
    Header h;
    bool seen_descr = false, seen_order = false, seen_shape = false;
    const auto once = [&](bool& seen, std::string_view key) {
      if (seen) where_.fail(fmt::format(".npy header has '{}' twice", key));
      seen = true;
    };
    expect('{');
    while (!take('}')) {
      const std::string key = string_literal();
      expect(':');
      if (key == "descr") {
        once(seen_descr, key);
        skip_space();
        if (at_ < text_.size() && text_[at_] == '[') {
          where_.fail("structured dtypes (a descr list) are not supported");
        }
        h.descr = string_literal();
      } else if (key == "fortran_order") {
        once(seen_order, key);
        h.fortran_order = boolean();
      } else if (key == "shape") {
        once(seen_shape, key);
        h.shape = tuple();
      } else {
        where_.fail(fmt::format(".npy header has an unknown key '{}'", key));
      }
      if (!take(',')) {
        expect('}');
        break;
      }
    }
    skip_space();
    if (at_ != text_.size()) where_.fail(".npy header has text after its dict");
    if (!seen_descr || !seen_order || !seen_shape) {
      where_.fail(".npy header lacks one of 'descr', 'fortran_order' and 'shape'");
    }
    return h;
  }

 private:
  void skip_space() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\n' || text_[at_] == '\t')) {
      ++at_;
    }
  }
  bool take(char c) {
    skip_space();
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!take(c)) {
      where_.fail(fmt::format(".npy header: expected '{}' at character {} of '{}'", c, at_, text_));
    }
  }
  std::string string_literal() {
    skip_space();
    const char quote = at_ < text_.size() ? text_[at_] : '\0';
    if (quote != '\'' && quote != '"') expect('\'');
    const std::size_t end = text_.find(quote, at_ + 1);
    if (end == std::string_view::npos) where_.fail(".npy header has an unterminated string");
    std::string s(text_.substr(at_ + 1, end - at_ - 1));
    at_ = end + 1;
    return s;
  }
  bool boolean() {
    skip_space();
    for (const auto& [word, value] : {std::pair{"True", true}, std::pair{"False", false}}) {
      if (text_.substr(at_).starts_with(word)) {
        at_ += std::string_view(word).size();
        return value;
      }
    }
    where_.fail(".npy header: fortran_order is neither True nor False");
  }
  std::vector<std::uint64_t> tuple() {
    expect('(');
    std::vector<std::uint64_t> items;
    while (!take(')')) {
      skip_space();
      std::uint64_t value = 0;
      const std::size_t start = at_;
      for (; at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9'; ++at_) {
        if (value > (std::numeric_limits<std::uint64_t>::max() - 9) / 10) {
          where_.fail(".npy shape has a dimension too large");
        }
        value = value * 10 + static_cast<std::uint64_t>(text_[at_] - '0');
      }
      if (at_ == start) where_.fail(fmt::format(".npy shape is not a tuple of sizes: '{}'", text_));
      if (at_ < text_.size() && text_[at_] == 'L') ++at_;  // Python 2's long literal
      items.push_back(value);
      if (!take(',')) {
        expect(')');
        break;
      }
    }
    return items;
  }

  std::string_view text_;
  const Where& where_;
  std::size_t at_ = 0;
};

struct Descr {
  NpyDtype dtype;
  bool swap = false;  // stored in the other byte order than this machine's
};

Descr parse_descr(std::string_view descr, const Where& where) {
  const auto bad = [&](std::string_view why) {
    where.fail(fmt::format("dtype '{}' {}", descr, why));
  };
  if (descr.size() < 3) bad("is not a NumPy type string such as '<f8'");
  const char order = descr[0];
  if (order != '<' && order != '>' && order != '|' && order != '=') {
    bad("has no byte order ('<', '>', '|' or '=')");
  }
  std::uint64_t n = 0;
  for (char c : descr.substr(2)) {
    if (c < '0' || c > '9' || n > kMaxCharacters) bad("has a bad size");
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  const auto sizes_ok = [&](std::initializer_list<std::uint64_t> sizes) {
    return std::find(sizes.begin(), sizes.end(), n) != sizes.end();
  };
  Descr d;
  d.dtype.kind = static_cast<NpyKind>(descr[1]);
  switch (d.dtype.kind) {
    case NpyKind::kBool:
      if (!sizes_ok({1})) bad("has a bad size");
      break;
    case NpyKind::kSigned:
    case NpyKind::kUnsigned:
      if (!sizes_ok({1, 2, 4, 8})) bad("has a bad size");
      break;
    case NpyKind::kFloat:
      if (!sizes_ok({2, 4, 8, 12, 16})) bad("has a bad size");
      break;
    case NpyKind::kComplex:
      if (!sizes_ok({8, 16, 24, 32})) bad("has a bad size");
      break;
    case NpyKind::kBytes:
      break;
    case NpyKind::kUnicode:
      n *= 4;
      break;
    default:
      bad("is not supported (bool, integer, float, complex or string dtypes)");
  }
  d.dtype.item_size = static_cast<std::size_t>(n);
  const bool big = order == '>' || (order == '=' && kNativeBig);
  d.swap = order != '|' && big != kNativeBig;
  return d;
}

// Reverses the bytes of every scalar in `data`: each half of a complex, each character of a
// unicode string, the whole item otherwise.
void swap_bytes(std::vector<std::byte>& data, NpyDtype dtype) {
  const std::size_t unit = dtype.kind == NpyKind::kComplex   ? dtype.item_size / 2
                           : dtype.kind == NpyKind::kUnicode ? 4
                           : dtype.kind == NpyKind::kBytes || dtype.kind == NpyKind::kBool
                               ? 1
                               : dtype.item_size;
  if (unit <= 1) return;
  for (std::size_t i = 0; i + unit <= data.size(); i += unit) {
    std::reverse(data.begin() + static_cast<std::ptrdiff_t>(i),
                 data.begin() + static_cast<std::ptrdiff_t>(i + unit));
  }
}

// Fortran-order data in C order: element (i0, ..., ik) is at i0 + n0 * (i1 + n1 * (...)).
std::vector<std::byte> c_order(std::span<const std::byte> f, std::span<const std::uint64_t> shape,
                               std::size_t item) {
  std::vector<std::byte> c(f.size());
  const std::size_t order = shape.size();
  std::vector<std::uint64_t> stride(order, 1), index(order, 0);
  for (std::size_t d = 1; d < order; ++d) stride[d] = stride[d - 1] * shape[d - 1];
  const std::size_t count = item == 0 ? 0 : f.size() / item;
  for (std::size_t k = 0; k < count; ++k) {
    std::uint64_t at = 0;
    for (std::size_t d = 0; d < order; ++d) at += index[d] * stride[d];
    std::memcpy(c.data() + k * item, f.data() + at * item, item);
    for (std::size_t d = order; d-- > 0;) {  // the next C-order index: the last one fastest
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return c;
}

template <class T>
T load(const std::byte* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

NpyInteger from_signed(std::int64_t v) {
  return {v < 0,
          v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v)};
}

}  // namespace

void fail_member(std::string_view source, std::string_view member, std::string_view problem) {
  throw Error(source, fmt::format("member '{}': {}", member, problem));
}

std::string dtype_name(NpyDtype dtype) {
  const std::size_t bits = dtype.item_size * 8;
  switch (dtype.kind) {
    case NpyKind::kBool:
      return "bool";
    case NpyKind::kSigned:
      return fmt::format("int{}", bits);
    case NpyKind::kUnsigned:
      return fmt::format("uint{}", bits);
    case NpyKind::kFloat:
      return fmt::format("float{}", bits);
    case NpyKind::kComplex:
      return fmt::format("complex{}", bits);
    case NpyKind::kBytes:
      return fmt::format("bytes{}", dtype.item_size);
    case NpyKind::kUnicode:
      return fmt::format("str{}", dtype.item_size / 4);
  }
  return "?";
}

std::uint64_t NpyArray::count() const {
  std::uint64_t n = 1;
  for (std::uint64_t d : shape) n *= d;
  return n;
}

NpyArray parse_npy_array(std::span<const std::byte> bytes, std::string_view source,
                         std::string_view member) {
  const Where where{source, member};
  if (bytes.size() < kMagic.size() + 2 ||
      std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) != 0) {
    where.fail("is not a .npy array (bad magic)");
  }
  const auto major = static_cast<unsigned>(bytes[kMagic.size()]);  // then the minor version
  if (major < 1 || major > 3) {
    where.fail(fmt::format(".npy version {} is not supported (1 to 3)", major));
  }
  const std::size_t length_at = kMagic.size() + 2;
  const std::size_t length_size = major == 1 ? 2 : 4;
  if (bytes.size() < length_at + length_size) where.fail(".npy header is cut off");
  const std::size_t header_length =
      major == 1 ? from_little_endian<std::uint16_t>(bytes.subspan(length_at).first<2>())
                 : from_little_endian<std::uint32_t>(bytes.subspan(length_at).first<4>());
  const std::size_t data_at = length_at + length_size;
  if (header_length > bytes.size() - data_at) {
    where.fail(fmt::format(".npy header of {} bytes is cut off after {}", header_length,
                           bytes.size() - data_at));
  }
  const std::string_view text(reinterpret_cast<const char*>(bytes.data() + data_at), header_length);
  const Header header = HeaderParser(text, where).parse();
  const Descr descr = parse_descr(header.descr, where);
  NpyArray array;
  array.dtype = descr.dtype;
  array.shape = header.shape;
  const std::span<const std::byte> data = bytes.subspan(data_at + header_length);
  const std::size_t item = array.dtype.item_size;
  std::uint64_t count = 1;
  bool fits = true;  // count * item fits in 64 bits
  for (std::uint64_t d : array.shape) {
    fits = fits && (d == 0 || count <= std::numeric_limits<std::uint64_t>::max() / d);
    count = fits ? count * d : 0;
  }
  fits = fits && (item == 0 || count <= std::numeric_limits<std::uint64_t>::max() / item);
  if (!fits || count * item != data.size()) {
    where.fail(fmt::format("holds {} bytes of data; shape ({}) of {} needs {}", data.size(),
                           fmt::join(array.shape, ", "), dtype_name(array.dtype),
                           fits ? fmt::format("{}", count * item) : std::string("more")));
  }
  if (header.fortran_order && array.shape.size() > 1) {
    array.data = c_order(data, array.shape, item);
  } else {
    array.data.assign(data.begin(), data.end());
  }
  if (descr.swap) swap_bytes(array.data, array.dtype);
  return array;
}

std::vector<std::byte> encode_npy_array(NpyDtype dtype, std::span<const std::uint64_t> shape,
                                        std::span<const std::byte> data) {
  const bool single_bytes =
      dtype.kind == NpyKind::kBool || dtype.kind == NpyKind::kBytes || dtype.item_size == 1;
  const char order = single_bytes ? '|' : kNativeBig ? '>' : '<';
  const std::size_t size = dtype.kind == NpyKind::kUnicode ? dtype.item_size / 4 : dtype.item_size;
  std::string dims = fmt::format("{}", fmt::join(shape, ", "));
  if (shape.size() == 1) dims.push_back(',');  // (3,) but (2, 3) and ()
  std::string header = fmt::format("{{'descr': '{}{}{}', 'fortran_order': False, 'shape': ({}), }}",
                                   order, static_cast<char>(dtype.kind), size, dims);
  const std::size_t prefix = kMagic.size() + 2 + sizeof(std::uint16_t);
  header.append(kAlignment - (prefix + header.size() + 1) % kAlignment, ' ');
  header.push_back('\n');
  ByteWriter out("npy");
  out.reserve(prefix + header.size() + data.size());
  out.put_bytes(std::as_bytes(std::span(kMagic)));
  out.put(std::uint8_t{1});
  out.put(std::uint8_t{0});
  out.put(static_cast<std::uint16_t>(header.size()));
  out.put_bytes(std::as_bytes(std::span(header)));
  out.put_bytes(data);
  return out.release();
}

NpyInteger integer_at(const NpyArray& array, std::uint64_t i) {
  const std::byte* p = array.data.data() + i * array.dtype.item_size;
  const bool is_signed = array.dtype.kind == NpyKind::kSigned;
  switch (array.dtype.item_size) {
    case 1:
      return is_signed ? from_signed(load<std::int8_t>(p))
                       : NpyInteger{false, load<std::uint8_t>(p)};
    case 2:
      return is_signed ? from_signed(load<std::int16_t>(p))
                       : NpyInteger{false, load<std::uint16_t>(p)};
    case 4:
      return is_signed ? from_signed(load<std::int32_t>(p))
                       : NpyInteger{false, load<std::uint32_t>(p)};
    default:
      return is_signed ? from_signed(load<std::int64_t>(p))
                       : NpyInteger{false, load<std::uint64_t>(p)};
  }
}

std::string text_of(const NpyArray& array, std::string_view source, std::string_view member) {
  const Where where{source, member};
  if (array.dtype.kind != NpyKind::kBytes && array.dtype.kind != NpyKind::kUnicode) {
    where.fail(fmt::format("is {}, not a string", dtype_name(array.dtype)));
  }
  if (array.count() != 1) where.fail(fmt::format("holds {} strings, not one", array.count()));
  std::string text;
  if (array.dtype.kind == NpyKind::kBytes) {
    text.assign(reinterpret_cast<const char*>(array.data.data()), array.data.size());
  } else {
    for (std::size_t k = 0; k + 4 <= array.data.size(); k += 4) {
      const auto c = load<std::uint32_t>(array.data.data() + k);
      text.push_back(c < 128 ? static_cast<char>(c) : '?');
    }
  }
  while (!text.empty() && text.back() == '\0') text.pop_back();
  return text;
}

}  // namespace tessera::sparse::detail
