// Building the HTTP responses; the path and origin decisions themselves are in http_routes.cpp.
#include "server/http_responses.hpp"

#include "server/http_routes.hpp"
#include "server/protocol.hpp"

#include <boost/beast/core/file.hpp>
#include <boost/beast/version.hpp>

#include <string>

namespace yams::detail {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

using text_response = http::response<http::string_body>;

text_response make_text(const http_request& req, http::status status, std::string_view content_type,
                        std::string body) {
  text_response res{status, req.version()};
  res.set(http::field::server, "yams");
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(req.keep_alive());
  if (req.method() == http::verb::head) {
    res.content_length(body.size());
  } else {
    res.body() = std::move(body);
    res.prepare_payload();
  }
  return res;
}

text_response make_error(const http_request& req, http::status status, std::string message) {
  return make_text(req, status, "text/plain; charset=utf-8", std::move(message) + "\n");
}

http::status status_of(file_status s) {
  switch (s) {
    case file_status::ok: return http::status::ok;
    case file_status::bad_request: return http::status::bad_request;
    case file_status::forbidden: return http::status::forbidden;
    case file_status::not_found: break;
  }
  return http::status::not_found;
}

http::message_generator make_file(const http_request& req, const file_lookup& found, std::string_view type,
                                  bool cache) {
  http::file_body::value_type body;
  beast::error_code ec;
  body.open(found.file.c_str(), beast::file_mode::scan, ec);
  if (ec) return make_error(req, http::status::not_found, "cannot open the file: " + ec.message());
  const auto size = body.size();
  auto set_headers = [&](auto& res) {
    res.set(http::field::server, "yams");
    res.set(http::field::content_type, type);
    res.set(http::field::cache_control, cache ? "max-age=3600" : "no-cache");
    res.set("X-Content-Type-Options", "nosniff");
    res.content_length(size);
    res.keep_alive(req.keep_alive());
  };
  if (req.method() == http::verb::head) {
    http::response<http::empty_body> res{http::status::ok, req.version()};
    set_headers(res);
    return res;
  }
  http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                      std::make_tuple(http::status::ok, req.version())};
  set_headers(res);
  return res;
}

/// Whether the token, when one is configured, was presented as ?token= or X-Yams-Token.
bool token_ok(const shared_state& state, const http_request& req) {
  const auto& expected = state.options().token;
  if (expected.empty()) return true;
  if (const auto it = req.find("X-Yams-Token"); it != req.end() && token_matches(it->value(), expected)) {
    return true;
  }
  const auto q = query_value(split_target(req.target()).query, "token");
  return q && token_matches(*q, expected);
}

/// The DNS-rebinding guard: a loopback server answers only requests addressed to a name of its own.
bool host_ok(const shared_state& state, const http_request& req) {
  const auto& o = state.options();
  if (!is_loopback_address(o.address)) return true;
  return host_allowed(req[http::field::host], o.address, state.port(), o.allowed_origins);
}

http::message_generator respond_source(const shared_state& state, const http_request& req,
                                       std::string_view query) {
  const auto raw = query_raw(query, "path");
  if (!raw) return make_error(req, http::status::bad_request, "expected /api/source?path=<source file>");
  const auto path = percent_decode(*raw, true);
  if (!path) {
    return make_error(req, http::status::bad_request,
                      "?path= holds a malformed %-escape (% must be followed by two hex digits) or an "
                      "encoded NUL byte");
  }
  const auto found = resolve_source(*path, state.source_roots());
  if (found.status != file_status::ok) return make_error(req, status_of(found.status), found.reason);
  return make_file(req, found, "text/plain; charset=utf-8", false);
}

http::message_generator respond_static(const shared_state& state, const http_request& req,
                                       std::string_view path) {
  if (state.panel_dir().empty()) {
    return make_error(req, http::status::service_unavailable,
                      "The YAMS web panel is not built. Build it with `cmake --build <build dir> --target "
                      "yams_panel`, or point YAMS_PANEL_DIR (or serve_options::panel_dir) at a built panel. "
                      "The WebSocket stream at /ws works without it.");
  }
  const auto found = resolve_static(path, state.panel_dir());
  if (found.status != file_status::ok) return make_error(req, status_of(found.status), found.reason);
  const auto name = found.file.filename().string();
  const bool hashed_asset = found.file.parent_path().filename() == "assets";
  return make_file(req, found, content_type_for(name), hashed_asset);
}

}  // namespace

http::message_generator respond(const shared_state& state, http_request&& req) {
  if (req.count(http::field::host) != 1) {
    return make_error(req, http::status::bad_request, "expected exactly one Host header");
  }
  if (!host_ok(state, req)) {
    return make_error(req, http::status::forbidden, "unexpected Host header for this server");
  }
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    auto res = make_error(req, http::status::method_not_allowed, "only GET and HEAD are supported");
    res.set(http::field::allow, "GET, HEAD");
    return res;
  }
  const auto [path, query] = split_target(req.target());
  if (path == "/api/info") {
    if (!token_ok(state, req)) return make_error(req, http::status::unauthorized, "missing or wrong token");
    return make_text(req, http::status::ok, "application/json",
                     info_document(state.session(), state.enabled(), state.replay(), state.options().replay_file));
  }
  if (path == "/api/source") {
    if (!token_ok(state, req)) return make_error(req, http::status::unauthorized, "missing or wrong token");
    return respond_source(state, req, query);
  }
  if (path.starts_with("/api/") || path == "/ws") {
    return make_error(req, http::status::not_found, "no such endpoint");
  }
  return respond_static(state, req, path);
}

std::optional<http::response<http::string_body>> refuse_upgrade(const shared_state& state,
                                                               const http_request& req) {
  if (split_target(req.target()).path != "/ws") {
    return make_error(req, http::status::not_found, "WebSocket connections are accepted at /ws only");
  }
  if (req.count(http::field::host) != 1) {
    return make_error(req, http::status::bad_request, "expected exactly one Host header");
  }
  if (!host_ok(state, req)) {
    return make_error(req, http::status::forbidden, "unexpected Host header for this server");
  }
  const auto it = req.find(http::field::origin);
  const auto origin = it == req.end() ? std::nullopt : std::optional<std::string_view>(it->value());
  const auto& o = state.options();
  if (!origin_allowed(origin, o.address, state.port(), o.allowed_origins)) {
    return make_error(req, http::status::forbidden,
                      "cross-origin WebSocket upgrade refused: Origin " + std::string(*origin) +
                          " is not this server's; add it to serve_options::allowed_origins to allow it");
  }
  if (!token_ok(state, req)) {
    return make_error(req, http::status::unauthorized,
                      "this server requires a token: add ?token=<token> or an X-Yams-Token header");
  }
  if (const auto most = std::max<std::size_t>(1, o.max_clients); state.session_count() >= most) {
    return make_error(req, http::status::service_unavailable,
                      std::to_string(most) + " WebSocket clients are connected, the most this server takes "
                      "(serve_options::max_clients); close a panel and reconnect");
  }
  if (const auto e = query_value(split_target(req.target()).query, "encoding"); e && !encoding_from_name(*e)) {
    return make_error(req, http::status::bad_request,
                      "unknown encoding \"" + *e + "\" in /ws?encoding= (expected json or compact)");
  }
  if (const auto h = query_value(split_target(req.target()).query, "history"); h && !history_mode_from_name(*h)) {
    return make_error(req, http::status::bad_request,
                      "unknown history mode \"" + *h + "\" in /ws?history= (expected whole or parts)");
  }
  return std::nullopt;
}

}  // namespace yams::detail
