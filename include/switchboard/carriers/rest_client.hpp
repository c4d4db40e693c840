#pragma once
// Sends the provisioning calls of carriers/rest.hpp through the outbound HTTPS
// client, on its io_context, without blocking it.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "switchboard/carriers/rest.hpp"
#include "switchboard/core/result.hpp"
#include "switchboard/http/outbound.hpp"

namespace switchboard::carriers {

// Errors: CARRIER_ERROR (the carrier refused, with its code and message),
// UNAVAILABLE (DNS, connect, TLS, timeout). Arguments and the client must outlive
// each await (bind them to named locals: GCC 12 mis-copies temporaries there).
class rest_client {
 public:
  rest_client(http::outbound_client& http, rest::account account)
      : http_(http), account_(std::move(account)) {}
  const rest::account& account() const { return account_; }

  boost::asio::awaitable<result<std::vector<rest::available_number>>> search(
      const rest::search_query& q);
  boost::asio::awaitable<result<rest::incoming_number>> buy(const std::string& e164,
                                                            const rest::webhooks& hooks);
  boost::asio::awaitable<result<rest::incoming_number>> update(const std::string& number_sid,
                                                               const rest::webhooks& hooks);
  // The account's number with this E.164, or nullopt.
  boost::asio::awaitable<result<std::optional<rest::incoming_number>>> lookup(
      const std::string& e164);
  boost::asio::awaitable<result<void>> release(const std::string& number_sid);

 private:
  boost::asio::awaitable<result<http::outbound_response>> send(const rest::call& c);
  http::outbound_client& http_;
  rest::account account_;
};

}  // namespace switchboard::carriers
