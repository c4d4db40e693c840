#pragma once
// The sandbox carrier's store, as the simulator reaches it (/api/sandbox/v1/):
// which sandbox line a number is, the lines a simulated customer can reach, the
// texts the simulated phone sends (recorded before their webhook, forgotten when
// it fails) and those the sandbox "sent" to it. `workspace_id` nullopt: every
// workspace (the data directory's key).
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"

namespace switchboard::services {

// The workspace of the active sandbox number `to`; NOT_FOUND ("no sandbox number
// …") when it is not one, or is another workspace's.
boost::asio::awaitable<result<store::id_t>> sandbox_line_workspace(context& ctx,
                                                                   std::optional<store::id_t> workspace_id,
                                                                   std::string to);
// The workspace of the call with this SID, if the store has it.
boost::asio::awaitable<result<std::optional<store::id_t>>> sandbox_call_workspace(context& ctx, std::string sid);
boost::asio::awaitable<result<std::vector<store::numbers::sandbox_line>>> sandbox_lines(
    context& ctx, std::optional<store::id_t> workspace_id);
// Records a text from the simulated phone; its row id.
boost::asio::awaitable<result<store::id_t>> record_sandbox_text(context& ctx, store::id_t workspace_id,
                                                                std::string sid, std::string from, std::string to,
                                                                std::string body, std::string at);
boost::asio::awaitable<result<void>> forget_sandbox_text(context& ctx, store::id_t id);
// What the sandbox sent to `phone` (with `line`: both directions with that line), oldest first.
boost::asio::awaitable<result<std::vector<store::numbers::sandbox_message>>> sandbox_texts_to(
    context& ctx, std::optional<store::id_t> workspace_id, std::string phone, std::optional<std::string> line,
    std::optional<store::id_t> after, int limit);

}  // namespace switchboard::services
