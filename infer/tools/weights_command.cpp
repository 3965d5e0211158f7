// `tessera infer export-weights` and `import-weights`: a Gemm or MatMul's weights out of an ONNX
// model as W (K, N) .npy, the layout `tessera tilewise prune` takes, and back in from its .tw (or
// a pruned .npy), stored the way the model stores them; the plan then finds their tile pattern and
// times TW-GEMM for the node (gemm_weights.hpp).
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "infer_commands.hpp"
#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"
#include "tessera/infer/gemm_weights.hpp"
#include "tessera/infer/onnx_model.hpp"
#include "tessera/tilewise/tw_matrix.hpp"

namespace tessera::infer {
namespace {

struct ExportWeights {
  std::string model, name, output;
};

void run_export(const ExportWeights& o) {
  const Tensor w = gemm_weights(read_onnx(o.model), o.name);
  OutputFile file(o.output);
  file.write(encode_tensor_file(w, o.name, o.output));
  file.commit();
  std::cerr << fmt::format("{}: '{}' as W {} (K x N) -> {}\n", o.model, o.name,
                           shape_string(w.shape), o.output);
}

struct ImportWeights {
  std::string model;
  std::vector<std::string> weights;  // NAME=FILE
  std::string output;
};

// The weights in `path`: a .tw file's kept weights (zero elsewhere), else a .npy or .pb tensor.
Tensor read_weights(const std::string& path) {
  const std::vector<std::byte> bytes = read_file(path);
  if (!tilewise::has_tw_magic(bytes)) return read_tensor_file(path);
  const tilewise::TwMatrix tw = tilewise::TwMatrix::deserialize(bytes, path);
  Tensor w(DataType::kFloat32,
           {static_cast<std::int64_t>(tw.k()), static_cast<std::int64_t>(tw.n())});
  const AlignedBuffer<float> dense = tw.unpack();
  std::copy(dense.begin(), dense.end(), w.data<float>().begin());
  return w;
}

void run_import(const ImportWeights& o) {
  Graph g = read_onnx(o.model);
  for (const std::string& item : o.weights) {
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      throw usage_error("--weights " + item, "is not NAME=FILE");
    const std::string name = item.substr(0, eq), path = item.substr(eq + 1);
    set_gemm_weights(g, name, read_weights(path), path);
    std::cerr << fmt::format("{}: '{}' from {}\n", o.model, name, path);
  }
  OutputFile file(o.output);
  file.write(encode_onnx(g));
  file.commit();
}

}  // namespace

void add_weights_commands(CLI::App& parent) {
  auto out = std::make_shared<ExportWeights>();
  CLI::App* export_app = parent.add_subcommand(
      "export-weights",
      "Write a Gemm or MatMul's weights as W (K, N) float32 .npy, as `tessera tilewise prune` "
      "takes them");
  export_app->add_option("model", out->model, "The .onnx model")->required();
  export_app->add_option("name", out->name, "The weights' initializer (input B of the node)")
      ->required();
  export_app->add_option("-o,--output", out->output, "The .npy file to write")->required();
  export_app->footer(
      "Examples:\n"
      "  tessera infer export-weights mlp.onnx fc1.weight -o fc1.npy\n"
      "  tessera tilewise prune -i fc1.npy -o fc1.tw --sparsity 0.75\n"
      "  tessera infer import-weights mlp.onnx --weights fc1.weight=fc1.tw -o mlp-tw.onnx");
  export_app->callback([out] { run_export(*out); });

  auto in = std::make_shared<ImportWeights>();
  CLI::App* import_app = parent.add_subcommand(
      "import-weights",
      "Replace Gemm or MatMul weights with pruned ones from .tw (or .npy) files, stored the way "
      "the model stores them; the plan then times TW-GEMM for those nodes");
  import_app->add_option("model", in->model, "The .onnx model")->required();
  import_app
      ->add_option("--weights", in->weights,
                   "NAME=FILE: initializer NAME from FILE (.tw of `tessera tilewise prune`, or a "
                   "(K, N) .npy or .pb); repeatable")
      ->required();
  import_app->add_option("-o,--output", in->output, "The .onnx model to write")->required();
  import_app->footer(
      "Examples:\n"
      "  tessera infer import-weights mlp.onnx --weights fc1.weight=fc1.tw -o mlp-tw.onnx\n"
      "  tessera infer import-weights mlp.onnx --weights fc0.weight=fc0.tw \\\n"
      "      --weights fc1.weight=fc1.tw -o mlp-tw.onnx && tessera infer bench mlp-tw.onnx");
  import_app->callback([in] { run_import(*in); });
}

}  // namespace tessera::infer
