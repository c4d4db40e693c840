#include "switchboard/teams/mirror.hpp"

#include "switchboard/carriers/phone.hpp"
#include "switchboard/teams/cards.hpp"

namespace switchboard::teams {

using json = nlohmann::json;

std::string customer_name(const store::conversation& c) {
  if (c.contact_name && !c.contact_name->empty()) return *c.contact_name;
  return c.contact_phone ? carriers::format_display(*c.contact_phone) : "the customer";
}

namespace {

card_item card_of(const store::message& m, const store::conversation& c,
                  const std::optional<std::string>& line, const std::string& public_url) {
  card_item item;
  item.conversation_id = std::to_string(c.id);
  item.customer = customer_name(c);
  if (line) item.line = carriers::format_display(*line);
  item.channel = m.channel;
  item.body = m.body;
  item.created_at = m.created_at;
  if (m.direction == "outbound" && m.sender_kind == "teammate") item.author = m.sender_name;
  if (!public_url.empty())
    item.inbox_url = public_url + "/app/";  // the inbox has no per-conversation URL yet
  auto meta = m.metadata.is_object() ? m.metadata : json::object();
  if (m.kind == "voicemail") {
    item.kind = "voicemail";
    if (meta["transcript"].is_string()) item.transcript = meta["transcript"].get<std::string>();
    if (meta["recording_url"].is_string())
      item.recording_url = meta["recording_url"].get<std::string>();
    item.duration_seconds = meta.value("duration", 0);
    item.call_back = true;
  } else if (m.kind == "call") {
    item.kind = "call";
    item.duration_seconds = meta.value("duration", 0);
    item.call_back = m.direction == "inbound";
  } else if (m.media.is_array() && !m.media.empty()) {
    item.body += (item.body.empty() ? "" : " ") + std::string("[") +
                 std::to_string(m.media.size()) + " attachment(s)]";
  }
  return item;
}

}  // namespace

bool mirror_item(store::unit_of_work& uow, const store::message& item, const std::string& public_url,
                 const std::string& at) {
  if (item.is_private) return false;
  auto ws = item.workspace_id;
  // Most workspaces link no channel: one indexed probe, not a conversation read per message.
  if (!uow.teams_links().any_channel_linked(ws)) return false;
  auto c = uow.conversations().find(ws, item.conversation_id);
  if (!c) return false;
  auto th = uow.teams_links().thread_of_conversation(ws, c->id);
  std::optional<store::teams::channel_link> link;
  if (!th && item.direction != "inbound") return false;
  if (!th) {
    if (c->assignee_id) link = uow.teams_links().channel_of(ws, "teammate", *c->assignee_id);
    if (!link && c->team_id) link = uow.teams_links().channel_of(ws, "team", *c->team_id);
    if (!link) return false;
  }
  auto card = card_of(item, *c, uow.teams_links().line_of_conversation(ws, c->id), public_url);
  auto summary = card.kind == "voicemail" ? "Voicemail from " + card.customer
                 : card.kind == "call"    ? "Call with " + card.customer
                 : !card.author.empty()   ? card.author + " to " + card.customer
                                          : card.customer + ": " + item.body.substr(0, 100);
  auto activity = card_activity(item_card(card), summary);
  if (!th) {
    store::teams::thread t;
    t.workspace_id = ws;
    t.conversation_id = c->id;
    t.channel_link_id = link->id;
    t.service_url = link->service_url;
    t.channel_id = link->channel_id;
    t.tenant_id = link->tenant_id;
    auto id = uow.teams_links().insert_thread(t, at);
    uow.outbox().enqueue(ws, create_thread_kind, {{"thread", id}, {"conversation_id", c->id}, {"activity", activity}}, at);
  } else if (th->status == "failed") {
    uow.teams_links().thread_retry(th->id, at);
    uow.outbox().enqueue(ws, create_thread_kind, {{"thread", th->id}, {"conversation_id", c->id}, {"activity", activity}},
                         at);
  } else {
    uow.outbox().enqueue(ws, reply_kind, {{"thread", th->id}, {"conversation_id", c->id}, {"activity", activity}}, at);
  }
  return true;
}

}  // namespace switchboard::teams
