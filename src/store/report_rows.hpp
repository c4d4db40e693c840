#pragma once
// What both backends' report repositories share (src/store/sqlite/reports.cpp,
// src/store/postgres/reports.cpp): the statements narrowed by a filter are built
// here once, with numbered parameters each backend spells its own way (?N, $N).
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "switchboard/store/models.hpp"

namespace switchboard::store::report_rows {

using value = std::variant<std::int64_t, std::string>;

// A statement under construction: SQL text and its parameters in order.
struct statement_text {
  std::string sql;
  std::vector<value> params;
  char style = '?';  // '?' (SQLite ?N) or '$' (PostgreSQL $N)

  // Appends the placeholder of a new parameter.
  std::string param(value v) {
    params.push_back(std::move(v));
    return std::string(1, style) + std::to_string(params.size());
  }
  // A label name: citext on PostgreSQL, a NOCASE column on SQLite.
  std::string label(const std::string& name) { return param(name) + (style == '$' ? "::citext" : ""); }
  std::string list(const std::vector<std::string>& values) {
    std::string out;
    for (auto& v : values) out += (out.empty() ? "" : ", ") + param(v);
    return out;
  }
};

// " AND …" narrowing events `e` (or another alias: their team, teammate, line,
// channel) and their conversation's labels now.
inline std::string event_conditions(statement_text& s, const reports::event_filter& f, const std::string& e = "e") {
  std::string out;
  if (f.team_id) out += " AND " + e + ".team_id = " + s.param(*f.team_id);
  if (f.teammate_id) out += " AND " + e + ".teammate_id = " + s.param(*f.teammate_id);
  if (f.number_id) out += " AND " + e + ".number_id = " + s.param(*f.number_id);
  if (f.channel) out += " AND " + e + ".channel = " + s.param(*f.channel);
  if (f.label)
    out += " AND EXISTS (SELECT 1 FROM conversation_labels l WHERE l.workspace_id = " + e + ".workspace_id"
           " AND l.label = " + s.label(*f.label) + " AND l.conversation_id = " + e + ".conversation_id)";
  return out;
}

// " AND …" narrowing conversations `c` as they are now (messages counted on the raw path).
inline std::string conversation_conditions(statement_text& s, const reports::event_filter& f) {
  std::string out;
  if (f.team_id) out += " AND c.team_id = " + s.param(*f.team_id);
  if (f.teammate_id) out += " AND c.assignee_id = " + s.param(*f.teammate_id);
  if (f.channel) out += " AND c.channel = " + s.param(*f.channel);
  if (f.number_id) out += " AND c.number_id = " + s.param(*f.number_id);
  if (f.label)
    out += " AND EXISTS (SELECT 1 FROM conversation_labels l WHERE l.workspace_id = c.workspace_id"
           " AND l.label = " + s.label(*f.label) + " AND l.conversation_id = c.id)";
  return out;
}

inline statement_text rollups_sql(char style, std::int64_t ws, const std::string& dim, const std::string& dim_value,
                                  const std::string& from, const std::string& to, bool by_period,
                                  const std::vector<std::string>& metrics) {
  statement_text s{{}, {}, style};
  std::string where = "workspace_id = " + s.param(ws) + " AND dim = " + s.param(dim) +
                      " AND dim_value = " + s.param(dim_value);
  if (!metrics.empty()) where += " AND metric IN (" + s.list(metrics) + ")";
  where += " AND period >= " + s.param(from) + " AND period <= " + s.param(to);
  std::string period = by_period ? "period" : "''";
  s.sql = "SELECT " + period + ", metric, bucket, SUM(n), SUM(total) FROM report_rollups WHERE " + where +
          " GROUP BY " + (by_period ? std::string("period, ") : std::string()) + "metric, bucket";
  return s;
}

constexpr const char* event_columns =
    "e.id, e.workspace_id, e.conversation_id, e.kind, e.at, e.team_id, e.teammate_id, e.number_id, e.channel,"
    " e.wall_seconds, e.business_seconds, e.value";

inline statement_text events_sql(char style, std::int64_t ws, const reports::event_filter& f, const std::string& from,
                                 const std::string& to, const std::vector<std::string>& kinds) {
  statement_text s{{}, {}, style};
  std::string where = "e.workspace_id = " + s.param(ws);
  if (!kinds.empty()) where += " AND e.kind IN (" + s.list(kinds) + ")";
  where += " AND e.at >= " + s.param(from) + " AND e.at < " + s.param(to);
  where += event_conditions(s, f);
  s.sql = std::string("SELECT ") + event_columns + " FROM report_events e WHERE " + where + " ORDER BY e.at, e.id";
  return s;
}

inline statement_text messages_sql(char style, std::int64_t ws, const reports::event_filter& f,
                                   const std::string& from, const std::string& to) {
  statement_text s{{}, {}, style};
  std::string where = "c.workspace_id = " + s.param(ws) + conversation_conditions(s, f);
  s.sql = "SELECT m.created_at, m.sender_kind FROM conversations c JOIN messages m ON m.workspace_id = c.workspace_id"
          " AND m.conversation_id = c.id WHERE " + where + " AND m.created_at >= " + s.param(from) +
          " AND m.created_at < " + s.param(to) +
          " AND m.private = 0 AND m.direction <> 'internal' AND m.sender_kind <> 'system'";
  return s;
}

// `labels_of` is the backend's aggregate of a conversation's label names joined by
// a unit separator (group_concat on SQLite, string_agg on PostgreSQL).
inline statement_text conversations_sql(char style, std::int64_t ws, const reports::event_filter& f,
                                        const std::string& kind, const std::string& from, const std::string& to,
                                        const std::optional<std::pair<std::string, std::int64_t>>& after, int limit,
                                        const std::string& labels_of) {
  statement_text s{{}, {}, style};
  std::string where = "e.workspace_id = " + s.param(ws) + " AND e.kind = " + s.param(kind) +
                      " AND e.at >= " + s.param(from) + " AND e.at < " + s.param(to) + event_conditions(s, f);
  // One row per conversation: its latest such event in the range that the filter
  // keeps (a conversation resolved twice is listed once).
  where += " AND NOT EXISTS (SELECT 1 FROM report_events e2 WHERE e2.workspace_id = e.workspace_id"
           " AND e2.conversation_id = e.conversation_id AND e2.kind = e.kind AND e2.id > e.id"
           " AND e2.at >= " + s.param(from) + " AND e2.at < " + s.param(to) + event_conditions(s, f, "e2") + ")";
  if (after) {
    auto at = s.param(after->first);
    where += " AND (e.at > " + at + " OR (e.at = " + at + " AND e.id > " + s.param(after->second) + "))";
  }
  auto duration = [](const char* column, const char* kind_name, const char* order) {
    return std::string("(SELECT r.") + column + " FROM report_events r WHERE r.workspace_id = c.workspace_id"
           " AND r.conversation_id = c.id AND r.kind = '" + kind_name + "' ORDER BY r.id " + order + " LIMIT 1)";
  };
  s.sql = "SELECT e.id, e.at, c.id, c.status, c.channel, c.created_at, k.name, c.first_response_at, c.resolved_at,"
          " a.name, tm.name, c.assignee_id, c.team_id, " + labels_of + ", " +
          duration("wall_seconds", "first_response", "ASC") + ", " +
          duration("business_seconds", "first_response", "ASC") + ", " +
          duration("wall_seconds", "resolved", "DESC") + ", " + duration("business_seconds", "resolved", "DESC") +
          ", (SELECT v.rating FROM csat_surveys v WHERE v.conversation_id = c.id AND v.rating IS NOT NULL"
          " ORDER BY v.id DESC LIMIT 1)"
          " FROM report_events e JOIN conversations c ON c.workspace_id = e.workspace_id AND c.id = e.conversation_id"
          " LEFT JOIN contacts k ON k.id = c.contact_id LEFT JOIN teammates a ON a.id = c.assignee_id"
          " LEFT JOIN teams tm ON tm.id = c.team_id WHERE " + where + " ORDER BY e.at, e.id LIMIT " +
          s.param(static_cast<std::int64_t>(limit));
  return s;
}

inline statement_text totals_sql(char style, const std::vector<std::string>& metrics) {
  statement_text s{{}, {}, style};
  s.sql = "SELECT workspace_id, dim, dim_value, metric, bucket, n, total FROM report_rollups WHERE period = 'all'"
          " AND metric IN (" + s.list(metrics) + ") ORDER BY workspace_id, dim, dim_value, metric, bucket";
  return s;
}

constexpr const char* open_by_team_sql =
    "SELECT workspace_id, team_id, COUNT(*) FROM conversations WHERE status <> 'resolved'"
    " GROUP BY workspace_id, team_id ORDER BY workspace_id, team_id";

// Splits the label aggregate (unit separator, U+001F).
inline std::vector<std::string> split_labels(const std::optional<std::string>& text) {
  std::vector<std::string> out;
  if (!text || text->empty()) return out;
  std::string cur;
  for (char ch : *text) {
    if (ch == '\x1f') {
      out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += ch;
    }
  }
  out.push_back(std::move(cur));
  return out;
}

}  // namespace switchboard::store::report_rows
