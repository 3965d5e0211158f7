// Huffman code construction (Moffat & Katajainen's in-place Huffman, package-merge when the length
// limit binds), canonical codewords, the LSB-first bit packer, the table decoder and the code table
// format declared in huffman.hpp.
#include "tessera/compress/huffman.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "tessera/core/error.hpp"

namespace tessera::compress {
namespace {

constexpr std::string_view kCodeName = "Huffman code";
/// Bits of a serialised table entry that hold length - 1 (lengths are 1..32).
constexpr int kLengthFieldBits = 5;
/// Symbols the encoder packs into its stack buffer before appending the bytes to the output.
constexpr std::size_t kEncodeBlock = 4096;
/// Position of the codeword length in a decoder table entry.
constexpr int kEntryLengthShift = 16;

/// A decoder table entry: the symbol in bits 0-15, the codeword length above.
std::uint32_t table_entry(std::size_t symbol, int length) {
  return (static_cast<std::uint32_t>(length) << kEntryLengthShift) |
         static_cast<std::uint32_t>(symbol);
}

/// Codewords per length 0..kMaxCodeLength (index 0 unused, always 0).
using LengthCounts = std::array<std::uint32_t, kMaxCodeLength + 1>;

/// a + b, or the largest value if that overflows. Weights are only compared, and the lengths the
/// constructions below derive form a complete prefix code whatever the comparisons say.
std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  const std::uint64_t sum = a + b;
  return sum < a ? std::numeric_limits<std::uint64_t>::max() : sum;
}

/// The low `length` bits of `value` (1 <= length <= 32) in reverse order.
std::uint32_t reverse_bits(std::uint32_t value, int length) {
  value = ((value >> 1) & 0x55555555u) | ((value & 0x55555555u) << 1);
  value = ((value >> 2) & 0x33333333u) | ((value & 0x33333333u) << 2);
  value = ((value >> 4) & 0x0F0F0F0Fu) | ((value & 0x0F0F0F0Fu) << 4);
  value = ((value >> 8) & 0x00FF00FFu) | ((value & 0x00FF00FFu) << 8);
  value = (value >> 16) | (value << 16);
  return value >> (kMaxCodeLength - length);
}

/// Writes `value` as 8 little-endian bytes at `at`.
void store_le64(std::byte* at, std::uint64_t value) {
  const auto bytes = to_little_endian(value);
  std::memcpy(at, bytes.data(), bytes.size());
}

/// The 8 little-endian bytes at `at` as a number.
std::uint64_t load_le64(const std::byte* at) {
  return from_little_endian<std::uint64_t>(std::span<const std::byte, 8>(at, 8));
}

/// Codewords per length, after checking that `lengths` describe a prefix code (canonical_code's
/// rules); errors name `source`.
LengthCounts count_lengths(std::span<const std::uint8_t> lengths, std::string_view source) {
  if (lengths.empty() || lengths.size() > kMaxAlphabetSize) {
    throw Error(source, fmt::format("Huffman code over {} symbols; the alphabet must have 1 to {}",
                                    lengths.size(), kMaxAlphabetSize));
  }
  LengthCounts counts{};
  for (std::size_t symbol = 0; symbol < lengths.size(); ++symbol) {
    if (lengths[symbol] > kMaxCodeLength) {
      throw Error(source, fmt::format("Huffman codeword of symbol {} is {} bits long, over {}",
                                      symbol, lengths[symbol], kMaxCodeLength));
    }
    ++counts[lengths[symbol]];
  }
  counts[0] = 0;
  std::uint64_t kraft = 0;  // sum of 2^-length in units of 2^-kMaxCodeLength
  for (int length = 1; length <= kMaxCodeLength; ++length) {
    kraft += std::uint64_t{counts[length]} << (kMaxCodeLength - length);
  }
  if (kraft == 0) throw Error(source, "Huffman code has no codewords");
  if (kraft > (std::uint64_t{1} << kMaxCodeLength)) {
    throw Error(source, "Huffman codeword lengths overfill the code space (Kraft sum above 1)");
  }
  return counts;
}

/// First canonical codeword (MSB-first) of each length; first[l] + counts[l] <= 2^l.
std::array<std::uint64_t, kMaxCodeLength + 1> first_codewords(const LengthCounts& counts) {
  std::array<std::uint64_t, kMaxCodeLength + 1> first{};
  for (int length = 1; length <= kMaxCodeLength; ++length) {
    first[length] = (first[length - 1] + counts[length - 1]) << 1;
  }
  return first;
}

/// Canonical codewords, bit-reversed for the LSB-first packer; 0 for symbols without one.
std::vector<std::uint32_t> canonical_codewords(std::span<const std::uint8_t> lengths,
                                               const LengthCounts& counts) {
  auto next = first_codewords(counts);
  std::vector<std::uint32_t> codewords(lengths.size(), 0);
  for (std::size_t symbol = 0; symbol < lengths.size(); ++symbol) {
    const int length = lengths[symbol];
    if (length > 0) {
      codewords[symbol] = reverse_bits(static_cast<std::uint32_t>(next[length]++), length);
    }
  }
  return codewords;
}

/// Huffman codeword lengths for `weights` sorted in increasing order (at least two), by Moffat &
/// Katajainen's in-place algorithm ("In-place calculation of minimum-redundancy codes", WADS
/// 1995). Returns the length of each weight's symbol, non-increasing. On equal weights a leaf is
/// taken before an internal node.
std::vector<std::uint64_t> huffman_lengths(std::vector<std::uint64_t> a) {
  const auto n = static_cast<std::int64_t>(a.size());
  // Left to right: a[next] becomes the weight of internal node `next`; the nodes it absorbs are
  // overwritten with the index of their parent.
  a[0] = saturating_add(a[0], a[1]);
  std::int64_t root = 0;
  std::int64_t leaf = 2;
  for (std::int64_t next = 1; next < n - 1; ++next) {
    if (leaf >= n || a[root] < a[leaf]) {
      a[next] = a[root];
      a[root++] = static_cast<std::uint64_t>(next);
    } else {
      a[next] = a[leaf++];
    }
    if (leaf >= n || (root < next && a[root] < a[leaf])) {
      a[next] = saturating_add(a[next], a[root]);
      a[root++] = static_cast<std::uint64_t>(next);
    } else {
      a[next] = saturating_add(a[next], a[leaf++]);
    }
  }
  // Right to left: the depth of every internal node.
  a[n - 2] = 0;
  for (std::int64_t next = n - 3; next >= 0; --next) a[next] = a[a[next]] + 1;
  // Right to left: leaf depths, from the number of internal nodes at each depth.
  std::int64_t available = 1;
  std::int64_t used = 0;
  std::uint64_t depth = 0;
  root = n - 2;
  std::int64_t next = n - 1;
  while (available > 0) {
    while (root >= 0 && a[root] == depth) {
      ++used;
      --root;
    }
    while (available > used) {
      a[next--] = depth;
      --available;
    }
    available = 2 * used;
    ++depth;
    used = 0;
  }
  return a;
}

/// Optimal codeword lengths of at most `max_length` bits for `weights` sorted in increasing order
/// (2 to 2^max_length of them), by package-merge (Larmore & Hirschberg, JACM 1990). Level 0 lists
/// the leaves; level j merges the leaves with the pairwise packages of level j-1's list. The first
/// 2n-2 items of the last level are selected, and the packages among a level's selected items
/// select twice as many items, always a prefix, of the level below. A symbol's length is the number
/// of levels whose selection includes its leaf, and the selected leaves are always the lightest.
std::vector<std::uint64_t> package_merge_lengths(std::span<const std::uint64_t> weights,
                                                 int max_length) {
  const std::size_t n = weights.size();
  const std::size_t keep = 2 * n - 2;  // no level ever has more items selected
  // is_leaf[j * keep + i]: whether item i of level j's list is a leaf.
  std::vector<std::uint8_t> is_leaf(static_cast<std::size_t>(max_length) * keep, 0);
  std::fill_n(is_leaf.begin(), n, std::uint8_t{1});
  std::vector<std::uint64_t> list(weights.begin(), weights.end());
  std::vector<std::uint64_t> merged;
  merged.reserve(keep);
  for (int level = 1; level < max_length; ++level) {
    merged.clear();
    std::uint8_t* leaf_flags = is_leaf.data() + static_cast<std::size_t>(level) * keep;
    std::size_t leaf = 0;
    std::size_t package = 0;  // index of the package's first item in `list`
    while (merged.size() < keep && (leaf < n || package + 1 < list.size())) {
      const bool take_leaf =
          package + 1 >= list.size() ||
          (leaf < n && weights[leaf] <= saturating_add(list[package], list[package + 1]));
      leaf_flags[merged.size()] = take_leaf ? 1 : 0;
      if (take_leaf) {
        merged.push_back(weights[leaf++]);
      } else {
        merged.push_back(saturating_add(list[package], list[package + 1]));
        package += 2;
      }
    }
    std::swap(list, merged);
  }
  // Walk down from the last level: selected leaves of level j are leaves 0..leaves-1.
  std::vector<std::uint64_t> selected_leaves_at(n + 1, 0);  // levels selecting exactly k leaves
  std::size_t selected = keep;
  for (int level = max_length - 1; level >= 0; --level) {
    const std::uint8_t* leaf_flags = is_leaf.data() + static_cast<std::size_t>(level) * keep;
    const auto leaves =
        static_cast<std::size_t>(std::count(leaf_flags, leaf_flags + selected, std::uint8_t{1}));
    ++selected_leaves_at[leaves];
    selected = 2 * (selected - leaves);
  }
  // Leaf i is selected on every level that selects more than i leaves.
  std::vector<std::uint64_t> lengths(n, 0);
  std::uint64_t levels = 0;
  for (std::size_t i = n; i-- > 0;) {
    levels += selected_leaves_at[i + 1];
    lengths[i] = levels;
  }
  return lengths;
}

[[noreturn]] void throw_uncoded_symbol(std::uint16_t symbol, std::size_t index) {
  throw Error(kCodeName,
              fmt::format("symbol {} at position {} has no codeword to encode it", symbol, index));
}

/// The error for a bit pattern at `bit` that starts no codeword: the stream is truncated if zero
/// padding past its `total_bits` took part, corrupt otherwise.
[[noreturn]] void throw_bad_codeword(std::string_view source, std::uint64_t bit,
                                     std::uint64_t total_bits, int max_length,
                                     std::size_t symbol_index) {
  if (bit + static_cast<std::uint64_t>(max_length) > total_bits) {
    throw Error(source, fmt::format("Huffman stream of {} bits is truncated at symbol {}",
                                    total_bits, symbol_index));
  }
  throw Error(source, fmt::format("Huffman stream holds no valid codeword at bit {} (symbol {})",
                                  bit, symbol_index));
}

}  // namespace

void sort_leaves(std::vector<HuffmanLeaf>& leaves) {
  // Least-significant-byte-first radix sort: stable, branch-free, and only over the bytes in
  // which some weights differ (two or three for a chunk's counts, a few for a book's weights).
  std::uint64_t varying = 0;
  for (const HuffmanLeaf& leaf : leaves) varying |= leaf.weight ^ leaves.front().weight;
  std::vector<HuffmanLeaf> sorted(leaves.size());
  for (unsigned shift = 0; shift < 64; shift += 8) {
    if (((varying >> shift) & 0xFF) == 0) continue;
    std::array<std::size_t, 256> start{};
    for (const HuffmanLeaf& leaf : leaves) ++start[(leaf.weight >> shift) & 0xFF];
    std::size_t position = 0;
    for (std::size_t& bucket : start) position += std::exchange(bucket, position);
    for (const HuffmanLeaf& leaf : leaves) sorted[start[(leaf.weight >> shift) & 0xFF]++] = leaf;
    leaves.swap(sorted);
  }
}

HuffmanCode build_huffman_code(std::span<const std::uint64_t> histogram, int max_length) {
  if (histogram.size() > kMaxAlphabetSize) {
    throw usage_error(kCodeName, fmt::format("histogram of {} symbols exceeds the alphabet of {}",
                                             histogram.size(), kMaxAlphabetSize));
  }
  std::vector<HuffmanLeaf> leaves;
  leaves.reserve(histogram.size());
  for (std::size_t symbol = 0; symbol < histogram.size(); ++symbol) {
    if (histogram[symbol] > 0) {
      leaves.push_back({histogram[symbol], static_cast<std::uint32_t>(symbol)});
    }
  }
  if (leaves.empty()) throw usage_error(kCodeName, "histogram has no nonzero count");
  sort_leaves(leaves);
  return build_huffman_code_sorted(leaves, histogram.size(), max_length);
}

HuffmanCode build_huffman_code_sorted(std::span<const HuffmanLeaf> leaves,
                                      std::size_t alphabet_size, int max_length) {
  if (max_length < 1 || max_length > kMaxCodeLength) {
    throw usage_error(kCodeName, fmt::format("maximum codeword length {} is outside 1..{}",
                                             max_length, kMaxCodeLength));
  }
  if (leaves.empty()) throw usage_error(kCodeName, "no symbol to code");
  if (leaves.size() > (std::uint64_t{1} << max_length)) {
    throw usage_error(kCodeName, fmt::format("{} symbols do not fit in codewords of {} bits",
                                             leaves.size(), max_length));
  }
  std::vector<std::uint64_t> sorted_lengths(1, 1);  // a lone symbol gets a 1-bit codeword
  if (leaves.size() > 1) {
    std::vector<std::uint64_t> weights(leaves.size());
    std::ranges::transform(leaves, weights.begin(), &HuffmanLeaf::weight);
    sorted_lengths = huffman_lengths(weights);
    if (sorted_lengths.front() > static_cast<std::uint64_t>(max_length)) {
      sorted_lengths = package_merge_lengths(weights, max_length);
    }
  }
  std::vector<std::uint8_t> lengths(alphabet_size, 0);
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    if (leaves[i].symbol >= alphabet_size) {
      throw usage_error(kCodeName, fmt::format("symbol {} is outside the alphabet of {}",
                                               leaves[i].symbol, alphabet_size));
    }
    lengths[leaves[i].symbol] = static_cast<std::uint8_t>(sorted_lengths[i]);
  }
  return canonical_code(lengths);
}

HuffmanCode canonical_code(std::span<const std::uint8_t> lengths, std::string_view source) {
  const LengthCounts counts = count_lengths(lengths, source);
  return {{lengths.begin(), lengths.end()}, canonical_codewords(lengths, counts)};
}

std::uint64_t encoded_bits(const HuffmanCode& code, std::span<const std::uint64_t> histogram) {
  std::uint64_t bits = 0;
  for (std::size_t symbol = 0; symbol < histogram.size(); ++symbol) {
    if (histogram[symbol] == 0) continue;
    const int length = symbol < code.lengths.size() ? code.lengths[symbol] : 0;
    if (length == 0) {
      throw Error(kCodeName, fmt::format("symbol {} occurs {} times but has no codeword", symbol,
                                         histogram[symbol]));
    }
    bits += histogram[symbol] * static_cast<std::uint64_t>(length);
  }
  return bits;
}

void huffman_encode(const HuffmanCode& code, std::span<const std::uint16_t> symbols,
                    std::vector<std::byte>& out) {
  if (code.codewords.size() != code.lengths.size()) {
    throw Error(kCodeName, fmt::format("has {} codeword lengths but {} codewords",
                                       code.lengths.size(), code.codewords.size()));
  }
  // One table entry per symbol: codeword in the low 32 bits, length above (0: no codeword).
  const std::size_t alphabet = code.lengths.size();
  std::vector<std::uint64_t> table(alphabet);
  int longest = 0;
  for (std::size_t s = 0; s < alphabet; ++s) {
    table[s] = code.codewords[s] | (std::uint64_t{code.lengths[s]} << 32);
    longest = std::max<int>(longest, code.lengths[s]);
  }
  // Fewer than 8 bits wait in `pending` between stores; each store writes 8 bytes and keeps the
  // whole ones. Two codewords fit between stores when 7 + 2·longest <= 64.
  const bool paired = 2 * longest + 7 <= 64;
  std::array<std::byte, kEncodeBlock * kMaxCodeLength / 8 + sizeof(std::uint64_t)> staged;
  std::uint64_t pending = 0;
  unsigned pending_bits = 0;
  for (std::size_t begin = 0; begin < symbols.size(); begin += kEncodeBlock) {
    const auto block = symbols.subspan(begin, std::min(kEncodeBlock, symbols.size() - begin));
    const auto check = [&](auto uncoded) {
      const auto bad = std::ranges::find_if(block, uncoded);
      if (bad != block.end()) {
        throw_uncoded_symbol(*bad, begin + static_cast<std::size_t>(bad - block.begin()));
      }
    };
    if (std::ranges::max(block) >= alphabet) check([&](std::uint16_t s) { return s >= alphabet; });
    std::byte* at = staged.data();
    std::uint64_t missing = 0;  // top bit set once a symbol without a codeword was seen
    const auto put = [&](std::uint16_t symbol) {
      const std::uint64_t entry = table[symbol];
      missing |= entry - (std::uint64_t{1} << 32);
      pending |= (entry & 0xFFFFFFFFu) << pending_bits;
      pending_bits += static_cast<unsigned>(entry >> 32);
    };
    const auto store = [&] {
      store_le64(at, pending);
      at += pending_bits / 8;
      pending >>= pending_bits & ~7u;
      pending_bits &= 7;
    };
    std::size_t i = 0;
    if (paired) {
      for (; i + 2 <= block.size(); i += 2) {
        put(block[i]);
        put(block[i + 1]);
        store();
      }
    }
    for (; i < block.size(); ++i) {
      put(block[i]);
      store();
    }
    if ((missing >> 63) != 0) [[unlikely]] {
      check([&](std::uint16_t s) { return table[s] == 0; });
    }
    out.insert(out.end(), staged.data(), at);
  }
  // The last 0..7 bits, zero padded to a byte.
  if (pending_bits > 0) out.push_back(static_cast<std::byte>(pending & 0xFF));
}

HuffmanDecoder::HuffmanDecoder(const HuffmanCode& code) {
  const LengthCounts counts = count_lengths(code.lengths, kCodeName);
  const auto codewords = canonical_codewords(code.lengths, counts);
  const auto first = first_codewords(counts);
  min_length_ = kMaxCodeLength;
  std::uint32_t index = 0;
  for (int length = 1; length <= kMaxCodeLength; ++length) {
    if (counts[length] > 0) {
      min_length_ = std::min(min_length_, length);
      max_length_ = length;
    }
    limit_[length] = (first[length] + counts[length]) << (kMaxCodeLength - length);
    first_[length] = static_cast<std::uint32_t>(first[length]);
    index_[length] = index;
    index += counts[length];
  }
  primary_bits_ = std::min(kPrimaryBits, max_length_);
  primary_.assign(std::size_t{1} << primary_bits_, 0);
  symbols_.resize(index);
  auto next_index = index_;
  for (std::size_t symbol = 0; symbol < code.lengths.size(); ++symbol) {
    const int length = code.lengths[symbol];
    if (length == 0) continue;
    symbols_[next_index[length]++] = static_cast<std::uint16_t>(symbol);
    if (length > primary_bits_) continue;
    // Every primary index whose low `length` bits are the codeword.
    const Entry entry = table_entry(symbol, length);
    for (std::size_t i = codewords[symbol]; i < primary_.size(); i += std::size_t{1} << length) {
      primary_[i] = entry;
    }
  }
}

HuffmanDecoder::Entry HuffmanDecoder::decode_long(std::uint64_t window) const {
  const std::uint64_t code = reverse_bits(static_cast<std::uint32_t>(window), kMaxCodeLength);
  for (int length = primary_bits_ + 1; length <= max_length_; ++length) {
    if (code < limit_[length]) {
      const auto offset =
          static_cast<std::uint32_t>(code >> (kMaxCodeLength - length)) - first_[length];
      return table_entry(symbols_[index_[length] + offset], length);
    }
  }
  return 0;
}

void HuffmanDecoder::decode(std::span<const std::byte> bits, std::span<std::uint16_t> out,
                            std::string_view source) const {
  const std::size_t size = bits.size();
  const std::uint64_t total_bits = std::uint64_t{size} * 8;
  if (out.size() > total_bits / static_cast<std::uint64_t>(min_length_)) {
    throw Error(source, fmt::format("Huffman stream of {} bits is too short for {} symbols",
                                    total_bits, out.size()));
  }
  const Entry* primary = primary_.data();
  const std::uint64_t mask = (std::uint64_t{1} << primary_bits_) - 1;
  std::uint64_t window = 0;  // the next `available` bits of the stream, LSB first
  unsigned available = 0;
  std::size_t position = 0;  // byte of the stream the next refill starts at
  std::size_t i = 0;
  // Decodes one symbol from a window of at least 56 bits (refills add bytes up to that).
  const auto decode_symbol = [&] {
    Entry entry = primary[window & mask];
    if ((entry >> kEntryLengthShift) == 0) [[unlikely]] {
      entry = decode_long(window);
      if (entry == 0) {
        throw_bad_codeword(source, position * 8 - available, total_bits, max_length_, i);
      }
    }
    const unsigned length = entry >> kEntryLengthShift;
    window >>= length;
    available -= length;
    out[i] = static_cast<std::uint16_t>(entry);
  };
  // While 8 bytes can be loaded in place: one refill, then as many symbols as the window is
  // sure to hold (peaked codes are short, so several per refill).
  const auto longest = static_cast<unsigned>(max_length_);
  while (i < out.size() && size - position >= sizeof(std::uint64_t)) {
    window |= load_le64(bits.data() + position) << available;
    position += (63 - available) >> 3;
    available |= 56;
    do {
      decode_symbol();
      ++i;
    } while (i < out.size() && available >= longest);
  }
  // The last bytes, through a zero-padded copy; the padding must not be consumed.
  for (; i < out.size(); ++i) {
    std::array<std::byte, sizeof(std::uint64_t)> tail{};
    if (position < size) {
      std::copy_n(bits.begin() + static_cast<std::ptrdiff_t>(position),
                  std::min(tail.size(), size - position), tail.begin());
    }
    window |= load_le64(tail.data()) << available;
    position += (63 - available) >> 3;
    available |= 56;
    decode_symbol();
    if (position * 8 - available > total_bits) {
      throw Error(source, fmt::format("Huffman stream of {} bits is truncated at symbol {}",
                                      total_bits, i));
    }
  }
  // The stream ends with its last symbol: what follows is under a byte of zero padding.
  const std::uint64_t left = total_bits - (std::uint64_t{position} * 8 - available);
  if (left >= 8 || (left > 0 && (std::to_integer<unsigned>(bits[size - 1]) >> (8 - left)) != 0)) {
    throw Error(source, fmt::format("Huffman stream of {} bits has {} bits left after its {} "
                                    "symbols: the header and the chunk disagree",
                                    total_bits, left, out.size()));
  }
}

void huffman_decode(const HuffmanCode& code, std::span<const std::byte> bits,
                    std::span<std::uint16_t> out, std::string_view source) {
  HuffmanDecoder(code).decode(bits, out, source);
}

void write_code_lengths(const HuffmanCode& code, ByteWriter& out) {
  (void)count_lengths(code.lengths, kCodeName);
  const auto used = std::ranges::count_if(code.lengths, [](std::uint8_t l) { return l > 0; });
  out.put_varint_u64(static_cast<std::uint64_t>(used));
  std::size_t next = 0;  // the lowest symbol the next entry can name
  for (std::size_t symbol = 0; symbol < code.lengths.size(); ++symbol) {
    const unsigned length = code.lengths[symbol];
    if (length == 0) continue;
    out.put_varint_u64((std::uint64_t{symbol - next} << kLengthFieldBits) | (length - 1));
    next = symbol + 1;
  }
}

HuffmanCode read_code_lengths(ByteReader& in, std::size_t alphabet_size) {
  if (alphabet_size == 0 || alphabet_size > kMaxAlphabetSize) {
    throw Error(in.source(), fmt::format("Huffman alphabet of {} symbols is outside 1..{}",
                                         alphabet_size, kMaxAlphabetSize));
  }
  const std::size_t start = in.position();
  const std::uint64_t used = in.get_varint_u64();
  if (used == 0 || used > alphabet_size) {
    throw Error(in.source(),
                fmt::format("Huffman code table at byte {} lists {} symbols, not 1 to {}", start,
                            used, alphabet_size));
  }
  std::vector<std::uint8_t> lengths(alphabet_size, 0);
  std::size_t next = 0;
  for (std::uint64_t k = 0; k < used; ++k) {
    const std::size_t at = in.position();
    const std::uint64_t entry = in.get_varint_u64();
    const std::uint64_t gap = entry >> kLengthFieldBits;
    if (gap >= alphabet_size - next) {
      throw Error(in.source(),
                  fmt::format("Huffman code table entry at byte {} names a symbol outside the "
                              "alphabet of {}",
                              at, alphabet_size));
    }
    const std::size_t symbol = next + static_cast<std::size_t>(gap);
    constexpr std::uint64_t kLengthMask = (1u << kLengthFieldBits) - 1;
    lengths[symbol] = static_cast<std::uint8_t>((entry & kLengthMask) + 1);
    next = symbol + 1;
  }
  return canonical_code(lengths, in.source());
}

}  // namespace tessera::compress
