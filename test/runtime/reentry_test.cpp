// The runtime half of reentry probes (yams::detail::reentry_wanted, reenter_function,
// reenter_method), with the probes spelled out by hand as the plugin writes them (the plugin's own
// tests are in test/plugin), so that the ASan+UBSan and TSan builds, which have no plugin, run it.
#include "test_support.hpp"

#include <yams/yams.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace reentry_runtime {

std::atomic<long> body_runs{0};

constexpr yams::arg_desc depth_args[] = {{"depth", yams::arg_in_args, 0}};

// Captures its first parameter only (bit 0), recurses, and throws at depth 0 when asked.
int descend(int depth, std::string_view name, bool throw_at_bottom) {
  static constexpr yams::site site{"descend {depth}", "test", "descend", __FILE__, __LINE__, 0, depth_args, 1, 1};
  if (yams::detail::reentry_wanted(&site)) [[unlikely]]
    return yams::detail::reenter_function<&site, &descend, int, int, std::string_view, bool>(depth, name,
                                                                                            throw_at_bottom);
  body_runs.fetch_add(1, std::memory_order_relaxed);
  if (depth == 0) {
    if (throw_at_bottom) throw std::runtime_error("bottom");
    return static_cast<int>(name.size());
  }
  return 1 + descend(depth - 1, name, throw_at_bottom);
}

constexpr yams::arg_desc amount_args[] = {{"amount", yams::arg_in_args, 0}, {"tag", yams::arg_in_args, 2}};

class Counter {
 public:
  // Captures parameters 0 and 2 (mask 5), skipping the vector reference between them.
  long add(long amount, const std::vector<int>& extra, const std::string& tag) {
    static constexpr yams::site site{"add", "test", "add", __FILE__, __LINE__, 0, amount_args, 2, 5};
    if (yams::detail::reentry_wanted(&site)) [[unlikely]]
      return yams::detail::reenter_method<&site, &Counter::add, long, Counter, long, const std::vector<int>&,
                                          const std::string&>(this, amount, extra, tag);
    body_runs.fetch_add(1, std::memory_order_relaxed);
    total_ += amount + static_cast<long>(extra.size()) + static_cast<long>(tag.size());
    return total_;
  }
  long get() const noexcept {
    static constexpr yams::site site{"get", "test", "get", __FILE__, __LINE__, 0, nullptr, 0, 0};
    if (yams::detail::reentry_wanted(&site)) [[unlikely]]
      return yams::detail::reenter_method<&site, &Counter::get, long, const Counter>(this);
    body_runs.fetch_add(1, std::memory_order_relaxed);
    return total_;
  }

 private:
  long total_ = 0;
};

}  // namespace reentry_runtime

namespace {

using reentry_runtime::body_runs;

class Reentry : public yams::test::profiling_on {
 protected:
  void SetUp() override {
    profiling_on::SetUp();
    body_runs = 0;
  }
};

yams::arg_value arg(const yams::CallNode& c, std::string_view name) {
  for (const auto& [k, v] : c.args)
    if (k == name) return v;
  return nullptr;
}

TEST_F(Reentry, RecursionRecordsEachCallOnceWithItsCapturedParameter) {
  yams::begin_frame(1);
  const int r = reentry_runtime::descend(3, "abcd", false);
  auto f = yams::end_frame();
  EXPECT_EQ(r, 3 + 4);
  EXPECT_EQ(body_runs, 4);
  ASSERT_TRUE(f);
  ASSERT_EQ(f->calls.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    const auto& c = f->calls[static_cast<std::size_t>(i)];
    EXPECT_EQ(c.label, "descend " + std::to_string(3 - i));
    ASSERT_EQ(c.args.size(), 1u) << "only the captured parameter";
    EXPECT_EQ(arg(c, "depth"), yams::arg_value(std::int64_t{3 - i}));
    if (i > 0) EXPECT_EQ(c.parent_id, f->calls[static_cast<std::size_t>(i - 1)].id);
  }
}

TEST_F(Reentry, AnExceptionUnwindsEveryLevelAndClosesItsCall) {
  yams::begin_frame(1);
  EXPECT_THROW(reentry_runtime::descend(2, "x", true), std::runtime_error);
  const int after = reentry_runtime::descend(0, "xy", false);
  auto f = yams::end_frame();
  EXPECT_EQ(after, 2);
  EXPECT_EQ(body_runs, 4);
  ASSERT_TRUE(f);
  ASSERT_EQ(f->calls.size(), 4u);
  EXPECT_FALSE(f->calls[3].parent_id.has_value()) << "the unwound calls were closed";
}

TEST_F(Reentry, MethodsCaptureTheMaskedParametersInOrder) {
  reentry_runtime::Counter counter;
  const std::vector<int> extra{1, 2, 3};
  yams::begin_frame(1);
  EXPECT_EQ(counter.add(10, extra, "tag"), 16);
  EXPECT_EQ(counter.get(), 16);
  auto f = yams::end_frame();
  EXPECT_EQ(body_runs, 2);
  ASSERT_TRUE(f);
  ASSERT_EQ(f->calls.size(), 2u);
  ASSERT_EQ(f->calls[0].args.size(), 2u);
  EXPECT_EQ(f->calls[0].args[0].first, "amount");
  EXPECT_EQ(arg(f->calls[0], "amount"), yams::arg_value(std::int64_t{10}));
  EXPECT_EQ(arg(f->calls[0], "tag"), yams::arg_value(std::string("tag")));
  EXPECT_EQ(f->calls[1].label, "get");
}

TEST_F(Reentry, NotRecordingRunsOnlyTheBody) {
  reentry_runtime::Counter counter;
  const std::vector<int> none;
  EXPECT_EQ(counter.add(1, none, ""), 1);  // enabled, no frame open
  yams::disable();
  EXPECT_EQ(counter.add(1, none, ""), 2);
  EXPECT_EQ(reentry_runtime::descend(5, "", false), 5);
  EXPECT_EQ(body_runs, 2 + 6);
}

// Threads recording their own calls while the main thread opens and closes frames: every body runs
// once per call whether recording stops before, during or after the reentry (TSan checks the rest).
TEST_F(Reentry, ThreadsAndFrameEndsNeverRepeatOrSkipABody) {
  const long per_thread = yams::test::sanitized() ? 5'000 : 100'000;
  std::atomic<int> running{2};
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&] {
      reentry_runtime::Counter counter;
      const std::vector<int> none;
      for (long i = 0; i < per_thread; ++i) counter.add(1, none, "");
      EXPECT_EQ(counter.get(), per_thread);
      running.fetch_sub(1);
    });
  std::uint64_t n = 1;
  while (running.load() > 0) {
    yams::begin_frame(n++);
    yams::end_frame();
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(body_runs, 2 * (per_thread + 1));
}

}  // namespace
