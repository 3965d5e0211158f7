// The checks of bags of ids that every embedding operator makes before it looks them up: their
// shape (tables, offsets, weights) and each id's range.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tessera/dlrm/batch.hpp"

namespace tessera::dlrm::detail {

/// tessera::Error naming "bags" unless their offsets and weights fit `tables` tables.
void check_bag_shape(const SparseFeatures& bags, std::size_t tables);

/// tessera::Error naming "bags" unless 0 <= id < rows (of table `table`).
void check_id(std::int64_t id, std::size_t table, std::int64_t rows);

}  // namespace tessera::dlrm::detail
