#include "switchboard/services/message_status.hpp"

#include "switchboard/routing/inbound.hpp"
#include "switchboard/services/wire.hpp"
#include "switchboard/store/conversations.hpp"

namespace switchboard::services {

boost::asio::awaitable<result<void>> record_delivery_report(context& ctx, delivery_report report) {
  auto job = [report](store::database& db) -> std::optional<store::message> {
    namespace conv = store::conversations;
    auto msg = conv::find_sms_by_external_id(db, report.sid);
    if (!msg) return std::nullopt;
    auto next = routing::next_message_status(msg->status, report.reported);
    if (!next) return std::nullopt;
    std::optional<std::string> why;
    if (!report.error_code.empty()) why = "carrier error " + report.error_code;
    conv::set_message_status(db, msg->id, *next, why);
    return conv::find_message(db, msg->workspace_id, msg->id);
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) co_return error{"INTERNAL", "could not store the status"};
  if (*r) ctx.hub.publish((*r)->workspace_id, agents_topic, "message.updated", to_json(**r));
  co_return result<void>{};
}

}  // namespace switchboard::services
