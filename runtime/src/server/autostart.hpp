// Starting the live server from the environment (YAMS_PROFILE_PORT), called by the runtime once.
#pragma once

namespace yams::detail {

/// Starts the server when YAMS_PROFILE_PORT is set (0 picks a free port), with YAMS_PROFILE_ADDRESS,
/// YAMS_PROFILE_TOKEN and YAMS_SOURCE_ROOTS (':'-separated; default: the working directory) if set.
/// Reports the URL or the failure on stderr; never throws. Only the first call does anything,
/// and a call made while it runs returns at once. Any thread.
void start_server_from_environment() noexcept;

}  // namespace yams::detail
