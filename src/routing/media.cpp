#include "switchboard/routing/media.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include <boost/url/parse.hpp>

#include "switchboard/core/digest.hpp"

namespace switchboard::routing {

namespace {

struct type_entry {
  std::string_view type, extension;
};
// What carriers deliver as MMS (Twilio's accepted types) and what an inbox needs;
// SVG and HTML are left out on purpose: served from our origin they would run script.
constexpr std::array<type_entry, 22> allowed_types{{
    {"image/jpeg", "jpg"},      {"image/png", "png"},        {"image/gif", "gif"},
    {"image/webp", "webp"},     {"image/bmp", "bmp"},        {"image/heic", "heic"},
    {"audio/mpeg", "mp3"},      {"audio/mp4", "m4a"},        {"audio/ogg", "ogg"},
    {"audio/amr", "amr"},       {"audio/wav", "wav"},        {"audio/webm", "weba"},
    {"audio/3gpp", "3gp"},      {"video/mp4", "mp4"},        {"video/3gpp", "3gp"},
    {"video/quicktime", "mov"}, {"video/webm", "webm"},      {"video/mpeg", "mpeg"},
    {"application/pdf", "pdf"}, {"text/vcard", "vcf"},       {"text/x-vcard", "vcf"},
    {"image/jpg", "jpg"},
}};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& ch : out)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

}  // namespace

std::optional<std::string> allowed_media_type(std::string_view declared) {
  auto type = lower(trim(declared.substr(0, declared.find(';'))));
  if (type == "image/jpg") type = "image/jpeg";  // a common misspelling carriers pass on
  for (auto& e : allowed_types)
    if (e.type == type) return type;
  return std::nullopt;
}

bool visitor_may_attach(std::string_view type) {
  return type.substr(0, 6) == "image/" || type == "application/pdf";
}

std::string media_extension(std::string_view type) {
  for (auto& e : allowed_types)
    if (e.type == type) return std::string(e.extension);
  return "bin";
}

std::string safe_media_name(std::string_view name, std::string_view type) {
  // Only the last path component of whatever the client called it.
  if (auto slash = name.find_last_of("/\\"); slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string out;
  for (unsigned char ch : name) {
    if (out.size() >= 100) break;
    bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                ch == '-' || ch == '_' || ch == ' ';
    out.push_back(keep ? static_cast<char>(ch) : '_');
  }
  while (!out.empty() && (out.front() == '.' || out.front() == ' ')) out.erase(out.begin());
  while (!out.empty() && out.back() == ' ') out.pop_back();
  // The type decides the extension, never the client: "invoice.hta" sent as a PDF
  // is saved as invoice.pdf, so no download runs as something else.
  auto ext = media_extension(type);
  if (auto dot = out.rfind('.'); dot != std::string::npos) out.resize(dot);
  while (!out.empty() && (out.back() == ' ' || out.back() == '.')) out.pop_back();
  bool only_underscores = std::all_of(out.begin(), out.end(), [](char ch) { return ch == '_' || ch == '.'; });
  if (out.empty() || only_underscores) return "attachment." + ext;
  if (out.size() > 100 - ext.size() - 1) out.resize(100 - ext.size() - 1);
  return out + "." + ext;
}

bool media_shown_inline(std::string_view type) {
  return type.substr(0, 6) == "image/" || type.substr(0, 6) == "audio/" || type.substr(0, 6) == "video/";
}

std::string media_disposition(std::string_view type, std::string_view safe_name) {
  return std::string(media_shown_inline(type) ? "inline" : "attachment") + "; filename=\"" + std::string(safe_name) +
         "\"";
}

bool credentials_for_media_url(std::string_view url, std::string_view carrier, std::string_view api_base) {
  auto u = boost::urls::parse_uri(url);
  if (!u) return false;
  auto scheme = lower(u->scheme());
  auto host = lower(u->host());
  auto port = std::string(u->port());
  if (!api_base.empty()) {
    if (auto b = boost::urls::parse_uri(api_base)) {
      if (lower(b->scheme()) == scheme && lower(b->host()) == host && std::string(b->port()) == port) return true;
    }
  }
  if (scheme != "https" || !port.empty()) return false;
  // SignalWire's media lives on the project's own space (its api_base); another
  // space under signalwire.com is someone else's.
  if (carrier == "twilio") return host == "api.twilio.com" || ends_with(host, ".twilio.com");
  return false;
}

std::string media_url_query(std::string_view key, std::int64_t workspace_id, std::int64_t media_id,
                            std::int64_t expires_unix) {
  auto signed_text = std::to_string(workspace_id) + "." + std::to_string(media_id) + "." + std::to_string(expires_unix);
  return "workspace=" + std::to_string(workspace_id) + "&expires=" + std::to_string(expires_unix) +
         "&signature=" + hex(hmac_sha256(key, signed_text));
}

bool media_signature_valid(std::string_view key, std::int64_t workspace_id, std::int64_t media_id,
                           std::string_view expires, std::string_view signature, std::int64_t now_unix) {
  std::int64_t at = 0;
  auto [end, ec] = std::from_chars(expires.data(), expires.data() + expires.size(), at);
  if (ec != std::errc() || end != expires.data() + expires.size() || expires.empty()) return false;
  if (at < now_unix || key.empty()) return false;
  auto expected =
      hex(hmac_sha256(key, std::to_string(workspace_id) + "." + std::to_string(media_id) + "." + std::string(expires)));
  return equal_constant_time(expected, signature);
}

}  // namespace switchboard::routing
