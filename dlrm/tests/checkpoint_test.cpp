// Checkpoints: a run resumed from one ends with bitwise the weights of an uninterrupted run, a
// model loads from one by its saved config, and damaged or foreign files are refused by name.
#include "tessera/dlrm/checkpoint.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "tessera/core/file_io.hpp"
#include "tessera/dlrm/synthetic.hpp"
#include "tessera/dlrm/training.hpp"
#include "tessera/testing/expect_error.hpp"
#include "tessera/testing/temp_dir.hpp"

namespace tessera::dlrm {
namespace {

DlrmConfig config_for(const SyntheticConfig& data) {
  DlrmConfig c;
  c.dense_features = data.dense_features;
  c.bottom_mlp = {16, 8};
  c.top_mlp = {16, 1};
  c.table_rows = data.rows;
  c.optimizer = {OptimizerKind::kRowwiseAdagrad, 0.05f};
  return c;
}

TEST(Checkpoint, AResumedRunEndsWithTheWeightsOfAnUninterruptedOne) {
  const testing::TempDir dir;
  SyntheticConfig data;
  data.rows = {300, 50, 2000};
  data.pooling = 3;
  const SyntheticData stream(data);
  const SampleSource source = [&](std::int64_t first, std::int64_t count) {
    return stream.batch(first, count);
  };
  Dlrm whole(config_for(data));
  train(whole, source, {64, 0, 64 * 12, {}});

  Dlrm first(config_for(data));
  train(first, source, {64, 0, 64 * 5, {}});
  const std::string path = (dir.path() / "run.ckpt").string();
  save_checkpoint(path, first, {0, 64 * 5, 5});
  Dlrm resumed(config_for(data));
  const TrainingPosition at = load_checkpoint(path, resumed);
  EXPECT_EQ(at.next_sample, 64 * 5);
  EXPECT_EQ(at.steps, 5);
  train(resumed, source, {64, at.next_sample, 64 * 12 - at.next_sample, {}});
  EXPECT_EQ(resumed.parameters_sha256(), whole.parameters_sha256());

  TrainingPosition loaded_at;
  const std::unique_ptr<Dlrm> loaded = load_model(path, &loaded_at);
  EXPECT_EQ(loaded->parameters_sha256(), first.parameters_sha256());
  EXPECT_EQ(loaded_at.steps, 5);
  train(*loaded, source, {64, at.next_sample, 64 * 12 - at.next_sample, {}});
  EXPECT_EQ(loaded->parameters_sha256(), whole.parameters_sha256());
}

TEST(Checkpoint, DamagedForeignAndMissingFilesAreRefused) {
  const testing::TempDir dir;
  SyntheticConfig data;
  data.rows = {30, 40};
  Dlrm model(config_for(data));
  const std::string path = (dir.path() / "a.ckpt").string();
  save_checkpoint(path, model, {});
  std::vector<std::byte> bytes = read_file(path);

  const auto damaged = [&](std::vector<std::byte> b) {
    const std::string p = (dir.path() / "damaged.ckpt").string();
    write_file(p, b);
    return p;
  };
  std::vector<std::byte> flipped = bytes;
  flipped[bytes.size() / 2] ^= std::byte{1};
  testing::expect_error([&] { load_checkpoint(damaged(flipped), model); },
                        {.contains = "checksum mismatch"});
  testing::expect_error(
      [&] {
        load_checkpoint(
            damaged({bytes.begin(), bytes.begin() + static_cast<long>(bytes.size() / 3)}), model);
      },
      {.contains = "checksum mismatch"});
  testing::expect_error(
      [&] {
        load_checkpoint(damaged({bytes.begin(), bytes.begin() + 10}), model);
      },
      {.contains = "truncated"});
  std::vector<std::byte> other = bytes;
  other[0] = std::byte{'X'};
  testing::expect_error([&] { load_checkpoint(damaged(other), model); },
                        {.contains = "not a tessera DLRM checkpoint"});
  DlrmConfig wider = config_for(data);
  wider.bottom_mlp = {16, 4};
  Dlrm other_model(wider);
  testing::expect_error([&] { load_checkpoint(path, other_model); },
                        {.input = path, .contains = "was saved for another model"});
  testing::expect_error([&] { load_checkpoint((dir.path() / "none.ckpt").string(), model); },
                        {.contains = "none.ckpt"});
}

}  // namespace
}  // namespace tessera::dlrm
