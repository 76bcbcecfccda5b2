// The server's one error reporter: expected ends of connections are silent, the rest go to stderr.
#pragma once

#include <boost/beast/core/error.hpp>

namespace yams::detail {

/// Reports `ec` from the operation `what` unless it is an ordinary end of a connection. Server threads.
void fail(boost::beast::error_code ec, const char* what);

}  // namespace yams::detail
