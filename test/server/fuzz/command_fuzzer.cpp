// libFuzzer target: any client message through the command parser. It must never crash, and it must
// either understand the message or say why not.
#include "server/protocol.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto command = yams::detail::parse_command(text);
  if ((command.kind == yams::detail::command_kind::invalid) == command.error.empty()) __builtin_trap();
  if (command.kind == yams::detail::command_kind::invalid) {
    (void)yams::detail::error_message(command.error);  // the reply must be buildable from any error
  }
  (void)yams::detail::frame_json_of(text);
  return 0;
}
