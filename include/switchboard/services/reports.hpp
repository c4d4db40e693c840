#pragma once
// Reports (issue 21). The write side: every job that adds a message or changes a
// conversation's status logs what it means for reporting — conversation created,
// first response, each reply (from when the customer started waiting), resolved,
// reopened, the bot's answers, resolutions and handoffs, CSAT — as report_events
// rows and daily rollups in the same transaction (report_log, and the add_message /
// add_conversation / update_conversation wrappers the services call instead of the
// repositories). Each duration is kept in wall-clock seconds and in the business
// hours of the conversation's team's line, else the workspace's schedule.
// The read side: the summary, the time series, the drill-down rows and the CSV of
// GET /api/v1/reports/*, and the workspace setting "reports" (time zone, schedule).
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/core/result.hpp"
#include "switchboard/routing/hours.hpp"
#include "switchboard/routing/reports.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"

namespace switchboard::store {
class unit_of_work;
}

namespace switchboard::services {

inline constexpr const char* report_setting_name = "reports";

// The workspace's reporting settings: the time zone its days are counted in and
// its schedule (the business hours of conversations whose team's line has none).
struct report_settings {
  std::string timezone = "UTC";
  std::optional<routing::business_hours> business_hours;
};
report_settings parse_report_settings(const std::optional<std::string>& stored);
nlohmann::json to_json(const report_settings& s);

// One write job's reporting: the workspace's settings are read once, on the first
// event. Call after the change is written.
class report_log {
 public:
  report_log(store::unit_of_work& uow, store::id_t ws) : uow_(uow), ws_(ws) {}
  void conversation_created(const store::conversation& c);
  // `before`: the conversation as it was before the message; `reopens`: the
  // message's insert reopened it (a customer writing to a resolved conversation).
  void message_added(const store::conversation& before, const store::message& m, bool reopens);
  void status_changed(const store::conversation& before, const store::conversation& after, const std::string& at);
  void csat_sent(const store::conversation& c, const store::csat::survey& s);
  void csat_rated(const store::conversation& c, const store::csat::survey& s, std::int64_t rating,
                  const std::string& at);
  // A replay of history (the backfill): from here on the conversation's reporting
  // state lives in the log, starting at `s`, and is never read from or written to
  // the store; replayed_state() is where it ended.
  void replay(store::reports::conversation_state s) { replayed_ = std::move(s); }
  const std::optional<store::reports::conversation_state>& replayed_state() const { return replayed_; }

 private:
  const report_settings& settings();
  std::optional<routing::business_hours> schedule_for(const store::conversation& c);
  store::reports::conversation_state state_of(const store::conversation& c);
  void keep_state(const store::reports::conversation_state& s);
  routing::report_scope scope_of(const store::conversation& c, std::optional<store::id_t> teammate);
  void record(const store::conversation& c, std::string_view kind, const std::string& at,
              std::optional<store::id_t> teammate, std::optional<std::string> started,
              std::optional<std::int64_t> value = std::nullopt);
  // The rollup rows of one event (or message count) at `t`.
  void roll_up(std::string_view kind, const routing::report_scope& scope, std::chrono::system_clock::time_point t,
               std::optional<std::int64_t> wall, std::optional<std::int64_t> business,
               std::optional<std::int64_t> value);

  store::unit_of_work& uow_;
  store::id_t ws_;
  std::optional<report_settings> settings_;
  std::optional<std::optional<store::id_t>> number_;  // the conversation's line, read once
  std::optional<store::reports::conversation_state> replayed_;
};

// What the services call instead of the repositories, so nothing escapes the log.
store::id_t add_message(store::unit_of_work& uow, const store::message& m, bool may_reopen = true);
// The same as messages().insert_once: nullopt when it existed (nothing logged).
std::optional<store::id_t> add_message_once(store::unit_of_work& uow, const store::message& m,
                                            bool may_reopen = true);
store::id_t add_conversation(store::unit_of_work& uow, const store::conversation& c);
void update_conversation(store::unit_of_work& uow, store::id_t ws, store::id_t id,
                         const store::conversations::patch& p, const std::string& at);

// History from before the log (report_backfill, schema 26): replays one listed
// conversation — created, its messages before `through` in order, its last
// resolution if that came before — through report_log, in the caller's job, and
// takes it off the list. Its team, assignee and channel are today's (the log's
// scopes were not kept before it); reopenings before the log are not known. The
// stored reporting state is left alone when live activity already wrote one.
// False when it was no longer listed (another instance replayed it).
bool replay_report_history(store::unit_of_work& uow, const store::reports::backfill_item& item);
// One write job replaying up to `limit` listed conversations: how many were taken
// (0: the history is complete). The leader calls it until then (api::snooze_waker).
boost::asio::awaitable<result<int>> backfill_report_history(context& ctx, int limit);

// A report request: local days [from, to] in the workspace's time zone and a scope.
struct report_query {
  std::string from, to;
  bool business_hours = false;
  store::reports::event_filter filter;
  std::string group_by = "day";  // day | hour
};
// The query string of /api/v1/reports/*: INVALID_INPUT naming the parameter.
result<report_query> read_report_query(const std::map<std::string, std::string>& params);

boost::asio::awaitable<result<nlohmann::json>> report_summary(context& ctx, store::id_t ws, report_query q);
boost::asio::awaitable<result<nlohmann::json>> report_timeseries(context& ctx, store::id_t ws, report_query q);
// The drill-down: conversations whose `event` (created | first_response | resolved
// | reopened | csat) happened in the range; `cursor` from the previous page.
boost::asio::awaitable<result<nlohmann::json>> report_conversations(context& ctx, store::id_t ws, report_query q,
                                                                    std::string event, std::string cursor,
                                                                    int limit);
// The same rows as CSV (RFC 4180), up to report_csv_rows_max.
inline constexpr int report_csv_rows_max = 100000;
boost::asio::awaitable<result<std::string>> report_conversations_csv(context& ctx, store::id_t ws, report_query q,
                                                                     std::string event);

// GET /metrics (a read job): first-response and resolution histograms and the open
// conversations, per workspace and team. They describe the workspaces, not the
// process: every instance on one database serves the same values (use max, not sum).
std::string render_report_metrics(store::unit_of_work& uow);

boost::asio::awaitable<result<report_settings>> report_settings_of(context& ctx, store::id_t ws);
boost::asio::awaitable<result<report_settings>> update_report_settings(context& ctx, store::principal who,
                                                                       std::string ip, nlohmann::json body);

}  // namespace switchboard::services
