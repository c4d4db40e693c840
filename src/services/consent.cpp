#include "switchboard/services/consent.hpp"

#include <algorithm>

#include "switchboard/carriers/phone.hpp"
#include "switchboard/services/wire.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

namespace asio = boost::asio;
using store::id_t;

namespace {

// The contact's phones that take texts (E.164), or NOT_FOUND.
std::vector<std::string> textable_phones(store::unit_of_work& uow, id_t ws, id_t contact_id) {
  auto c = uow.contacts().find(ws, contact_id);
  if (!c) throw store::job_error("NOT_FOUND", "contact not found");
  std::vector<std::string> out;
  for (auto& p : c->phones)
    if (carriers::country_code(p)) out.push_back(p);
  return out;
}

}  // namespace

asio::awaitable<result<std::vector<store::consent_entry>>> consent_history(context& ctx, id_t ws, id_t contact_id) {
  auto job = [ws, contact_id](store::unit_of_work& uow) {
    return uow.consent().history(ws, textable_phones(uow, ws, contact_id));
  };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<std::vector<store::consent_entry>>> record_consent(context& ctx, store::principal who,
                                                                          id_t contact_id, consent_change change,
                                                                          std::string ip) {
  auto at = now_text(ctx);
  auto job = [who, contact_id, change, ip, at](store::unit_of_work& uow) {
    auto ws = who.workspace_id;
    auto phones = textable_phones(uow, ws, contact_id);
    if (change.phone) {
      if (std::find(phones.begin(), phones.end(), *change.phone) == phones.end())
        throw store::job_error("INVALID_INPUT", "phone: not one of this contact's phones");
      phones = {*change.phone};
    }
    if (phones.empty()) throw store::job_error("INVALID_INPUT", "the contact has no phone that takes texts");
    if (change.number_id) {
      auto n = uow.numbers().find(ws, *change.number_id);
      if (!n || n->status != "active") throw store::job_error("INVALID_INPUT", "number_id: no such active number");
    }
    std::vector<store::consent_entry> out;
    for (auto& phone : phones) {
      store::consent_entry e;
      e.workspace_id = ws;
      e.phone = phone;
      e.number_id = change.number_id;
      e.state = change.state;
      e.source = who.via_api_key ? "api" : "agent";
      e.teammate_id = who.teammate_id;
      e.note = change.note;
      e.created_at = at;
      e.id = uow.consent().record(e);
      out.push_back(e);
    }
    nlohmann::json details{{"state", change.state}, {"phones", phones.size()}};
    if (change.number_id) details["number_id"] = id_str(*change.number_id);
    uow.auth().audit(ws, who.teammate_id, "contact.consent_recorded", "contact", contact_id, details, ip, at);
    return out;
  };
  co_return co_await ctx.db.write(std::move(job));
}

}  // namespace switchboard::services
