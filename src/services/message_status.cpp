#include "switchboard/services/message_status.hpp"
#include "switchboard/services/webhooks.hpp"

#include "switchboard/carriers/phone.hpp"
#include "switchboard/routing/consent.hpp"
#include "switchboard/routing/inbound.hpp"
#include "switchboard/services/wire.hpp"

namespace switchboard::services {

// The carrier refused a text because the recipient opted out at the carrier (they
// texted STOP to the carrier's own handling, or earlier): the ledger says so too,
// so nothing more is queued to them.
void record_carrier_refusal(store::unit_of_work& uow, const store::message& msg, const std::string& to,
                            const std::string& error_code, const std::string& at) {
  if (!routing::error_means_opted_out(error_code)) return;
  auto ws = msg.workspace_id;
  auto c = uow.conversations().find(ws, msg.conversation_id);
  if (!c) return;
  auto phone = to;
  if (phone.empty())
    for (auto& p : uow.conversations().reply_context_of(ws, *c).phones)
      if (carriers::country_code(p)) {
        phone = p;
        break;
      }
  if (phone.empty()) return;
  auto number = uow.conversations().number_of(ws, c->id);
  if (uow.consent().opted_out(ws, phone, number)) return;
  store::consent_entry e;
  e.workspace_id = ws;
  e.phone = phone;
  e.number_id = number;
  e.state = "opted_out";
  e.source = "carrier";
  e.message_id = msg.id;
  e.note = "carrier error " + error_code;
  e.created_at = at;
  uow.consent().record(e);
}

boost::asio::awaitable<result<void>> record_delivery_report(context& ctx, delivery_report report) {
  auto job = [report, at = now_text(ctx)](store::unit_of_work& uow) -> std::optional<store::message> {
    auto msg = uow.messages().find_sms_by_external_id(report.sid);
    if (!msg) return std::nullopt;
    if (routing::error_means_opted_out(report.error_code))
      if (auto full = uow.messages().find(msg->workspace_id, msg->id))
        record_carrier_refusal(uow, *full, report.to, report.error_code, at);
    auto next = routing::next_message_status(msg->status, report.reported);
    if (!next) return std::nullopt;
    std::optional<std::string> why;
    if (!report.error_code.empty()) why = "carrier error " + report.error_code;
    uow.messages().set_status(msg->id, *next, why);
    auto updated = uow.messages().find(msg->workspace_id, msg->id);
    if (updated) emit_message_updated(uow, *updated, at);
    return updated;
  };
  auto r = co_await ctx.db.write(std::move(job));
  if (!r) co_return error{"INTERNAL", "could not store the status"};
  if (*r) ctx.hub.publish((*r)->workspace_id, agents_topic, "message.updated", to_json(**r));
  co_return result<void>{};
}

}  // namespace switchboard::services
