// libFuzzer target for the frame JSON and compact readers: any input either reads or throws
// format_error, and a frame that reads writes back, in either encoding, to text that reads to the same
// frame.
#include <yams/frame.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::optional<yams::FrameProfile> c;
  try {
    c = yams::frame_from_compact_json(text);
  } catch (const yams::format_error&) {
  }
  if (c && !(yams::frame_from_compact_json(yams::to_compact_json(*c)) == *c)) std::abort();
  yams::FrameProfile f;
  try {
    f = yams::frame_from_json(text);
  } catch (const yams::format_error&) {
    return 0;
  }
  if (!(yams::frame_from_json(yams::to_json(f)) == f)) std::abort();
  if (!(yams::frame_from_compact_json(yams::to_compact_json(f)) == f)) std::abort();
  return 0;
}
