#include "switchboard/core/config.hpp"

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

namespace sb = switchboard;

namespace {
std::string write_file(const sbtest::temp_dir& dir, const std::string& text) {
  auto path = dir.file("config.json");
  std::ofstream(path) << text;
  return path;
}
}  // namespace

TEST(config, defaults_match_the_contract) {
  auto c = sb::load_config({}, {});
  ASSERT_TRUE(c) << c.err().message;
  EXPECT_EQ(c->listen, "127.0.0.1:8080");
  EXPECT_EQ(c->http.host, "127.0.0.1");
  EXPECT_EQ(c->http.port, 8080);
  EXPECT_EQ(c->public_url, "http://127.0.0.1:8080");
  EXPECT_EQ(c->store.data_dir, "./var");
  EXPECT_EQ(c->log.level, "info");
  EXPECT_EQ(c->log.format, "text");
  EXPECT_TRUE(c->sandbox_enabled);
  EXPECT_EQ(c->twilio.api_base, "https://api.twilio.com");
  EXPECT_EQ(c->http.body_limit, 64u * 1024);
}

TEST(config, file_then_environment_then_flags) {
  sbtest::temp_dir dir;
  auto path = write_file(dir, R"({"listen":"127.0.0.1:9001","data_dir":"/tmp/file",
    "log":{"level":"debug"},"carriers":{"twilio":{"auth_token":"from-file"}}})");
  sb::config_flags flags;
  flags.config_file = path;

  auto only_file = sb::load_config(flags, {});
  ASSERT_TRUE(only_file) << only_file.err().message;
  EXPECT_EQ(only_file->http.port, 9001);
  EXPECT_EQ(only_file->log.level, "debug");
  EXPECT_EQ(only_file->twilio.auth_token, "from-file");

  sb::env_map env{{"SWITCHBOARD_LISTEN", "127.0.0.1:9002"},
                  {"SWITCHBOARD_CARRIERS_TWILIO_AUTH_TOKEN", "from-env"},
                  {"SWITCHBOARD_LOG_ACCESS", "false"},
                  {"SWITCHBOARD_HTTP_BODY_LIMIT", "1234"}};
  auto with_env = sb::load_config(flags, env);
  ASSERT_TRUE(with_env) << with_env.err().message;
  EXPECT_EQ(with_env->http.port, 9002);
  EXPECT_EQ(with_env->twilio.auth_token, "from-env");
  EXPECT_FALSE(with_env->log.access);
  EXPECT_EQ(with_env->http.body_limit, 1234u);
  EXPECT_EQ(with_env->store.data_dir, "/tmp/file");

  flags.listen = "127.0.0.1:9003";
  flags.data_dir = "/tmp/flag";
  auto with_flags = sb::load_config(flags, env);
  ASSERT_TRUE(with_flags);
  EXPECT_EQ(with_flags->http.port, 9003);
  EXPECT_EQ(with_flags->store.data_dir, "/tmp/flag");
}

TEST(config, env_name_maps_dots_to_underscores) {
  EXPECT_EQ(sb::env_name("carriers.twilio.auth_token"), "SWITCHBOARD_CARRIERS_TWILIO_AUTH_TOKEN");
  EXPECT_EQ(sb::env_name("listen"), "SWITCHBOARD_LISTEN");
}

TEST(config, unknown_file_key_is_named) {
  sbtest::temp_dir dir;
  sb::config_flags flags;
  flags.config_file = write_file(dir, R"({"log":{"levle":"info"}})");
  auto c = sb::load_config(flags, {});
  ASSERT_FALSE(c);
  EXPECT_NE(c.err().message.find("log.levle"), std::string::npos) << c.err().message;
}

TEST(config, unknown_environment_variable_is_named) {
  auto c = sb::load_config({}, {{"SWITCHBOARD_LISTN", "x"}});
  ASSERT_FALSE(c);
  EXPECT_NE(c.err().message.find("SWITCHBOARD_LISTN"), std::string::npos);
}

TEST(config, bad_values_name_their_key) {
  struct bad_case {
    sb::env_map env;
    std::string key;
  };
  for (auto& [env, key] : std::vector<bad_case>{
           {{{"SWITCHBOARD_LOG_LEVEL", "loud"}}, "log.level"},
           {{{"SWITCHBOARD_LOG_ACCESS", "maybe"}}, "log.access"},
           {{{"SWITCHBOARD_HTTP_BODY_LIMIT", "12abc"}}, "http.body_limit"},
           {{{"SWITCHBOARD_HTTP_HEADER_LIMIT", "10"}}, "http.header_limit"},
           {{{"SWITCHBOARD_LISTEN", "nowhere"}}, "listen"},
           {{{"SWITCHBOARD_LISTEN", "127.0.0.1:99999"}}, "listen"},
           {{{"SWITCHBOARD_PUBLIC_URL", "ftp://x"}}, "public_url"},
           {{{"SWITCHBOARD_BOOTSTRAP_ADMIN_EMAIL", "nobody"}}, "bootstrap.admin_email"},
       }) {
    auto c = sb::load_config({}, env);
    ASSERT_FALSE(c) << key;
    EXPECT_EQ(c.err().message.rfind(key + ":", 0), 0u) << c.err().message;
  }
}

TEST(config, wrong_type_in_file_and_unreadable_file) {
  sbtest::temp_dir dir;
  sb::config_flags flags;
  flags.config_file = write_file(dir, R"({"http":{"body_limit":"big"}})");
  auto c = sb::load_config(flags, {});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.err().message.rfind("http.body_limit:", 0), 0u);

  flags.config_file = write_file(dir, "{not json");
  EXPECT_FALSE(sb::load_config(flags, {}));
  flags.config_file = dir.file("missing.json");
  EXPECT_FALSE(sb::load_config(flags, {}));
}

// issue 16 item 20: how national phone formats are read, checked at start-up.
TEST(config, issue16_item20_workspace_default_country) {
  auto d = sb::load_config({}, {});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->default_country, "US");
  auto gb = sb::load_config({}, {{"SWITCHBOARD_WORKSPACE_DEFAULT_COUNTRY", "GB"}});
  ASSERT_TRUE(gb);
  EXPECT_EQ(gb->default_country, "GB");
  for (auto bad : {"XX", "us", "USA", ""}) {
    auto c = sb::load_config({}, {{"SWITCHBOARD_WORKSPACE_DEFAULT_COUNTRY", bad}});
    ASSERT_FALSE(c) << bad;
    EXPECT_EQ(c.err().message.rfind("workspace.default_country:", 0), 0u) << c.err().message;
  }
}

TEST(config, example_file_holds_every_default) {
  std::ifstream in(std::string(SWITCHBOARD_SOURCE_DIR) + "/config/switchboard.example.json");
  ASSERT_TRUE(in.good());
  auto example = nlohmann::json::parse(in);
  EXPECT_EQ(example, sb::default_config_json());
}

// issue 16 items 2, 3 and 7: the HTTP hardening keys, and http.trusted_proxies as a CIDR list.
TEST(config, http_hardening_keys_and_trusted_proxies) {
  auto d = sb::load_config({}, {});
  ASSERT_TRUE(d) << d.err().message;
  EXPECT_EQ(d->http.first_byte_timeout, std::chrono::milliseconds(10000));
  EXPECT_EQ(d->http.max_connections_per_ip, 256u);
  EXPECT_EQ(d->http.max_header_fields, 100u);
  EXPECT_TRUE(d->http.trusted_proxies.empty());

  auto env = sb::load_config({}, {{"SWITCHBOARD_HTTP_TRUSTED_PROXIES", " 10.0.0.0/8, fd00::/8 ,192.0.2.7"},
                                  {"SWITCHBOARD_HTTP_FIRST_BYTE_TIMEOUT_MS", "250"},
                                  {"SWITCHBOARD_HTTP_MAX_CONNECTIONS_PER_IP", "3"},
                                  {"SWITCHBOARD_HTTP_MAX_HEADER_FIELDS", "20"}});
  ASSERT_TRUE(env) << env.err().message;
  ASSERT_EQ(env->http.trusted_proxies.size(), 3u);
  EXPECT_EQ(env->http.trusted_proxies[1].prefix, 8u);
  EXPECT_TRUE(env->http.trusted_proxies[1].base.v6);
  EXPECT_EQ(env->http.trusted_proxies[2].prefix, 32u);
  EXPECT_EQ(env->http.first_byte_timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(env->http.max_connections_per_ip, 3u);
  EXPECT_EQ(env->http.max_header_fields, 20u);
  auto empty = sb::load_config({}, {{"SWITCHBOARD_HTTP_TRUSTED_PROXIES", ""}});
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->http.trusted_proxies.empty());

  sbtest::temp_dir dir;
  sb::config_flags flags;
  flags.config_file = write_file(dir, R"({"http":{"trusted_proxies":["127.0.0.1/32","::1/128"]}})");
  auto file = sb::load_config(flags, {});
  ASSERT_TRUE(file) << file.err().message;
  EXPECT_EQ(file->http.trusted_proxies.size(), 2u);

  for (std::string bad : {R"({"http":{"trusted_proxies":["10.0.0.0/33"]}})",
                          R"({"http":{"trusted_proxies":["example.com"]}})",
                          R"({"http":{"trusted_proxies":["10.0.0.0/"]}})",
                          R"({"http":{"trusted_proxies":"10.0.0.0/8"}})",
                          R"({"http":{"trusted_proxies":[8]}})"}) {
    flags.config_file = write_file(dir, bad);
    auto c = sb::load_config(flags, {});
    ASSERT_FALSE(c) << bad;
    EXPECT_EQ(c.err().message.rfind("http.trusted_proxies:", 0), 0u) << c.err().message;
  }
  auto bad_env = sb::load_config({}, {{"SWITCHBOARD_HTTP_TRUSTED_PROXIES", "10.0.0.0/8,nope"}});
  ASSERT_FALSE(bad_env);
  EXPECT_NE(bad_env.err().message.find("http.trusted_proxies: \"nope\""), std::string::npos)
      << bad_env.err().message;
}

// issue 16 item 19: with no public_url configured, the default follows listen
// (the install snippet used to show http://127.0.0.1:8080 whatever the port).
TEST(config, issue16_item19_public_url_follows_listen) {
  sb::config_flags flags;
  flags.listen = "127.0.0.1:18500";
  auto c = sb::load_config(flags, {});
  ASSERT_TRUE(c) << c.err().message;
  EXPECT_EQ(c->public_url, "http://127.0.0.1:18500");

  auto from_env = sb::load_config({}, {{"SWITCHBOARD_LISTEN", "127.0.0.1:9100"}});
  ASSERT_TRUE(from_env);
  EXPECT_EQ(from_env->public_url, "http://127.0.0.1:9100");

  // A wildcard address names this machine's loopback; IPv6 goes in brackets.
  flags.listen = "0.0.0.0:9000";
  EXPECT_EQ(sb::load_config(flags, {})->public_url, "http://127.0.0.1:9000");
  flags.listen = "[::1]:9001";
  EXPECT_EQ(sb::load_config(flags, {})->public_url, "http://[::1]:9001");
  flags.listen = "[::]:9002";
  EXPECT_EQ(sb::load_config(flags, {})->public_url, "http://[::1]:9002");

  // A configured public_url wins, from the environment or the file.
  flags.listen = "127.0.0.1:18500";
  auto set = sb::load_config(flags, {{"SWITCHBOARD_PUBLIC_URL", "https://sb.example.com/"}});
  ASSERT_TRUE(set);
  EXPECT_EQ(set->public_url, "https://sb.example.com");
  sbtest::temp_dir dir;
  flags.config_file = write_file(dir, R"({"public_url":"http://127.0.0.1:8080"})");
  EXPECT_EQ(sb::load_config(flags, {})->public_url, "http://127.0.0.1:8080");
}

TEST(config, issue16_item12_anonymous_retention_days) {
  auto c = sb::load_config({}, {});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->widget.anonymous_retention_days, 30);
  EXPECT_EQ(sb::load_config({}, {{"SWITCHBOARD_WIDGET_ANONYMOUS_RETENTION_DAYS", "7"}})->widget.anonymous_retention_days, 7);
  for (auto bad : {"0", "-1", "100000", "soon"}) {
    auto e = sb::load_config({}, {{"SWITCHBOARD_WIDGET_ANONYMOUS_RETENTION_DAYS", bad}});
    ASSERT_FALSE(e) << bad;
    EXPECT_EQ(e.err().message.rfind("widget.anonymous_retention_days:", 0), 0u) << e.err().message;
  }
}
