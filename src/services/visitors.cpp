#include "switchboard/services/visitors.hpp"
#include "switchboard/services/media.hpp"

#include "switchboard/services/wire.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

using nlohmann::json;

std::string visitor_topic(store::id_t contact_id) { return "visitor:" + std::to_string(contact_id); }
// Visitor ids start with "v_", so these never collide with a contact's topic.
std::string anonymous_topic(const std::string& visitor_id) { return "visitor:" + visitor_id; }

void publish_to_visitors(context& ctx, store::id_t ws, store::id_t contact_id, const std::optional<std::string>& starter,
                         std::string_view type, const json& data, realtime::hub::delivery how) {
  auto topic = visitor_topic(contact_id);
  if (ctx.hub.has_subscribers(ws, topic)) ctx.hub.publish(ws, topic, type, data, how);
  if (!starter) return;
  topic = anonymous_topic(*starter);
  if (ctx.hub.has_subscribers(ws, topic)) ctx.hub.publish(ws, topic, type, data, how);
}

boost::asio::awaitable<result<std::optional<visitor_audience>>> audience_of(context& ctx, store::id_t ws,
                                                                            store::id_t cid) {
  auto job = [ws, cid](store::unit_of_work& uow) {
    std::optional<visitor_audience> out;
    if (auto c = uow.conversations().find(ws, cid)) out = visitor_audience{c->contact_id, uow.widget().starter_of(ws, cid)};
    return out;
  };
  co_return co_await ctx.db.read(std::move(job));
}

json visitor_message_json(const store::message& m) {
  json j = {{"id", id_str(m.id)},
          {"conversation_id", id_str(m.conversation_id)},
          {"body", m.body},
          {"private", false},
          {"channel", m.channel},
          {"direction", m.direction},
          {"kind", m.kind},
          {"sender",
           {{"kind", m.sender_kind},
            {"id", m.sender_kind == "teammate" ? opt_id(m.sender_id) : json(nullptr)},
            {"name", m.sender_name.empty() ? json(nullptr) : json(m.sender_name)}}},
          {"status", m.status},
          {"media", public_media(m.media)},
          {"created_at", m.created_at}};
  // The answer bot's step and the article it quoted: the widget offers "Yes" and
  // "Talk to a person" under an answer, and links the article.
  if (m.sender_kind == "bot" && m.metadata.is_object() && m.metadata.contains("answer_bot")) {
    auto& b = m.metadata["answer_bot"];
    if (b.is_object()) {
      json out = {{"step", b.value("step", std::string())}};
      if (auto a = b.find("article"); a != b.end() && a->is_object())
        out["article"] = {{"title", a->value("title", std::string())}, {"url", a->value("url", std::string())}};
      j["answer_bot"] = std::move(out);
    }
  }
  // A CSAT survey (issue 21): the widget shows a 1-5 rating under it, or the rating given.
  if (m.sender_kind == "bot" && m.metadata.is_object() && m.metadata.contains("csat") && m.metadata["csat"].is_object())
    j["csat"] = {{"rating", m.metadata["csat"].value("rating", json(nullptr))}};
  return j;
}

}  // namespace switchboard::services
