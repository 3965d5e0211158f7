// Command registry, dispatch and the mapping of parse errors and tessera::Error to exit codes;
// run() also removes temporary files on signals and caps OMP_NUM_THREADS for the whole program.
#include "tessera/cli/cli.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <new>
#include <numeric>
#include <span>
#include <string>

#include "tessera/core/error.hpp"
#include "tessera/core/temp_files.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::cli {

namespace {

std::vector<CommandInfo>& command_registry() {
  static std::vector<CommandInfo> commands;
  return commands;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitute});
    }
  }
  return row[b.size()];
}

// The innermost command the user selected ("tessera compress train" -> train).
const CLI::App& selected_command(const CLI::App& app) {
  const CLI::App* current = &app;
  while (!current->get_subcommands().empty()) current = current->get_subcommands().front();
  return *current;
}

std::string command_path(const CLI::App& command) {
  std::string path = command.get_name();
  for (const CLI::App* p = command.get_parent(); p != nullptr; p = p->get_parent()) {
    path.insert(0, p->get_name() + " ");
  }
  return path;
}

std::vector<std::string> subcommand_names(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::App* sub : command.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

// A negative number that the command line read as a short flag and its value ("-inf" as -i with
// "nf", "-1e-3" as -1 with "e-3"): the first such argument of `command`, explained, or "".
std::string negative_number_note(const CLI::App& command, std::span<const char* const> args) {
  for (const char* arg : args) {
    const std::string_view text = arg;
    char* end = nullptr;
    std::strtod(arg, &end);
    const bool number = text.size() > 2 && text[0] == '-' && end == arg + text.size();
    if (number && command.get_option_no_throw(std::string(text.substr(0, 2))) != nullptr) {
      return fmt::format(
          "  note: '{}' reads as the flag {} with the value '{}', not as a negative "
          "number\n",
          text, text.substr(0, 2), text.substr(2));
    }
  }
  return "";
}

// Explains a bad command line: an unknown command (with a suggestion), an unknown option, a stray
// argument, a missing command, or CLI11's own message for everything else; and a negative number
// read as a flag.
int report_parse_error(const CLI::App& app, const CLI::ParseError& error,
                       std::span<const char* const> args, std::ostream& err) {
  const CLI::App& command = selected_command(app);
  const std::vector<std::string> extras = app.remaining(true);  // fallthrough sends extras up
  const std::vector<std::string> names = subcommand_names(command);
  const std::string path = command_path(command);
  if (!extras.empty() && extras.front().starts_with("-")) {
    err << path << ": unknown option '" << extras.front() << "'\n";
  } else if (!extras.empty() && !names.empty()) {
    err << path << ": unknown command '" << extras.front() << "'\n";
    if (auto guess = closest_match(extras.front(), names)) {
      err << "  did you mean '" << *guess << "'?\n";
    }
    err << "  commands: " << joined(names) << "\n";
  } else if (!extras.empty()) {
    err << path << ": unexpected argument '" << extras.front() << "'\n";
  } else if (command.get_require_subcommand_min() > 0 && command.get_subcommands().empty()) {
    err << path << ": a command is required (" << joined(names) << ")\n";
  } else {
    err << path << ": " << error.what() << "\n";
  }
  err << negative_number_note(command, args);
  err << "Run '" << path << " --help' for usage.\n";
  return static_cast<int>(ExitCode::kUsage);
}

}  // namespace

const std::vector<CommandInfo>& registered_commands() { return command_registry(); }

Registrar::Registrar(std::string name, std::string description, Setup setup) {
  command_registry().push_back({std::move(name), std::move(description), std::move(setup)});
}

std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

int run(int argc, const char* const* argv, const ProgramInfo& program,
        const std::vector<CommandInfo>& commands, std::ostream& out, std::ostream& err) {
  remove_temp_files_on_signals();
  if (const std::optional<int> asked = limit_thread_count()) {
    err << program.name << ": warning: OMP_NUM_THREADS asks for " << *asked << " threads; using "
        << kMaxThreads << "\n";
  }
  CLI::App app(program.description, program.name);
  app.set_version_flag("--version", program.version);
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the command: `tessera compress ... --threads 2`
  app.footer(program.footer);
  app.add_option_function<int>(
         "--threads", [](const int& n) { set_thread_count(n); },
         "Threads for parallel work (default: all cores, or OMP_NUM_THREADS)")
      ->check(CLI::Range(1, kMaxThreads));
  for (const auto& command : commands) {
    command.setup(*app.add_subcommand(command.name, command.description));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e, out, err);  // --help, --version
    return report_parse_error(app, e, std::span(argv, static_cast<std::size_t>(argc)).subspan(1),
                              err);
  } catch (const Error& e) {
    err << program.name << ": " << e.what() << "\n";
    return static_cast<int>(e.exit_code());
  } catch (const std::bad_alloc&) {
    err << program.name << ": out of memory\n";
    return static_cast<int>(ExitCode::kFailure);
  } catch (const std::exception& e) {
    err << program.name << ": " << e.what() << "\n";
    return static_cast<int>(ExitCode::kFailure);
  }
  return static_cast<int>(ExitCode::kSuccess);
}

}  // namespace tessera::cli
