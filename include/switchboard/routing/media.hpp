#pragma once
// Attachments as pure decisions: which content types are stored and served (an
// allow-list: images, audio, video, PDF, vCard; never HTML or SVG, which a
// browser would run), what a visitor may attach, the file name and disposition
// they are served with, which URLs get the carrier's credentials, and the
// signature of the expiring URLs a carrier fetches outbound MMS from.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::routing {

// The canonical type (lower case, parameters dropped) when it is on the allow-list.
std::optional<std::string> allowed_media_type(std::string_view declared);
// A widget visitor may attach images and PDFs only.
bool visitor_may_attach(std::string_view type);
// "png" for image/png: the extension a nameless file gets.
std::string media_extension(std::string_view type);
// A name safe in a Content-Disposition header and on a disk: letters, digits,
// '.', '-', '_' and spaces kept (others become '_'), at most 100 bytes, never
// starting with '.', and always the type's own extension (the client's is
// dropped); "attachment.<ext>" when nothing is left.
std::string safe_media_name(std::string_view name, std::string_view type);
// Images, audio and video are shown in place; PDFs and vCards are downloaded.
bool media_shown_inline(std::string_view type);
// `inline; filename="x.png"` or `attachment; filename="x.pdf"`.
std::string media_disposition(std::string_view type, std::string_view safe_name);

// Whether a carrier's media URL may be sent the account's credentials: the
// configured API base's origin (a SignalWire space, a fake on loopback in tests),
// or https on Twilio's own domain (*.twilio.com). Anything else is fetched
// without them, so a forged URL never learns the secret.
bool credentials_for_media_url(std::string_view url, std::string_view carrier, std::string_view api_base);

// The query a carrier uses to fetch an outbound attachment without a login:
// "workspace=<id>&expires=<unix>&signature=<hex HMAC-SHA256(key, workspace.id.expires)>".
std::string media_url_query(std::string_view key, std::int64_t workspace_id, std::int64_t media_id,
                            std::int64_t expires_unix);
// True when `signature` is the one for (workspace, id, expires) and `expires` is not past `now_unix`.
bool media_signature_valid(std::string_view key, std::int64_t workspace_id, std::int64_t media_id,
                           std::string_view expires, std::string_view signature, std::int64_t now_unix);

}  // namespace switchboard::routing
