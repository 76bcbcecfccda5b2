// The runtime half of reentry probes (yams::detail::reentry_wanted, reenter_function,
// reenter_method), with the probes spelled out by hand as the plugin writes them (the plugin's own
// tests are in test/plugin), so that the ASan+UBSan and TSan builds, which have no plugin, run it.
#include "collector.hpp"  // collector_pause (runtime internals)
#include "ring.hpp"       // default_ring_slots
#include "test_support.hpp"

#include <yams/yams.hpp>

#include <gtest/gtest.h>

#include <algorithm>
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

constexpr yams::arg_desc mix_args[] = {
    {"name", yams::arg_in_args, 1}, {"a", yams::arg_in_args, 0}, {"c", yams::arg_in_args, 4}};

// Parameters in six integer and four vector registers, three of them captured (mask 0b10011): a
// probe whose slow paths (a string longer than the short-string path takes, a ring to wrap or found
// full, an exit at the ring's end) lost one of them would return another sum.
double mix(double a, std::string_view name, long k, double b, float c, int d, double e, long f) {
  static constexpr yams::site site{"mix", "test", "mix", __FILE__, __LINE__, 0, mix_args, 3, 0b10011};
  if (yams::detail::reentry_wanted(&site)) [[unlikely]]
    return yams::detail::reenter_function<&site, &mix, double, double, std::string_view, long, double, float, int,
                                          double, long>(a, name, k, b, c, d, e, f);
  body_runs.fetch_add(1, std::memory_order_relaxed);
  return a + 2 * b + 3 * e + static_cast<double>(c) + static_cast<double>(k * 5 + d * 7 + f * 11) +
         static_cast<double>(name.size()) + (name.empty() ? 0.0 : static_cast<double>(name.front()));
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

// The recording path's slow cases keep every parameter and the result: strings of 0 to 299 bytes
// (over 15: enter_args_any_length; over 256: cut) and frames larger than a 1,024-slot ring, each
// recorded while the collector is paused after it drained the previous one, so that enters and
// exits meet the end of the ring (wrapping) and then find no room (the zones lost) part way.
TEST_F(Reentry, SlowPathsKeepEveryParameterAndTheResult) {
  yams::set_thread_ring_size(1024);
  const std::string text(300, 'q');
  const int frames = 12;
  const auto calls_in = [](int n) { return 150 + 7 * n; };
  const auto length = [](int n, int i) { return static_cast<std::size_t>((n * 61 + i) * 7 % 300); };
  const auto expected = [&](int n, int i) {
    const std::size_t len = length(n, i);
    return 0.5 * i + 2 * 1.25 * n + 3 * 2.5 + 0.75 * i +
           static_cast<double>((i - 20) * 5 + -3 * i * 7 + (1000L + n) * 11) + static_cast<double>(len) +
           (len == 0 ? 0.0 : 'q');
  };
  std::vector<yams::finished_frame> handles;
  std::vector<std::vector<double>> results(frames);
  std::thread t([&] {
    for (int n = 0; n < frames; ++n) {
      yams::detail::collector_pause(true);
      yams::begin_frame(static_cast<std::uint64_t>(n + 1));
      for (int i = 0; i < calls_in(n); ++i)
        results[static_cast<std::size_t>(n)].push_back(reentry_runtime::mix(
            0.5 * i, std::string_view(text.data(), length(n, i)), i - 20, 1.25 * n, 0.75f * static_cast<float>(i),
            -3 * i, 2.5, 1000L + n));
      handles.push_back(yams::end_frame());
      yams::detail::collector_pause(false);
      yams::detail::collector_wait_assembled();  // the ring is drained: room again
    }
  });
  t.join();
  yams::set_thread_ring_size(yams::detail::default_ring_slots);
  long calls = 0;
  std::size_t long_names = 0;
  for (int n = 0; n < frames; ++n) {
    calls += calls_in(n);
    for (int i = 0; i < calls_in(n); ++i)
      ASSERT_DOUBLE_EQ(results[static_cast<std::size_t>(n)][static_cast<std::size_t>(i)], expected(n, i))
          << "frame " << n << ", call " << i;
    const yams::finished_frame& h = handles[static_cast<std::size_t>(n)];
    ASSERT_TRUE(h) << "frame " << n;
    const yams::FrameProfile& f = *h;
    ASSERT_EQ(f.calls.size() + f.overflow, static_cast<std::size_t>(calls_in(n))) << "frame " << n;
    EXPECT_GT(f.calls.size(), 20u) << "frame " << n << " recorded until the ring was full";
    EXPECT_GT(f.overflow, 0u) << "frame " << n << " is larger than the ring";
    // A thread that lost a zone records no more in that frame: the recorded calls are the first ones.
    for (std::size_t i = 0; i < f.calls.size(); ++i) {
      const yams::CallNode& c = f.calls[i];
      const std::size_t len = length(n, static_cast<int>(i));
      EXPECT_EQ(arg(c, "name"), yams::arg_value(std::string(std::min<std::size_t>(len, 256), 'q')))
          << "frame " << n << ", call " << i;
      EXPECT_EQ(arg(c, "a"), yams::arg_value(0.5 * static_cast<double>(i)));
      EXPECT_EQ(arg(c, "c"), yams::arg_value(0.75 * static_cast<double>(i)));
      EXPECT_FALSE(c.parent_id.has_value());
      if (len > 15) ++long_names;
    }
  }
  EXPECT_EQ(body_runs, calls) << "each body ran once";
  EXPECT_GT(long_names, 0u) << "strings over 15 bytes were recorded";
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
