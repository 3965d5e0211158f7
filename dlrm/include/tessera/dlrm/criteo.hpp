// Criteo display-advertising samples (the Kaggle and Terabyte sets): a label, 13 integer features
// and 26 categorical ones (32-bit hex hashes), in the raw tab-separated form or as CSV with a
// header. Dense features become log(1 + max(x, 0)) (missing: 0); each categorical is hashed into
// its table's rows.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/dlrm/batch.hpp"

namespace tessera::dlrm {

inline constexpr std::int64_t kCriteoDenseFeatures = 13;
inline constexpr std::int64_t kCriteoSparseFeatures = 26;

struct CriteoOptions {
  /// Rows of each categorical feature's table: 26 values, or one for all. A value is hashed
  /// into [0, rows) (see criteo_row).
  std::vector<std::int64_t> rows{1'000'000};
  /// At most this many samples, from the start of the file (0: all).
  std::int64_t max_samples = 0;
};

/// The row of categorical feature `feature` (0..25) whose value is `hex` ("" when missing) in a
/// table of `rows` rows: a 64-bit mix of (feature, value) modulo rows; a missing value has a row
/// of its own per feature like any other value.
std::int64_t criteo_row(int feature, std::string_view hex, std::int64_t rows);

/// The samples of Criteo text `text`, in order: CSV when its first line is the header
/// "label,I1,...,C26", else raw TSV (label, I1..I13, C1..C26 separated by tabs; a line may leave
/// out trailing empty categoricals, as files whose trailing tabs were stripped do). Every bag
/// holds one id; no weights. A malformed line throws tessera::Error naming `name`, the line
/// number and the field; bad options are usage errors naming "rows" or "max_samples".
Batch parse_criteo(std::string_view text, const std::string& name, const CriteoOptions& options);

/// parse_criteo on the file at `path` (tessera::Error naming the path when it cannot be read).
Batch read_criteo(const std::string& path, const CriteoOptions& options);

}  // namespace tessera::dlrm
