// The eviction policies of the tiered embedding store's RAM cache (tiered_embedding.hpp).
#pragma once

namespace tessera::dlrm {

/// Which row of a full cache set makes room: the least recently used, or the least frequently
/// used (occurrences counted over the whole run, ties to the least recently used).
enum class CachePolicy { kLru, kLfu };

}  // namespace tessera::dlrm
