// Request targets to files and the cross-site checks; see http_routes.hpp.
#include "server/http_routes.hpp"

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace yams::detail {
namespace fs = std::filesystem;

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

/// Whether any '/'- or '\'-separated segment of `path` is "..".
bool has_dotdot_segment(std::string_view path) noexcept {
  std::size_t begin = 0;
  while (begin <= path.size()) {
    const auto end = path.find_first_of("/\\", begin);
    const auto segment = path.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin);
    if (segment == "..") return true;
    if (end == std::string_view::npos) break;
    begin = end + 1;
  }
  return false;
}

file_lookup refuse(file_status status, std::string reason) { return {status, {}, std::move(reason)}; }

/// "host:port" or "[v6]:port" without the port.
std::string_view strip_port(std::string_view host) noexcept {
  const auto colon = host.rfind(':');
  if (colon == std::string_view::npos) return host;
  if (host.front() == '[' && host.find(']') > colon) return host;  // bare IPv6 literal
  if (host.front() != '[' && host.find(':') != colon) return host;  // bare IPv6 without brackets
  const auto port = host.substr(colon + 1);
  if (port.empty() || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return host;
  }
  return host.substr(0, colon);
}

/// The host part of an origin "scheme://host[:port]".
std::string_view origin_host(std::string_view origin) noexcept {
  const auto scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos) return {};
  auto rest = origin.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find('/'));
  return strip_port(rest);
}

}  // namespace

target_parts split_target(std::string_view target) noexcept {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (text.size() - i < 3) return std::nullopt;
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      const char decoded = static_cast<char>(hi * 16 + lo);
      if (decoded == '\0') return std::nullopt;
      out += decoded;
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '\0') {
      return std::nullopt;
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string_view> query_raw(std::string_view query, std::string_view key) noexcept {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    const auto name = pair.substr(0, eq);
    if (name == key) return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::optional<std::string> query_value(std::string_view query, std::string_view key) {
  const auto raw = query_raw(query, key);
  return raw ? percent_decode(*raw, true) : std::nullopt;
}

bool is_within(const fs::path& path, const fs::path& root) {
  auto p = path.begin();
  for (auto r = root.begin(); r != root.end(); ++r, ++p) {
    if (r->empty()) continue;  // a trailing separator
    if (p == path.end() || *p != *r) return false;
  }
  return true;
}

file_lookup resolve_source(std::string_view requested, const std::vector<fs::path>& roots) {
  if (requested.empty()) return refuse(file_status::bad_request, "missing ?path=<source file>");
  if (requested.find('\0') != std::string_view::npos) {
    return refuse(file_status::bad_request, "path contains a NUL byte");
  }
  if (has_dotdot_segment(requested)) return refuse(file_status::forbidden, "path must not contain '..'");
  if (roots.empty()) return refuse(file_status::forbidden, "no source roots are configured");
  const fs::path asked(requested);
  std::vector<fs::path> candidates;
  if (asked.is_absolute()) {
    candidates.push_back(asked);
  } else {
    for (const auto& root : roots) candidates.push_back(root / asked);
  }
  bool outside = false;
  for (const auto& candidate : candidates) {
    std::error_code ec;
    const auto canon = fs::weakly_canonical(candidate, ec);
    if (ec) continue;
    const bool inside =
        std::any_of(roots.begin(), roots.end(), [&](const fs::path& root) { return is_within(canon, root); });
    if (!inside) {
      outside = true;
      continue;
    }
    if (fs::is_regular_file(canon, ec)) return {file_status::ok, canon, {}};
  }
  if (outside) return refuse(file_status::forbidden, "path leads outside the source roots");
  return refuse(file_status::not_found, "no such file under the source roots");
}

file_lookup resolve_static(std::string_view url_path, const fs::path& panel_dir) {
  if (url_path.empty() || url_path.front() != '/') {
    return refuse(file_status::bad_request, "request target must start with '/'");
  }
  auto decoded = percent_decode(url_path, false);
  if (!decoded) return refuse(file_status::bad_request, "malformed %-escape in the path");
  if (has_dotdot_segment(*decoded)) return refuse(file_status::forbidden, "path must not contain '..'");
  std::string relative = decoded->substr(decoded->find_first_not_of('/') == std::string::npos
                                             ? decoded->size()
                                             : decoded->find_first_not_of('/'));
  if (relative.empty() || relative.back() == '/') relative += "index.html";
  std::error_code ec;
  auto canon = fs::canonical(panel_dir / relative, ec);
  if (ec) return refuse(file_status::not_found, "no such file in the panel");
  if (!is_within(canon, panel_dir)) return refuse(file_status::forbidden, "path leads outside the panel");
  if (fs::is_directory(canon, ec)) canon /= "index.html";
  if (!fs::is_regular_file(canon, ec)) return refuse(file_status::not_found, "no such file in the panel");
  return {file_status::ok, canon, {}};
}

std::string_view content_type_for(std::string_view file_name) noexcept {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 17> types{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".wasm", "application/wasm"},
      {".ttf", "font/ttf"},
      {".otf", "font/otf"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".lua", "text/plain; charset=utf-8"},
  }};
  const auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  const auto ext = file_name.substr(dot);
  for (const auto& [suffix, type] : types) {
    if (iequals(ext, suffix)) return type;
  }
  return "application/octet-stream";
}

bool origin_allowed(std::optional<std::string_view> origin, std::string_view address, std::uint16_t port,
                    const std::vector<std::string>& allowed) {
  if (!origin) return true;
  const auto p = std::to_string(port);
  for (const std::string_view host : {std::string_view("127.0.0.1"), std::string_view("localhost"),
                                      std::string_view("[::1]"), address}) {
    if (iequals(*origin, "http://" + std::string(host) + ":" + p)) return true;
  }
  return std::any_of(allowed.begin(), allowed.end(), [&](std::string_view a) {
    while (!a.empty() && a.back() == '/') a.remove_suffix(1);
    return !a.empty() && iequals(*origin, a);
  });
}

bool host_allowed(std::string_view host, std::string_view address, std::uint16_t port,
                  const std::vector<std::string>& allowed_origins) {
  (void)port;
  if (host.empty()) return false;
  const auto name = strip_port(host);
  if (is_loopback_address(name) || iequals(name, "[::1]") || iequals(name, address)) return true;
  return std::any_of(allowed_origins.begin(), allowed_origins.end(),
                     [&](const std::string& o) { return iequals(origin_host(o), name); });
}

bool token_matches(std::string_view presented, std::string_view expected) noexcept {
  unsigned diff = presented.size() == expected.size() ? 0u : 1u;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const char p = i < presented.size() ? presented[i] : '\0';
    diff |= static_cast<unsigned>(static_cast<unsigned char>(p) ^ static_cast<unsigned char>(expected[i]));
  }
  return diff == 0 && !expected.empty();
}

bool is_loopback_address(std::string_view address) noexcept {
  if (iequals(address, "localhost")) return true;
  // An IP address, written as one: a DNS name such as 127.attacker.example is not (it may resolve
  // anywhere, which is what a DNS-rebinding page relies on).
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(std::string(address), ec);
  return !ec && ip.is_loopback();
}

}  // namespace yams::detail
