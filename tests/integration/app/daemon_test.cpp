// The built binary as an operator runs it: version, first start, config errors,
// migrate, and SIGTERM with a request in flight.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/process.hpp"
#include "support/test_support.hpp"

using namespace std::chrono_literals;

namespace {
std::uint16_t port_from(const std::string& line) {
  // "switchboard X listening on http://127.0.0.1:PORT (public URL ...)"
  auto p = line.find("127.0.0.1:");
  return static_cast<std::uint16_t>(std::stoi(line.substr(p + 10)));
}
}  // namespace

TEST(daemon, version_prints_semver) {
  sbtest::child_process p({SWITCHBOARD_BIN, "version"});
  auto line = p.read_line();
  ASSERT_TRUE(line);
  EXPECT_TRUE(line->rfind("switchboard ", 0) == 0) << *line;
  EXPECT_EQ(p.wait(), 0);
}

TEST(daemon, bad_configuration_stops_start_up_naming_the_key) {
  sbtest::temp_dir dir;
  sbtest::child_process p({SWITCHBOARD_BIN, "serve", "--data-dir", dir.path()},
                          {"SWITCHBOARD_LOG_LEVEL=shouty"});
  EXPECT_EQ(p.wait(), 2);
  EXPECT_NE(p.drain_stderr().find("log.level"), std::string::npos);

  sbtest::child_process q({SWITCHBOARD_BIN, "serve", "--listen", "bogus", "--data-dir", dir.path()});
  EXPECT_EQ(q.wait(), 2);
  EXPECT_NE(q.drain_stderr().find("listen"), std::string::npos);
}

TEST(daemon, migrate_applies_once) {
  sbtest::temp_dir dir;
  sbtest::child_process first({SWITCHBOARD_BIN, "migrate", "--data-dir", dir.path()});
  EXPECT_EQ(first.wait(), 0);
  EXPECT_NE(first.drain_stdout().find("schema version 0 -> "), std::string::npos);
  sbtest::child_process second({SWITCHBOARD_BIN, "migrate", "--data-dir", dir.path()});
  EXPECT_EQ(second.wait(), 0);
  EXPECT_NE(second.drain_stdout().find("0 migrations applied"), std::string::npos);
}

TEST(daemon, first_start_prints_login_once_and_sigterm_finishes_in_flight_request) {
  sbtest::temp_dir dir;
  {
    sbtest::child_process p({SWITCHBOARD_BIN, "serve", "--listen", "127.0.0.1:0", "--data-dir",
                             dir.path()},
                            {"SWITCHBOARD_LOG_ACCESS=false"});
    auto login = p.wait_for("Admin login:");
    ASSERT_TRUE(login);
    auto password = p.wait_for("Password:");
    ASSERT_TRUE(password);
    EXPECT_GE(password->size(), std::string("  Password:     ").size() + 20);
    auto listening = p.wait_for("listening on");
    ASSERT_TRUE(listening);
    auto port = port_from(*listening);

    auto health = sbtest::http_request(port, "GET", "/healthz");
    ASSERT_TRUE(health);
    EXPECT_EQ(health->status, 200);
    EXPECT_EQ(nlohmann::json::parse(health->body), nlohmann::json({{"status", "ok"}}));

    // A request in flight: headers and half the body sent before SIGTERM.
    sbtest::raw_conn c(port);
    c.send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345");
    std::this_thread::sleep_for(100ms);
    p.signal(SIGTERM);
    std::this_thread::sleep_for(200ms);
    c.send("67890");
    auto r = c.read_reply();
    ASSERT_TRUE(r) << "the in-flight request was dropped on SIGTERM";
    EXPECT_EQ(r->status, 405);
    EXPECT_EQ(p.wait(), 0);
  }
  {
    // Second start on the same data dir: no new account, no password printed.
    sbtest::child_process p({SWITCHBOARD_BIN, "serve", "--listen", "127.0.0.1:0", "--data-dir",
                             dir.path()});
    auto listening = p.wait_for("listening on");
    ASSERT_TRUE(listening);
    p.signal(SIGINT);
    EXPECT_EQ(p.wait(), 0);
    EXPECT_EQ(p.drain_stdout().find("Admin login"), std::string::npos);
  }
}

TEST(daemon, bootstrap_write_survives_kill_9) {
  sbtest::temp_dir dir;
  {
    sbtest::child_process p({SWITCHBOARD_BIN, "serve", "--listen", "127.0.0.1:0", "--data-dir",
                             dir.path()});
    ASSERT_TRUE(p.wait_for("Admin login:"));
    ASSERT_TRUE(p.wait_for("listening on"));
    p.signal(SIGKILL);
    EXPECT_EQ(p.wait(), 128 + SIGKILL);
  }
  // The owner account was acknowledged (login printed) before the kill: a restart finds it
  // and does not create another.
  sbtest::child_process p({SWITCHBOARD_BIN, "serve", "--listen", "127.0.0.1:0", "--data-dir",
                           dir.path()});
  auto listening = p.wait_for("listening on");
  ASSERT_TRUE(listening);
  auto ready = sbtest::http_request(port_from(*listening), "GET", "/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(), 0);
  EXPECT_EQ(p.drain_stdout().find("Admin login"), std::string::npos);
}

TEST(daemon, admin_commands_and_simulate_sms_against_a_running_server) {
  sbtest::temp_dir dir;
  sbtest::child_process server({SWITCHBOARD_BIN, "serve", "--listen", "127.0.0.1:0", "--data-dir", dir.path()},
                               {"SWITCHBOARD_BOOTSTRAP_ADMIN_PASSWORD=admin-password-1", "SWITCHBOARD_LOG_ACCESS=false"});
  auto listening = server.wait_for("listening on");
  ASSERT_TRUE(listening);
  auto port = port_from(*listening);
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), SWITCHBOARD_BIN);
    sbtest::child_process p(args);
    int code = p.wait();
    return std::make_pair(code, p.drain_stdout() + p.drain_stderr());
  };
  auto added = run({"admin", "add-number", "--data-dir", dir.path(), "--number", "+1 555 234 5678",
                    "--owner", "admin@switchboard.local"});
  EXPECT_EQ(added.first, 0) << added.second;
  auto user = run({"admin", "create-user", "--data-dir", dir.path(), "--email", "amy@example.com", "--name", "Amy"});
  EXPECT_EQ(user.first, 0) << user.second;
  EXPECT_NE(user.second.find("password: "), std::string::npos);
  auto phone = run({"admin", "set-phone", "--data-dir", dir.path(), "--email", "amy@example.com", "--phone", "+14155550111"});
  EXPECT_EQ(phone.first, 0) << phone.second;
  auto loop = run({"admin", "add-number", "--data-dir", dir.path(), "--number", "+14155550111"});
  EXPECT_NE(loop.first, 0) << "a physical phone can never be a business number";
  auto users = run({"admin", "list-users", "--data-dir", dir.path()});
  EXPECT_NE(users.second.find("amy@example.com"), std::string::npos);
  EXPECT_NE(users.second.find("+14155550111"), std::string::npos);
  auto numbers = run({"admin", "list-numbers", "--data-dir", dir.path()});
  EXPECT_NE(numbers.second.find("+15552345678"), std::string::npos);
  EXPECT_EQ(run({"admin", "create-user", "--data-dir", dir.path(), "--email", "bad", "--name", "X"}).first, 1);

  // `simulate sms` authenticates with the data directory's sandbox key (issue 16 item 14).
  auto sim = run({"simulate", "sms", "--from", "+14155550123", "--to", "+15552345678", "--body", "hello from the simulator",
                  "--url", "http://127.0.0.1:" + std::to_string(port), "--data-dir", dir.path()});
  EXPECT_EQ(sim.first, 0) << sim.second;
  auto unknown = run({"simulate", "sms", "--from", "+14155550123", "--to", "+15559999999", "--body", "x",
                      "--url", "http://127.0.0.1:" + std::to_string(port), "--data-dir", dir.path()});
  EXPECT_EQ(unknown.first, 1);
  sbtest::temp_dir elsewhere;
  auto keyless = run({"simulate", "sms", "--from", "+14155550123", "--to", "+15552345678", "--body", "x",
                      "--url", "http://127.0.0.1:" + std::to_string(port), "--data-dir", elsewhere.path()});
  EXPECT_EQ(keyless.first, 1) << "no key and no token: the sandbox refuses";
  auto bad_token = run({"simulate", "sms", "--from", "+14155550123", "--to", "+15552345678", "--body", "x",
                        "--url", "http://127.0.0.1:" + std::to_string(port), "--token", "sbs_wrong"});
  EXPECT_EQ(bad_token.first, 1);

  auto login = sbtest::http_request(port, "POST", "/api/v1/auth/login",
                                    R"({"email":"admin@switchboard.local","password":"admin-password-1"})");
  ASSERT_TRUE(login);
  auto token = nlohmann::json::parse(login->body)["token"].get<std::string>();
  auto list = sbtest::http_request(port, "GET", "/api/v1/conversations?assignee=me", "", "Authorization: Bearer " + token + "\r\n");
  auto items = nlohmann::json::parse(list->body)["items"];
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["channel"], "sms");
  server.signal(SIGTERM);
  EXPECT_EQ(server.wait(), 0);
}
