#pragma once
// Attachments (issue 18): uploads by teammates and widget visitors, the files
// carriers deliver with an MMS (downloaded by the outbox dispatcher), and who may
// read them. The bytes live in media::file_store; rows in the media repository.
// A message's `media` JSON lists {id, content_type, size, name}; an inbound MMS
// item still being downloaded is {pending: true, content_type} (its carrier URL is
// kept in the store, never shown), one that could not be stored says why in `error`.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/services/widget_chat.hpp"
#include "switchboard/store/models.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::http {
class outbound_client;
}

namespace switchboard::services {

// {id, content_type, size, name}
nlohmann::json media_json(const store::media_item& m);
// A message's media as clients see it: carrier URLs and internal fields left out.
nlohmann::json public_media(const nlohmann::json& media);

struct upload {
  std::string bytes;
  std::string declared_type;  // the request's Content-Type
  std::string name;           // ?name=, as the client called the file
};
// Stores an upload that a message will carry (unattached until then). Errors:
// UNSUPPORTED_MEDIA_TYPE (not on the allow-list; a visitor: images and PDFs only),
// PAYLOAD_TOO_LARGE (over media.max_bytes), INVALID_INPUT (empty), UNAVAILABLE (disk).
boost::asio::awaitable<result<store::media_item>> upload_by_teammate(context& ctx, store::principal who, upload u);
boost::asio::awaitable<result<store::media_item>> upload_by_visitor(context& ctx, visitor_ref v, upload u);

// Inside a write job, before the message is inserted: the media JSON of uploads a
// new message will carry. A teammate's message takes uploads of the workspace's
// teammates; a visitor's only their own (visitor_id). Each upload is sent once.
// Throws job_error INVALID_INPUT naming the id.
nlohmann::json take_uploads(store::unit_of_work& uow, store::id_t workspace_id, const std::vector<store::id_t>& ids,
                            const std::optional<std::string>& visitor_id);
// After the insert: ties them to the message.
void attach_uploads(store::unit_of_work& uow, store::id_t workspace_id, const std::vector<store::id_t>& ids,
                    store::id_t conversation_id, store::id_t message_id);

// An attachment's row and bytes, for the one who asked. NOT_FOUND when it does not
// exist or the asker may not see it (never "forbidden": ids are not confirmed).
struct media_body {
  store::media_item item;
  std::string bytes;
};
boost::asio::awaitable<result<media_body>> media_for_teammate(context& ctx, store::id_t workspace_id,
                                                              store::id_t media_id);
// A visitor: media of public items in conversations they may see, and their own uploads.
boost::asio::awaitable<result<media_body>> media_for_visitor(context& ctx, visitor_ref v, store::id_t media_id);
// A carrier fetching an outbound MMS: the URL's signature and expiry (NOT_AUTHORIZED when wrong or past).
boost::asio::awaitable<result<media_body>> media_for_signed_url(context& ctx, store::id_t workspace_id,
                                                                store::id_t media_id, std::string expires,
                                                                std::string signature);
// The signed, expiring URL under public_url a carrier fetches an attachment from.
std::string signed_media_url(const context& ctx, store::id_t workspace_id, store::id_t media_id);
// The simulator's phone sending uploads as an MMS: their signed URLs and types.
// INVALID_INPUT when an id is no upload of the workspace.
struct shared_media {
  std::string url, content_type;
};
boost::asio::awaitable<result<std::vector<shared_media>>> signed_uploads(context& ctx, store::id_t workspace_id,
                                                                          std::vector<store::id_t> ids);

// The outbox's media.fetch job: downloads an inbound MMS's pending items (HTTP
// Basic auth with the carrier's credentials where routing::credentials_for_media_url
// allows), within media.max_bytes and the allow-list, stores them, and marks the
// message complete. `retry`: a transient failure (network, 5xx); the row is tried again.
struct media_fetch_outcome {
  bool retry = false;
  std::string error;  // why, for the outbox row
};
boost::asio::awaitable<media_fetch_outcome> fetch_inbound_media(context& ctx, http::outbound_client& client,
                                                                store::id_t workspace_id, store::id_t message_id,
                                                                bool last_attempt);
inline constexpr const char* media_fetch_kind = "media.fetch";

}  // namespace switchboard::services
