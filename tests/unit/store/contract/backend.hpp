#pragma once
// The repository contract suite (issue 17 item 2): one set of tests through the
// interfaces of repositories.hpp, run against every storage backend. A backend is
// a name and a factory that opens a fresh, empty, migrated store; backends()
// lists them, in backend.cpp, the only file of the suite that knows a backend.
// The tests include this header and repositories.hpp, nothing of any backend
// (tests/unit/store/sql_placement_test.cpp checks).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "switchboard/store/repositories.hpp"

namespace contract {

namespace st = switchboard::store;
using st::id_t;

// A write job that failed: the backend's error code (CONFLICT, NOT_FOUND, …).
struct write_failed : std::runtime_error {
  write_failed(std::string c, const std::string& message)
      : std::runtime_error(message), code(std::move(c)) {}
  std::string code;
};

// One open store of a backend, empty but for its schema, removed when destroyed.
class store_under_test {
 public:
  virtual ~store_under_test() = default;
  // Runs f in one write transaction: committed when f returns; when f throws,
  // its changes roll back and write_failed is thrown. f may run twice (a backend
  // may replay a job), so it assigns its results rather than appending them.
  virtual void run_write(const std::function<void(st::unit_of_work&)>& f) = 0;
  // Runs f as a read job (sees every committed write).
  virtual void run_read(const std::function<void(st::unit_of_work&)>& f) = 0;
  // Another workspace, for the scoping tests: the store itself creates only the
  // first (workspaces().create_with_owner), so each backend adds one its own way.
  virtual id_t add_workspace(const std::string& name) = 0;
  // Lists a conversation for the reports' history replay, as the schema upgrade
  // that began the log does for each older one.
  virtual void list_for_backfill(id_t ws, id_t conversation, const std::string& through) = 0;

  template <class F>
  auto write(F f) -> std::invoke_result_t<F&, st::unit_of_work&> {
    return run(f, true);
  }
  template <class F>
  auto read(F f) -> std::invoke_result_t<F&, st::unit_of_work&> {
    return run(f, false);
  }

 private:
  template <class F>
  auto run(F& f, bool writes) -> std::invoke_result_t<F&, st::unit_of_work&> {
    using T = std::invoke_result_t<F&, st::unit_of_work&>;
    if constexpr (std::is_void_v<T>) {
      std::function<void(st::unit_of_work&)> job = [&](st::unit_of_work& u) { f(u); };
      writes ? run_write(job) : run_read(job);
    } else {
      std::optional<T> out;
      std::function<void(st::unit_of_work&)> job = [&](st::unit_of_work& u) {
        out.reset();
        out.emplace(f(u));
      };
      writes ? run_write(job) : run_read(job);
      return std::move(*out);
    }
  }
};

struct backend {
  std::string name;
  // A fresh store, or nullptr when the backend's server is not there (the test
  // skips on a developer's machine and fails in CI). Every backend is listed
  // whether or not its server is there: ctest learns the tests when it builds.
  std::function<std::unique_ptr<store_under_test>()> open;
};
// Every backend the suite runs against (backend.cpp says which, and when).
const std::vector<backend>& backends();
// A failing test names its backend (not the bytes of the struct).
inline void PrintTo(const backend& b, std::ostream* os) { *os << b.name; }

// The fixture of every contract test: a fresh store of the backend, with the
// first workspace and its owner.
class contract_test : public ::testing::TestWithParam<backend> {
 protected:
  void SetUp() override {
    store_ = GetParam().open();
    if (!store_) {
      // A backend whose server this run has not got (backend.cpp says which).
      const char* ci = std::getenv("CI");
      if (ci && *ci) FAIL() << GetParam().name << ": CI runs every backend, and its server is missing";
      GTEST_SKIP() << GetParam().name << ": no server for this backend here";
    }
    ws_ = store_->write([](st::unit_of_work& u) {
      return u.workspaces()
          .create_with_owner("Acme", "owner@acme.test", "Olive Owner", "hash", t(0))
          .value_or(0);
    });
    ASSERT_NE(ws_, 0);
    owner_ = store_->read([this](st::unit_of_work& u) { return u.teammates().list(ws_).at(0).id; });
  }

  // A timestamp `minutes` after a fixed start, as the store's text (RFC 3339, UTC).
  static std::string t(int minutes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "2026-03-01T%02d:%02d:00Z", minutes / 60 % 24, minutes % 60);
    return buf;
  }

  template <class F>
  auto write(F f) {
    return store_->write(std::move(f));
  }
  template <class F>
  auto read(F f) {
    return store_->read(std::move(f));
  }
  // The code a failing write job fails with ("" when it succeeds).
  template <class F>
  std::string write_error(F f) {
    try {
      store_->write(std::move(f));
    } catch (const write_failed& e) {
      return e.code;
    }
    return "";
  }

  id_t add_contact(id_t ws, const std::string& name, std::vector<std::string> phones = {}) {
    return write([&](st::unit_of_work& u) {
      st::contact c;
      c.workspace_id = ws;
      c.name = name;
      c.phones = phones;
      c.created_at = c.updated_at = t(0);
      return u.contacts().insert(c);
    });
  }
  id_t add_teammate(id_t ws, const std::string& email, const std::string& role = "agent",
                    const std::string& availability = "available") {
    return write([&](st::unit_of_work& u) {
      st::teammate m;
      m.workspace_id = ws;
      m.email = email;
      m.name = email.substr(0, email.find('@'));
      m.role = role;
      m.availability = availability;
      m.created_at = t(0);
      m.password_hash = "hash";
      return u.teammates().insert(m);
    });
  }
  // A conversation created at minute `at` (its activity until a message comes).
  id_t add_conversation(id_t ws, id_t contact_id, int at, const std::string& status = "open") {
    return write([&](st::unit_of_work& u) {
      st::conversation c;
      c.workspace_id = ws;
      c.contact_id = contact_id;
      c.status = status;
      c.created_at = t(at);
      return u.conversations().insert(c);
    });
  }
  static st::message text(id_t ws, id_t conversation_id, const std::string& body, int at,
                          const std::string& sender_kind = "contact") {
    st::message m;
    m.workspace_id = ws;
    m.conversation_id = conversation_id;
    m.direction = sender_kind == "contact" ? "inbound" : "outbound";
    m.sender_kind = sender_kind;
    m.channel = "sms";
    m.body = body;
    m.status = sender_kind == "contact" ? "received" : "queued";
    m.created_at = t(at);
    return m;
  }

  std::unique_ptr<store_under_test> store_;
  id_t ws_ = 0, owner_ = 0;
};

// Runs the tests of a file against every backend, named by the backend.
#define CONTRACT_SUITE(suite)                                                          \
  INSTANTIATE_TEST_SUITE_P(backends, suite, ::testing::ValuesIn(contract::backends()), \
                           [](const auto& info) { return info.param.name; })

}  // namespace contract
