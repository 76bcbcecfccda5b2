// Protocol v1 messages: command parsing with clear errors, and the server's message texts.
#include "server/protocol.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace yams::detail {
namespace {

constexpr std::string_view profile_frame_prefix = R"({"type":"profile_frame","data":)";
constexpr std::string_view compact_frame_prefix = R"({"type":"profile_frame","encoding":"compact","data":)";

std::string quoted(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// Fills `out` from the `encoding` key of a set_encoding command.
void parse_encoding(const nlohmann::json& j, parsed_command& out) {
  const auto it = j.find("encoding");
  if (it == j.end()) {
    out.error = R"(missing key "encoding" (expected {"command":"set_encoding","encoding":"compact"} or "json"))";
    return;
  }
  if (!it->is_string()) {
    out.error = std::string("key \"encoding\" must be a string, got ") + it->type_name();
    return;
  }
  const auto& name = it->get_ref<const std::string&>();
  const auto encoding = encoding_from_name(name);
  if (!encoding) {
    out.error = "unknown encoding " + quoted(name) + " (expected json or compact)";
    return;
  }
  out.encoding = *encoding;
  out.kind = command_kind::set_encoding;
}

const char* json_type_name(const nlohmann::json& j) { return j.type_name(); }

/// Fills `out` from the `kinds` key of a set_recorded_kinds command: distinct kind names.
void parse_kinds(const nlohmann::json& j, parsed_command& out) {
  constexpr const char* example = R"({"command":"set_recorded_kinds","kinds":["engine","lua_code"]})";
  const auto it = j.find("kinds");
  if (it == j.end()) {
    out.error = std::string(R"(missing key "kinds" (expected )") + example + ")";
    return;
  }
  if (!it->is_array()) {
    out.error = std::string("key \"kinds\" must be an array of zone kinds, got ") + it->type_name();
    return;
  }
  std::uint32_t bits = 0;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const auto& k = (*it)[i];
    const std::string where = "kinds[" + std::to_string(i) + "]";
    const std::uint32_t bit = k.is_string() ? zone_kind_from_name(k.get_ref<const std::string&>()) : 0;
    if (bit == 0) {
      out.error = where + ": unknown zone kind " + k.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
                  " (expected " + std::string(zone_kind_choices) + ")";
      return;
    }
    if (bits & bit) {
      out.error = where + ": " + k.get<std::string>() + " listed twice";
      return;
    }
    bits |= bit;
  }
  out.kinds = bits;
  out.kind = command_kind::set_recorded_kinds;
}

nlohmann::json kind_names(std::uint32_t kinds) {
  auto a = nlohmann::json::array();
  for (const auto& [bit, name] : zone_kind_names)
    if (kinds & bit) a.push_back(std::string(name));
  return a;
}

}  // namespace

std::optional<frame_encoding> encoding_from_name(std::string_view name) noexcept {
  if (name == "json") return frame_encoding::json;
  if (name == "compact") return frame_encoding::compact;
  return std::nullopt;
}

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
    } else if (name == "set_encoding") {
      parse_encoding(j, out);
    } else if (name == "set_recorded_kinds") {
      parse_kinds(j, out);
    } else {
      out.error = "unknown command " + quoted(name) +
                  " (expected enable_profiling, disable_profiling, get_history, get_status, set_encoding or "
                  "set_recorded_kinds)";
    }
  } catch (const nlohmann::json::parse_error& e) {
    out.error = "malformed JSON at byte " + std::to_string(e.byte) + " of the message";
  } catch (const std::exception& e) {
    out.error = std::string("unreadable message: ") + e.what();
  }
  return out;
}

std::optional<history_mode> history_mode_from_name(std::string_view name) noexcept {
  if (name == "whole") return history_mode::whole;
  if (name == "parts") return history_mode::parts;
  return std::nullopt;
}

std::string_view encoding_name(frame_encoding encoding) noexcept {
  return encoding == frame_encoding::compact ? "compact" : "json";
}

std::string hello_message(const SessionInfo& session, bool enabled, std::size_t history_size,
                          bool replay, frame_encoding encoding, std::string_view replay_file,
                          std::uint32_t recorded_kinds) {
  nlohmann::json j{{"type", "hello"},           {"protocol_version", protocol_version},
                   {"session_id", session.session_id}, {"start_time", session.start_time},
                   {"enabled", enabled},        {"history_size", history_size},
                   {"replay", replay},          {"encodings", nlohmann::json::array({"json", "compact"})},
                   {"encoding", encoding_name(encoding)}, {"recorded_kinds", kind_names(recorded_kinds)}};
  if (replay && !replay_file.empty()) j["replay_file"] = std::string(replay_file);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string encoding_message(frame_encoding encoding) {
  std::string s = R"({"type":"encoding","encoding":")";
  s += encoding_name(encoding);
  s += "\"}";
  return s;
}

std::string status_message(bool enabled, std::uint64_t dropped, std::uint32_t recorded_kinds) {
  std::string s = R"({"type":"status","enabled":)";
  s += enabled ? "true" : "false";
  s += R"(,"dropped":)";
  s += std::to_string(dropped);
  s += R"(,"recorded_kinds":)";
  s += kind_names(recorded_kinds).dump();
  s += '}';
  return s;
}

std::string error_message(std::string_view message) {
  nlohmann::json j{{"type", "error"}, {"message", std::string(message)}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string info_document(const SessionInfo& session, bool enabled, bool replay, std::string_view replay_file) {
  nlohmann::json j{{"protocol_version", protocol_version},
                   {"session_id", session.session_id},
                   {"start_time", session.start_time},
                   {"enabled", enabled},
                   {"replay", replay}};
  if (replay && !replay_file.empty()) j["replay_file"] = std::string(replay_file);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

history_builder::history_builder(frame_encoding encoding)
    : prefix_(encoding == frame_encoding::compact ? R"({"type":"history","encoding":"compact","frames":[)"
                                                  : R"({"type":"history","frames":[)"),
      text_(prefix_) {}

namespace {
constexpr std::string_view history_end = "]}";
constexpr std::string_view history_end_more = R"(],"more":true})";
}  // namespace

void history_builder::add(std::string_view frame_json) {
  if (frames_ != 0) text_ += ',';
  ++frames_;
  text_ += frame_json;
}

std::size_t history_builder::size_with(std::string_view frame_json) const noexcept {
  return text_.size() + (frames_ != 0 ? 1 : 0) + frame_json.size() + history_end_more.size();
}

std::string history_builder::finish(bool more) {
  text_ += more ? history_end_more : history_end;
  std::string out = std::move(text_);
  text_ = prefix_;
  frames_ = 0;
  return out;
}

std::array<std::string_view, 3> history_fragment(std::string_view part, bool first, bool more) noexcept {
  const auto frames_begin = first ? 0 : part.find('[') + 1;  // the prefix's only '[' opens the frames
  const auto frames_end = part.size() - (more ? history_end_more : history_end).size();
  return {first ? std::string_view() : std::string_view(","), part.substr(frames_begin, frames_end - frames_begin),
          more ? std::string_view() : history_end};
}

std::string_view frame_json_of(std::string_view message, frame_encoding encoding) noexcept {
  const auto prefix = encoding == frame_encoding::compact ? compact_frame_prefix : profile_frame_prefix;
  if (message.size() < prefix.size() + 3 || !message.starts_with(prefix) || !message.ends_with("}}")) {
    return {};
  }
  auto body = message.substr(prefix.size());
  body.remove_suffix(1);
  if (body.front() != '{') return {};
  return body;
}

}  // namespace yams::detail
