// Codebook selection (codebook_selection.hpp): offline books adapted to a chunk's pinned codes,
// the online reuse of an earlier chunk's code and the chunk's own code, compared by payload bytes.
#include "codebook_selection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "chunk_payload.hpp"
#include "tessera/core/error.hpp"

namespace tessera::compress {

namespace {

ByteWriter choice_header(CodebookSource source) {
  ByteWriter header("codebook choice");
  header.put(static_cast<std::uint8_t>(source));
  return header;
}

// Whether `code` has a codeword for every symbol that occurs in `histogram`.
bool covers(const HuffmanCode& code, std::span<const std::uint64_t> histogram) {
  for (std::size_t s = 0; s < histogram.size(); ++s) {
    if (histogram[s] > 0 && (s >= code.lengths.size() || code.lengths[s] == 0)) return false;
  }
  return true;
}

}  // namespace

std::vector<std::byte> inline_code_header(std::span<const std::byte> table) {
  ByteWriter header = choice_header(CodebookSource::kInline);
  header.put_bytes(table);
  return header.release();
}

std::array<std::uint32_t, kPinnedCodes> pinned_codes(const QuantizerSettings& q) {
  return {0, q.radius, q.fill_code()};
}

AdaptedBook::AdaptedBook(const HuffmanCode& book, const QuantizerSettings& q)
    : pinned_(pinned_codes(q)), alphabet_(book.lengths.size()) {
  for (std::size_t s = 0; s < alphabet_; ++s) {
    if (std::ranges::find(pinned_, s) != pinned_.end()) continue;
    const std::uint64_t weight = std::uint64_t{1} << (kMaxCodeLength - book.lengths[s]);
    others_ += weight;
    unpinned_.push_back({weight, static_cast<std::uint32_t>(s)});
  }
  sort_leaves(unpinned_);
}

double AdaptedBook::log_unpinned() const { return std::log2(static_cast<double>(others_)); }

HuffmanCode AdaptedBook::code_for(PinnedCounts counts, std::uint64_t values) const {
  // Products below 2^64: counts are below 2^32, the weights sum to at most 2^32.
  std::uint64_t pinned_total = 0;
  for (std::uint64_t count : counts) pinned_total += count;
  const std::uint64_t rest = std::max<std::uint64_t>(1, values - pinned_total);
  std::array<HuffmanLeaf, kPinnedCodes> pinned;
  for (std::size_t p = 0; p < kPinnedCodes; ++p) {
    pinned[p] = {std::max<std::uint64_t>(1, others_ * counts[p] / rest), pinned_[p]};
  }
  const auto lighter = [](const HuffmanLeaf& a, const HuffmanLeaf& b) {
    return a.weight != b.weight ? a.weight < b.weight : a.symbol < b.symbol;
  };
  std::ranges::sort(pinned, lighter);
  std::vector<HuffmanLeaf> leaves(unpinned_.size() + pinned.size());
  std::ranges::merge(unpinned_, pinned, leaves.begin(), lighter);
  return build_huffman_code_sorted(leaves, alphabet_);
}

std::shared_ptr<const std::vector<AdaptedBook>> adapted_books(const CodebookSet& set) {
  const auto adapt = [](const CodebookSet& books) {
    QuantizerSettings quantizer;
    quantizer.radius = books.radius;
    auto adapted = std::make_shared<std::vector<AdaptedBook>>();
    for (const OfflineCodebook& book : books.books) adapted->emplace_back(book.code, quantizer);
    return adapted;
  };
  static const std::shared_ptr<const std::vector<AdaptedBook>> built_in =
      adapt(default_codebook_set());
  return &set == &default_codebook_set() ? built_in : adapt(set);
}

HuffmanCode adapted_code(const CodebookSet& set, std::size_t book, PinnedCounts counts,
                         std::uint64_t values, const QuantizerSettings& q) {
  // Only the built-in set's books are adapted ahead; a custom set's book is adapted here.
  return &set == &default_codebook_set()
             ? (*adapted_books(set))[book].code_for(counts, values)
             : AdaptedBook(set.books[book].code, q).code_for(counts, values);
}

template <class T>
QuantizedChunk quantize_chunk(std::span<const T> values, const SlabGeometry& geometry,
                              const QuantizerSettings& settings) {
  QuantizedChunk q;
  quantize_slab<T>(values, geometry, settings, q.slab);
  auto code = std::make_shared<HuffmanCode>(build_huffman_code(q.slab.histogram));
  ByteWriter table("code table");
  write_code_lengths(*code, table);
  q.table = table.release();
  q.optimal_bits = encoded_bits(*code, q.slab.histogram);
  q.code = std::move(code);
  return q;
}

CodebookSelector::CodebookSelector(CodebookMode mode, const CodecSettings& settings)
    : mode_(mode),
      offline_(mode == CodebookMode::kInline ? nullptr : settings.offline),
      quantizer_(settings.quantizer) {
  if (mode == CodebookMode::kOffline && offline_ == nullptr) {
    throw usage_error("codebook mode", "offline needs an offline codebook set");
  }
  if (offline_ == nullptr) return;
  if (offline_->radius != quantizer_.radius) {
    throw usage_error("codebook set", fmt::format("has radius {}, the quantizer {}",
                                                  offline_->radius, quantizer_.radius));
  }
  books_ = adapted_books(*offline_);
}

std::optional<CodebookChoice> CodebookSelector::offline_candidate(const QuantizedChunk& q) const {
  if (offline_ == nullptr) return std::nullopt;
  const std::vector<std::uint64_t>& histogram = q.slab.histogram;
  const std::array<std::uint32_t, kPinnedCodes> pinned = pinned_codes(quantizer_);
  PinnedCounts counts;
  std::uint64_t pinned_total = 0;
  for (std::size_t p = 0; p < kPinnedCodes; ++p) {
    counts[p] = histogram[pinned[p]];
    pinned_total += counts[p];
  }
  const std::uint64_t values = q.slab.codes.size();
  // Adapted to the chunk, book k codes an unpinned symbol s in about length_k(s) + log2(unpinned
  // weight of k) bits, plus terms that are the same for every book: pick the smallest estimate.
  const auto rest = static_cast<double>(values - pinned_total);
  std::size_t best = 0;
  double best_estimate = std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < offline_->books.size(); ++k) {
    const std::vector<std::uint8_t>& lengths = offline_->books[k].code.lengths;
    std::uint64_t bits = 0;
    for (std::size_t s = 0; s < histogram.size(); ++s) bits += histogram[s] * lengths[s];
    for (std::size_t p = 0; p < kPinnedCodes; ++p) bits -= counts[p] * lengths[pinned[p]];
    const double estimate = static_cast<double>(bits) + rest * (*books_)[k].log_unpinned();
    if (estimate < best_estimate) {
      best = k;
      best_estimate = estimate;
    }
  }
  ByteWriter header = choice_header(CodebookSource::kOffline);
  header.put_varint_u64(best);
  for (std::uint64_t count : counts) header.put_varint_u64(count);
  auto code = std::make_shared<const HuffmanCode>((*books_)[best].code_for(counts, values));
  const std::uint64_t bits = encoded_bits(*code, histogram);
  return CodebookChoice{CodebookSource::kOffline, header.release(), std::move(code), bits};
}

CodebookChoice CodebookSelector::choose(std::size_t chunk, const QuantizedChunk& q,
                                        std::optional<CodebookChoice> offline) {
  if (mode_ == CodebookMode::kOffline) return std::move(offline.value());
  CodebookChoice best{CodebookSource::kInline, inline_code_header(q.table), q.code, q.optimal_bits};
  if (mode_ == CodebookMode::kAuto) {
    std::vector<CodebookChoice> candidates;
    if (offline) candidates.push_back(std::move(*offline));
    if (online_code_ != nullptr && covers(*online_code_, q.slab.histogram)) {
      ByteWriter header = choice_header(CodebookSource::kReused);
      header.put_varint_u64(chunk - online_chunk_);
      candidates.push_back({CodebookSource::kReused, header.release(), online_code_,
                            encoded_bits(*online_code_, q.slab.histogram)});
    }
    const auto size = [&](const CodebookChoice& c) {
      return payload_bytes(c.header, q.slab, c.bits);
    };
    for (CodebookChoice& candidate : candidates) {
      if (size(candidate) < size(best)) best = std::move(candidate);
    }
  }
  if (best.source == CodebookSource::kInline) {
    online_chunk_ = chunk;
    online_code_ = best.code;
  }
  return best;
}

template QuantizedChunk quantize_chunk<float>(std::span<const float>, const SlabGeometry&,
                                              const QuantizerSettings&);
template QuantizedChunk quantize_chunk<double>(std::span<const double>, const SlabGeometry&,
                                               const QuantizerSettings&);

}  // namespace tessera::compress
