#pragma once
// Thin RAII wrappers over libpq (issue 19), shaped like sqlite.hpp so that a
// repository reads the same on both backends. Parameters are $1, $2, … in text
// format (PostgreSQL infers their types from the statement); statements are
// prepared once per connection, named by a counter, looked up by their text.
// Everything here blocks: it runs on the store's own threads, never on the
// io_context. Failures throw pg_error, which the store turns into a job's error.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct pg_conn;
struct pg_result;

namespace switchboard::store::pg {

class pg_error : public std::runtime_error {
 public:
  pg_error(std::string sqlstate, const std::string& what)
      : std::runtime_error(what), sqlstate_(std::move(sqlstate)) {}
  // The five-character SQLSTATE ("" when the failure was not the server's).
  const std::string& sqlstate() const { return sqlstate_; }
  // Class 23: unique, foreign key, check and not-null violations.
  bool is_constraint() const { return sqlstate_.rfind("23", 0) == 0; }
  bool is_unique_violation() const { return sqlstate_ == "23505"; }
  // 40001 serialization failure, 40P01 deadlock: the transaction may be retried.
  bool is_retryable() const { return sqlstate_ == "40001" || sqlstate_ == "40P01"; }
  // The connection is gone (class 08, or libpq lost it): reconnect before the next job.
  bool is_connection_lost() const { return sqlstate_.empty() || sqlstate_.rfind("08", 0) == 0 || sqlstate_.rfind("57P", 0) == 0; }

 private:
  std::string sqlstate_;
};

// The parameters of one statement, as text (nullopt is SQL NULL).
class params {
 public:
  params& add(std::int64_t v) { return add_text(std::to_string(v)); }
  params& add(int v) { return add(static_cast<std::int64_t>(v)); }
  params& add(double v);
  params& add(bool v) { return add_text(v ? "1" : "0"); }  // booleans are 0/1 integers, as on SQLite
  params& add(std::string_view v) { return add_text(std::string(v)); }
  params& add(const std::string& v) { return add_text(v); }
  params& add(const char* v) { return add_text(v); }
  params& add(std::nullopt_t) {
    values_.emplace_back(std::nullopt);
    return *this;
  }
  template <class T>
  params& add(const std::optional<T>& v) {
    return v ? add(*v) : add(std::nullopt);
  }
  // A list, as a PostgreSQL array literal of bigint or text: `= ANY($n)`.
  params& add(const std::vector<std::int64_t>& v);
  params& add(const std::vector<std::string>& v);

  int size() const { return static_cast<int>(values_.size()); }
  const std::vector<std::optional<std::string>>& values() const { return values_; }

 private:
  params& add_text(std::string v) {
    values_.emplace_back(std::move(v));
    return *this;
  }
  std::vector<std::optional<std::string>> values_;
};

// The rows of one statement. Columns are read as text and converted.
class query_result {
 public:
  query_result() = default;
  explicit query_result(pg_result* r);
  query_result(query_result&&) noexcept = default;
  query_result& operator=(query_result&&) noexcept = default;

  int rows() const;
  bool empty() const { return rows() == 0; }
  // Rows an INSERT/UPDATE/DELETE touched.
  std::int64_t affected() const;

  bool is_null(int row, int col) const;
  std::string text(int row, int col) const;
  std::int64_t integer(int row, int col) const;  // NULL reads as 0
  double real(int row, int col) const;
  bool boolean(int row, int col) const;  // "t"/"true"/"1"
  std::optional<std::string> opt_text(int row, int col) const;
  std::optional<std::int64_t> opt_integer(int row, int col) const;
  // The first column of the first row; nullopt when there is no row (or it is NULL).
  std::optional<std::int64_t> opt_integer_or_none() const {
    return empty() ? std::nullopt : opt_integer(0, 0);
  }
  std::optional<std::string> opt_text_or_none() const {
    return empty() ? std::nullopt : opt_text(0, 0);
  }

 private:
  struct deleter {
    void operator()(pg_result* r) const;
  };
  std::unique_ptr<pg_result, deleter> r_;
};

class connection {
 public:
  // Connects (a libpq URI or key=value string); throws pg_error naming the reason.
  explicit connection(const std::string& url);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // One or more statements without parameters (DDL, BEGIN, COMMIT, SAVEPOINT).
  void exec(std::string_view sql);
  // One statement with $1.. parameters, prepared on first use on this connection.
  query_result query(std::string_view sql, const params& p = {});
  template <class... A>
  query_result run(std::string_view sql, const A&... a) {
    params p;
    (p.add(a), ...);
    return query(sql, p);
  }
  // COPY `target` (a table and its column list) FROM STDIN in text format: rows()
  // is called until it returns false, each time appending whole lines (tab-separated
  // fields escaped with copy_field, "\\N" for NULL, '\n' at the end) to its buffer.
  // Returns the rows the server copied.
  std::int64_t copy_in(const std::string& target, const std::function<bool(std::string&)>& rows);
  // A field of a COPY text line: backslash, tab, newline and CR escaped.
  static void copy_field(std::string& line, std::string_view v);

  // Rolls back whatever transaction is open; never throws (error paths).
  void rollback_quietly() noexcept;
  // True when the server still answers (libpq's status, no round trip).
  bool ok() const;
  // The backend process id (tests kill it to simulate a lost connection).
  int backend_pid() const;
  // Waits up to `timeout_ms` for NOTIFYs (LISTEN first); returns each (channel, payload).
  std::vector<std::pair<std::string, std::string>> wait_notifications(int timeout_ms);

  pg_conn* handle() { return conn_; }

 private:
  [[noreturn]] void fail(pg_result* r, std::string_view what);
  pg_conn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> prepared_;  // sql text -> statement name
};

}  // namespace switchboard::store::pg
