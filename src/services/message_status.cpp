#include "switchboard/services/message_status.hpp"

#include "switchboard/routing/inbound.hpp"
#include "switchboard/services/wire.hpp"

namespace switchboard::services {

boost::asio::awaitable<result<void>> record_delivery_report(context& ctx, delivery_report report) {
  auto job = [report](store::unit_of_work& uow) -> std::optional<store::message> {
    auto msg = uow.messages().find_sms_by_external_id(report.sid);
    if (!msg) return std::nullopt;
    auto next = routing::next_message_status(msg->status, report.reported);
    if (!next) return std::nullopt;
    std::optional<std::string> why;
    if (!report.error_code.empty()) why = "carrier error " + report.error_code;
    uow.messages().set_status(msg->id, *next, why);
    return uow.messages().find(msg->workspace_id, msg->id);
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) co_return error{"INTERNAL", "could not store the status"};
  if (*r) ctx.hub.publish((*r)->workspace_id, agents_topic, "message.updated", to_json(**r));
  co_return result<void>{};
}

}  // namespace switchboard::services
