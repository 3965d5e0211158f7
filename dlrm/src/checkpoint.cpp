// Training checkpoints (checkpoint.hpp): written through an OutputFile (a temporary file renamed
// over the target), the arrays streamed with a running CRC32C; read whole, the checksum checked
// before anything is restored.
#include "tessera/dlrm/checkpoint.hpp"

#include <fmt/format.h>

#include <bit>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>

#include "tessera/core/bytes.hpp"
#include "tessera/core/crc32c.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"

namespace tessera::dlrm {
namespace {

static_assert(std::endian::native == std::endian::little, "arrays are written as in memory");

constexpr std::string_view kMagic = "TSDLRMCK";
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kMaxName = 256;
constexpr std::size_t kMaxConfig = 1 << 20;

nlohmann::json config_json(const DlrmConfig& c) {
  return {{"dense_features", c.dense_features},
          {"bottom_mlp", c.bottom_mlp},
          {"top_mlp", c.top_mlp},
          {"table_rows", c.table_rows},
          {"pooling", c.pooling == Pooling::kMean ? "mean" : "sum"},
          {"optimizer", to_string(c.optimizer.kind)},
          {"learning_rate", c.optimizer.learning_rate},
          {"eps", c.optimizer.eps},
          {"seed", c.seed}};
}

DlrmConfig config_of(const nlohmann::json& j, const std::string& path) {
  try {
    DlrmConfig c;
    c.dense_features = j.at("dense_features").get<std::int64_t>();
    c.bottom_mlp = j.at("bottom_mlp").get<std::vector<std::int64_t>>();
    c.top_mlp = j.at("top_mlp").get<std::vector<std::int64_t>>();
    c.table_rows = j.at("table_rows").get<std::vector<std::int64_t>>();
    c.pooling = j.at("pooling").get<std::string>() == "mean" ? Pooling::kMean : Pooling::kSum;
    c.optimizer.kind = parse_optimizer_kind(j.at("optimizer").get<std::string>(), path);
    c.optimizer.learning_rate = j.at("learning_rate").get<float>();
    c.optimizer.eps = j.at("eps").get<float>();
    c.seed = j.at("seed").get<std::uint64_t>();
    return c;
  } catch (const nlohmann::json::exception& e) {
    throw Error(path, std::string("its model config is malformed: ") + e.what());
  }
}

// The config and position of the checkpoint `bytes` (checksum checked), and a reader at its first
// array.
struct Parsed {
  DlrmConfig config;
  TrainingPosition position;
  std::uint32_t arrays = 0;
};

Parsed parse_header(ByteReader& in, std::span<const std::byte> bytes, const std::string& path) {
  if (bytes.size() < kMagic.size() ||
      std::string_view(reinterpret_cast<const char*>(bytes.data()), kMagic.size()) != kMagic)
    throw Error(path, "not a tessera DLRM checkpoint (no TSDLRMCK at its start)");
  if (bytes.size() < kMagic.size() + 8) throw Error(path, "truncated checkpoint");
  const std::span<const std::byte> body = bytes.first(bytes.size() - 4);
  ByteReader tail(bytes.last(4), path);
  if (crc32c(body) != tail.get<std::uint32_t>())
    throw Error(path, "checksum mismatch: the checkpoint is corrupt or truncated");
  in.skip(kMagic.size());
  const auto version = in.get<std::uint32_t>();
  if (version != kVersion)
    throw Error(
        path, fmt::format("checkpoint version {}; this build reads version {}", version, kVersion));
  Parsed p;
  const std::string config = in.get_string(kMaxConfig);
  try {
    p.config = config_of(nlohmann::json::parse(config), path);
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(path, std::string("its model config is not JSON: ") + e.what());
  }
  p.position.epoch = in.get<std::int64_t>();
  p.position.next_sample = in.get<std::int64_t>();
  p.position.steps = in.get<std::int64_t>();
  p.arrays = in.get<std::uint32_t>();
  return p;
}

// Copies the arrays that follow into `model`'s, which must match them in name and size.
void restore_arrays(ByteReader& in, std::uint32_t arrays, Dlrm& model, const std::string& path) {
  std::uint32_t restored = 0;
  model.for_each_array(
      [&](const std::string& name, std::span<float> array) {
        if (restored++ == arrays) throw Error(path, "has fewer arrays than the model");
        const std::string saved = in.get_string(kMaxName);
        const auto count = in.get<std::uint64_t>();
        if (saved != name || count != array.size())
          throw Error(path, fmt::format("holds {} of {} values where the model has {} of {}", saved,
                                        count, name, array.size()));
        const std::span<const std::byte> values = in.get_bytes(array.size_bytes());
        std::memcpy(array.data(), values.data(), values.size());
      },
      ArrayAccess::kWrite);
  if (restored != arrays) throw Error(path, "has more arrays than the model");
  if (in.remaining() != 4) throw Error(path, "has bytes after its arrays");
}

}  // namespace

void save_checkpoint(const std::string& path, Dlrm& model, const TrainingPosition& position) {
  ByteWriter header(path);
  header.put_bytes(std::as_bytes(std::span(kMagic)));
  header.put(kVersion);
  header.put_string(config_json(model.config()).dump());
  header.put(position.epoch);
  header.put(position.next_sample);
  header.put(position.steps);
  header.put(static_cast<std::uint32_t>(model.array_count()));
  // Over several ranks every rank walks the arrays (the tables gathered on rank 0), rank 0 writes.
  std::optional<OutputFile> out;
  if (model.communicator().rank() == 0) out.emplace(path);
  std::uint32_t crc = 0;
  const auto write = [&](std::span<const std::byte> bytes) {
    crc = crc32c(bytes, crc);
    if (out) out->write(bytes);
  };
  write(header.bytes());
  model.for_each_array(
      [&](const std::string& name, std::span<float> array) {
        ByteWriter label(path);
        label.put_string(name);
        label.put(static_cast<std::uint64_t>(array.size()));
        write(label.bytes());
        write(std::as_bytes(array));
      },
      ArrayAccess::kRead);
  ByteWriter tail(path);
  tail.put(crc);
  if (!out) return;
  out->write(tail.bytes());
  out->commit();
}

TrainingPosition load_checkpoint(const std::string& path, Dlrm& model) {
  const std::vector<std::byte> bytes = read_file(path);
  ByteReader in(bytes, path);
  const Parsed p = parse_header(in, bytes, path);
  if (config_json(p.config) != config_json(model.config()))
    throw Error(path, fmt::format("was saved for another model: {}", config_json(p.config).dump()));
  restore_arrays(in, p.arrays, model, path);
  return p.position;
}

std::unique_ptr<Dlrm> load_model(const std::string& path, TrainingPosition* position) {
  const std::vector<std::byte> bytes = read_file(path);
  ByteReader in(bytes, path);
  const Parsed p = parse_header(in, bytes, path);
  auto model = std::make_unique<Dlrm>(p.config);
  restore_arrays(in, p.arrays, *model, path);
  if (position != nullptr) *position = p.position;
  return model;
}

}  // namespace tessera::dlrm
