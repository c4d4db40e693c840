// libpq wrappers (connection.hpp). Text format throughout: values cross as the
// same strings SQLite stores (timestamps, JSON), so both backends read alike.
#include "switchboard/store/postgres/connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <charconv>
#include <chrono>
#include <cstdio>

namespace switchboard::store::pg {

namespace {

std::string message_of(PGconn* c) {
  std::string m = c ? PQerrorMessage(c) : "out of memory";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

// An array literal element: quoted, with backslashes and quotes escaped.
void append_quoted(std::string& out, std::string_view v) {
  out += '"';
  for (char ch : v) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  out += '"';
}

}  // namespace

params& params::add(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return add_text(buf);
}

params& params::add(const std::vector<std::int64_t>& v) {
  std::string s = "{";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) s += ',';
    s += std::to_string(v[i]);
  }
  s += '}';
  return add_text(std::move(s));
}

params& params::add(const std::vector<std::string>& v) {
  std::string s = "{";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) s += ',';
    append_quoted(s, v[i]);
  }
  s += '}';
  return add_text(std::move(s));
}

void query_result::deleter::operator()(pg_result* r) const { PQclear(r); }

query_result::query_result(pg_result* r) : r_(r) {}

int query_result::rows() const { return r_ ? PQntuples(r_.get()) : 0; }

std::int64_t query_result::affected() const {
  if (!r_) return 0;
  const char* n = PQcmdTuples(r_.get());
  std::int64_t v = 0;
  if (n && *n) std::from_chars(n, n + std::char_traits<char>::length(n), v);
  return v;
}

bool query_result::is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }

std::string query_result::text(int row, int col) const {
  return std::string(PQgetvalue(r_.get(), row, col),
                     static_cast<std::size_t>(PQgetlength(r_.get(), row, col)));
}

std::int64_t query_result::integer(int row, int col) const {
  if (is_null(row, col)) return 0;
  const char* s = PQgetvalue(r_.get(), row, col);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s, s + PQgetlength(r_.get(), row, col), v);
  if (ec != std::errc()) {
    // A boolean or numeric column read as an integer.
    if (*s == 't') return 1;
    if (*s == 'f') return 0;
    return static_cast<std::int64_t>(std::strtod(s, nullptr));
  }
  return v;
}

double query_result::real(int row, int col) const {
  if (is_null(row, col)) return 0;
  return std::strtod(PQgetvalue(r_.get(), row, col), nullptr);
}

bool query_result::boolean(int row, int col) const {
  if (is_null(row, col)) return false;
  const char* s = PQgetvalue(r_.get(), row, col);
  return *s == 't' || *s == '1';
}

std::optional<std::string> query_result::opt_text(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return text(row, col);
}

std::optional<std::int64_t> query_result::opt_integer(int row, int col) const {
  if (is_null(row, col)) return std::nullopt;
  return integer(row, col);
}

connection::connection(const std::string& url) {
  conn_ = PQconnectdb(url.c_str());
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    std::string why = message_of(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw pg_error("08001", "cannot connect to PostgreSQL: " + why);
  }
  // Notices (e.g. "extension already exists") are not errors; keep them off stderr.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  // Everything the store reads and writes is UTC text; no session setting may change it.
  exec("SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'");
}

connection::~connection() {
  if (conn_) PQfinish(conn_);
}

void connection::fail(pg_result* r, std::string_view what) {
  std::string state;
  std::string msg;
  if (r) {
    if (const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) state = s;
    msg = PQresultErrorMessage(r);
    PQclear(r);
  }
  if (msg.empty()) msg = message_of(conn_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  if (state.empty() && PQstatus(conn_) == CONNECTION_OK) state = "XX000";
  throw pg_error(state, msg + " (" + std::string(what.substr(0, 120)) + ")");
}

void connection::exec(std::string_view sql) {
  std::string text(sql);
  PGresult* r = PQexec(conn_, text.c_str());
  auto st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(r, sql);
  PQclear(r);
}

query_result connection::query(std::string_view sql, const params& p) {
  std::string key(sql);
  auto it = prepared_.find(key);
  if (it == prepared_.end()) {
    std::string name = "sb" + std::to_string(prepared_.size() + 1);
    PGresult* r = PQprepare(conn_, name.c_str(), key.c_str(), 0, nullptr);
    if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) fail(r, sql);
    PQclear(r);
    it = prepared_.emplace(std::move(key), std::move(name)).first;
  }
  const auto& values = p.values();
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) ptrs.push_back(v ? v->c_str() : nullptr);
  PGresult* r = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(ptrs.size()),
                               ptrs.data(), nullptr, nullptr, 0);
  auto st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(r, sql);
  return query_result(r);
}

std::int64_t connection::copy_in(const std::string& target,
                                 const std::function<bool(std::string&)>& rows) {
  std::string sql = "COPY " + target + " FROM STDIN";
  PGresult* r = PQexec(conn_, sql.c_str());
  if (!r || PQresultStatus(r) != PGRES_COPY_IN) fail(r, sql);
  PQclear(r);
  std::string buf;
  bool more = true;
  while (more) {
    buf.clear();
    more = rows(buf);
    if (!buf.empty() && PQputCopyData(conn_, buf.data(), static_cast<int>(buf.size())) != 1)
      throw pg_error("08006", "COPY failed: " + message_of(conn_));
  }
  if (PQputCopyEnd(conn_, nullptr) != 1) throw pg_error("08006", "COPY failed: " + message_of(conn_));
  PGresult* done = PQgetResult(conn_);
  if (!done || PQresultStatus(done) != PGRES_COMMAND_OK) {
    // Drain what is left so the connection can go on (or be rolled back).
    while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
    fail(done, sql);
  }
  query_result out(done);
  while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
  return out.affected();
}

void connection::copy_field(std::string& line, std::string_view v) {
  for (char ch : v) {
    switch (ch) {
      case '\\': line += "\\\\"; break;
      case '\t': line += "\\t"; break;
      case '\n': line += "\\n"; break;
      case '\r': line += "\\r"; break;
      default: line += ch;
    }
  }
}

void connection::rollback_quietly() noexcept {
  if (!conn_) return;
  if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return;
  if (PGresult* r = PQexec(conn_, "ROLLBACK")) PQclear(r);
}

bool connection::ok() const { return conn_ && PQstatus(conn_) == CONNECTION_OK; }

int connection::backend_pid() const { return conn_ ? PQbackendPID(conn_) : 0; }

std::vector<std::pair<std::string, std::string>> connection::wait_notifications(int timeout_ms) {
  std::vector<std::pair<std::string, std::string>> out;
  auto drain = [&] {
    while (PGnotify* n = PQnotifies(conn_)) {
      out.emplace_back(n->relname, n->extra ? n->extra : "");
      PQfreemem(n);
    }
  };
  if (!PQconsumeInput(conn_)) throw pg_error("08006", "connection lost: " + message_of(conn_));
  drain();
  if (!out.empty() || timeout_ms <= 0) return out;
  pollfd fd{PQsocket(conn_), POLLIN, 0};
  if (fd.fd < 0) throw pg_error("08006", "connection lost: no socket");
  if (poll(&fd, 1, timeout_ms) > 0) {
    if (!PQconsumeInput(conn_)) throw pg_error("08006", "connection lost: " + message_of(conn_));
    drain();
  }
  return out;
}

}  // namespace switchboard::store::pg
