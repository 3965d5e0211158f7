// Assembly of a tensor from entries in storage order (assembly.hpp): per level, what appending a
// child under a parent writes, and how a level is closed over parents that got no children.
#include "assembly.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tessera::sparse::detail {

Assembler::Assembler(std::vector<std::uint32_t> dims, const FormatSpec& format, ValueType type,
                     std::array<std::uint32_t, kMaxLevels> widths, std::uint64_t max_bytes)
    : last_(format.levels.size() - 1), max_bytes_(max_bytes) {
  t_.dims = std::move(dims);
  t_.format = format;
  t_.value_type = type;
  t_.levels.resize(format.levels.size());
  value_size_ = t_.value_size();
  for (std::size_t l = 0; l <= last_; ++l) {
    extent_[l] = t_.level_extent(l);
    if (format.levels[l].kind == LevelKind::kPadded) {
      t_.levels[l].width = format.levels[l].parameter != 0 ? format.levels[l].parameter : widths[l];
    }
  }
  // A tensor whose levels are all full has a size known now: refuse it before allocating.
  std::uint64_t positions = 1;
  bool all_full = true;
  for (std::size_t l = 0; l <= last_ && all_full; ++l) {
    all_full = properties(format.levels[l].kind).full;
    positions *= extent_[l];
    if (positions > max_bytes_) break;
  }
  if (all_full) check_size(positions * std::max<std::size_t>(value_size_, 1));
}

void Assembler::check_size(std::uint64_t bytes) const {
  if (bytes > max_bytes_) {
    throw Error(t_.format.name,
                fmt::format("a {} tensor in this format would hold more than {} bytes, the limit of "
                            "this conversion (ConvertOptions::max_bytes)",
                            fmt::join(t_.dims, "x"), max_bytes_));
  }
}

void Assembler::write_value(std::uint64_t position, const std::byte* value) {
  if (value_size_ == 0) return;
  const std::uint64_t end = (position + 1) * value_size_;
  if (t_.values.size() < end) {
    check_size(end);
    t_.values.resize(std::max<std::uint64_t>(end, t_.values.size() * 2));
  }
  if (t_.value_type == ValueType::kPattern) {
    t_.values[position] = std::byte{1};
  } else {
    std::memcpy(t_.values.data() + position * value_size_, value, value_size_);
  }
}

void Assembler::push_symbol(std::size_t l, std::uint32_t symbol) {
  LevelData& d = t_.levels[l];
  const std::uint32_t bits = t_.format.levels[l].parameter;
  const std::uint64_t bit = d.symbols * bits;
  if ((bit + bits + 63) / 64 > d.bits.size()) {
    check_size(d.bits.size() * 8 + 8);
    d.bits.push_back(0);
  }
  d.bits[bit / 64] |= std::uint64_t{symbol} << (bit % 64);
  if (bit % 64 + bits > 64) d.bits[bit / 64 + 1] |= std::uint64_t{symbol} >> (64 - bit % 64);
  ++d.symbols;
}

// Ends the open fiber of run-length level l with fillers that cover its remaining coordinates,
// then writes every empty fiber before parent `up_to_parent` as fillers alone.
void Assembler::close_run_length_fibers(std::size_t l, std::uint64_t up_to_parent) {
  const std::uint32_t filler = (1u << t_.format.levels[l].parameter) - 1;
  const std::uint64_t n = extent_[l];
  std::uint64_t next = 0;
  if (open_[l]) {
    for (std::uint64_t c = cursor_[l]; c < n; c += filler) push_symbol(l, filler);
    next = fiber_[l] + 1;
  }
  for (std::uint64_t p = next; p < up_to_parent; ++p) {
    for (std::uint64_t c = 0; c < n; c += filler) push_symbol(l, filler);
  }
  open_[l] = false;
}

void Assembler::append_at(std::size_t l, std::uint32_t c) {
  const std::uint64_t parent = l == 0 ? 0 : position_[l - 1];
  LevelData& d = t_.levels[l];
  switch (t_.format.levels[l].kind) {
    case LevelKind::kDense:
    case LevelKind::kBlock:
      position_[l] = parent * extent_[l] + c;
      return;
    case LevelKind::kCompressed:
      if (d.pos.size() <= parent) check_size((parent + 1) * 4);
      while (d.pos.size() <= parent) d.pos.push_back(static_cast<std::uint32_t>(d.crd.size()));
      if (d.crd.size() == 0xFFFFFFFFu) {
        throw Error(t_.format.name, "more than 2^32 - 1 entries at one level");
      }
      d.crd.push_back(c);
      position_[l] = d.crd.size() - 1;
      return;
    case LevelKind::kSingleton:
      d.crd.push_back(c);
      position_[l] = parent;
      return;
    case LevelKind::kBitmap: {
      const std::uint64_t bit = parent * extent_[l] + c;
      if (d.bits.size() <= bit / 64) {
        check_size((bit / 64 + 1) * 8);
        d.bits.resize(std::max<std::uint64_t>(bit / 64 + 1, d.bits.size() * 2));
      }
      d.bits[bit / 64] |= std::uint64_t{1} << (bit % 64);
      position_[l] = d.size++;
      return;
    }
    case LevelKind::kRunLength: {
      const std::uint32_t filler = (1u << t_.format.levels[l].parameter) - 1;
      if (!open_[l] || fiber_[l] != parent) {
        close_run_length_fibers(l, parent);
        open_[l] = true;
        fiber_[l] = parent;
        cursor_[l] = 0;
      }
      std::uint64_t gap = c - cursor_[l];
      for (; gap >= filler; gap -= filler) push_symbol(l, filler);
      push_symbol(l, static_cast<std::uint32_t>(gap));
      cursor_[l] = std::uint64_t{c} + 1;
      position_[l] = d.size++;
      return;
    }
    case LevelKind::kPadded: {
      if (!open_[l] || fiber_[l] != parent) {
        open_[l] = true;
        fiber_[l] = parent;
        cursor_[l] = 0;
      }
      if (cursor_[l] >= d.width) {
        throw Error(t_.format.name, fmt::format("a fiber has more than the {} slots of its padded "
                                                "level",
                                                d.width));
      }
      const std::uint64_t slot = parent * d.width + cursor_[l]++;
      if (d.crd.size() <= slot) {
        check_size((slot + 1) * 4);
        d.crd.resize(std::max<std::uint64_t>((parent + 1) * d.width, d.crd.size() * 2),
                     kNoCoordinate);
      }
      d.crd[slot] = c;
      position_[l] = slot;
      return;
    }
  }
}

void Assembler::append(const std::uint32_t* level_coords, const std::byte* value) {
  std::size_t from = 0;
  if (started_) {
    from = last_ + 1;
    for (std::size_t l = 0; l <= last_; ++l) {
      if (!t_.format.levels[l].unique || level_coords[l] != previous_[l]) {
        from = l;
        break;
      }
    }
    if (from > last_) throw Error(t_.format.name, "an entry was appended twice");
  }
  for (std::size_t l = from; l <= last_; ++l) {
    append_at(l, level_coords[l]);
    previous_[l] = level_coords[l];
  }
  started_ = true;
  write_value(position_[last_], value);
}

SparseTensor Assembler::finish() {
  std::uint64_t parents = 1;
  for (std::size_t l = 0; l <= last_; ++l) {
    LevelData& d = t_.levels[l];
    switch (t_.format.levels[l].kind) {
      case LevelKind::kDense:
      case LevelKind::kBlock:
        d.size = parents * extent_[l];
        break;
      case LevelKind::kCompressed:
        check_size((parents + 1) * 4);
        while (d.pos.size() <= parents) d.pos.push_back(static_cast<std::uint32_t>(d.crd.size()));
        d.size = d.crd.size();
        break;
      case LevelKind::kSingleton:
        d.size = d.crd.size();
        break;
      case LevelKind::kBitmap:
        check_size((parents * extent_[l] + 63) / 64 * 8);
        d.bits.resize((parents * extent_[l] + 63) / 64);
        break;
      case LevelKind::kRunLength:
        close_run_length_fibers(l, parents);
        d.bits.resize((d.symbols * t_.format.levels[l].parameter + 63) / 64);
        break;
      case LevelKind::kPadded:
        check_size(parents * d.width * 4);
        d.crd.resize(parents * d.width, kNoCoordinate);
        d.size = parents * d.width;
        break;
    }
    parents = d.size;
  }
  const std::uint64_t value_bytes_total = parents * value_size_;
  check_size(value_bytes_total);
  t_.values.resize(value_bytes_total);
  t_.values.shrink_to_fit();
  for (LevelData& d : t_.levels) {
    d.pos.shrink_to_fit();
    d.crd.shrink_to_fit();
    d.bits.shrink_to_fit();
  }
  return std::move(t_);
}

}  // namespace tessera::sparse::detail
