#pragma once
// How a line owner's calls and texts are handled, as admins see it: a teammate's
// or team's routing settings (business hours, voicemail greeting, after-hours
// reply) read and changed (/api/v1/{teammates,teams}/{id}/routing), and the log
// of webhooks answered but delivered nowhere (/api/v1/undeliverable).
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"

namespace switchboard::services {

// Whether the owner (owner_kind "teammate" or "team") is in the workspace.
boost::asio::awaitable<result<bool>> line_owner_exists(context& ctx, store::id_t workspace_id, std::string owner_kind,
                                                       store::id_t owner_id);
boost::asio::awaitable<result<store::routing::line_settings>> line_settings_of(context& ctx, store::id_t workspace_id,
                                                                              std::string owner_kind,
                                                                              store::id_t owner_id);
// Applies the patch; the settings after it.
boost::asio::awaitable<result<store::routing::line_settings>> update_line_settings(context& ctx,
                                                                                  store::id_t workspace_id,
                                                                                  std::string owner_kind,
                                                                                  store::id_t owner_id,
                                                                                  store::routing::settings_patch p);
// The workspace's undeliverable events and those with no workspace, newest first, below `before`.
boost::asio::awaitable<result<std::vector<store::routing::undeliverable>>> list_undeliverable(
    context& ctx, store::id_t workspace_id, std::optional<store::id_t> before, int limit);

}  // namespace switchboard::services
