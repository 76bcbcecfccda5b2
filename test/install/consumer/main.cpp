// An annotated "engine" built against the installed YAMS package. It records five frames to the file
// named by its argument and prints what the file holds: with YAMS_PROFILE=ON every frame and call is
// there; with OFF the attributes are inert and nothing is recorded.
#include <yams/session.hpp>
#include <yams/yams.hpp>

#include <cstdio>
#include <string>

[[yams::profile("Consumer Work")]] int work(int n) {
  int sum = 0;
  for (int i = 0; i < n * 1000; ++i) sum += i % 7;
  return sum;
}

[[yams::frame("Consumer Frame")]] int frame(int n) { return work(n) + work(n + 1); }

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: consumer SESSION_FILE\n");
    return 2;
  }
  yams::enable();
  yams::start_recording(argv[1]);
  int total = 0;
  for (int n = 1; n <= 5; ++n) total += frame(n);
  const std::size_t written = yams::stop_recording();
  const yams::Session s = yams::read_session(argv[1]);
  std::size_t work_calls = 0;
  for (const auto& f : s.frames)
    for (const auto& c : f.calls) work_calls += c.label == "Consumer Work";
  std::printf("frames %zu written %zu work_calls %zu (checksum %d)\n", s.frames.size(), written, work_calls, total);
  return 0;
}
