// Login, logout, me, API keys, audit log.
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include "common.hpp"
#include "routes.hpp"
#include "switchboard/auth/password.hpp"
#include "switchboard/auth/permissions.hpp"
#include "switchboard/core/offload.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/core/validate.hpp"
#include "switchboard/services/auth.hpp"
#include "switchboard/services/teammates.hpp"

namespace switchboard::api {
namespace {

response rate_limited(long seconds) {
  auto r = response::error(429, "RATE_LIMITED",
                           "too many failed logins; retry in " + std::to_string(seconds) + " s");
  r.headers.add("Retry-After", std::to_string(seconds));
  return r;
}

// A valid Argon2id hash of a random password: verifying against it when the
// email is unknown costs the same time as a real check.
const std::string& dummy_hash() {
  static const std::string h = auth::hash_password(random_hex(16));
  return h;
}

struct login_request {
  std::string email;  // normalised when it is an address, else trimmed (and then unknown)
  std::string password;

  static result<login_request> from_json(const json& body) {
    auto email = opt_string(body, "email");
    auto password = opt_string(body, "password");
    if (!email) return email.err();
    if (!password) return password.err();
    if (!*email || !*password) return error{"MISSING_REQUIRED_FIELD", "email and password are required"};
    return login_request{normalize_email(**email).value_or(trim(**email)), **password};
  }
};

asio::awaitable<response> login(api_context& ctx, request& req) {
  auto in = read_body<login_request>(req);
  if (!in) co_return response::from(in.err());
  auto email = in->email;
  std::string password = in->password;

  // The attempt is reserved before anything is awaited, so concurrent
  // attempts cannot all reach the password check (issue 16 item 7).
  std::string email_key = email, ip_key = req.remote;
  long wait = ctx.logins.reserve(email_key, ip_key, ctx.now());
  if (wait > 0) co_return rate_limited(wait);

  auto found = co_await services::find_login_account(ctx, email);
  if (!found) {
    ctx.logins.abandoned(email_key, ip_key);
    co_return response::error(500, "INTERNAL", "login failed");
  }
  std::string hash = *found && !(*found)->password_hash.empty() ? (*found)->password_hash
                                                                 : dummy_hash();
  auto verify = [password, hash] { return auth::verify_password(password, hash); };
  auto ok = co_await offload(ctx.cpu, std::move(verify));
  bool valid = ok && *ok && *found && !(*found)->password_hash.empty();
  if (!valid) {
    auto waits = ctx.logins.failed(email_key, ip_key, ctx.now());
    if (waits.address_wait > 0)
      spdlog::warn("login: too many failures from {}; refusing it for {} s", ip_key, waits.address_wait);
    if (waits.account_wait > 0)
      spdlog::warn("login: too many failures for {}; delaying its logins by {} s", email_key, waits.account_wait);
    if (*found) {
      auto who = **found;
      auto ip = req.remote;
      co_await services::record_failed_login(ctx, who, ip);
    }
    co_return response::error(401, "INVALID_CREDENTIALS", "wrong email or password");
  }
  ctx.logins.succeeded(email_key, ip_key);

  auto t = **found;
  std::string token = "sbs_" + random_hex(32);
  auto at = ctx.now();
  auto created = format_rfc3339(at), expires = format_rfc3339(at + ctx.session_ttl);
  auto hash_tok = sha256_hex(token);
  auto ip = req.remote;
  auto w = co_await services::open_session(ctx, t, hash_tok, created, expires, ip);
  if (!w) co_return store_error(w.err());
  co_return response::json(200, {{"token", token}, {"expires_at", expires}, {"user", to_json(t)}});
}

asio::awaitable<response> logout(api_context& ctx, request& req, const principal& who) {
  if (who.via_api_key)
    co_return response::error(400, "INVALID_INPUT", "API keys are revoked, not logged out");
  auto token = std::string(req.headers.get("Authorization").value_or("").substr(7));
  auto hash = sha256_hex(token);
  auto w = co_await services::end_session(ctx, hash);
  if (!w) co_return store_error(w.err());
  // The session's sockets end with it (issue 16 item 8).
  if (*w) ctx.sockets.revoke_credential(who.workspace_id, "session:" + id_str(**w), "logged out");
  co_return response::json(200, {{"ok", true}});
}

asio::awaitable<response> me(api_context& ctx, request&, const principal& who) {
  auto p = who;
  auto t = co_await services::find_teammate(ctx, p.workspace_id, p.teammate_id);
  if (!t || !*t) co_return response::error(404, "NOT_FOUND", "teammate not found");
  auto j = to_json(**t);
  json perms = json::array();
  for (auto perm : auth::all_permissions())
    if (auth::allows(p.role, perm)) perms.push_back(perm);
  j["permissions"] = perms;
  co_return response::json(200, j);
}

struct create_api_key_request {
  std::string name;  // trimmed
  std::string scope;
  bool manage_keys = false;

  static result<create_api_key_request> from_json(const json& body) {
    create_api_key_request in;
    auto name = opt_string(body, "name");
    if (!name) return name.err();
    if (!*name || trim(**name).empty()) return error{"MISSING_REQUIRED_FIELD", "name is required"};
    in.name = trim(**name);
    // Issue 16 item 11: a key has its own scope, read-only unless asked otherwise.
    auto scope = opt_string(body, "scope");
    if (!scope) return scope.err();
    in.scope = scope->value_or("read");
    if (in.scope != "read" && in.scope != "write") return error{"INVALID_INPUT", "scope must be read or write"};
    if (auto it = body.find("manage_keys"); it != body.end() && !it->is_null()) {
      if (!it->is_boolean()) return error{"INVALID_FORMAT", "manage_keys must be true or false"};
      in.manage_keys = it->get<bool>();
    }
    // Minting and revoking keys are changes, which a read key may never make.
    if (in.manage_keys && in.scope == "read") return error{"INVALID_INPUT", "manage_keys needs scope write"};
    return in;
  }
};

asio::awaitable<response> create_api_key(api_context& ctx, request& req, const principal& who) {
  auto in = read_body<create_api_key_request>(req);
  if (!in) co_return response::from(in.err());
  std::string scope = in->scope;
  bool manage = in->manage_keys;
  // A key made with a key gets no more than that key has (require() already
  // refused a read key or one without manage_keys).
  if (who.via_api_key && scope == "write" && who.key_scope != "write")
    co_return response::error(403, "PERMISSION_DENIED", "a key cannot grant more than its own scope");
  std::string key = "sbk_" + random_hex(32);
  auto hash = sha256_hex(key);
  auto n = in->name;
  auto ip = req.remote;
  services::new_api_key k{n, hash, scope, manage};
  auto made = co_await services::create_api_key(ctx, who, k, ip);
  if (!made) co_return store_error(made.err());
  co_return response::json(201, {{"id", id_str(made->id)},
                                 {"name", n},
                                 {"key", key},
                                 {"scope", scope},
                                 {"manage_keys", manage},
                                 {"teammate_id", id_str(who.teammate_id)},
                                 {"created_at", made->created_at}});
}

asio::awaitable<response> list_api_keys(api_context& ctx, request&, const principal& who) {
  auto ws = who.workspace_id;
  auto rows = co_await services::list_api_keys(ctx, ws);
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& k : *rows)
    items.push_back({{"id", id_str(k.id)},
                     {"teammate_id", id_str(k.teammate_id)},
                     {"name", k.name},
                     {"scope", k.scope},
                     {"manage_keys", k.manage_keys},
                     {"created_at", k.created_at},
                     {"last_used_at", opt_str(k.last_used_at)},
                     {"revoked_at", opt_str(k.revoked_at)}});
  co_return page(items, std::nullopt);
}

asio::awaitable<response> revoke_api_key(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "API key not found");
  auto p = who;
  auto ip = req.remote;
  auto key_id = *id;
  // Refused when the key is unknown or revoked, or its teammate ranks above the caller.
  auto w = co_await services::revoke_api_key(ctx, p, key_id, ip);
  if (!w) co_return store_error(w.err());
  // After the commit: the key's open sockets close now (issue 16 item 8).
  ctx.sockets.revoke_credential(p.workspace_id, "api_key:" + id_str(key_id), "API key revoked");
  co_return response::json(200, {{"ok", true}});
}

asio::awaitable<response> audit_log(api_context& ctx, request& req, const principal& who) {
  auto q = parse_page(req);
  if (!q) co_return response::from(q.err());
  auto before = q->after;  // newest first: the page continues below the cursor
  auto ws = who.workspace_id;
  int n = q->limit;
  auto rows = co_await services::list_audit(ctx, ws, before, n);
  if (!rows) co_return store_error(rows.err());
  std::optional<std::string> next;
  if (static_cast<int>(rows->size()) == n)
    next = make_cursor(*parse_id(rows->back()["id"].get<std::string>()));
  co_return page(json(*rows), next);
}

}  // namespace

void add_auth_routes(http::router& r, api_context& ctx) {
  (void)dummy_hash();  // hash once at start-up, not on the first unknown email
  r.add("POST", "/api/v1/auth/login", [&ctx](request& q) { return login(ctx, q); });
  r.add("POST", "/api/v1/auth/logout", authenticated(ctx, logout));
  r.add("GET", "/api/v1/me", authenticated(ctx, me));
  r.add("GET", "/api/v1/api_keys", authorized(ctx, "api_keys.manage", list_api_keys));
  r.add("POST", "/api/v1/api_keys", authorized(ctx, "api_keys.manage", create_api_key));
  r.add("DELETE", "/api/v1/api_keys/{id}", authorized(ctx, "api_keys.manage", revoke_api_key));
  r.add("GET", "/api/v1/audit_log", authorized(ctx, "audit.read", audit_log));
}

}  // namespace switchboard::api
