// Named formats as level lists, their text form NAME[:PARAM][@ORDER], and the rules a level list
// must follow (format.hpp).
#include "tessera/sparse/format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <numeric>

#include "tessera/core/error.hpp"

namespace tessera::sparse {
namespace {

constexpr std::string_view kAnyOrderNames = "dense, coo, csf";
constexpr std::string_view kMatrixNames = "csr, csc, dcsr, dcsc, bitmap, rlc[:BITS], ell, bcsr:RxC, bcsc:RxC";

std::uint32_t parse_number(std::string_view text, std::string_view what, std::string_view input) {
  std::uint32_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    throw Error(input, fmt::format("'{}' is not a whole number ({})", text, what));
  }
  return v;
}

// ORDER: "row", "col" (matrices) or a permutation "2,0,1".
std::vector<std::uint32_t> parse_order(std::string_view text, std::size_t order,
                                       std::string_view input) {
  std::vector<std::uint32_t> perm(order);
  std::iota(perm.begin(), perm.end(), 0u);
  if (text.empty() || text == "row") return perm;
  if (text == "col") {
    std::reverse(perm.begin(), perm.end());
    return perm;
  }
  perm.clear();
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    perm.push_back(parse_number(text.substr(start, comma - start), "a dimension", input));
    start = comma + 1;
  }
  std::vector<std::uint32_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t d = 0; d < sorted.size(); ++d) {
    if (sorted.size() != order || sorted[d] != d) {
      throw Error(input, fmt::format("mode order '{}' is not a permutation of the {} dimensions "
                                     "(row, col, or e.g. 1,0)",
                                     text, order));
    }
  }
  return perm;
}

LevelSpec level(LevelKind kind, std::uint32_t dimension, LevelPart part = LevelPart::kWhole,
                std::uint32_t parameter = 0, bool unique = true) {
  return {.kind = kind, .dimension = dimension, .part = part, .unique = unique,
          .parameter = parameter};
}

// "RxC" block sizes of bcsr (rows x columns).
std::pair<std::uint32_t, std::uint32_t> parse_block(std::string_view text, std::string_view input) {
  const std::size_t x = text.find('x');
  if (x == std::string_view::npos) {
    throw Error(input, fmt::format("block size '{}' is not RxC (e.g. bcsr:4x4)", text));
  }
  const std::uint32_t r = parse_number(text.substr(0, x), "block rows", input);
  const std::uint32_t c = parse_number(text.substr(x + 1), "block columns", input);
  if (r == 0 || c == 0 || r > 1024 || c > 1024) {
    throw Error(input, fmt::format("block size {}x{} is outside 1x1..1024x1024", r, c));
  }
  return {r, c};
}

}  // namespace

bool FormatSpec::full_leaf() const { return !levels.empty() && properties(levels.back().kind).full; }

bool FormatSpec::same_layout(const FormatSpec& other) const {
  return levels == other.levels && block == other.block;
}

std::string FormatSpec::describe() const {
  std::string out;
  for (const LevelSpec& l : levels) {
    if (!out.empty()) out += " · ";
    out += to_string(l.kind);
    if (!l.unique) out += "-nonunique";
    const std::uint32_t b = block[l.dimension];
    switch (l.part) {
      case LevelPart::kWhole: out += fmt::format("({})", l.dimension); break;
      case LevelPart::kBlocks: out += fmt::format("({}/{})", l.dimension, b); break;
      case LevelPart::kWithinBlock: out += fmt::format("({}%{})", l.dimension, b); break;
    }
    if (l.kind == LevelKind::kRunLength) out += fmt::format("[{} bits]", l.parameter);
    if (l.kind == LevelKind::kPadded && l.parameter != 0) out += fmt::format("[{}]", l.parameter);
  }
  return out;
}

std::string format_names() { return fmt::format("{}, {}", kAnyOrderNames, kMatrixNames); }

FormatSpec parse_format(std::string_view text, std::size_t order, std::string_view input) {
  if (order == 0 || order > 4) {
    throw Error(input, fmt::format("tensors of order {} are not supported (1 to 4)", order));
  }
  const std::size_t at = text.find('@');
  const std::string_view head = text.substr(0, at);
  const std::string_view order_text = at == std::string_view::npos ? "" : text.substr(at + 1);
  const std::size_t colon = head.find(':');
  std::string_view name = head.substr(0, colon);
  const std::string_view param = colon == std::string_view::npos ? "" : head.substr(colon + 1);

  // csc, dcsc and bcsc are csr, dcsr and bcsr in column order.
  std::string_view order_spec = order_text;
  if (name == "csc" || name == "dcsc" || name == "bcsc") {
    if (!order_text.empty()) {
      throw Error(input, fmt::format("'{}' has its mode order; write {}r@ORDER instead",
                                     name, name.substr(0, name.size() - 1)));
    }
    order_spec = "col";
    name = name == "csc" ? "csr" : name == "dcsc" ? "dcsr" : "bcsr";
  }
  const std::vector<std::uint32_t> p = parse_order(order_spec, order, input);

  FormatSpec f;
  f.name = std::string(text);
  f.block.assign(order, 1);
  const bool matrix_format = name == "csr" || name == "dcsr" || name == "bitmap" || name == "rlc" ||
                             name == "ell" || name == "bcsr";
  if (matrix_format && order != 2) {
    throw Error(input, fmt::format("'{}' is a matrix format; a tensor of order {} takes {}", name,
                                   order, kAnyOrderNames));
  }
  const bool takes_parameter = name == "rlc" || name == "bcsr";
  if (!param.empty() && !takes_parameter) {
    throw Error(input, fmt::format("'{}' takes no parameter (':{}')", name, param));
  }
  if (name == "dense") {
    for (std::uint32_t d : p) f.levels.push_back(level(LevelKind::kDense, d));
  } else if (name == "coo") {
    f.levels.push_back(level(LevelKind::kCompressed, p[0], LevelPart::kWhole, 0, order == 1));
    for (std::size_t k = 1; k < order; ++k) {
      f.levels.push_back(level(LevelKind::kSingleton, p[k], LevelPart::kWhole, 0, k + 1 == order));
    }
  } else if (name == "csf" || name == "dcsr") {
    for (std::uint32_t d : p) f.levels.push_back(level(LevelKind::kCompressed, d));
  } else if (name == "csr") {
    f.levels = {level(LevelKind::kDense, p[0]), level(LevelKind::kCompressed, p[1])};
  } else if (name == "bitmap") {
    f.levels = {level(LevelKind::kDense, p[0]), level(LevelKind::kBitmap, p[1])};
  } else if (name == "rlc") {
    const std::uint32_t bits = param.empty() ? 8 : parse_number(param, "run bits", input);
    if (bits < 2 || bits > 16) {
      throw Error(input, fmt::format("rlc:{}: run symbols take 2 to 16 bits", bits));
    }
    f.levels = {level(LevelKind::kDense, p[0]), level(LevelKind::kRunLength, p[1],
                                                      LevelPart::kWhole, bits)};
  } else if (name == "ell") {
    f.levels = {level(LevelKind::kDense, p[0]), level(LevelKind::kPadded, p[1])};
  } else if (name == "bcsr") {
    if (param.empty()) throw Error(input, "bcsr needs its block size, e.g. bcsr:4x4");
    const auto [r, c] = parse_block(param, input);
    // Rows x columns of a block, whatever the mode order.
    f.block = {r, c};
    f.levels = {level(LevelKind::kDense, p[0], LevelPart::kBlocks),
                level(LevelKind::kCompressed, p[1], LevelPart::kBlocks),
                level(LevelKind::kBlock, p[0], LevelPart::kWithinBlock),
                level(LevelKind::kBlock, p[1], LevelPart::kWithinBlock)};
  } else {
    throw Error(input, fmt::format("unknown format '{}' (formats: {}; mode order as @row, @col or "
                                   "@2,0,1)",
                                   name, format_names()));
  }
  check_format(f, input);
  return f;
}

std::vector<FormatSpec> all_formats(std::size_t order, std::uint32_t block, std::uint32_t run_bits) {
  std::vector<std::string> names = {"dense", "coo", "csf"};
  if (order == 2) {
    names.insert(names.end(), {"csr", "dcsr", "bitmap", fmt::format("rlc:{}", run_bits), "ell",
                               fmt::format("bcsr:{}x{}", block, block)});
  }
  std::vector<FormatSpec> out;
  for (const std::string& n : names) {
    out.push_back(parse_format(n, order));
    if (order >= 2) {
      std::vector<std::uint32_t> reversed(order);
      std::iota(reversed.rbegin(), reversed.rend(), 0u);
      out.push_back(parse_format(fmt::format("{}@{}", n, fmt::join(reversed, ",")), order));
    }
  }
  return out;
}

void check_format(const FormatSpec& f, std::string_view input) {
  const std::size_t order = f.block.size();
  if (f.levels.empty() || f.levels.size() > 8) {
    throw Error(input, fmt::format("a format has 1 to 8 levels, not {}", f.levels.size()));
  }
  std::vector<int> whole(order, 0), blocks(order, 0), within(order, 0);
  for (std::size_t l = 0; l < f.levels.size(); ++l) {
    const LevelSpec& s = f.levels[l];
    if (s.dimension >= order) {
      throw Error(input, fmt::format("level {} names dimension {} of a tensor of order {}", l,
                                     s.dimension, order));
    }
    switch (s.part) {
      case LevelPart::kWhole: ++whole[s.dimension]; break;
      case LevelPart::kBlocks: ++blocks[s.dimension]; break;
      case LevelPart::kWithinBlock:
        if (blocks[s.dimension] == 0) {
          throw Error(input, fmt::format("level {} enters a block of dimension {} before its "
                                         "block level",
                                         l, s.dimension));
        }
        ++within[s.dimension];
        break;
    }
    if ((s.kind == LevelKind::kBlock) != (s.part == LevelPart::kWithinBlock)) {
      throw Error(input, fmt::format("level {}: block levels store exactly the coordinates within "
                                     "a block",
                                     l));
    }
    if (!s.unique && s.kind != LevelKind::kCompressed && s.kind != LevelKind::kSingleton) {
      throw Error(input, fmt::format("level {}: only compressed and singleton levels may be "
                                     "non-unique",
                                     l));
    }
    if (s.kind == LevelKind::kSingleton && (l == 0 || (f.levels[l - 1].unique &&
                                                       f.levels[l - 1].kind != LevelKind::kSingleton))) {
      throw Error(input, fmt::format("level {}: a singleton level follows a non-unique level", l));
    }
    if (l > 0 && !f.levels[l - 1].unique && s.kind != LevelKind::kSingleton) {
      throw Error(input, fmt::format("level {}: only singletons may follow a non-unique level", l));
    }
    if (s.kind == LevelKind::kRunLength && (s.parameter < 2 || s.parameter > 16)) {
      throw Error(input, fmt::format("level {}: run symbols take 2 to 16 bits", l));
    }
  }
  for (std::size_t d = 0; d < order; ++d) {
    const bool split = f.block[d] > 1;
    const bool ok = split ? (whole[d] == 0 && blocks[d] == 1 && within[d] == 1)
                          : (whole[d] + blocks[d] == 1 && within[d] == 0);
    if (!ok && !(f.block[d] == 1 && blocks[d] == 1 && within[d] == 1 && whole[d] == 0)) {
      throw Error(input, fmt::format("dimension {} must be stored once (or as a block level and a "
                                     "within-block level)",
                                     d));
    }
  }
}

}  // namespace tessera::sparse
