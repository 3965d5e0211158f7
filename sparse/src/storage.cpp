// Storage accounting (storage.hpp).
#include "tessera/sparse/storage.hpp"

namespace tessera::sparse {

StorageBytes storage_bytes(const SparseTensor& t) {
  StorageBytes s;
  for (const LevelData& d : t.levels) {
    s.index += 4 * (d.pos.size() + d.crd.size()) + 8 * d.bits.size();
  }
  s.values = t.values.size();
  return s;
}

}  // namespace tessera::sparse
