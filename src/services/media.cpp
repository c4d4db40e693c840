#include "switchboard/services/media.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include <boost/url/parse.hpp>
#include <spdlog/spdlog.h>

#include "switchboard/core/encoding.hpp"
#include "switchboard/http/outbound.hpp"
#include "switchboard/media/files.hpp"
#include "switchboard/routing/media.hpp"
#include "switchboard/services/wire.hpp"

namespace switchboard::services {

namespace asio = boost::asio;
using json = nlohmann::json;
using store::id_t;

json media_json(const store::media_item& m) {
  return {{"id", id_str(m.id)}, {"content_type", m.content_type}, {"size", m.size}, {"name", m.name}};
}

json public_media(const json& media) {
  if (!media.is_array()) return json::array();
  json out = json::array();
  for (auto& item : media) {
    if (!item.is_object()) continue;
    json shown = item;
    shown.erase("url");  // a carrier's URL (with its account in the path) stays in the store
    shown.erase("carrier");
    out.push_back(std::move(shown));
  }
  return out;
}

namespace {

std::int64_t unix_now(const context& ctx) {
  return std::chrono::duration_cast<std::chrono::seconds>(ctx.now().time_since_epoch()).count();
}

asio::awaitable<result<store::media_item>> store_upload(context& ctx, id_t ws, std::optional<id_t> teammate,
                                                        std::optional<std::string> visitor, upload u) {
  if (u.bytes.empty()) co_return error{"INVALID_INPUT", "the upload is empty"};
  if (static_cast<std::int64_t>(u.bytes.size()) > ctx.media.max_bytes)
    co_return error{"PAYLOAD_TOO_LARGE", "an attachment may be at most " + std::to_string(ctx.media.max_bytes) +
                                             " bytes (media.max_bytes)"};
  auto type = routing::allowed_media_type(u.declared_type);
  if (!type || (visitor && !routing::visitor_may_attach(*type)))
    co_return error{"UNSUPPORTED_MEDIA_TYPE",
                    visitor ? "only images and PDF files can be attached"
                            : "this type of file can't be attached (images, audio, video, PDF and vCard can)"};
  if (!ctx.media_files) co_return error{"UNAVAILABLE", "attachments are not stored here"};
  if (visitor) {
    // Budgets checked before a byte is written (a race may pass one file over them).
    auto since = format_rfc3339(ctx.now() - std::chrono::hours(1));
    auto usage = [ws, visitor, since](store::unit_of_work& uow) {
      return std::make_pair(uow.media().unsent_of_visitor(ws, *visitor), uow.media().visitor_bytes_since(ws, since));
    };
    auto used = co_await ctx.db.read(std::move(usage));
    if (!used) co_return used.err();
    if (used->first >= ctx.media.visitor_unsent_max)
      co_return error{"RATE_LIMITED", "send or wait for the files already attached before adding more"};
    if (used->second + static_cast<std::int64_t>(u.bytes.size()) > ctx.media.visitor_bytes_per_hour)
      co_return error{"RATE_LIMITED", "too many files were sent to this workspace in the last hour; try again later"};
  }
  auto stored = co_await ctx.media_files->put(std::move(u.bytes));
  if (!stored) co_return stored.err();
  store::media_item m;
  m.workspace_id = ws;
  m.sha256 = stored->sha256;
  m.size = stored->size;
  m.content_type = *type;
  m.name = routing::safe_media_name(u.name, *type);
  m.teammate_id = teammate;
  m.visitor_id = visitor;
  m.created_at = now_text(ctx);
  auto* files = ctx.media_files;
  auto job = [m, files](store::unit_of_work& uow) {
    // An erasure may have removed the same bytes' file since put(): never a row without its file.
    if (!files->exists_now(m.sha256)) throw store::job_error("UNAVAILABLE", "the file was removed; upload it again");
    auto id = uow.media().add(m);
    return *uow.media().find(m.workspace_id, id);
  };
  co_return co_await ctx.db.write(std::move(job));
}

asio::awaitable<result<media_body>> with_bytes(context& ctx, result<std::optional<store::media_item>> found) {
  if (!found) co_return found.err();
  if (!*found) co_return error{"NOT_FOUND", "attachment not found"};
  if (!ctx.media_files) co_return error{"NOT_FOUND", "attachment not found"};
  auto bytes = co_await ctx.media_files->read((*found)->sha256);
  if (!bytes) co_return bytes.err();
  co_return media_body{std::move(**found), std::move(*bytes)};
}

}  // namespace

// Arguments named before the co_await: GCC 12 destroys temporaries made inside one twice.
asio::awaitable<result<store::media_item>> upload_by_teammate(context& ctx, store::principal who, upload u) {
  std::optional<id_t> teammate = who.teammate_id;
  std::optional<std::string> visitor;
  co_return co_await store_upload(ctx, who.workspace_id, std::move(teammate), std::move(visitor), std::move(u));
}

asio::awaitable<result<store::media_item>> upload_by_visitor(context& ctx, visitor_ref v, upload u) {
  std::optional<id_t> teammate;
  std::optional<std::string> visitor = v.visitor_id;
  co_return co_await store_upload(ctx, v.workspace_id, std::move(teammate), std::move(visitor), std::move(u));
}

json take_uploads(store::unit_of_work& uow, id_t ws, const std::vector<id_t>& ids,
                  const std::optional<std::string>& visitor_id) {
  if (ids.size() > 10) throw store::job_error("INVALID_INPUT", "a message carries at most 10 attachments");
  json out = json::array();
  std::vector<id_t> seen;
  for (auto id : ids) {
    if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
    seen.push_back(id);
    auto m = uow.media().find(ws, id);
    // A teammate sends their workspace's teammates' uploads; a visitor only their own.
    bool usable = m && !m->message_id && (visitor_id ? m->visitor_id == visitor_id : !m->visitor_id);
    if (!usable)
      throw store::job_error("INVALID_INPUT", "media_ids: " + std::to_string(id) + " is not an upload this message can carry");
    out.push_back(media_json(*m));
  }
  return out;
}

void attach_uploads(store::unit_of_work& uow, id_t ws, const std::vector<id_t>& ids, id_t conversation_id,
                    id_t message_id) {
  if (!ids.empty()) uow.media().attach(ws, ids, conversation_id, message_id);
}

asio::awaitable<result<media_body>> media_for_teammate(context& ctx, id_t ws, id_t media_id) {
  // Named, not a temporary in the co_await (GCC 12 destroys such temporaries twice).
  auto job = [ws, media_id](store::unit_of_work& uow) { return uow.media().find(ws, media_id); };
  auto found = co_await ctx.db.read(std::move(job));
  co_return co_await with_bytes(ctx, std::move(found));
}

asio::awaitable<result<media_body>> media_for_visitor(context& ctx, visitor_ref v, id_t media_id) {
  auto job = [v, media_id](store::unit_of_work& uow) -> std::optional<store::media_item> {
    auto m = uow.media().find(v.workspace_id, media_id);
    if (!m) return std::nullopt;
    if (!m->message_id) {  // their own upload, not sent yet
      if (m->visitor_id == v.visitor_id) return m;
      return std::nullopt;
    }
    // An attachment of a public item in a conversation the visitor may see.
    auto msg = uow.messages().find(v.workspace_id, *m->message_id);
    if (!msg || msg->is_private) return std::nullopt;
    auto c = uow.conversations().find(v.workspace_id, msg->conversation_id);
    if (!c || !visitor_may_see(uow, v, *c)) return std::nullopt;
    return m;
  };
  auto found = co_await ctx.db.read(std::move(job));
  co_return co_await with_bytes(ctx, std::move(found));
}

asio::awaitable<result<media_body>> media_for_signed_url(context& ctx, id_t ws, id_t media_id, std::string expires,
                                                         std::string signature) {
  if (!routing::media_signature_valid(ctx.media.url_key, ws, media_id, expires, signature, unix_now(ctx)))
    co_return error{"NOT_AUTHORIZED", "this link is not valid or has expired"};
  // Named, not a temporary in the co_await (GCC 12 destroys such temporaries twice).
  auto job = [ws, media_id](store::unit_of_work& uow) { return uow.media().find(ws, media_id); };
  auto found = co_await ctx.db.read(std::move(job));
  co_return co_await with_bytes(ctx, std::move(found));
}

std::string signed_media_url(const context& ctx, id_t ws, id_t media_id) {
  auto expires = unix_now(ctx) + ctx.media.url_ttl.count();
  return ctx.carriers.public_url + "/api/v1/media/" + std::to_string(media_id) + "?" +
         routing::media_url_query(ctx.media.url_key, ws, media_id, expires);
}

asio::awaitable<result<std::vector<shared_media>>> signed_uploads(context& ctx, id_t ws, std::vector<id_t> ids) {
  if (ids.size() > 10) co_return error{"INVALID_INPUT", "a message carries at most 10 attachments"};
  auto job = [ws, ids](store::unit_of_work& uow) -> result<std::vector<store::media_item>> {
    std::vector<store::media_item> out;
    for (auto id : ids) {
      auto m = uow.media().find(ws, id);
      // Only a teammate's upload not sent yet: never a note's file or a visitor's.
      if (!m || m->message_id || m->visitor_id)
        return error{"INVALID_INPUT", "media_ids: " + std::to_string(id) + " is not an unsent upload"};
      out.push_back(std::move(*m));
    }
    return out;
  };
  auto rows = co_await ctx.db.read(std::move(job));
  if (!rows) co_return rows.err();
  if (!*rows) co_return rows->err();
  std::vector<shared_media> out;
  for (auto& m : **rows) out.push_back({signed_media_url(ctx, ws, m.id), m.content_type});
  co_return out;
}

namespace {

// A signed URL of our own (the simulator's MMS): read from the store, not over the network.
asio::awaitable<std::optional<std::string>> own_media(context& ctx, const std::string& url) {
  auto prefix = ctx.carriers.public_url + "/api/v1/media/";
  auto u = boost::urls::parse_uri(url);
  if (!u || url.rfind(prefix, 0) != 0) co_return std::nullopt;
  auto id = std::strtoll(url.c_str() + prefix.size(), nullptr, 10);
  auto params = u->params();
  auto param = [&](const char* key) {
    auto it = params.find(key);
    return it == params.end() ? std::string() : std::string((*it).value);
  };
  auto expires = param("expires");
  auto signature = param("signature");
  auto workspace = std::strtoll(param("workspace").c_str(), nullptr, 10);
  if (id <= 0 || workspace <= 0) co_return std::nullopt;
  auto m = co_await media_for_signed_url(ctx, workspace, id, expires, signature);
  if (!m) co_return std::nullopt;
  co_return std::move(m->bytes);
}

struct download {
  std::optional<std::string> bytes;
  std::string content_type;  // the answer's Content-Type
  bool transient = false;    // worth another try
  std::string why;
};

// The carrier's credentials for a media URL, when routing allows sending them there.
std::optional<std::string> basic_auth_for(const context& ctx, const std::string& url, const std::string& carrier) {
  const auto& cs = ctx.carriers;
  bool tw = carrier == "twilio";
  auto base = tw ? cs.twilio_api_base : cs.signalwire_api_base;
  if (!routing::credentials_for_media_url(url, carrier, base)) return std::nullopt;
  auto account = tw ? cs.twilio_account_sid : cs.signalwire_project_id;
  auto secret = tw ? cs.twilio_auth_token : cs.signalwire_api_token;
  if (account.empty()) return std::nullopt;
  return "Basic " + base64(account + ":" + secret);
}

asio::awaitable<download> fetch_one(context& ctx, http::outbound_client& client, std::string url,
                                    const std::string& carrier) {
  download d;
  if (carrier == "sandbox") {
    if (auto own = co_await own_media(ctx, url)) {
      d.bytes = std::move(*own);
      co_return d;
    }
    d.why = "not a file of this server";
    co_return d;
  }
  // Twilio answers a media URL with a redirect to its CDN; credentials go only where routing allows.
  for (int hop = 0; hop < 4; ++hop) {
    http::outbound_request req;
    req.method = "GET";
    req.url = url;
    req.max_body = static_cast<std::size_t>(ctx.media.max_bytes);
    req.timeout = std::chrono::seconds(30);
    if (auto auth = basic_auth_for(ctx, url, carrier)) req.headers.push_back({"Authorization", *auth});
    auto answer = co_await client.request(req);
    if (!answer) {
      d.transient = answer.err().code == "UNAVAILABLE";
      d.why = answer.err().code == "PAYLOAD_TOO_LARGE"
                  ? "larger than media.max_bytes (" + std::to_string(ctx.media.max_bytes) + " bytes)"
                  : answer.err().message;
      co_return d;
    }
    if (answer->status >= 300 && answer->status < 400) {
      auto location = answer->header("Location");
      if (location.empty()) break;
      if (location.front() == '/') {  // relative to the origin
        auto scheme_end = url.find("://");
        auto path_start = scheme_end == std::string::npos ? std::string::npos : url.find('/', scheme_end + 3);
        location = url.substr(0, path_start) + location;
      }
      url = location;
      continue;
    }
    if (answer->status >= 200 && answer->status < 300) {
      d.bytes = std::move(answer->body);
      d.content_type = answer->header("Content-Type");
      co_return d;
    }
    d.transient = answer->status == 429 || answer->status >= 500;
    d.why = "the carrier answered HTTP " + std::to_string(answer->status);
    co_return d;
  }
  d.why = "too many redirects";
  co_return d;
}

}  // namespace

asio::awaitable<media_fetch_outcome> fetch_inbound_media(context& ctx, http::outbound_client& client, id_t ws,
                                                         id_t message_id, bool last_attempt) {
  media_fetch_outcome out;
  auto read_message = [ws, message_id](store::unit_of_work& uow) { return uow.messages().find(ws, message_id); };
  auto found = co_await ctx.db.read(std::move(read_message));
  if (!found) co_return media_fetch_outcome{true, found.err().message};
  if (!*found || !(*found)->media.is_array()) co_return out;  // erased since: nothing to fetch
  auto message = std::move(**found);
  json media = message.media;

  struct stored_at {
    std::size_t index;
    store::media_item row;
    std::string url, carrier;  // the carrier's copy, deleted once ours is committed (if asked)
  };
  std::vector<stored_at> stored;
  bool changed = false;
  for (std::size_t i = 0; i < media.size(); ++i) {
    auto& item = media[i];
    if (!item.is_object() || !item.value("pending", false)) continue;
    auto url = item.value("url", std::string());
    auto carrier = item.value("carrier", std::string());
    auto declared = item.value("content_type", std::string());
    auto type = routing::allowed_media_type(declared);
    auto refuse = [&](const std::string& why) {
      item = json{{"content_type", declared}, {"error", why}};
      changed = true;
    };
    if (!type) {
      refuse("this type of file is not accepted");
      continue;
    }
    auto d = co_await fetch_one(ctx, client, url, carrier);
    if (!d.bytes) {
      if (d.transient && !last_attempt) {
        out.retry = true;
        out.error = d.why;
        continue;
      }
      refuse("could not be downloaded: " + d.why);
      continue;
    }
    if (d.bytes->empty()) {
      refuse("the carrier sent an empty file");
      continue;
    }
    if (!ctx.media_files) co_return media_fetch_outcome{true, "attachments are not stored here"};
    auto file = co_await ctx.media_files->put(std::move(*d.bytes));
    if (!file) {
      if (last_attempt) {  // the disk keeps failing: say so rather than try for ever
        refuse("could not be stored: " + file.err().message);
        continue;
      }
      out.retry = true;
      out.error = file.err().message;
      continue;
    }
    store::media_item row;
    row.workspace_id = ws;
    row.sha256 = file->sha256;
    row.size = file->size;
    row.content_type = *type;
    row.name = routing::safe_media_name("mms-" + std::to_string(i + 1), *type);
    row.conversation_id = message.conversation_id;
    row.message_id = message_id;
    row.created_at = now_text(ctx);
    stored.push_back({i, std::move(row), url, carrier});
    changed = true;
  }
  if (!changed) co_return out;
  auto* files = ctx.media_files;
  struct saved_items {
    std::optional<store::message> message;
    std::vector<std::size_t> kept;  // indexes into `stored` whose rows were written
  };
  auto conversation_id = message.conversation_id;
  auto external_id = message.external_id;
  auto job = [ws, message_id, conversation_id, external_id, media, stored, files](store::unit_of_work& uow) {
    saved_items out;
    // Erased meanwhile, or its id taken by a newer message since: this download is nobody's.
    auto now_there = uow.messages().find(ws, message_id);
    if (!now_there || now_there->conversation_id != conversation_id || now_there->external_id != external_id) {
      // Erased while downloading: the files just stored belong to nobody; none may outlive the erasure.
      for (auto& s : stored)
        if (files && !uow.media().file_in_use(s.row.sha256)) files->remove_now(s.row.sha256);
      return out;
    }
    json list = media;
    for (std::size_t k = 0; k < stored.size(); ++k) {
      auto& s = stored[k];
      if (!files || !files->exists_now(s.row.sha256)) continue;  // removed meanwhile: stays pending, fetched again
      auto row = s.row;
      row.id = uow.media().add(row);
      list[s.index] = media_json(row);
      out.kept.push_back(k);
    }
    uow.media().set_message_media(ws, message_id, list);
    out.message = uow.messages().find(ws, message_id);
    return out;
  };
  auto saved = co_await ctx.db.write(std::move(job));
  if (!saved) co_return media_fetch_outcome{true, saved.err().message};
  if (saved->message) ctx.hub.publish(ws, agents_topic, "message.updated", to_json(*saved->message));
  if (saved->message && saved->kept.size() < stored.size()) {
    out.retry = true;
    out.error = "a stored file was removed before its row was written";
  }
  // Optional: the carrier's copy goes once ours is committed (Twilio keeps media until deleted).
  if (ctx.media.delete_after_download) {
    for (auto k : saved->kept) {
      const auto& url = stored[k].url;
      const auto& carrier = stored[k].carrier;
      if (carrier != "twilio") continue;
      auto auth = basic_auth_for(ctx, url, carrier);
      if (!auth) continue;
      http::outbound_request del;
      del.method = "DELETE";
      del.url = url;
      del.headers.push_back({"Authorization", *auth});
      auto answer = co_await client.request(del);
      if (!answer || answer->status >= 300)
        spdlog::warn("media: could not delete the carrier's copy of an MMS of message {}: {}", message_id,
                     answer ? "HTTP " + std::to_string(answer->status) : answer.err().message);
    }
  }
  co_return out;
}

}  // namespace switchboard::services
