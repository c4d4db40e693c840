#pragma once
// The website widget's visitor sessions (/api/widget/v1/sessions and every wst_
// token after): what a workspace's widget shows before a session, the visitor a
// new session belongs to (found, merged into a verified user's contact, or new),
// the session found by its token's hash, refreshed and revoked. Tokens, CORS and
// identity verification stay with the handlers (widget/ is pure); only hashes of
// tokens reach these functions.
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"

namespace switchboard::services {

// The widget's settings and the teammates who may answer it (when the workspace exists).
struct widget_setup {
  std::optional<store::widget::settings> settings;
  std::vector<store::id_t> available_teammates;
};
boost::asio::awaitable<result<widget_setup>> widget_setup_of(context& ctx, store::id_t workspace_id);
// Every workspace's allowed origins (a preflight names no workspace).
boost::asio::awaitable<result<std::vector<std::string>>> all_allowed_origins(context& ctx);

// POST /api/widget/v1/sessions as the handler read it.
struct visitor_session_request {
  store::id_t workspace_id = 0;
  std::optional<std::string> visitor_id, external_id, email, name, user_hash;
  bool has_user = false;
};
struct visitor_session {
  store::id_t contact_id = 0;  // 0: an anonymous visitor that has not written yet
  std::string visitor_id;
  std::optional<std::string> name, email;
};
struct new_visitor_session {
  bool verified = false;  // user_hash verified the external id
  std::string created_at, expires_at, token_hash;
  std::optional<std::string> origin;
};
// Finds the visitor and stores the session in one write. An anonymous visitor gets
// no contact here (issue 16 item 12): its first message creates one. A verified
// user's contact is found or created now, as user_hash vouches for it.
boost::asio::awaitable<result<visitor_session>> open_visitor_session(context& ctx, visitor_session_request in,
                                                                     new_visitor_session s);
// The session of a token's hash and its workspace's widget settings.
struct found_visitor_session {
  std::optional<store::widget::session> session;
  std::optional<store::widget::settings> settings;
};
boost::asio::awaitable<result<found_visitor_session>> find_visitor_session(context& ctx, std::string token_hash);
// Stores a refreshed copy of the session under a new token's hash.
boost::asio::awaitable<result<store::id_t>> refresh_visitor_session(context& ctx, store::widget::session s,
                                                                    std::string token_hash);
boost::asio::awaitable<result<void>> revoke_visitor_session(context& ctx, store::id_t workspace_id,
                                                            store::id_t session_id);

}  // namespace switchboard::services
