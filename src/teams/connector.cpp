#include "switchboard/teams/connector.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "switchboard/carriers/signature.hpp"

namespace switchboard::teams {

namespace asio = boost::asio;
using json = nlohmann::json;

asio::awaitable<bool> single_flight::begin() {
  if (!running_) {
    auto ex = co_await asio::this_coro::executor;
    running_ = std::make_shared<asio::steady_timer>(ex, asio::steady_timer::time_point::max());
    co_return true;
  }
  auto waiting = running_;  // keeps the timer alive while we wait on it
  co_await waiting->async_wait(asio::as_tuple(asio::use_awaitable));
  co_return false;
}

void single_flight::done() {
  auto t = std::move(running_);
  if (t) t->cancel();
}

asio::awaitable<result<std::string>> token_source::get() {
  for (;;) {
    if (!token_.empty() && std::chrono::steady_clock::now() < valid_until_) co_return token_;
    auto before = fetches_;
    if (co_await flight_.begin()) {
      auto r = co_await fetch();
      flight_.done();
      co_return r;
    }
    // Someone else's fetch finished: share its failure rather than start another.
    if (fetches_ != before && last_error_) co_return *last_error_;
  }
}

asio::awaitable<result<std::string>> token_source::fetch() {
  ++fetches_;
  http::outbound_request req;
  req.url = settings_.token_url;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Accept", "application/json"}};
  req.body = "grant_type=client_credentials&client_id=" + carriers::form_encode(settings_.app_id) +
             "&client_secret=" + carriers::form_encode(settings_.app_password) +
             "&scope=" + carriers::form_encode("https://api.botframework.com/.default");
  auto started = std::chrono::steady_clock::now();
  auto answer = co_await client_.request(req);
  auto fail = [&](std::string why) -> result<std::string> {
    spdlog::warn("teams: token request failed: {}", why);
    last_error_ = error{"UNAVAILABLE", "Bot Framework token: " + why};
    return *last_error_;
  };
  if (!answer) co_return fail(answer.err().message);
  auto body = json::parse(answer->body, nullptr, false);
  if (answer->status != 200 || !body.is_object() || !body["access_token"].is_string())
    co_return fail("HTTP " + std::to_string(answer->status) + " " + answer->body.substr(0, 200));
  std::int64_t expires_in =
      body["expires_in"].is_number() ? body["expires_in"].get<std::int64_t>() : 3600;
  // Renew five minutes early (or halfway, for short-lived tokens) so a post never carries an
  // expired one.
  auto margin = std::min<std::int64_t>(300, expires_in / 2);
  token_ = body["access_token"].get<std::string>();
  valid_until_ = started + std::chrono::seconds(expires_in - margin);
  last_error_.reset();
  co_return token_;
}

asio::awaitable<result<json>> key_source::keys(bool refresh) {
  auto now = std::chrono::steady_clock::now();
  bool stale = !fetched_at_ || now - *fetched_at_ > settings_.key_max_age;
  bool may_refresh = !fetched_at_ || now - *fetched_at_ >= settings_.key_refresh_min;
  if (!stale && !(refresh && may_refresh)) co_return keys_;
  // While the metadata cannot be read, requests do not each try again.
  if (failed_at_ && now - *failed_at_ < std::min<std::chrono::steady_clock::duration>(
                                            settings_.key_refresh_min, std::chrono::seconds(10))) {
    if (fetched_at_) co_return keys_;
    co_return *last_error_;
  }
  auto before = fetches_;
  if (co_await flight_.begin()) {
    auto r = co_await fetch();
    flight_.done();
    co_return r;
  }
  if (fetches_ != before && last_error_) co_return *last_error_;
  if (fetched_at_) co_return keys_;
  co_return error{"UNAVAILABLE", "Bot Framework signing keys are not available"};
}

asio::awaitable<result<json>> key_source::fetch() {
  ++fetches_;
  auto fail = [&](std::string why) -> result<json> {
    spdlog::warn("teams: signing keys: {}", why);
    last_error_ = error{"UNAVAILABLE", "Bot Framework signing keys: " + why};
    failed_at_ = std::chrono::steady_clock::now();
    return *last_error_;
  };
  http::outbound_request meta;
  meta.method = "GET";
  meta.url = settings_.openid_metadata_url;
  meta.headers = {{"Accept", "application/json"}};
  auto m = co_await client_.request(meta);
  if (!m) co_return fail(m.err().message);
  auto doc = json::parse(m->body, nullptr, false);
  if (m->status != 200 || !doc.is_object() || !doc["jwks_uri"].is_string())
    co_return fail("OpenID metadata: HTTP " + std::to_string(m->status) + " without jwks_uri");
  http::outbound_request jwks;
  jwks.method = "GET";
  jwks.url = doc["jwks_uri"].get<std::string>();
  jwks.headers = {{"Accept", "application/json"}};
  auto k = co_await client_.request(jwks);
  if (!k) co_return fail(k.err().message);
  auto set = json::parse(k->body, nullptr, false);
  if (k->status != 200 || !set.is_object() || !set["keys"].is_array())
    co_return fail("JWKS: HTTP " + std::to_string(k->status) + " without keys");
  keys_ = std::move(set);
  fetched_at_ = std::chrono::steady_clock::now();
  failed_at_.reset();
  last_error_.reset();
  co_return keys_;
}

asio::awaitable<jwt_verdict> authenticate_activity(key_source& keys, const settings& s,
                                                   const std::string& authorization,
                                                   const json& activity,
                                                   std::chrono::system_clock::time_point now) {
  jwt_verdict no;
  constexpr std::string_view bearer = "Bearer ";
  if (authorization.size() <= bearer.size() ||
      authorization.compare(0, bearer.size(), bearer) != 0) {
    no.reason = "no Bearer token";
    co_return no;
  }
  auto token = authorization.substr(bearer.size());
  jwt_expectations e;
  e.audience = s.app_id;
  e.channel_id = activity.is_object() && activity["channelId"].is_string()
                     ? activity["channelId"].get<std::string>()
                     : "";
  e.service_url = activity.is_object() && activity["serviceUrl"].is_string()
                      ? activity["serviceUrl"].get<std::string>()
                      : "";
  e.now = now;
  auto set = co_await keys.keys();
  if (!set) {
    no.reason = set.err().message;
    co_return no;
  }
  auto v = verify_jwt(token, *set, e);
  if (!v.unknown_kid) co_return v;
  // Keys rotate: one refresh (rate-limited) before giving up on an unknown kid.
  auto fresh = co_await keys.keys(true);
  if (!fresh) co_return v;
  co_return verify_jwt(token, *fresh, e);
}

}  // namespace switchboard::teams
