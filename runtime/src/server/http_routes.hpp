// HTTP request targets of the live server, decided without I/O beyond the file system: splitting and
// percent-decoding targets, mapping them to files that cannot leave their roots (the web panel's
// directory, the source roots), content types, and the Origin / Host / token checks.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yams::detail {

/// A request target split at the first '?'; `path` is still percent-encoded.
struct target_parts {
  std::string_view path;
  std::string_view query;
};

/// Splits `target` (e.g. "/api/source?path=a.cpp"). Any thread.
target_parts split_target(std::string_view target) noexcept;

/// Decodes %XX escapes (and '+' as space when `plus_is_space`, for query values). Returns nullopt for a
/// malformed escape or an encoded NUL byte. Any thread.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

/// The decoded value of `key` in a query string ("a=1&path=x"), nullopt when absent or malformed.
std::optional<std::string> query_value(std::string_view query, std::string_view key);
/// The still-encoded value of `key` in `query`, or nullopt when absent. Any thread.
std::optional<std::string_view> query_raw(std::string_view query, std::string_view key) noexcept;

enum class file_status { ok, bad_request, forbidden, not_found };

/// Where a request for a file leads: the file to serve, or why not (`reason` says, for the body).
struct file_lookup {
  file_status status = file_status::not_found;
  std::filesystem::path file;
  std::string reason;
};

/// Maps a decoded `/api/source?path=` value to a regular file under one of `roots` (canonical
/// directories). Relative paths are tried against each root; `..` segments, absolute paths outside
/// the roots and symlinks leading out are forbidden; missing files are not found. Any thread.
file_lookup resolve_source(std::string_view requested, const std::vector<std::filesystem::path>& roots);

/// Maps a still-encoded URL path ("/assets/app.js", "/" for index.html) to a file under `panel_dir`
/// (canonical). Any thread.
file_lookup resolve_static(std::string_view url_path, const std::filesystem::path& panel_dir);

/// Whether `path` is `root` or lies below it (both canonical). Any thread.
bool is_within(const std::filesystem::path& path, const std::filesystem::path& root);

/// The Content-Type for a file name by its extension; application/octet-stream when unknown.
std::string_view content_type_for(std::string_view file_name) noexcept;

/// Whether a WebSocket upgrade with this Origin header may proceed: an absent Origin (non-browser
/// clients), the server's own origin (http://127.0.0.1:<port>, http://localhost:<port>,
/// http://<address>:<port>) or one of `allowed`. Any thread.
bool origin_allowed(std::optional<std::string_view> origin, std::string_view address, std::uint16_t port,
                    const std::vector<std::string>& allowed);

/// Whether the Host header names this server (DNS-rebinding guard for loopback servers): an address
/// of this machine's loopback or `address`, with or without `:port`, or the host of an allowed origin.
bool host_allowed(std::string_view host, std::string_view address, std::uint16_t port,
                  const std::vector<std::string>& allowed_origins);

/// Constant-time comparison of a presented token with the expected one. Any thread.
bool token_matches(std::string_view presented, std::string_view expected) noexcept;

/// Whether `address` is a loopback address ("127.x.x.x", "::1", "localhost").
bool is_loopback_address(std::string_view address) noexcept;

}  // namespace yams::detail
