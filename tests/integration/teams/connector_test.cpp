// The Bot Framework's network side against a loopback fake: one token fetch
// shared by concurrent callers and cached; signing keys cached and refreshed
// at most once per key_refresh_min.
#include "switchboard/teams/connector.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "support/fake_bot_framework.hpp"

namespace asio = boost::asio;
namespace t = switchboard::teams;

namespace {
t::settings settings_for(const sbtest::fake_bot_framework& bf) {
  t::settings s;
  s.app_id = "app-1";
  s.app_password = "secret & more";
  s.openid_metadata_url = bf.openid_url();
  s.token_url = bf.token_url();
  return s;
}
}  // namespace

TEST(teams_connector, concurrent_token_requests_share_one_fetch_and_later_ones_use_the_cache) {
  sbtest::fake_bot_framework bf;
  auto s = settings_for(bf);
  asio::io_context io;
  switchboard::http::outbound_client client(io);
  t::token_source tokens(client, s);
  std::vector<std::string> got;
  for (int i = 0; i < 5; ++i)
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          auto r = co_await tokens.get();
          got.push_back(r ? *r : "error: " + r.err().message);
        },
        asio::detached);
  io.run();
  ASSERT_EQ(got.size(), 5u);
  for (auto& g : got) EXPECT_EQ(g, "bot-token-1");
  EXPECT_EQ(bf.count("token"), 1u);
  EXPECT_EQ(tokens.fetches(), 1u);

  // The form is a client-credentials grant for the Bot Framework scope.
  auto form = bf.requests("token").front().body;
  EXPECT_NE(form.find("grant_type=client_credentials"), std::string::npos);
  EXPECT_NE(form.find("client_id=app-1"), std::string::npos);
  EXPECT_NE(form.find("client_secret=secret%20%26%20more"), std::string::npos) << form;
  EXPECT_NE(form.find("scope=https%3A%2F%2Fapi.botframework.com%2F.default"), std::string::npos)
      << form;

  // Cached; after invalidate (a 401 from the connector) a new one is fetched.
  io.restart();
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto again = co_await tokens.get();
        EXPECT_EQ(again ? *again : "", "bot-token-1");
        tokens.invalidate();
        auto fresh = co_await tokens.get();
        EXPECT_EQ(fresh ? *fresh : "", "bot-token-2");
      },
      asio::detached);
  io.run();
  EXPECT_EQ(bf.count("token"), 2u);
}

TEST(teams_connector, keys_are_cached_and_refreshes_are_rate_limited) {
  sbtest::fake_bot_framework bf;
  sbtest::rsa_key key;
  bf.set_keys(nlohmann::json::array({key.jwk("k1")}));
  auto s = settings_for(bf);
  s.key_refresh_min = std::chrono::hours(1);
  asio::io_context io;
  switchboard::http::outbound_client client(io);
  t::key_source keys(client, s);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto first = co_await keys.keys();
        EXPECT_TRUE(first && (*first)["keys"].size() == 1);
        auto cached = co_await keys.keys();
        EXPECT_TRUE(cached);
        auto refresh = co_await keys.keys(true);  // within key_refresh_min: no new fetch
        EXPECT_TRUE(refresh);
      },
      asio::detached);
  io.run();
  EXPECT_EQ(bf.count("openid"), 1u);
  EXPECT_EQ(bf.count("keys"), 1u);
  EXPECT_EQ(keys.fetches(), 1u);

  s.key_refresh_min = std::chrono::seconds(0);
  io.restart();
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { co_await keys.keys(true); }, asio::detached);
  io.run();
  EXPECT_EQ(bf.count("keys"), 2u) << "a refresh allowed by the rate limit reads the keys again";
}

TEST(teams_connector, unreadable_metadata_is_an_error_and_is_not_refetched_by_every_request) {
  sbtest::fake_bot_framework bf;
  auto s = settings_for(bf);
  s.openid_metadata_url = bf.base() + "/keys";  // a document without jwks_uri
  asio::io_context io;
  switchboard::http::outbound_client client(io);
  t::key_source keys(client, s);
  std::vector<bool> ok;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 3; ++i) ok.push_back(static_cast<bool>(co_await keys.keys(true)));
      },
      asio::detached);
  io.run();
  EXPECT_EQ(ok, (std::vector<bool>{false, false, false}));
  EXPECT_EQ(bf.count("keys"), 1u);
}
