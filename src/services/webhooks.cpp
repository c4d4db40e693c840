#include "switchboard/services/webhooks.hpp"

#include <boost/url/parse.hpp>

#include "switchboard/core/clock.hpp"
#include "switchboard/core/net_address.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/http/outbound.hpp"
#include "switchboard/routing/webhooks.hpp"
#include "switchboard/services/wire.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

namespace asio = boost::asio;
using json = nlohmann::json;
using store::id_t;
namespace wh = store::webhooks;

namespace {

constexpr std::size_t max_url_bytes = 2048;
constexpr std::size_t max_description_bytes = 500;
constexpr std::size_t max_endpoints_per_workspace = 50;
constexpr int max_replay = 1000;

// A job's own result inside the store's: one result.
template <class T>
result<T> flat(result<result<T>> r) {
  if (!r) return r.err();
  return std::move(*r);
}

std::string new_secret() { return routing::format_webhook_secret(random_bytes(24)); }

// msg_ and 24 random letters and digits: the webhook-id, unique per event and endpoint.
std::string new_message_id() { return "msg_" + random_alnum(24); }

bool subscribed(const wh::endpoint& e, std::string_view type) {
  for (auto& t : e.events)
    if (t == type) return true;
  return false;
}

id_t queue_delivery(store::unit_of_work& uow, const wh::endpoint& e, std::string_view type, const json& data,
                    const std::string& now, std::optional<id_t> contact_id) {
  wh::delivery d;
  d.workspace_id = e.workspace_id;
  d.endpoint_id = e.id;
  d.message_id = new_message_id();
  d.event_type = std::string(type);
  // Replacing invalid UTF-8 (a carrier's text is not checked for it): an event never fails the write that causes it.
  d.payload = json{{"type", type}, {"timestamp", now}, {"data", data}}.dump(-1, ' ', false, json::error_handler_t::replace);
  d.contact_id = contact_id;
  d.created_at = d.updated_at = now;
  d.next_attempt_at = now;
  d.id = uow.webhooks().insert_delivery(d);
  uow.outbox().enqueue(e.workspace_id, webhook_deliver_kind, json{{"delivery_id", d.id}, {"since", now}}, now);
  return d.id;
}

// https anywhere public; with allow_private, also http to loopback and private addresses.
result<void> check_target(const context& ctx, const std::string& url) {
  if (url.size() > max_url_bytes) return error{"INVALID_INPUT", "url: at most 2048 bytes"};
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u) return error{"INVALID_INPUT", "url: not an absolute URL"};
  auto scheme = u->scheme();
  if (scheme != "https" && scheme != "http") return error{"INVALID_INPUT", "url: must be https"};
  if (u->host().empty()) return error{"INVALID_INPUT", "url: has no host"};
  if (u->has_userinfo()) return error{"INVALID_INPUT", "url: credentials in the URL are not allowed"};
  std::string host = u->host();
  if (!host.empty() && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  bool loopback = http::is_loopback_host(host) || host.ends_with(".localhost");
  auto literal = parse_ip(host);
  bool private_target = loopback || (literal && !is_public_address(*literal));
  if (private_target && !ctx.webhooks.allow_private_targets)
    return error{"INVALID_INPUT",
                 "url: loopback, private, link-local and metadata addresses are refused "
                 "(webhooks.allow_private_targets)"};
  if (scheme == "http" && !(loopback && ctx.webhooks.allow_private_targets))
    return error{"INVALID_INPUT", "url: must be https"};
  return {};
}

result<std::vector<std::string>> read_events(const json& v) {
  if (!v.is_array() || v.empty()) return error{"INVALID_INPUT", "events: at least one event type"};
  std::vector<std::string> out;
  for (auto& e : v) {
    if (!e.is_string() || !routing::is_webhook_event_type(e.get<std::string>()))
      return error{"INVALID_INPUT", "events: unknown event type " + e.dump()};
    auto t = e.get<std::string>();
    if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  }
  return out;
}

json audit_body(const wh::endpoint& e) {
  return {{"url", e.url}, {"events", e.events}, {"description", e.description}, {"enabled", e.enabled}};
}

}  // namespace

int emit_webhook(store::unit_of_work& uow, id_t ws, std::string_view type, const json& data, const std::string& now,
                 std::optional<id_t> contact_id) {
  webhook_events events(uow, ws, now);
  events.emit(type, data, contact_id);
  return events.queued();
}

// conversation.updated, and status_changed or assigned when those moved (issue 21).
void emit_conversation_change(store::unit_of_work& uow, const store::conversation& before,
                              const store::conversation& after, const std::string& at, bool with_updated) {
  webhook_events events(uow, after.workspace_id, at);
  auto data = to_json(after);
  if (with_updated) events.emit("conversation.updated", data, after.contact_id);
  if (before.status != after.status && events.wanted("conversation.status_changed")) {
    auto changed = data;
    changed["previous_status"] = before.status;
    events.emit("conversation.status_changed", changed, after.contact_id);
  }
  if (before.assignee_id != after.assignee_id && events.wanted("conversation.assigned")) {
    auto changed = data;
    changed["previous_assignee_id"] = before.assignee_id ? json(id_str(*before.assignee_id)) : json(nullptr);
    events.emit("conversation.assigned", changed, after.contact_id);
  }
}

void emit_message_updated(store::unit_of_work& uow, const store::message& m, const std::string& at) {
  webhook_events events(uow, m.workspace_id, at);
  if (!events.wanted("message.updated")) return;
  auto c = uow.conversations().find(m.workspace_id, m.conversation_id);
  events.emit("message.updated", to_json(m), c ? std::optional<id_t>(c->contact_id) : std::nullopt);
}

bool webhook_events::wanted(std::string_view type) {
  if (!endpoints_) endpoints_ = uow_.webhooks().enabled_endpoints(ws_);
  for (auto& e : *endpoints_)
    if (subscribed(e, type)) return true;
  return false;
}

void webhook_events::emit(std::string_view type, const json& data, std::optional<id_t> contact_id) {
  if (!wanted(type)) return;
  for (auto& e : *endpoints_)
    if (subscribed(e, type)) {
      queue_delivery(uow_, e, type, data, now_, contact_id);
      ++queued_;
    }
}

result<webhook_endpoint_input> read_webhook_endpoint_input(const json& body, bool creating) {
  // As everywhere in the API: a missing field is MISSING_REQUIRED_FIELD, a wrong
  // type INVALID_FORMAT, a bad value INVALID_INPUT; unknown fields are ignored.
  webhook_endpoint_input in;
  auto present = [&](const char* key) {
    auto it = body.find(key);
    return it != body.end() && !it->is_null() ? &*it : nullptr;
  };
  if (auto* v = present("url")) {
    if (!v->is_string()) return error{"INVALID_FORMAT", "url must be a string"};
    in.url = v->get<std::string>();
  } else if (creating) {
    return error{"MISSING_REQUIRED_FIELD", "url is required"};
  }
  if (auto* v = present("events")) {
    if (!v->is_array()) return error{"INVALID_FORMAT", "events must be an array of event types"};
    auto events = read_events(*v);
    if (!events) return events.err();
    in.events = std::move(*events);
  } else if (creating) {
    return error{"MISSING_REQUIRED_FIELD", "events is required"};
  }
  if (auto* v = present("description")) {
    if (!v->is_string()) return error{"INVALID_FORMAT", "description must be a string"};
    auto d = v->get<std::string>();
    if (d.size() > max_description_bytes) return error{"INVALID_INPUT", "description: at most 500 bytes"};
    in.description = std::move(d);
  }
  if (auto* v = present("enabled")) {
    if (!v->is_boolean()) return error{"INVALID_FORMAT", "enabled must be true or false"};
    in.enabled = v->get<bool>();
  }
  return in;
}

json to_json(const wh::endpoint& e) {
  return {{"id", id_str(e.id)},
          {"url", e.url},
          {"description", e.description},
          {"events", e.events},
          {"enabled", e.enabled},
          {"disabled_reason", e.disabled_reason ? json(*e.disabled_reason) : json(nullptr)},
          {"failing_since", e.failing_since ? json(*e.failing_since) : json(nullptr)},
          {"previous_secret_expires_at",
           e.previous_secret_expires_at ? json(*e.previous_secret_expires_at) : json(nullptr)},
          {"created_at", e.created_at},
          {"updated_at", e.updated_at}};
}

json to_json(const wh::delivery& d, bool with_payload) {
  auto opt_int = [](const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); };
  auto opt_text = [](const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); };
  json j = {{"id", id_str(d.id)},
            {"endpoint_id", id_str(d.endpoint_id)},
            {"message_id", d.message_id},
            {"event_type", d.event_type},
            {"status", d.status},
            {"attempts", d.attempts},
            {"response_status", opt_int(d.response_status)},
            {"latency_ms", opt_int(d.latency_ms)},
            {"response_excerpt", opt_text(d.response_excerpt)},
            {"error", opt_text(d.last_error)},
            {"created_at", d.created_at},
            {"last_attempt_at", opt_text(d.last_attempt_at)},
            {"next_attempt_at", d.status == "pending" ? opt_text(d.next_attempt_at) : json(nullptr)}};
  if (with_payload) j["payload"] = json::parse(d.payload, nullptr, false);
  return j;
}

asio::awaitable<result<std::vector<wh::endpoint>>> list_webhook_endpoints(context& ctx, id_t ws) {
  auto job = [ws](store::unit_of_work& uow) { return uow.webhooks().endpoints(ws); };
  co_return co_await ctx.db.read(std::move(job));
}

asio::awaitable<result<wh::endpoint>> get_webhook_endpoint(context& ctx, id_t ws, id_t id) {
  auto job = [ws, id](store::unit_of_work& uow) { return uow.webhooks().find_endpoint(ws, id); };
  auto r = co_await ctx.db.read(std::move(job));
  if (!r) co_return r.err();
  if (!*r) co_return error{"NOT_FOUND", "no such webhook endpoint"};
  co_return std::move(**r);
}

asio::awaitable<result<wh::endpoint>> create_webhook_endpoint(context& ctx, store::principal who, std::string ip,
                                                              webhook_endpoint_input in) {
  if (!in.url || !in.events) co_return error{"INVALID_INPUT", "url and events are required"};
  if (auto ok = check_target(ctx, *in.url); !ok) co_return ok.err();
  wh::endpoint e;
  e.workspace_id = who.workspace_id;
  e.url = *in.url;
  e.description = in.description.value_or("");
  e.events = *in.events;
  e.enabled = in.enabled.value_or(true);
  e.secret = new_secret();
  e.created_at = e.updated_at = now_text(ctx);
  auto job = [e, who, ip](store::unit_of_work& uow) -> result<wh::endpoint> {
    if (uow.webhooks().endpoints(e.workspace_id).size() >= max_endpoints_per_workspace)
      return error{"INVALID_INPUT", "a workspace has at most 50 webhook endpoints"};
    auto created = e;
    created.id = uow.webhooks().insert_endpoint(e);
    uow.auth().audit(e.workspace_id, who.teammate_id, "webhook.created", "webhook_endpoint", created.id,
                     audit_body(created), ip, e.created_at);
    return created;
  };
  auto r = co_await ctx.db.write(std::move(job));
  co_return flat(std::move(r));
}

asio::awaitable<result<wh::endpoint>> update_webhook_endpoint(context& ctx, store::principal who, std::string ip,
                                                              id_t id, webhook_endpoint_input in) {
  if (in.url)
    if (auto ok = check_target(ctx, *in.url); !ok) co_return ok.err();
  auto at = now_text(ctx);
  auto job = [who, ip, id, in, at](store::unit_of_work& uow) -> result<wh::endpoint> {
    auto e = uow.webhooks().find_endpoint(who.workspace_id, id);
    if (!e) return error{"NOT_FOUND", "no such webhook endpoint"};
    if (in.url) e->url = *in.url;
    if (in.description) e->description = *in.description;
    if (in.events) e->events = *in.events;
    if (in.enabled && *in.enabled != e->enabled) {
      e->enabled = *in.enabled;
      // Turned on again: a fresh start; off by hand: say so.
      e->failing_since = std::nullopt;
      e->disabled_reason = e->enabled ? std::nullopt : std::optional<std::string>("disabled by an admin");
    }
    e->updated_at = at;
    uow.webhooks().update_endpoint(*e);
    uow.auth().audit(who.workspace_id, who.teammate_id, "webhook.updated", "webhook_endpoint", id, audit_body(*e), ip,
                     at);
    return *e;
  };
  auto r = co_await ctx.db.write(std::move(job));
  co_return flat(std::move(r));
}

asio::awaitable<result<void>> delete_webhook_endpoint(context& ctx, store::principal who, std::string ip, id_t id) {
  auto at = now_text(ctx);
  auto job = [who, ip, id, at](store::unit_of_work& uow) -> result<void> {
    auto e = uow.webhooks().find_endpoint(who.workspace_id, id);
    if (!e || !uow.webhooks().delete_endpoint(who.workspace_id, id))
      return error{"NOT_FOUND", "no such webhook endpoint"};
    uow.auth().audit(who.workspace_id, who.teammate_id, "webhook.deleted", "webhook_endpoint", id, audit_body(*e), ip,
                     at);
    return {};
  };
  auto r = co_await ctx.db.write(std::move(job));
  co_return flat(std::move(r));
}

asio::awaitable<result<wh::endpoint>> rotate_webhook_secret(context& ctx, store::principal who, std::string ip,
                                                            id_t id) {
  auto at = now_text(ctx);
  auto expires = format_rfc3339(ctx.now() + std::chrono::hours(24));
  auto secret = new_secret();
  auto job = [who, ip, id, at, expires, secret](store::unit_of_work& uow) -> result<wh::endpoint> {
    auto e = uow.webhooks().find_endpoint(who.workspace_id, id);
    if (!e) return error{"NOT_FOUND", "no such webhook endpoint"};
    e->previous_secret = e->secret;
    e->previous_secret_expires_at = expires;
    e->secret = secret;
    e->updated_at = at;
    uow.webhooks().update_endpoint(*e);
    uow.auth().audit(who.workspace_id, who.teammate_id, "webhook.secret_rotated", "webhook_endpoint", id,
                     json{{"previous_secret_expires_at", expires}}, ip, at);
    return *e;
  };
  auto r = co_await ctx.db.write(std::move(job));
  co_return flat(std::move(r));
}

asio::awaitable<result<delivery_page>> list_webhook_deliveries(context& ctx, id_t ws, id_t endpoint_id,
                                                              wh::delivery_filter f) {
  int wanted = f.limit;
  f.limit = wanted + 1;
  auto job = [ws, endpoint_id, f](store::unit_of_work& uow) -> result<delivery_page> {
    if (!uow.webhooks().find_endpoint(ws, endpoint_id)) return error{"NOT_FOUND", "no such webhook endpoint"};
    delivery_page page;
    page.items = uow.webhooks().deliveries(ws, endpoint_id, f);
    return page;
  };
  auto read = co_await ctx.db.read(std::move(job));
  auto r = flat(std::move(read));
  if (!r) co_return r.err();
  if (static_cast<int>(r->items.size()) > wanted) {
    r->items.resize(static_cast<std::size_t>(wanted));
    r->more = true;
  }
  co_return std::move(*r);
}

asio::awaitable<result<wh::delivery>> get_webhook_delivery(context& ctx, id_t ws, id_t endpoint_id,
                                                           id_t delivery_id) {
  auto job = [ws, delivery_id](store::unit_of_work& uow) { return uow.webhooks().find_delivery(ws, delivery_id); };
  auto r = co_await ctx.db.read(std::move(job));
  if (!r) co_return r.err();
  if (!*r || (*r)->endpoint_id != endpoint_id) co_return error{"NOT_FOUND", "no such delivery"};
  co_return std::move(**r);
}

namespace {

// Pending again, due now, with a new outbox row; the attempts count on.
void requeue(store::unit_of_work& uow, wh::delivery& d, const std::string& at) {
  d.status = "pending";
  d.next_attempt_at = at;
  d.updated_at = at;
  uow.webhooks().update_delivery(d);
  uow.outbox().enqueue(d.workspace_id, webhook_deliver_kind, json{{"delivery_id", d.id}, {"since", at}}, at);
}

}  // namespace

asio::awaitable<result<wh::delivery>> replay_webhook_delivery(context& ctx, id_t ws, id_t endpoint_id,
                                                              id_t delivery_id) {
  auto at = now_text(ctx);
  auto job = [ws, endpoint_id, delivery_id, at](store::unit_of_work& uow) -> result<wh::delivery> {
    auto e = uow.webhooks().find_endpoint(ws, endpoint_id);
    auto d = uow.webhooks().find_delivery(ws, delivery_id);
    if (!e || !d || d->endpoint_id != endpoint_id) return error{"NOT_FOUND", "no such delivery"};
    if (!e->enabled) return error{"CONFLICT_STATE", "the endpoint is disabled: enable it first"};
    if (d->status == "pending") return error{"CONFLICT_STATE", "the delivery is still being tried"};
    requeue(uow, *d, at);
    return *d;
  };
  auto w = co_await ctx.db.write(std::move(job));
  auto r = flat(std::move(w));
  if (r && ctx.outbox_ready) ctx.outbox_ready();
  co_return r;
}

asio::awaitable<result<int>> replay_failed_webhooks(context& ctx, id_t ws, id_t endpoint_id, std::string since) {
  auto at = now_text(ctx);
  auto job = [ws, endpoint_id, since, at](store::unit_of_work& uow) -> result<int> {
    auto e = uow.webhooks().find_endpoint(ws, endpoint_id);
    if (!e) return error{"NOT_FOUND", "no such webhook endpoint"};
    if (!e->enabled) return error{"CONFLICT_STATE", "the endpoint is disabled: enable it first"};
    int n = 0;
    for (auto id : uow.webhooks().failed_since(ws, endpoint_id, since, max_replay))
      if (auto d = uow.webhooks().find_delivery(ws, id)) {
        requeue(uow, *d, at);
        ++n;
      }
    return n;
  };
  auto w = co_await ctx.db.write(std::move(job));
  auto r = flat(std::move(w));
  if (r && *r > 0 && ctx.outbox_ready) ctx.outbox_ready();
  co_return r;
}

asio::awaitable<result<wh::delivery>> send_test_webhook(context& ctx, id_t ws, id_t endpoint_id) {
  auto at = now_text(ctx);
  auto job = [ws, endpoint_id, at](store::unit_of_work& uow) -> result<wh::delivery> {
    auto e = uow.webhooks().find_endpoint(ws, endpoint_id);
    if (!e) return error{"NOT_FOUND", "no such webhook endpoint"};
    if (!e->enabled) return error{"CONFLICT_STATE", "the endpoint is disabled: enable it first"};
    json data = {{"endpoint_id", id_str(e->id)}, {"message", "A test event from Switchboard."}};
    auto id = queue_delivery(uow, *e, routing::webhook_test_event, data, at, std::nullopt);
    return *uow.webhooks().find_delivery(ws, id);
  };
  auto w = co_await ctx.db.write(std::move(job));
  auto r = flat(std::move(w));
  if (r && ctx.outbox_ready) ctx.outbox_ready();
  co_return r;
}

}  // namespace switchboard::services
