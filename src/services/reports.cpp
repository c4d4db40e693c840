// Reports (issue 21): the reporting log written with each change, and the figures
// read back from its rollups (a scope of one filter) or its raw events (a label,
// or several filters at once).
#include "switchboard/services/reports.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "switchboard/core/clock.hpp"
#include "switchboard/core/csv.hpp"
#include "switchboard/services/answer_bot.hpp"
#include "switchboard/store/repositories.hpp"
#include "switchboard/store/store.hpp"

namespace switchboard::services {

namespace {

using json = nlohmann::json;
using store::id_t;
namespace kind = routing::report_kind;

constexpr std::int64_t range_days_max = 366;
constexpr std::int64_t hourly_days_max = 31;
constexpr std::size_t label_max = 100;

std::optional<report_settings> read_settings_json(const json& j, std::string& bad) {
  report_settings s;
  if (!j.is_object()) {
    bad = "body: must be an object";
    return std::nullopt;
  }
  if (auto tz = j.find("timezone"); tz != j.end()) {
    if (!tz->is_string() || !routing::is_known_timezone(tz->get<std::string>())) {
      bad = "timezone: must be an IANA time zone name, e.g. Europe/Paris";
      return std::nullopt;
    }
    s.timezone = tz->get<std::string>();
  }
  if (auto h = j.find("business_hours"); h != j.end()) {
    auto parsed = routing::parse_business_hours(*h);
    if (!parsed) {
      bad = parsed.err().message;
      return std::nullopt;
    }
    s.business_hours = *parsed;
  }
  return s;
}

std::optional<sys_time> instant(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  return parse_rfc3339(*text);
}

routing::report_state pure_state(const store::reports::conversation_state& s) {
  return {instant(s.waiting_since), instant(s.opened_at), s.responded};
}

// The plan's next state over the stored one (an opening time is never cleared).
void take_next(store::reports::conversation_state& s, const routing::report_state& next) {
  s.waiting_since = next.waiting_since ? std::optional(format_rfc3339(*next.waiting_since)) : std::nullopt;
  if (next.opened_at) s.opened_at = format_rfc3339(*next.opened_at);
  s.responded = next.responded;
}


}  // namespace

report_settings parse_report_settings(const std::optional<std::string>& stored) {
  if (!stored) return {};
  std::string bad;
  auto s = read_settings_json(json::parse(*stored, nullptr, false), bad);
  return s ? *s : report_settings{};
}

json to_json(const report_settings& s) {
  return {{"timezone", s.timezone},
          {"business_hours", s.business_hours ? routing::to_json(*s.business_hours) : json(nullptr)}};
}

// ---------- the write side ----------

const report_settings& report_log::settings() {
  if (!settings_) settings_ = parse_report_settings(uow_.workspaces().setting(ws_, report_setting_name));
  return *settings_;
}

std::optional<routing::business_hours> report_log::schedule_for(const store::conversation& c) {
  if (c.team_id) {
    auto line = uow_.routing().settings_of(ws_, "team", *c.team_id);
    if (line.business_hours) {
      auto h = routing::parse_business_hours(json::parse(*line.business_hours, nullptr, false));
      if (h && *h) return **h;
    }
  }
  return settings().business_hours;
}

store::reports::conversation_state report_log::state_of(const store::conversation& c) {
  if (replayed_) return *replayed_;
  if (auto s = uow_.reports().state_of(ws_, c.id)) return *s;
  // Older than the log (or created outside it): opened when it was created.
  store::reports::conversation_state s;
  s.workspace_id = ws_;
  s.conversation_id = c.id;
  s.opened_at = c.created_at;
  s.responded = c.first_response_at.has_value();
  return s;
}

void report_log::keep_state(const store::reports::conversation_state& s) {
  if (replayed_) {
    replayed_ = s;
  } else {
    uow_.reports().save_state(s);
  }
}

routing::report_scope report_log::scope_of(const store::conversation& c, std::optional<id_t> teammate) {
  if (!number_) number_ = uow_.conversations().number_of(ws_, c.id);
  routing::report_scope s;
  s.team_id = c.team_id;
  s.teammate_id = teammate;
  s.channel = c.channel;
  s.number_id = *number_;
  return s;
}

void report_log::record(const store::conversation& c, std::string_view what, const std::string& at,
                        std::optional<id_t> teammate, std::optional<std::string> started,
                        std::optional<std::int64_t> value) {
  store::reports::event e;
  e.workspace_id = ws_;
  e.conversation_id = c.id;
  e.kind = std::string(what);
  e.at = at;
  e.team_id = c.team_id;
  e.teammate_id = teammate;
  e.channel = c.channel;
  e.value = value;
  auto scope = scope_of(c, teammate);
  e.number_id = scope.number_id;
  auto end = parse_rfc3339(at);
  auto begin = instant(started);
  if (routing::is_duration_kind(what) && end && begin) {
    e.wall_seconds = std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::seconds>(*end - *begin).count());
    e.business_seconds = routing::open_seconds_between(schedule_for(c), *begin, *end);
  }
  uow_.reports().add_event(e);
  roll_up(what, scope, end.value_or(system_now()), e.wall_seconds, e.business_seconds, value);
}

void report_log::roll_up(std::string_view what, const routing::report_scope& scope, sys_time t,
                         std::optional<std::int64_t> wall, std::optional<std::int64_t> business,
                         std::optional<std::int64_t> value) {
  auto& tz = settings().timezone;
  auto day = routing::local_day(tz, t), hour = routing::local_hour(tz, t);
  std::vector<store::reports::rollup_change> changes;
  for (auto& d : routing::rollup_deltas(what, scope, wall, business, value)) {
    changes.push_back({day, d.metric, d.dim, d.dim_value, d.bucket, 1, d.total});
    // The workspace's hourly rows: the hourly time series without a scope.
    if (d.dim.empty()) changes.push_back({hour, d.metric, "hour", "", d.bucket, 1, d.total});
    // All-time rows: the Prometheus histograms (workspace and team, wall clock) and
    // the open count of every scope (open at the end of a range, counted back from now).
    if (((what == kind::first_response || what == kind::resolved) && d.metric == what &&
         (d.dim.empty() || d.dim == "team")) ||
        d.metric == routing::report_open_metric)
      changes.push_back({"all", d.metric, d.dim, d.dim_value, d.bucket, 1, d.total});
  }
  uow_.reports().add_rollups(ws_, changes);
}

void report_log::conversation_created(const store::conversation& c) {
  store::reports::conversation_state s;
  s.workspace_id = ws_;
  s.conversation_id = c.id;
  s.opened_at = c.created_at;
  keep_state(s);
  record(c, kind::created, c.created_at, c.assignee_id, std::nullopt);
}

void report_log::message_added(const store::conversation& before, const store::message& m, bool reopens) {
  auto at = parse_rfc3339(m.created_at);
  if (!at) return;
  auto state = state_of(before);
  routing::report_message_facts f;
  f.sender_kind = m.sender_kind;
  f.direction = m.direction;
  f.kind = m.kind;
  f.is_private = m.is_private;
  f.bot_step = bot_step(m);
  f.reopens = reopens;
  f.at = *at;
  auto plan = routing::plan_report_message(pure_state(state), f);
  if (!plan.count && plan.steps.empty()) return;
  // Replies are the replier's; everything else the assignee's.
  std::optional<id_t> replier = m.sender_kind == "teammate" ? m.sender_id : before.assignee_id;
  auto conversation = before;
  if (reopens) conversation.status = "open";
  // Messages are counted in the rollups only: an event row each would double the
  // message table.
  if (plan.count) roll_up(*plan.count, scope_of(conversation, replier), *at, std::nullopt, std::nullopt, std::nullopt);
  for (auto& step : plan.steps) {
    std::optional<std::string> started;
    if (step.started) started = format_rfc3339(*step.started);
    record(conversation, step.kind, m.created_at, replier, started);
  }
  take_next(state, plan.next);
  keep_state(state);
}

void report_log::status_changed(const store::conversation& before, const store::conversation& after,
                                const std::string& at) {
  auto t = parse_rfc3339(at);
  if (!t || before.status == after.status) return;
  auto state = state_of(before);
  auto plan = routing::plan_report_change(pure_state(state), before.status, after.status, *t);
  if (plan.steps.empty()) return;
  for (auto& step : plan.steps) {
    std::optional<std::string> started;
    if (step.started) started = format_rfc3339(*step.started);
    record(after, step.kind, at, after.assignee_id, started);
  }
  take_next(state, plan.next);
  keep_state(state);
}

void report_log::csat_sent(const store::conversation& c, const store::csat::survey& s) {
  record(c, kind::csat_sent, s.sent_at, s.teammate_id, std::nullopt);
}

void report_log::csat_rated(const store::conversation& c, const store::csat::survey& s, std::int64_t rating,
                            const std::string& at) {
  record(c, kind::csat_rating, at, s.teammate_id, std::nullopt, rating);
}

id_t add_message(store::unit_of_work& uow, const store::message& m, bool may_reopen) {
  auto before = uow.conversations().find(m.workspace_id, m.conversation_id);
  auto id = uow.messages().insert(m, may_reopen);
  if (before) {
    bool reopens = may_reopen && m.sender_kind == "contact" && before->status == "resolved";
    report_log(uow, m.workspace_id).message_added(*before, m, reopens);
  }
  return id;
}

std::optional<id_t> add_message_once(store::unit_of_work& uow, const store::message& m, bool may_reopen) {
  auto before = uow.conversations().find(m.workspace_id, m.conversation_id);
  auto id = uow.messages().insert_once(m, may_reopen);
  if (id && before) {
    bool reopens = may_reopen && m.sender_kind == "contact" && before->status == "resolved";
    report_log(uow, m.workspace_id).message_added(*before, m, reopens);
  }
  return id;
}

id_t add_conversation(store::unit_of_work& uow, const store::conversation& c) {
  auto id = uow.conversations().insert(c);
  auto stored = c;
  stored.id = id;
  report_log(uow, c.workspace_id).conversation_created(stored);
  return id;
}

void update_conversation(store::unit_of_work& uow, id_t ws, id_t id, const store::conversations::patch& p,
                         const std::string& at) {
  if (!p.status) {
    uow.conversations().update(ws, id, p, at);
    return;
  }
  auto before = uow.conversations().find(ws, id);
  uow.conversations().update(ws, id, p, at);
  if (!before) return;
  auto after = uow.conversations().find(ws, id);
  if (after) report_log(uow, ws).status_changed(*before, *after, at);
}

bool replay_report_history(store::unit_of_work& uow, const store::reports::backfill_item& item) {
  auto ws = item.workspace_id;
  if (!uow.reports().take_backfill(ws, item.conversation_id)) return false;
  auto c = uow.conversations().find(ws, item.conversation_id);
  // Erased since, or (not expected) created after the log began.
  if (!c || c->created_at >= item.through) return true;
  report_log log(uow, ws);
  store::reports::conversation_state start;
  start.workspace_id = ws;
  start.conversation_id = c->id;
  log.replay(start);
  auto open = *c;
  open.status = "open";
  log.conversation_created(open);
  // The last resolution, if it came before the log; messages after it see the
  // conversation resolved (only the last one is known).
  std::optional<std::string> resolved_at;
  if (c->status == "resolved" && c->resolved_at && *c->resolved_at < item.through) resolved_at = c->resolved_at;
  auto resolved = open;
  resolved.status = "resolved";
  bool resolution_done = false;
  auto resolve = [&] {
    if (resolution_done || !resolved_at) return;
    resolution_done = true;
    log.status_changed(open, resolved, *resolved_at);
  };
  std::optional<id_t> after;
  constexpr int page = 500;
  for (bool more = true; more;) {
    auto messages = uow.messages().thread(ws, c->id, after, page, true);
    more = static_cast<int>(messages.size()) == page;
    for (auto& m : messages) {
      after = m.id;
      if (m.created_at >= item.through) {
        more = false;
        break;
      }
      if (resolved_at && m.created_at > *resolved_at) resolve();
      log.message_added(resolution_done ? resolved : open, m, false);
    }
  }
  resolve();
  if (!uow.reports().state_of(ws, c->id) && log.replayed_state()) uow.reports().save_state(*log.replayed_state());
  return true;
}

boost::asio::awaitable<result<int>> backfill_report_history(context& ctx, int limit) {
  auto job = [limit](store::unit_of_work& uow) {
    auto items = uow.reports().backfill_pending(limit);
    for (auto& item : items) replay_report_history(uow, item);
    return static_cast<int>(items.size());
  };
  auto done = co_await ctx.db.write(std::move(job));
  if (!done) co_return done.err();
  co_return *done;
}

// ---------- the read side ----------

namespace {

std::optional<std::int64_t> positive_id(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  for (char ch : text)
    if (ch < '0' || ch > '9') return std::nullopt;
  auto v = std::stoll(text);
  if (v <= 0) return std::nullopt;
  return v;
}

error bad_param(const std::string& name, const std::string& what) { return {"INVALID_INPUT", name + ": " + what}; }

// Which rollup scope answers a query: one filter (or none) without a label.
std::optional<std::pair<std::string, std::string>> rollup_scope(const store::reports::event_filter& f) {
  int n = (f.team_id ? 1 : 0) + (f.teammate_id ? 1 : 0) + (f.number_id ? 1 : 0) + (f.channel ? 1 : 0);
  if (f.label || n > 1) return std::nullopt;
  if (f.team_id) return std::pair<std::string, std::string>{"team", std::to_string(*f.team_id)};
  if (f.teammate_id) return std::pair<std::string, std::string>{"teammate", std::to_string(*f.teammate_id)};
  if (f.number_id) return std::pair<std::string, std::string>{"number", std::to_string(*f.number_id)};
  if (f.channel) return std::pair<std::string, std::string>{"channel", *f.channel};
  return std::pair<std::string, std::string>{"", ""};
}

// The figures of one period (or the whole range): counts by metric and each
// duration's buckets or raw values.
struct tally {
  std::map<std::string, std::int64_t> n, total;
  std::map<std::string, std::vector<routing::bucket_sum>> buckets;
  std::map<std::string, std::vector<std::int64_t>> values;
  bool raw = false;

  void add_row(const store::reports::rollup_sum& r) {
    if (r.bucket < 0) {
      n[r.metric] += r.n;
      total[r.metric] += r.total;
    } else {
      buckets[r.metric].push_back({r.bucket, r.n, r.total});
    }
  }
  void add_event(const store::reports::event& e) {
    raw = true;
    if (routing::is_duration_kind(e.kind)) {
      if (e.wall_seconds) values[e.kind].push_back(*e.wall_seconds);
      if (e.business_seconds || e.wall_seconds)
        values[e.kind + "@bh"].push_back(e.business_seconds.value_or(*e.wall_seconds));
    } else {
      n[e.kind] += 1;
      total[e.kind] += e.value.value_or(0);
    }
  }
  routing::duration_stats stats(std::string_view metric, bool business) const {
    std::string key = std::string(metric) + (business ? "@bh" : "");
    if (raw) {
      auto it = values.find(key);
      return routing::stats_of_values(it == values.end() ? std::vector<std::int64_t>{} : it->second);
    }
    auto it = buckets.find(key);
    return routing::stats_of_buckets(it == buckets.end() ? std::vector<routing::bucket_sum>{} : it->second);
  }
  std::int64_t count(std::string_view metric) const {
    auto it = n.find(std::string(metric));
    return it == n.end() ? 0 : it->second;
  }
  std::int64_t sum(std::string_view metric) const {
    auto it = total.find(std::string(metric));
    return it == total.end() ? 0 : it->second;
  }
};

json seconds_json(const std::optional<double>& v) {
  if (!v) return nullptr;
  return static_cast<std::int64_t>(std::llround(*v));
}
json seconds_json(const std::optional<std::int64_t>& v) { return v ? json(*v) : json(nullptr); }

json rate(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return nullptr;
  return std::round(10000.0 * static_cast<double>(part) / static_cast<double>(whole)) / 10000.0;
}

json stats_json(const routing::duration_stats& s) {
  return {{"count", s.count}, {"average", seconds_json(s.average)}, {"median", seconds_json(s.median)},
          {"p90", seconds_json(s.p90)}};
}

json summary_json(const tally& t, bool business, std::int64_t open_at_end) {
  auto csat_n = t.count(kind::csat_rating);
  auto bot_resolutions = t.count(kind::bot_resolution), handoffs = t.count(kind::handoff);
  json csat_average = nullptr;
  if (csat_n > 0)
    csat_average = std::round(100.0 * static_cast<double>(t.sum(kind::csat_rating)) / static_cast<double>(csat_n)) / 100.0;
  return {
      {"conversations",
       {{"new", t.count(kind::created)},
        {"resolved", t.stats(kind::resolved, false).count},
        {"reopened", t.count(kind::reopened)},
        {"open_at_end", open_at_end}}},
      {"messages", {{"inbound", t.count(kind::message_in)}, {"outbound", t.count(kind::message_out)}}},
      {"first_response_time", stats_json(t.stats(kind::first_response, business))},
      {"reply_time", stats_json(t.stats(kind::reply, business))},
      {"resolution_time", stats_json(t.stats(kind::resolved, business))},
      {"csat",
       {{"sent", t.count(kind::csat_sent)},
        {"responses", csat_n},
        {"average", csat_average},
        {"response_rate", rate(csat_n, t.count(kind::csat_sent))}}},
      {"bot",
       {{"answers", t.count(kind::bot_answer)},
        {"resolutions", bot_resolutions},
        {"handoffs", handoffs},
        // Of the conversations the bot finished one way or the other, the share it resolved.
        {"deflection_rate", rate(bot_resolutions, bot_resolutions + handoffs)}}},
  };
}

json filters_json(const report_query& q) {
  json f = json::object();
  if (q.filter.team_id) f["team_id"] = std::to_string(*q.filter.team_id);
  if (q.filter.teammate_id) f["teammate_id"] = std::to_string(*q.filter.teammate_id);
  if (q.filter.number_id) f["number_id"] = std::to_string(*q.filter.number_id);
  if (q.filter.channel) f["channel"] = *q.filter.channel;
  if (q.filter.label) f["label"] = *q.filter.label;
  return f;
}

// The events the raw path reads: all but the hourly rows' counts of messages.
const std::vector<std::string>& status_kinds() {
  static const std::vector<std::string> k = {std::string(kind::created), std::string(kind::reopened),
                                             std::string(kind::resolved)};
  return k;
}

std::int64_t open_from(const std::map<std::string, std::int64_t>& counts) {
  auto get = [&](std::string_view k) {
    auto it = counts.find(std::string(k));
    return it == counts.end() ? 0 : it->second;
  };
  return std::max<std::int64_t>(0, get(kind::created) + get(kind::reopened) - get(kind::resolved));
}

struct range {
  std::string tz, from_at, to_at;  // [from_at, to_at): the local days' instants
};

range range_of(const report_settings& s, const report_query& q) {
  return {s.timezone, format_rfc3339(routing::local_day_start(s.timezone, q.from)),
          format_rfc3339(routing::local_day_start(s.timezone, routing::next_day(q.to)))};
}

// Counts the raw path's messages into per-period tallies (`period_of` names a message's period).
template <class PeriodOf>
void count_messages(std::map<std::string, tally>& by, const std::vector<store::reports::message_tick>& ticks,
                    PeriodOf period_of) {
  for (auto& m : ticks) {
    auto t = parse_rfc3339(m.at);
    if (!t) continue;
    auto& slot = by[period_of(*t)];
    slot.raw = true;
    slot.n[std::string(m.inbound ? kind::message_in : kind::message_out)] += 1;
  }
}

}  // namespace

result<report_query> read_report_query(const std::map<std::string, std::string>& params) {
  report_query q;
  auto get = [&](const char* name) -> std::optional<std::string> {
    auto it = params.find(name);
    if (it == params.end()) return std::nullopt;
    return it->second;
  };
  auto from = get("from"), to = get("to");
  if (!from) return error{"MISSING_REQUIRED_FIELD", "from: is required (YYYY-MM-DD)"};
  if (!to) return error{"MISSING_REQUIRED_FIELD", "to: is required (YYYY-MM-DD)"};
  auto span = routing::days_between(*from, *to);
  if (!routing::days_between(*from, *from)) return bad_param("from", "must be a date YYYY-MM-DD");
  if (!routing::days_between(*to, *to)) return bad_param("to", "must be a date YYYY-MM-DD");
  if (!span || *span < 0) return bad_param("to", "must not be before from");
  if (*span >= range_days_max) return bad_param("to", "a range is at most 366 days");
  q.from = *from;
  q.to = *to;
  if (auto b = get("business_hours")) {
    if (*b != "true" && *b != "false") return bad_param("business_hours", "must be true or false");
    q.business_hours = *b == "true";
  }
  if (auto g = get("group_by")) {
    if (*g != "day" && *g != "hour") return bad_param("group_by", "must be day or hour");
    if (*g == "hour" && *span >= hourly_days_max) return bad_param("group_by", "hour: a range is at most 31 days");
    q.group_by = *g;
  }
  auto id_param = [&](const char* name, std::optional<id_t>& out) -> std::optional<error> {
    if (auto v = get(name)) {
      auto id = positive_id(*v);
      if (!id) return bad_param(name, "must be a positive id");
      out = *id;
    }
    return std::nullopt;
  };
  if (auto e = id_param("team_id", q.filter.team_id)) return *e;
  if (auto e = id_param("teammate_id", q.filter.teammate_id)) return *e;
  if (auto e = id_param("number_id", q.filter.number_id)) return *e;
  if (auto c = get("channel")) {
    static const std::set<std::string> channels = {"sms", "chat", "voice", "email", "teams", "api"};
    if (!channels.count(*c)) return bad_param("channel", "must be one of sms, chat, voice, email, teams, api");
    q.filter.channel = *c;
  }
  if (auto l = get("label")) {
    if (l->empty() || l->size() > label_max) return bad_param("label", "must be a label name of 1 to 100 bytes");
    q.filter.label = *l;
  }
  return q;
}

boost::asio::awaitable<result<json>> report_summary(context& ctx, id_t ws, report_query q) {
  auto job = [ws, q](store::unit_of_work& uow) {
    auto settings = parse_report_settings(uow.workspaces().setting(ws, report_setting_name));
    auto r = range_of(settings, q);
    tally t;
    std::int64_t open_at_end = 0;
    if (auto scope = rollup_scope(q.filter)) {
      for (auto& row : uow.reports().rollups(ws, scope->first, scope->second, q.from, q.to, false, {}))
        t.add_row(row);
      // Open now (the all-time row) less what opened since the range ended, plus
      // what closed since: a few rows for a recent range, whatever the workspace's age.
      const std::vector<std::string> open = {std::string(routing::report_open_metric)};
      for (auto& row : uow.reports().rollups(ws, scope->first, scope->second, "all", "all", false, open))
        open_at_end += row.total;
      for (auto& row : uow.reports().rollups(ws, scope->first, scope->second, routing::next_day(q.to),
                                             "9999-12-31", false, open))
        open_at_end -= row.total;
      open_at_end = std::max<std::int64_t>(0, open_at_end);
    } else {
      for (auto& e : uow.reports().events(ws, q.filter, r.from_at, r.to_at, {})) t.add_event(e);
      for (auto& m : uow.reports().messages(ws, q.filter, r.from_at, r.to_at))
        t.n[std::string(m.inbound ? kind::message_in : kind::message_out)] += 1;
      std::map<std::string, std::int64_t> counts;
      for (auto& e : uow.reports().events(ws, q.filter, "", r.to_at, status_kinds())) counts[e.kind] += 1;
      open_at_end = open_from(counts);
    }
    json out = summary_json(t, q.business_hours, open_at_end);
    out["from"] = q.from;
    out["to"] = q.to;
    out["timezone"] = settings.timezone;
    out["business_hours"] = q.business_hours;
    out["filters"] = filters_json(q);
    return out;
  };
  co_return co_await ctx.db.read(std::move(job));
}

boost::asio::awaitable<result<json>> report_timeseries(context& ctx, id_t ws, report_query q) {
  auto job = [ws, q](store::unit_of_work& uow) {
    auto settings = parse_report_settings(uow.workspaces().setting(ws, report_setting_name));
    auto r = range_of(settings, q);
    auto& tz = settings.timezone;
    bool hourly = q.group_by == "hour";
    std::map<std::string, tally> by;
    auto scope = rollup_scope(q.filter);
    if (scope && (!hourly || scope->first.empty())) {
      auto dim = hourly ? std::string("hour") : scope->first;
      auto from = hourly ? q.from + "T00" : q.from, to = hourly ? q.to + "T23" : q.to;
      for (auto& row : uow.reports().rollups(ws, dim, scope->second, from, to, true, {})) by[row.period].add_row(row);
    } else {
      auto period_of = [&](sys_time t) { return hourly ? routing::local_hour(tz, t) : routing::local_day(tz, t); };
      for (auto& e : uow.reports().events(ws, q.filter, r.from_at, r.to_at, {})) {
        auto t = parse_rfc3339(e.at);
        if (t) by[period_of(*t)].add_event(e);
      }
      count_messages(by, uow.reports().messages(ws, q.filter, r.from_at, r.to_at), period_of);
    }
    json points = json::array();
    auto start = routing::local_day_start(tz, q.from), end = routing::local_day_start(tz, routing::next_day(q.to));
    std::set<std::string> seen;
    for (auto t = start; t < end;) {
      auto label = hourly ? routing::local_hour(tz, t) : routing::local_day(tz, t);
      auto next = hourly ? t + std::chrono::hours(1) : routing::local_day_start(tz, routing::next_day(label));
      if (seen.insert(label).second) {  // a repeated local hour (clocks going back) is one point
        auto it = by.find(label);
        tally empty;
        const tally& p = it == by.end() ? empty : it->second;
        auto csat_n = p.count(kind::csat_rating);
        json csat = nullptr;
        if (csat_n > 0)
          csat = std::round(100.0 * static_cast<double>(p.sum(kind::csat_rating)) / static_cast<double>(csat_n)) / 100.0;
        points.push_back({{"start", routing::local_rfc3339(tz, t)},
                          {"label", label},
                          {"conversations_new", p.count(kind::created)},
                          {"conversations_resolved", p.stats(kind::resolved, false).count},
                          {"messages_inbound", p.count(kind::message_in)},
                          {"messages_outbound", p.count(kind::message_out)},
                          {"first_response_time_median", seconds_json(p.stats(kind::first_response, q.business_hours).median)},
                          {"reply_time_median", seconds_json(p.stats(kind::reply, q.business_hours).median)},
                          {"resolution_time_median", seconds_json(p.stats(kind::resolved, q.business_hours).median)},
                          {"csat_average", csat},
                          {"csat_responses", csat_n},
                          {"bot_resolutions", p.count(kind::bot_resolution)}});
      }
      if (next <= t) break;
      t = next;
    }
    return json{{"from", q.from},        {"to", q.to},           {"timezone", tz},
                {"group_by", q.group_by}, {"business_hours", q.business_hours}, {"filters", filters_json(q)},
                {"points", points}};
  };
  co_return co_await ctx.db.read(std::move(job));
}

namespace {

std::optional<std::string> event_kind_of(const std::string& event) {
  if (event == "created") return std::string(kind::created);
  if (event == "first_response") return std::string(kind::first_response);
  if (event == "resolved") return std::string(kind::resolved);
  if (event == "reopened") return std::string(kind::reopened);
  if (event == "csat") return std::string(kind::csat_rating);
  return std::nullopt;
}

json row_json(const store::reports::conversation_row& r, bool business) {
  auto pick = [&](const std::optional<std::int64_t>& wall, const std::optional<std::int64_t>& bh) {
    return business ? seconds_json(bh ? bh : wall) : seconds_json(wall);
  };
  auto id_text = [](const std::optional<id_t>& v) { return v ? json(std::to_string(*v)) : json(nullptr); };
  return {{"id", std::to_string(r.id)},
          {"status", r.status},
          {"channel", r.channel},
          {"contact_name", r.contact_name ? json(*r.contact_name) : json(nullptr)},
          {"assignee_id", id_text(r.assignee_id)},
          {"assignee_name", r.assignee_name ? json(*r.assignee_name) : json(nullptr)},
          {"team_id", id_text(r.team_id)},
          {"team_name", r.team_name ? json(*r.team_name) : json(nullptr)},
          {"labels", r.labels},
          {"created_at", r.created_at},
          {"first_response_at", r.first_response_at ? json(*r.first_response_at) : json(nullptr)},
          {"resolved_at", r.resolved_at ? json(*r.resolved_at) : json(nullptr)},
          {"first_response_time", pick(r.first_response_wall, r.first_response_business)},
          {"resolution_time", pick(r.resolution_wall, r.resolution_business)},
          {"csat_rating", r.csat_rating ? json(*r.csat_rating) : json(nullptr)},
          {"event_at", r.event_at}};
}

std::string cursor_of(const store::reports::conversation_row& r) { return r.event_at + "~" + std::to_string(r.event_id); }

std::optional<std::pair<std::string, id_t>> read_cursor(const std::string& text) {
  auto bar = text.rfind('~');
  if (bar == std::string::npos || !parse_rfc3339(text.substr(0, bar))) return std::nullopt;
  auto id = positive_id(text.substr(bar + 1));
  if (!id) return std::nullopt;
  return std::pair<std::string, id_t>{text.substr(0, bar), *id};
}

std::string csv_value(const json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return csv_cell(v.get<std::string>());
  if (v.is_array()) {
    std::string joined;
    for (auto& x : v) joined += (joined.empty() ? "" : ";") + x.get<std::string>();
    return csv_cell(joined);
  }
  return v.dump();
}

}  // namespace

boost::asio::awaitable<result<json>> report_conversations(context& ctx, id_t ws, report_query q, std::string event,
                                                          std::string cursor, int limit) {
  auto what = event_kind_of(event.empty() ? "created" : event);
  if (!what) co_return error{"INVALID_INPUT", "event: must be created, first_response, resolved, reopened or csat"};
  std::optional<std::pair<std::string, id_t>> after;
  if (!cursor.empty()) {
    after = read_cursor(cursor);
    if (!after) co_return error{"INVALID_INPUT", "cursor: not a cursor this endpoint returned"};
  }
  auto job = [ws, q, what = *what, after, limit](store::unit_of_work& uow) {
    auto settings = parse_report_settings(uow.workspaces().setting(ws, report_setting_name));
    auto r = range_of(settings, q);
    auto rows = uow.reports().conversations(ws, q.filter, what, r.from_at, r.to_at, after, limit + 1);
    json items = json::array();
    json next = nullptr;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (static_cast<int>(i) == limit) {
        next = cursor_of(rows[i - 1]);
        break;
      }
      items.push_back(row_json(rows[i], q.business_hours));
    }
    return json{{"items", items}, {"next_cursor", next}};
  };
  co_return co_await ctx.db.read(std::move(job));
}

boost::asio::awaitable<result<std::string>> report_conversations_csv(context& ctx, id_t ws, report_query q,
                                                                     std::string event) {
  auto what = event_kind_of(event.empty() ? "created" : event);
  if (!what) co_return error{"INVALID_INPUT", "event: must be created, first_response, resolved, reopened or csat"};
  auto job = [ws, q, what = *what](store::unit_of_work& uow) {
    auto settings = parse_report_settings(uow.workspaces().setting(ws, report_setting_name));
    auto r = range_of(settings, q);
    static const std::vector<std::string> columns = {
        "id",          "status",      "channel",           "contact_name",        "assignee_id",
        "assignee_name", "team_id",   "team_name",         "labels",              "created_at",
        "first_response_at", "resolved_at", "first_response_time", "resolution_time", "csat_rating"};
    std::string out;
    for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + columns[i];
    out += "\r\n";
    std::optional<std::pair<std::string, id_t>> after;
    int written = 0;
    while (written < report_csv_rows_max) {
      auto rows = uow.reports().conversations(ws, q.filter, what, r.from_at, r.to_at, after, 1000);
      for (auto& row : rows) {
        auto j = row_json(row, q.business_hours);
        for (std::size_t i = 0; i < columns.size(); ++i) out += (i ? "," : "") + csv_value(j[columns[i]]);
        out += "\r\n";
        if (++written == report_csv_rows_max) break;
      }
      if (rows.size() < 1000) break;
      after = std::pair<std::string, id_t>{rows.back().event_at, rows.back().event_id};
    }
    return out;
  };
  co_return co_await ctx.db.read(std::move(job));
}

std::string render_report_metrics(store::unit_of_work& uow) {
  // Prometheus "le" bounds, each a rollup bucket's floor: a rollup bucket is under
  // a bound when its next floor is not above it.
  static const std::vector<std::int64_t> bounds = {60, 300, 900, 1800, 3600, 14400, 28800, 86400, 259200, 604800};
  std::string out;
  auto histogram = [&](std::string_view metric, const char* name, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " histogram\n";
    auto rows = uow.reports().totals({std::string(metric)});
    for (std::size_t i = 0; i < rows.size();) {
      auto j = i;
      std::vector<std::int64_t> cumulative(bounds.size(), 0);
      std::int64_t count = 0, sum = 0;
      for (; j < rows.size() && rows[j].workspace_id == rows[i].workspace_id && rows[j].dim == rows[i].dim &&
             rows[j].dim_value == rows[i].dim_value;
           ++j) {
        count += rows[j].n;
        sum += rows[j].total;
        auto upper = routing::duration_bucket_floor(rows[j].bucket + 1);
        bool last = upper == routing::duration_bucket_floor(rows[j].bucket);  // the open-ended bucket
        for (std::size_t b = 0; b < bounds.size(); ++b)
          if (!last && upper <= bounds[b]) cumulative[b] += rows[j].n;
      }
      auto labels = "workspace=\"" + std::to_string(rows[i].workspace_id) + "\",team=\"" + rows[i].dim_value + "\"";
      for (std::size_t b = 0; b < bounds.size(); ++b)
        out += std::string(name) + "_bucket{" + labels + ",le=\"" + std::to_string(bounds[b]) + "\"} " +
               std::to_string(cumulative[b]) + "\n";
      out += std::string(name) + "_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(count) + "\n";
      out += std::string(name) + "_sum{" + labels + "} " + std::to_string(sum) + "\n";
      out += std::string(name) + "_count{" + labels + "} " + std::to_string(count) + "\n";
      i = j;
    }
  };
  histogram(kind::first_response, "switchboard_first_response_seconds",
            "First response times (wall clock), all time, per workspace and team (team=\"\": the whole workspace).");
  histogram(kind::resolved, "switchboard_resolution_seconds",
            "Resolution times from (re)opening (wall clock), all time, per workspace and team (team=\"\": the whole workspace).");
  out += "# HELP switchboard_open_conversations Conversations not resolved, per workspace and team (team=\"\": none).\n"
         "# TYPE switchboard_open_conversations gauge\n";
  for (auto& o : uow.reports().open_by_team())
    out += "switchboard_open_conversations{workspace=\"" + std::to_string(o.workspace_id) + "\",team=\"" +
           (o.team_id ? std::to_string(*o.team_id) : std::string()) + "\"} " + std::to_string(o.n) + "\n";
  return out;
}

boost::asio::awaitable<result<report_settings>> report_settings_of(context& ctx, id_t ws) {
  auto job = [ws](store::unit_of_work& uow) { return uow.workspaces().setting(ws, report_setting_name); };
  auto stored = co_await ctx.db.read(std::move(job));
  if (!stored) co_return stored.err();
  co_return parse_report_settings(*stored);
}

boost::asio::awaitable<result<report_settings>> update_report_settings(context& ctx, store::principal who,
                                                                       std::string ip, json body) {
  if (!body.is_object()) co_return error{"INVALID_INPUT", "body: must be an object"};
  for (auto& [key, value] : body.items())
    if (key != "timezone" && key != "business_hours")
      co_return error{"INVALID_INPUT", key + ": unknown field (timezone, business_hours)"};
  auto ws = who.workspace_id;
  auto at = now_text(ctx);
  auto job = [ws, who, ip, body, at](store::unit_of_work& uow) {
    auto current = to_json(parse_report_settings(uow.workspaces().setting(ws, report_setting_name)));
    for (auto& [key, value] : body.items()) current[key] = value;
    std::string bad;
    auto next = read_settings_json(current, bad);
    if (!next) throw store::job_error("INVALID_INPUT", bad);
    uow.workspaces().put_setting(ws, report_setting_name, to_json(*next).dump(), at);
    uow.auth().audit(ws, who.teammate_id, "reports.updated", "workspace", ws, body, ip, at);
    return *next;
  };
  co_return co_await ctx.db.write(std::move(job));
}

}  // namespace switchboard::services
