#pragma once
// The API's periodic pass (api::snooze_waker): snoozed conversations whose time
// has come reopen (agents hear conversation.updated), a bounded bite of expired
// widget sessions goes, and, when asked, visitors that never wrote (issue 16 item
// 12). One write job; the events go out after its commit.
#include <cstddef>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"

namespace switchboard::services {

struct housekeeping_done {
  std::size_t woken = 0;                 // conversations reopened
  store::widget::purge_counts purged;  // never-used visitors removed
};
// The pass as of `at`; `purge_before`: also remove never-used visitors older than this (RFC 3339 both).
boost::asio::awaitable<result<housekeeping_done>> wake_and_purge(context& ctx, std::string at,
                                                                std::optional<std::string> purge_before);

}  // namespace switchboard::services
