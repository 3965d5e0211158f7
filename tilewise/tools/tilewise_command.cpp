// `tessera tilewise prune` (weights in as .npy or packed .tw; out as .npy with the pruned weights
// zeroed, or as packed .tw; "-" for standard input and output) and `tessera tilewise info` (tile
// statistics of a .tw file); registers them with `study` and `bench` (tilewise_commands.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <ranges>
#include <string>
#include <vector>

#include "tessera/cli/cli.hpp"
#include "tessera/cli/file_arguments.hpp"
#include "tessera/cli/flag_names.hpp"
#include "tessera/cli/standard_streams.hpp"
#include "tessera/cli/validators.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/core/npy.hpp"
#include "tessera/tilewise/pruning.hpp"
#include "tessera/tilewise/tw_matrix.hpp"
#include "tilewise_commands.hpp"

namespace tessera::tilewise {
namespace {

struct PruneCommand {
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::vector<std::string> scores;
  std::string pattern = "tw";
  std::string to;  // format of "-o -": "tw" or "npy"; empty: tw if the pattern packs
  PruneOptions options;
  bool json = false;
};

// A 2-D .npy array of finite values as a (k, n) view, or an error naming the file.
View<const float, 2> matrix_of(const NpyArray& a, const std::string& path) {
  if (a.shape.size() != 2) {
    throw Error(path, fmt::format("has {} dimensions; a layer's weights are a 2-D (K, N) array",
                                  a.shape.size()));
  }
  if (a.values.size() == 0) {
    throw Error(path,
                fmt::format("is {}x{}: a layer needs at least one weight", a.shape[0], a.shape[1]));
  }
  const auto bad = std::ranges::find_if(a.values.span(), [](float v) { return !std::isfinite(v); });
  if (bad != a.values.span().end()) {
    const auto i = static_cast<std::size_t>(bad - a.values.span().begin());
    throw Error(path, fmt::format("holds {} at ({}, {})", *bad, i / a.shape[1], i % a.shape[1]));
  }
  return View<const float, 2>(a.values.data(), {a.shape[0], a.shape[1]});
}

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// How errors name a path option: "-" is standard input or output.
std::string source_of(const std::string& path, std::string_view stream) {
  return cli::is_standard_stream(path) ? std::string(stream) : path;
}

// The bytes of an input: a file, or standard input for "-".
std::vector<std::byte> read_input(const std::string& path) {
  return cli::is_standard_stream(path) ? cli::read_standard_input() : read_file(path);
}

// A layer's weights from .npy, or from a packed .tw: its kept weights, zeros elsewhere (so pruning
// it again keeps what was pruned pruned). Files are told apart by name, standard input by magic.
NpyArray read_weights(const std::string& path) {
  const std::vector<std::byte> bytes = read_input(path);
  const std::string source = source_of(path, "stdin");
  const bool packed_input =
      cli::is_standard_stream(path) ? has_tw_magic(bytes) : ends_with(path, ".tw");
  if (!packed_input) return parse_npy(bytes, source);
  const TwMatrix packed = TwMatrix::deserialize(bytes, source);
  return NpyArray{{packed.k(), packed.n()}, packed.unpack()};
}

// Whether output `path` is packed .tw: by its name, or by --to (default: the pattern packs) for
// standard output.
bool packs_output(const std::string& path, const PruneCommand& c, PatternKind pattern) {
  if (!cli::is_standard_stream(path)) return ends_with(path, ".tw");
  return c.to.empty() ? is_tile_wise(pattern) : c.to == "tw";
}

// Only one of `paths` may be "-" (standard input or output is one stream).
void check_one_standard_stream(const std::vector<std::string>& paths, const char* flag) {
  if (std::ranges::count_if(paths, cli::is_standard_stream) > 1) {
    throw usage_error(flag, "\"-\" is given more than once; one layer can use the standard stream");
  }
}

// How far above the asked sparsity the output's zeros may go before a warning (TW patterns round
// each tile's rows, so the achieved sparsity moves by up to about a row per tile).
constexpr double kSparserTolerance = 0.01;

void run_prune(const PruneCommand& c) {
  if (c.outputs.size() != c.inputs.size()) {
    throw usage_error("-o", fmt::format("{} outputs for {} inputs: give one -o per -i",
                                        c.outputs.size(), c.inputs.size()));
  }
  if (!c.scores.empty() && c.scores.size() != c.inputs.size()) {
    throw usage_error(
        "--scores", fmt::format("{} score files for {} inputs", c.scores.size(), c.inputs.size()));
  }
  check_one_standard_stream(c.inputs, "-i");
  check_one_standard_stream(c.outputs, "-o");
  const bool to_stdout = std::ranges::any_of(c.outputs, cli::is_standard_stream);
  if (!c.to.empty() && !to_stdout) {
    throw usage_error("--to", "sets the format of -o - only; files take theirs from .tw or .npy");
  }
  if (c.json && to_stdout) {
    throw usage_error("--json", "prints to standard output, which -o - uses for the weights");
  }
  PruneOptions options = c.options;
  options.pattern = parse_pattern(c.pattern);
  check_prune_options(options);
  for (const std::string& out : c.outputs) {
    if (packs_output(out, c, options.pattern) && !is_tile_wise(options.pattern)) {
      throw usage_error(cli::is_standard_stream(out) ? "--to" : "-o",
                        fmt::format("{}: only the tw, tw2d and tew patterns pack into .tw "
                                    "files; write .npy for {}",
                                    source_of(out, "stdout"), c.pattern));
    }
    if (!cli::is_standard_stream(out) && !ends_with(out, ".tw") && !ends_with(out, ".npy")) {
      throw usage_error("-o", fmt::format("{}: give a .npy or .tw file, or - for stdout", out));
    }
  }
  std::vector<cli::FileArgument> inputs, outputs;
  for (const std::string& in : c.inputs) inputs.push_back({"-i", in});
  for (const std::string& scores : c.scores) inputs.push_back({"--scores", scores});
  for (const std::string& out : c.outputs) outputs.push_back({"-o", out});
  cli::refuse_overlapping_files(inputs, outputs);
  std::deque<OutputFile> files;  // opened before any work, committed together after it
  for (const std::string& out : c.outputs) files.emplace_back(out);

  std::vector<NpyArray> weights, given_scores;
  std::vector<AlignedBuffer<float>> magnitudes;
  std::vector<View<const float, 2>> score_views;
  for (std::size_t l = 0; l < c.inputs.size(); ++l) {
    weights.push_back(read_weights(c.inputs[l]));
    const View<const float, 2> w = matrix_of(weights.back(), c.inputs[l]);
    if (c.scores.empty()) {
      magnitudes.push_back(magnitude_scores(w));
      score_views.emplace_back(magnitudes.back().data(), w.shape());
    } else {
      given_scores.push_back(read_npy(c.scores[l]));
      const View<const float, 2> s = matrix_of(given_scores.back(), c.scores[l]);
      if (s.shape() != w.shape()) {
        throw Error(c.scores[l], fmt::format("is {}x{}, its layer {} is {}x{}", s.extent(0),
                                             s.extent(1), c.inputs[l], w.extent(0), w.extent(1)));
      }
      score_views.push_back(s);
    }
  }
  const std::vector<LayerMask> masks = prune(score_views, options);
  nlohmann::json layers = nlohmann::json::array();
  std::size_t kept = 0, total = 0;
  for (std::size_t l = 0; l < masks.size(); ++l) {
    const LayerMask& m = masks[l];
    const View<const float, 2> w = matrix_of(weights[l], c.inputs[l]);
    if (packs_output(c.outputs[l], c, options.pattern)) {
      files[l].write(TwMatrix::pack(*m.tiles, w, m.kept).serialize());
    } else {
      AlignedBuffer<float> pruned(m.k * m.n);
      for (std::size_t i = 0; i < pruned.size(); ++i) {
        pruned[i] = m.kept[i] != 0 ? w(i / m.n, i % m.n) : 0.0f;
      }
      files[l].write(encode_npy(weights[l].shape, pruned.span()));
    }
    // Sparsity as the share of zero weights in the output: a weight the mask keeps may be zero
    // already (an input pruned before), and it is then as absent as a pruned one.
    std::size_t nonzero = 0;
    for (std::size_t i = 0; i < m.k * m.n; ++i) {
      nonzero += m.kept[i] != 0 && w(i / m.n, i % m.n) != 0.0f ? 1 : 0;
    }
    kept += nonzero;
    total += m.k * m.n;
    const double sparsity = 1.0 - static_cast<double>(nonzero) / static_cast<double>(m.k * m.n);
    layers.push_back({{"input", c.inputs[l]},
                      {"output", c.outputs[l]},
                      {"k", m.k},
                      {"n", m.n},
                      {"sparsity", sparsity},
                      {"tiles", m.tiles ? m.tiles->tiles.size() : 0}});
    std::cerr << fmt::format("{}: {}x{}, sparsity {:.2f}%{} -> {}\n",
                             source_of(c.inputs[l], "stdin"), m.k, m.n, 100 * sparsity,
                             m.tiles ? fmt::format(", {} tiles", m.tiles->tiles.size()) : "",
                             source_of(c.outputs[l], "stdout"));
  }
  for (OutputFile& file : files) file.commit();
  const double overall = 1.0 - static_cast<double>(kept) / static_cast<double>(total);
  std::cerr << fmt::format("{} over {} layer(s): sparsity {:.2f}% (asked {:.2f}%)\n", c.pattern,
                           masks.size(), 100 * overall, 100 * options.sparsity);
  if (overall > options.sparsity + kSparserTolerance) {
    std::cerr << fmt::format(
        "warning: {:.2f}% of the weights are zero, more than the {:.2f}% asked: the input held "
        "zeros already, and pruning removes weights, it cannot restore them\n",
        100 * overall, 100 * options.sparsity);
  }
  if (c.json) {
    std::cout << nlohmann::json{{"pattern", c.pattern}, {"sparsity", overall}, {"layers", layers}}
              << "\n";
  }
}

// The library's errors name PruneOptions' fields; prune's name the flags that set them.
constexpr std::array<cli::FlagOfField, 4> kPruneFlags = {{
    {"PruneOptions::pattern", "--pattern"},
    {"PruneOptions::sparsity", "--sparsity"},
    {"PruneOptions::tile_width", "-G"},
    {"PruneOptions::hybrid_delta", "--delta"},
}};

void add_prune(CLI::App& parent) {
  auto c = std::make_shared<PruneCommand>();
  CLI::App* prune_app = parent.add_subcommand(
      "prune", "Prune layers' weights under one global threshold (TW, TW-2D, TEW, EW, VW, BW)");
  prune_app
      ->add_option(
          "-i", c->inputs,
          "A layer's weights: (K, N) float32 .npy, or packed .tw; - for stdin (repeatable)")
      ->required();
  prune_app
      ->add_option("-o", c->outputs,
                   "Output per layer: .npy (pruned weights zeroed) or .tw (packed; tw, tw2d, tew); "
                   "- for stdout")
      ->required();
  prune_app
      ->add_option("--to", c->to,
                   "Format of -o -: tw or npy (default: tw for tw, tw2d and tew, npy otherwise)")
      ->check(CLI::IsMember({"tw", "npy"}));
  prune_app->add_option("--scores", c->scores,
                        "Importance scores per layer, e.g. Taylor (grad·w)² (default: |w|)");
  prune_app->add_option("--pattern", c->pattern, "tw, tw2d, tew, ew, vw or bw")
      ->capture_default_str();
  prune_app->add_option("--sparsity", c->options.sparsity, "Fraction of all weights removed")
      ->capture_default_str();
  prune_app->add_option("-G,--tile-width", c->options.tile_width, "Columns per tile")
      ->capture_default_str()
      ->check(cli::whole_number());
  prune_app
      ->add_option("--delta", c->options.hybrid_delta,
                   "tew: fraction of all weights restored element-wise")
      ->capture_default_str();
  prune_app->add_flag("--json", c->json, "Print the per-layer results as one JSON object");
  prune_app->footer(
      "All layers share one threshold on length-normalised unit scores, so sensitive layers keep\n"
      "more. Examples:\n"
      "  tessera tilewise prune -i fc1.npy -o fc1.tw --sparsity 0.75\n"
      "  tessera tilewise prune -i fc1.npy -i fc2.npy -o fc1.tw -o fc2.tw --pattern tw2d -G 64\n"
      "  tessera tilewise prune -i fc1.npy -o fc1_ew.npy --pattern ew --sparsity 0.9 --json\n"
      "  tessera tilewise prune -i fc1.tw -o fc1_90.tw --sparsity 0.9\n"
      "  tessera tilewise prune -i fc1.npy -o - --sparsity 0.75 | tessera tilewise info -");
  prune_app->callback([c] { cli::with_flag_names(kPruneFlags, [&] { run_prune(*c); }); });
}

void add_info(CLI::App& parent) {
  auto file = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  CLI::App* info = parent.add_subcommand("info", "Tile statistics of a packed .tw file");
  info->add_option("file", *file, "Packed weights (.tw); - for stdin")->required();
  info->add_flag("--json", *json, "Print the statistics as one JSON object");
  info->footer("Example:\n  tessera tilewise info fc1.tw");
  info->callback([file, json] {
    const std::string source = source_of(*file, "stdin");
    const TwMatrix w = TwMatrix::deserialize(read_input(*file), source);
    const TilePattern& p = w.pattern();
    const double sparsity = p.k * p.n == 0 ? 0.0
                                           : 1.0 - static_cast<double>(w.kept_weights()) /
                                                       static_cast<double>(p.k * p.n);
    std::vector<std::size_t> kept;
    for (const Tile& tile : p.tiles) kept.push_back(tile.rows.size());
    std::ranges::sort(kept);
    const auto at = [&](double q) {
      return kept.empty()
                 ? 0
                 : kept[static_cast<std::size_t>(q * static_cast<double>(kept.size() - 1))];
    };
    if (*json) {
      std::cout << nlohmann::json{{"file", source},
                                  {"k", p.k},
                                  {"n", p.n},
                                  {"g", p.g},
                                  {"tiles", p.tiles.size()},
                                  {"pruned_columns", w.pruned_columns().size()},
                                  {"restored", w.restored().rows.size()},
                                  {"sparsity", sparsity},
                                  {"kept_rows_min", at(0)},
                                  {"kept_rows_median", at(0.5)},
                                  {"kept_rows_max", at(1)}}
                << "\n";
      return;
    }
    std::cout << fmt::format(
        "{}: {}x{} (K x N), G {}, {} tiles, {} pruned columns, {} restored elements, sparsity "
        "{:.2f}%\nkept rows per tile: min {}, median {}, max {} of {}\n",
        source, p.k, p.n, p.g, p.tiles.size(), w.pruned_columns().size(), w.restored().rows.size(),
        100 * sparsity, at(0), at(0.5), at(1), p.k);
  });
}

const cli::Registrar kTilewise(
    "tilewise", "Tile-wise sparsity: prune weights to GEMM-tile patterns, pack them for TW-GEMM",
    [](CLI::App& app) {
      app.require_subcommand(1);
      app.footer(
          "Examples:\n"
          "  tessera tilewise prune -i fc1.npy -o fc1.tw --sparsity 0.75\n"
          "  tessera tilewise info fc1.tw\n"
          "  tessera tilewise study --patterns tw --sparsities 0.75\n"
          "  tessera tilewise bench --m 128:2048:*4 --sparsity 0.5,0.75,0.9");
      add_prune(app);
      add_info(app);
      add_study(app);
      add_bench(app);
    });

}  // namespace
}  // namespace tessera::tilewise
