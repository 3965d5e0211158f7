// Progress bar: silent off a terminal, draws a complete final line when forced on.
#include "tessera/core/progress.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace tessera {
namespace {

struct FileClose {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileClose>;

std::string contents(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string text;
  for (int c; (c = std::fgetc(f)) != EOF;) text.push_back(static_cast<char>(c));
  return text;
}

TEST(FormatProgressLine, ShowsBarPercentCountRateAndEstimate) {
  const std::string line = format_progress_line("compress", 250, 1000, 5.0, 20);
  EXPECT_EQ(line.rfind("compress [#####               ]  25% 250/1000", 0), 0u) << line;
  EXPECT_NE(line.find("50/s"), std::string::npos) << line;
  EXPECT_NE(line.find("ETA 0:15"), std::string::npos) << line;
}

TEST(FormatProgressLine, CompleteAndEmptyWork) {
  EXPECT_NE(format_progress_line("x", 10, 10, 1.0, 4).find("[####] 100% 10/10"), std::string::npos);
  EXPECT_EQ(format_progress_line("x", 10, 10, 1.0, 4).find("ETA"), std::string::npos);
  EXPECT_NE(format_progress_line("x", 0, 0, 0.0, 4).find("100% 0/0"), std::string::npos);
}

TEST(ProgressBar, SilentWhenTheStreamIsNotATerminal) {
  File f(std::tmpfile());
  ASSERT_TRUE(f);
  {
    ProgressBar bar("work", 100, f.get(), ProgressMode::kAuto);
    EXPECT_FALSE(bar.enabled());
    for (int i = 0; i < 100; ++i) bar.advance();
  }
  EXPECT_EQ(contents(f.get()), "");
}

TEST(ProgressBar, NeverModeIsSilent) {
  File f(std::tmpfile());
  ASSERT_TRUE(f);
  {
    ProgressBar bar("work", 3, f.get(), ProgressMode::kNever);
    bar.advance(3);
  }
  EXPECT_EQ(contents(f.get()), "");
}

TEST(ProgressBar, AlwaysModeEndsWithTheCompleteLine) {
  File f(std::tmpfile());
  ASSERT_TRUE(f);
  {
    ProgressBar bar("train", 400, f.get(), ProgressMode::kAlways);
    std::vector<std::thread> workers;
    for (int t = 0; t < 4; ++t) {
      workers.emplace_back([&bar] {
        for (int i = 0; i < 100; ++i) bar.advance();
      });
    }
    for (auto& w : workers) w.join();
    bar.finish();
    bar.finish();  // idempotent
  }
  const std::string text = contents(f.get());
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  const std::string last = text.substr(text.rfind('\r') + 1);
  EXPECT_NE(last.find("train ["), std::string::npos) << last;
  EXPECT_NE(last.find("100% 400/400"), std::string::npos) << last;
  EXPECT_EQ(text.find('\n'), text.size() - 1) << "exactly one line end";
}

TEST(ProgressBar, DrawsItsStatusAfterTheBar) {
  File f(std::tmpfile());
  ASSERT_TRUE(f);
  {
    ProgressBar bar("train", 10, f.get(), ProgressMode::kAlways);
    bar.advance(10);
    bar.set_status("loss 0.4312");
  }
  const std::string text = contents(f.get());
  const std::string last = text.substr(text.rfind('\r') + 1);
  EXPECT_NE(last.find("10/10"), std::string::npos) << last;
  EXPECT_NE(last.find("  loss 0.4312"), std::string::npos) << last;
}

}  // namespace
}  // namespace tessera
