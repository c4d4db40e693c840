#pragma once
// Who may call the API: the account a login names, the session it opens or ends,
// the credential (session or API key) a Bearer token is, API keys minted, listed
// and revoked, and the audit log's pages. The handlers keep what is not the
// store's: the login throttle, Argon2 (on the CPU pool, never the io_context) and
// the tokens themselves; only their SHA-256 hashes reach these functions.
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"

namespace switchboard::services {

// The account an email logs in to (across workspaces: the oldest match).
boost::asio::awaitable<result<std::optional<store::teammate>>> find_login_account(context& ctx, std::string email);
// Audits auth.login_failed for a known account.
boost::asio::awaitable<result<void>> record_failed_login(context& ctx, store::teammate t, std::string ip);
// Stores the session (its token's hash) and audits auth.login, both at `created`.
boost::asio::awaitable<result<void>> open_session(context& ctx, store::teammate t, std::string token_hash,
                                                  std::string created, std::string expires, std::string ip);
// Deletes the session; its id, or nullopt when there was none.
boost::asio::awaitable<result<std::optional<store::id_t>>> end_session(context& ctx, std::string token_hash);
// A live session or unrevoked API key by its token's hash (expiry is the caller's to check).
boost::asio::awaitable<result<std::optional<store::auth_data::token_lookup>>> find_credential(context& ctx,
                                                                                             std::string token_hash);

struct new_api_key {
  std::string name, key_hash, scope;  // scope: read | write
  bool manage_keys = false;
};
struct created_api_key {
  store::id_t id = 0;
  std::string created_at;
};
// Stores the key for `who` and audits api_key.created.
boost::asio::awaitable<result<created_api_key>> create_api_key(context& ctx, store::principal who, new_api_key k,
                                                               std::string ip);
boost::asio::awaitable<result<std::vector<store::auth_data::api_key_row>>> list_api_keys(context& ctx,
                                                                                        store::id_t workspace_id);
// Revokes and audits api_key.revoked: NOT_FOUND when unknown or revoked already,
// PERMISSION_DENIED when the key's teammate is ranked above `who`.
boost::asio::awaitable<result<void>> revoke_api_key(context& ctx, store::principal who, store::id_t key_id,
                                                    std::string ip);
// The audit log, newest first, below the cursor `before`.
boost::asio::awaitable<result<std::vector<nlohmann::json>>> list_audit(context& ctx, store::id_t workspace_id,
                                                                      std::optional<store::id_t> before, int limit);

}  // namespace switchboard::services
