#pragma once
// Thin RAII wrappers over the SQLite C API. They throw sqlite_error; the store
// catches it per write job (the job's savepoint rolls back) and per read.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeindex>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace switchboard::store {

class sqlite_error : public std::runtime_error {
 public:
  sqlite_error(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }
  // True for UNIQUE/PRIMARY KEY/FOREIGN KEY/CHECK violations.
  bool is_constraint() const;

 private:
  int code_;
};

class statement {
 public:
  statement(sqlite3* db, std::string_view sql);
  ~statement();
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  statement& bind(int index, std::int64_t v);
  statement& bind(int index, int v) { return bind(index, static_cast<std::int64_t>(v)); }
  statement& bind(int index, double v);
  statement& bind(int index, std::string_view v);
  statement& bind(int index, const char* v) { return bind(index, std::string_view(v)); }
  statement& bind(int index, const std::string& v) { return bind(index, std::string_view(v)); }
  statement& bind(int index, std::nullopt_t);
  template <class T>
  statement& bind(int index, const std::optional<T>& v) {
    return v ? bind(index, *v) : bind(index, std::nullopt);
  }
  // Binds each argument to ?1, ?2, ...
  template <class... A>
  statement& bind_all(const A&... a) {
    int i = 0;
    (bind(++i, a), ...);
    return *this;
  }

  // Text bound after this is not copied: SQLite reads the caller's buffers. Only for
  // bind(...).run() in one full-expression, where they outlive the step; reset()
  // (which prepare() and reset_all() call) unbinds them and ends borrowing.
  statement& borrow_text() {
    borrow_ = true;
    return *this;
  }

  // Returns true while a row is available.
  bool step();
  // Steps to completion (for INSERT/UPDATE/DELETE).
  void run();
  void reset();

  std::int64_t column_int(int i) const;
  double column_double(int i) const;
  std::string column_text(int i) const;
  bool column_is_null(int i) const;
  std::optional<std::string> column_opt_text(int i) const;
  std::optional<std::int64_t> column_opt_int(int i) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  bool borrow_ = false;
};

// The map inside a memo (database::memo), bounded: the keys of webhook memos come
// from outside (a text's To and From). Derive a named memo type from it.
template <class K, class V, std::size_t Limit = 4096>
struct bounded_memo {
  std::unordered_map<K, V> entries;
  const V* find(const K& key) const {
    auto it = entries.find(key);
    return it == entries.end() ? nullptr : &it->second;
  }
  void remember(const K& key, V value) {
    if (entries.size() >= Limit) entries.clear();
    entries.emplace(key, std::move(value));
  }
};

class database {
 public:
  enum class mode { read_write, read_only };
  database(const std::string& path, mode m);
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  void exec(std::string_view sql);
  // A cached prepared statement, reset and unbound, ready for bind/step.
  // Looked up by the SQL text without copying it (most callers pass a literal).
  statement& prepare(std::string_view sql);
  // Resets every statement handed out since the last call, so none holds a snapshot
  // open (the writer calls it after each job; walking the whole cache cost a reset
  // per cached statement per job).
  void reset_all();
  // Resets the statements handed out and rolls the open transaction back; for error
  // paths, so it never throws (there may be no transaction left to roll back).
  void rollback_quietly() noexcept;
  std::int64_t last_insert_rowid() const;
  int changes() const;
  sqlite3* handle() { return db_; }
  // Copies the whole WAL into the database file and truncates it to zero bytes,
  // waiting (busy_timeout) for readers of older frames. Throws sqlite_error.
  void truncate_wal();

  // Memos: per-connection copies of rows that every webhook reads and that rarely
  // change (a number's owner, whose phone a number is, whether Teams is linked).
  // Only a connection that enabled them has any: memo<T>() is nullptr otherwise.
  // All are dropped when one of the `watched` tables changes on this connection
  // (SQLite's update hook), on a rollback, on forget_memos(), and when
  // forget_memos_if_others_wrote() finds that another connection committed.
  void enable_memos(std::vector<std::string> watched);
  template <class T>
  T* memo() {
    if (!memos_enabled_) return nullptr;
    for (auto& m : memos_)
      if (m.type == typeid(T)) return static_cast<T*>(m.value.get());
    auto* v = new T();
    memos_.push_back({typeid(T), holder(v, [](void* p) { delete static_cast<T*>(p); })});
    return v;
  }
  void forget_memos() { memos_.clear(); }
  // Cheap (PRAGMA data_version): the writer calls it at the start of each batch,
  // where no other connection can commit until its COMMIT.
  void forget_memos_if_others_wrote();

 private:
  using holder = std::unique_ptr<void, void (*)(void*)>;
  struct memo_slot {
    std::type_index type;
    holder value;
  };
  static void on_update(void* self, int op, const char* schema, const char* table, long long rowid);
  static void on_rollback(void* self);
  bool memos_enabled_ = false;
  std::vector<std::string> watched_;
  std::vector<memo_slot> memos_;
  std::int64_t data_version_ = -1;

  sqlite3* db_ = nullptr;
  struct sql_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::unique_ptr<statement>, sql_hash, std::equal_to<>> cache_;
  // Most SQL is a string literal, passed from the same address every time: a slot
  // per address remembers its statement, so the text is compared, not hashed (the
  // text decides; the address only picks the slot).
  struct recent {
    const std::string* sql = nullptr;
    statement* st = nullptr;
  };
  std::array<recent, 64> recent_{};
  std::vector<statement*> used_;  // handed out since the last reset_all(); may repeat
};

}  // namespace switchboard::store
