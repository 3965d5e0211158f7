// CLI dispatch: exit codes, error messages naming the input, typo suggestions, global --threads.
#include "tessera/cli/cli.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tessera/core/error.hpp"
#include "tessera/core/threads.hpp"

namespace tessera::cli {
namespace {

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

class CliRun : public ::testing::Test {
 protected:
  // A tiny program with one subsystem ("field" with "check") and one plain command ("ping").
  Outcome run_with(std::vector<std::string> args) {
    args.insert(args.begin(), "tessera");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    std::ostringstream out, err;
    const std::vector<CommandInfo> commands = {
        {"field", "Field tools",
         [this](CLI::App& field) {
           field.require_subcommand(1);
           auto* check = field.add_subcommand("check", "Checks a bound");
           check->add_option("--max-error", max_error_)->required();
           check->callback([this] {
             threads_seen_ = thread_count();
             if (max_error_ < 0) throw verification_error("field.f32", "bound violated");
             if (max_error_ > 100) throw std::runtime_error("unexpected failure");
             if (max_error_ > 10) throw Error("field.f32", "truncated header");
           });
         }},
        {"ping", "Answers", [](CLI::App& ping) { ping.callback([] {}); }},
    };
    const ProgramInfo program{"tessera", "test program", "tessera 9.9",
                              "Examples:\n  tessera ping"};
    const int code = run(static_cast<int>(argv.size()), argv.data(), program, commands, out, err);
    return {code, out.str(), err.str()};
  }

  double max_error_ = 0;
  int threads_seen_ = 0;
};

TEST_F(CliRun, SuccessRunsTheCommand) {
  const Outcome o = run_with({"field", "check", "--max-error", "1"});
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.err, "");
}

TEST_F(CliRun, UnknownCommandIsAUsageErrorWithASuggestion) {
  const Outcome o = run_with({"feild"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("unknown command 'feild'"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("did you mean 'field'?"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("commands: field, ping"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("tessera --help"), std::string::npos) << o.err;
}

TEST_F(CliRun, UnknownSubcommandNamesItsParent) {
  const Outcome o = run_with({"field", "chek"});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("tessera field: unknown command 'chek'"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("did you mean 'check'?"), std::string::npos) << o.err;
}

TEST_F(CliRun, MissingCommandOrOptionIsAUsageError) {
  EXPECT_EQ(run_with({}).code, 2);
  EXPECT_EQ(run_with({"field", "check"}).code, 2);
  EXPECT_EQ(run_with({"ping", "--bogus"}).code, 2);
}

TEST_F(CliRun, HelpAndVersionSucceed) {
  const Outcome help = run_with({"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.out.find("field"), std::string::npos);
  EXPECT_NE(help.out.find("Examples:"), std::string::npos);
  const Outcome version = run_with({"--version"});
  EXPECT_EQ(version.code, 0);
  EXPECT_NE(version.out.find("tessera 9.9"), std::string::npos);
}

TEST_F(CliRun, ErrorsMapToTheirExitCodes) {
  const Outcome failure = run_with({"field", "check", "--max-error", "50"});
  EXPECT_EQ(failure.code, 1);
  EXPECT_EQ(failure.err, "tessera: field.f32: truncated header\n");
  const Outcome verification = run_with({"field", "check", "--max-error", "-1"});
  EXPECT_EQ(verification.code, 3);
  EXPECT_EQ(verification.err, "tessera: field.f32: bound violated\n");
  const Outcome other = run_with({"field", "check", "--max-error", "500"});
  EXPECT_EQ(other.code, 1);
  EXPECT_NE(other.err.find("unexpected failure"), std::string::npos);
}

TEST_F(CliRun, ThreadsOptionAppliesBeforeTheCommandRuns) {
  const ThreadCountScope restore(thread_count());
  EXPECT_EQ(run_with({"field", "check", "--max-error", "1", "--threads", "1"}).code, 0);
  EXPECT_EQ(threads_seen_, 1);
  EXPECT_EQ(run_with({"--threads", "2", "field", "check", "--max-error", "1"}).code, 0);
  EXPECT_EQ(threads_seen_, 2);
  EXPECT_EQ(run_with({"--threads", "0", "ping"}).code, 2);
}

TEST(ClosestMatch, SuggestsOnlyLikelyTypos) {
  const std::vector<std::string> names{"compress", "tilewise", "sparse", "doctor"};
  EXPECT_EQ(closest_match("compres", names), "compress");
  EXPECT_EQ(closest_match("doctr", names), "doctor");
  EXPECT_EQ(closest_match("sprase", names), "sparse");
  EXPECT_FALSE(closest_match("bogus", names).has_value());
}

TEST(Registrar, AddsToTheRegistry) {
  const std::size_t before = registered_commands().size();
  const Registrar registrar("example", "An example", [](CLI::App&) {});
  ASSERT_EQ(registered_commands().size(), before + 1);
  EXPECT_EQ(registered_commands().back().name, "example");
}

}  // namespace
}  // namespace tessera::cli
