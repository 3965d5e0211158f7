// JSON option files for the dlrm commands (json_config.hpp).
#include "json_config.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/core/file_io.hpp"

namespace tessera::dlrm {
namespace {

// A JSON scalar as the text an option would be given on the command line.
std::string as_input(const nlohmann::json& value, const std::string& path, const std::string& key) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number()) return value.dump();
  throw usage_error(path, fmt::format("'{}' must be a number, a string, a boolean or an array of "
                                      "them",
                                      key));
}

}  // namespace

CLI::Option* add_json_config(CLI::App* app, std::string& path) {
  return app->add_option("--config", path,
                         "Options from a JSON file, e.g. {\"tables\": 8, \"bottom\": [512, 256, "
                         "64]}; the command line wins");
}

void apply_json_config(CLI::App& app, const std::string& path) {
  if (path.empty()) return;
  const std::vector<std::byte> bytes = read_file(path);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(reinterpret_cast<const char*>(bytes.data()),
                                reinterpret_cast<const char*>(bytes.data() + bytes.size()));
  } catch (const nlohmann::json::exception& e) {
    throw usage_error(path, fmt::format("not JSON: {}", e.what()));
  }
  if (!doc.is_object()) throw usage_error(path, "must be a JSON object of options");
  for (const auto& [key, value] : doc.items()) {
    CLI::Option* option = key == "config" ? nullptr : app.get_option_no_throw("--" + key);
    if (option == nullptr)
      throw usage_error(path, fmt::format("'{}' is not an option of `{}`", key, app.get_name()));
    if (option->count() > 0) continue;  // given on the command line
    std::vector<std::string> inputs;
    if (value.is_array()) {
      for (const nlohmann::json& v : value) inputs.push_back(as_input(v, path, key));
    } else {
      inputs.push_back(as_input(value, path, key));
    }
    option->add_result(inputs);
    option->run_callback();
  }
}

}  // namespace tessera::dlrm
