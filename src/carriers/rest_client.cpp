#include "switchboard/carriers/rest_client.hpp"

#include <spdlog/spdlog.h>

namespace switchboard::carriers {

namespace asio = boost::asio;

asio::awaitable<result<http::outbound_response>> rest_client::send(const rest::call& c) {
  http::outbound_request req;
  req.method = c.method;
  req.url = c.url;
  req.headers = c.headers;
  req.body = c.body;
  auto r = co_await http_.request(req);
  if (!r) {
    spdlog::warn("carrier REST: {} {}: {}", c.method, account_.carrier, r.err().message);
    co_return error{r.err().code, account_.carrier + " REST API: " + r.err().message};
  }
  co_return std::move(*r);
}

asio::awaitable<result<std::vector<rest::available_number>>> rest_client::search(
    const rest::search_query& q) {
  auto c = rest::search_request(account_, q);
  auto r = co_await send(c);
  if (!r) co_return r.err();
  co_return rest::parse_search(account_.carrier, r->status, r->body);
}

asio::awaitable<result<rest::incoming_number>> rest_client::buy(const std::string& e164,
                                                                const rest::webhooks& hooks) {
  auto c = rest::buy_request(account_, e164, hooks);
  auto r = co_await send(c);
  if (!r) co_return r.err();
  co_return rest::parse_incoming(account_.carrier, r->status, r->body);
}

asio::awaitable<result<rest::incoming_number>> rest_client::update(const std::string& number_sid,
                                                                   const rest::webhooks& hooks) {
  auto c = rest::update_request(account_, number_sid, hooks);
  auto r = co_await send(c);
  if (!r) co_return r.err();
  co_return rest::parse_incoming(account_.carrier, r->status, r->body);
}

asio::awaitable<result<std::optional<rest::incoming_number>>> rest_client::lookup(
    const std::string& e164) {
  auto c = rest::lookup_request(account_, e164);
  auto r = co_await send(c);
  if (!r) co_return r.err();
  co_return rest::parse_lookup(account_.carrier, r->status, r->body);
}

asio::awaitable<result<void>> rest_client::release(const std::string& number_sid) {
  auto c = rest::release_request(account_, number_sid);
  auto r = co_await send(c);
  if (!r) co_return r.err();
  if (r->status == 404)
    spdlog::info("carrier REST: {} no longer has {}: treated as released", account_.carrier,
                 number_sid);
  co_return rest::parse_release(account_.carrier, r->status, r->body);
}

}  // namespace switchboard::carriers
