// Protocol v1 messages: command parsing with clear errors, and the server's message texts.
#include "server/protocol.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace yams::detail {
namespace {

constexpr std::string_view profile_frame_prefix = R"({"type":"profile_frame","data":)";

const char* json_type_name(const nlohmann::json& j) { return j.type_name(); }

}  // namespace

parsed_command parse_command(std::string_view text) noexcept {
  parsed_command out;
  try {
    const auto j = nlohmann::json::parse(text);
    if (!j.is_object()) {
      out.error = std::string("expected a JSON object like {\"command\":\"get_status\"}, got ") +
                  json_type_name(j);
      return out;
    }
    const auto it = j.find("command");
    if (it == j.end()) {
      out.error = "missing key \"command\" (expected {\"command\":\"get_status\"} or similar)";
      return out;
    }
    if (!it->is_string()) {
      out.error = std::string("key \"command\" must be a string, got ") + json_type_name(*it);
      return out;
    }
    const auto& name = it->get_ref<const std::string&>();
    if (name == "enable_profiling") {
      out.kind = command_kind::enable_profiling;
    } else if (name == "disable_profiling") {
      out.kind = command_kind::disable_profiling;
    } else if (name == "get_history") {
      out.kind = command_kind::get_history;
    } else if (name == "get_status") {
      out.kind = command_kind::get_status;
    } else {
      out.error = "unknown command " + nlohmann::json(name).dump(-1, ' ', false,
                                                                  nlohmann::json::error_handler_t::replace) +
                  " (expected enable_profiling, disable_profiling, get_history or get_status)";
    }
  } catch (const nlohmann::json::parse_error& e) {
    out.error = "malformed JSON at byte " + std::to_string(e.byte) + " of the message";
  } catch (const std::exception& e) {
    out.error = std::string("unreadable message: ") + e.what();
  }
  return out;
}

std::string hello_message(const SessionInfo& session, bool enabled, std::size_t history_size,
                          bool replay) {
  nlohmann::json j{{"type", "hello"},           {"protocol_version", protocol_version},
                   {"session_id", session.session_id}, {"start_time", session.start_time},
                   {"enabled", enabled},        {"history_size", history_size},
                   {"replay", replay}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string status_message(bool enabled, std::uint64_t dropped) {
  std::string s = R"({"type":"status","enabled":)";
  s += enabled ? "true" : "false";
  s += R"(,"dropped":)";
  s += std::to_string(dropped);
  s += '}';
  return s;
}

std::string error_message(std::string_view message) {
  nlohmann::json j{{"type", "error"}, {"message", std::string(message)}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string info_document(const SessionInfo& session, bool enabled, bool replay) {
  nlohmann::json j{{"protocol_version", protocol_version},
                   {"session_id", session.session_id},
                   {"start_time", session.start_time},
                   {"enabled", enabled},
                   {"replay", replay}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

history_builder::history_builder() : text_(R"({"type":"history","frames":[)") {}

void history_builder::add(std::string_view frame_json) {
  if (!first_) text_ += ',';
  first_ = false;
  text_ += frame_json;
}

std::string history_builder::finish() {
  text_ += "]}";
  std::string out = std::move(text_);
  text_ = R"({"type":"history","frames":[)";
  first_ = true;
  return out;
}

std::string_view frame_json_of(std::string_view message) noexcept {
  if (message.size() < profile_frame_prefix.size() + 3 || !message.starts_with(profile_frame_prefix) ||
      !message.ends_with("}}")) {
    return {};
  }
  auto body = message.substr(profile_frame_prefix.size());
  body.remove_suffix(1);
  if (body.front() != '{') return {};
  return body;
}

}  // namespace yams::detail
