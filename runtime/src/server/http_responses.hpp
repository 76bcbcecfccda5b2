// HTTP responses of the live server: the panel's static files, /api/info, /api/source, and the
// checks an upgrade to /ws must pass (path, Host, Origin, token).
#pragma once

#include "server/shared_state.hpp"

#include <boost/beast/http.hpp>

#include <optional>

namespace yams::detail {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;

/// The response to a request that is not a WebSocket upgrade. Server threads.
boost::beast::http::message_generator respond(const shared_state& state, http_request&& req);

/// Why an upgrade request is refused (404 wrong path, 403 Host or Origin, 401 token), or nullopt when
/// it may proceed. Server threads.
std::optional<boost::beast::http::response<boost::beast::http::string_body>> refuse_upgrade(
    const shared_state& state, const http_request& req);

}  // namespace yams::detail
