#pragma once
// Business numbers at the carriers: searching, buying (with the webhooks pointed
// at this server), recording a number the account already owns or one from the
// sandbox's pool, re-pointing and reassigning, and releasing. Shared by
// /api/v1/numbers and the Teams bot. Errors carry API codes; CARRIER_ERROR and
// UNAVAILABLE are the carrier's (the API answers 502 and 503).
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "switchboard/carriers/rest.hpp"
#include "switchboard/core/result.hpp"
#include "switchboard/http/outbound.hpp"
#include "switchboard/services/context.hpp"

namespace switchboard::services {

// The workspace's active numbers, in id order (GET /api/v1/numbers).
boost::asio::awaitable<result<std::vector<store::numbers::number_row>>> list_numbers(context& ctx,
                                                                                    store::id_t workspace_id);

bool valid_carrier(const std::string& carrier);  // sandbox | twilio | signalwire
// The carrier used when none is named: the first with credentials, else the sandbox.
std::string default_carrier(const carrier_settings& cs);

struct number_search {
  std::string carrier;  // a valid one
  std::string area_code;  // "" or a NANP area code
  std::string country = "US";
  int limit = 25;
};
struct available_number {
  std::string number;  // E.164
  std::string carrier;
  std::optional<std::string> locality, region;
  nlohmann::json capabilities;
};
// The carrier's AvailablePhoneNumbers, or the sandbox's free pool.
boost::asio::awaitable<result<std::vector<available_number>>> search_numbers(context& ctx,
                                                                             http::outbound_client& client,
                                                                             number_search q);

struct provision_args {
  std::string carrier;  // sandbox | twilio | signalwire; "" = the configured one (sandbox without accounts)
  std::optional<std::string> number, area_code;  // E.164, or a 3-digit area code
  bool buy = false;  // a given number is bought at the carrier (else the account already owns it)
  std::optional<store::id_t> owner_teammate_id, owner_team_id;
};
struct provisioned {
  store::numbers::number_row row;
  std::optional<carriers::rest::webhooks> hooks;  // set when a carrier was configured
};
// Buys (carrier, by area code or with buy) or records (a number already owned,
// the sandbox's pool) a number.
boost::asio::awaitable<result<provisioned>> provision(context& ctx, http::outbound_client& client,
                                                      store::id_t workspace_id, const provision_args& a);

struct number_change {
  bool reassign = false;  // set the owner to these (both empty: unowned)
  std::optional<store::id_t> owner_teammate_id, owner_team_id;
  bool configure_webhooks = false;  // point the carrier's webhooks at this server again
};
// PATCH /api/v1/numbers/{id}: reassigns and/or re-points; NOT_FOUND when not active.
boost::asio::awaitable<result<provisioned>> change_number(context& ctx, http::outbound_client& client,
                                                          store::id_t workspace_id, store::id_t number_id,
                                                          const number_change& c);

// Releases at the carrier (unless keep_at_carrier or unknown there), then here;
// true when the carrier released it.
boost::asio::awaitable<result<bool>> release_number(context& ctx, http::outbound_client& client,
                                                    store::id_t workspace_id, store::id_t number_id,
                                                    bool keep_at_carrier);

}  // namespace switchboard::services
