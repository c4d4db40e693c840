#include "switchboard/core/config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "switchboard/core/net_address.hpp"

extern char** environ;

namespace switchboard {
namespace {

using json = nlohmann::json;

// auto_boolean: true, false or "auto"; number: any JSON number within [min, max].
enum class kind { string, boolean, integer, number, string_list, auto_boolean };

struct key_spec {
  std::string key;
  kind type;
  json default_value;
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::vector<std::string> one_of = {};
};

const std::vector<key_spec>& specs() {
  static const std::vector<key_spec> all = {
      {"listen", kind::string, "127.0.0.1:8080"},
      {"public_url", kind::string, "http://127.0.0.1:8080"},
      {"data_dir", kind::string, "./var"},
      {"log.level", kind::string, "info", 0, 0, {"trace", "debug", "info", "warn", "error", "off"}},
      {"log.format", kind::string, "text", 0, 0, {"text", "json"}},
      {"log.access", kind::boolean, true},
      {"http.header_limit", kind::integer, 16384, 1024, 1 << 20},
      {"http.body_limit", kind::integer, 65536, 0, 1LL << 30},
      {"http.read_timeout_ms", kind::integer, 10000, 10, 3'600'000},
      {"http.idle_timeout_ms", kind::integer, 60000, 10, 3'600'000},
      {"http.write_timeout_ms", kind::integer, 10000, 10, 3'600'000},
      {"http.max_connections", kind::integer, 10000, 1, 1'000'000},
      {"http.shutdown_timeout_ms", kind::integer, 10000, 0, 3'600'000},
      {"http.first_byte_timeout_ms", kind::integer, 10000, 10, 3'600'000},
      {"http.max_connections_per_ip", kind::integer, 256, 1, 1'000'000},
      {"http.max_header_fields", kind::integer, 100, 1, 10'000},
      {"http.trusted_proxies", kind::string_list, json::array()},
      {"store.max_batch", kind::integer, 1024, 1, 1'000'000},
      {"store.busy_timeout_ms", kind::integer, 5000, 0, 600'000},
      {"store.read_connections", kind::integer, 2, 1, 64},
      {"store.mmap_size_mb", kind::integer, 4096, 0, 1'048'576},
      // Issue 19: several instances on one PostgreSQL instead of the embedded SQLite file.
      {"store.backend", kind::string, "sqlite", 0, 0, {"sqlite", "postgres"}},
      {"store.postgres.url", kind::string, ""},
      {"store.postgres.pool_size", kind::integer, 4, 1, 256},
      {"auth.session_ttl_hours", kind::integer, 720, 1, 87600},
      {"auth.login_max_failures", kind::integer, 5, 1, 1000},
      {"auth.login_address_block_max_seconds", kind::integer, 900, 1, 86400},
      {"auth.login_account_delay_max_seconds", kind::integer, 60, 1, 86400},
      {"carriers.sandbox.enabled", kind::auto_boolean, "auto"},
      {"carriers.sandbox.requests_per_minute", kind::integer, 300, 1, 1'000'000},
      {"carriers.sms_per_second_per_number", kind::integer, 1, 1, 1000},
      {"carriers.twilio.account_sid", kind::string, ""},
      {"carriers.twilio.auth_token", kind::string, ""},
      {"carriers.twilio.api_base", kind::string, "https://api.twilio.com"},
      {"carriers.twilio.delete_media_after_download", kind::boolean, false},
      {"media.max_bytes", kind::integer, 5'242'880, 1024, 100LL * 1024 * 1024},
      {"media.visitor_bytes_per_hour", kind::integer, 268'435'456, 1024, 1LL << 40},
      {"carriers.signalwire.project_id", kind::string, ""},
      {"carriers.signalwire.api_token", kind::string, ""},
      {"carriers.signalwire.signing_key", kind::string, ""},
      {"carriers.signalwire.api_base", kind::string, ""},
      {"routing.sticky_idle_hours", kind::integer, 24, 1, 8760},
      {"routing.after_resolved", kind::string, "reopen", 0, 0, {"reopen", "new"}},
      {"texting.opt_out_reply", kind::string,
       "You are unsubscribed from {business} texts and will get no more. Reply START to resubscribe."},
      {"texting.opt_in_reply", kind::string, "You are resubscribed to {business} texts. Reply STOP to unsubscribe."},
      {"texting.help_reply", kind::string,
       "{business}: reply to this text to reach a person. Reply STOP to unsubscribe."},
      // The countries whose national formats carriers/phone.cpp reads (issue 16 item 20).
      {"workspace.default_country", kind::string, "US", 0, 0, {"US", "CA", "GB", "IE", "DE", "FR", "NL", "AU", "NZ"}},
      {"widget.token_ttl_hours", kind::integer, 24, 0, 87600},
      {"widget.secret_grace_hours", kind::integer, 24, 0, 8760},
      {"widget.messages_per_minute", kind::integer, 20, 1, 1'000'000},
      {"widget.requests_per_minute_per_ip", kind::integer, 300, 1, 1'000'000},
      {"widget.max_message_chars", kind::integer, 4000, 1, 16384},
      {"widget.anonymous_retention_days", kind::integer, 30, 1, 3650},
      {"teams.app_id", kind::string, ""},
      {"teams.app_password", kind::string, ""},
      {"teams.tenant_id", kind::string, ""},
      {"teams.openid_metadata_url", kind::string,
       "https://login.botframework.com/v1/.well-known/openidconfiguration"},
      {"teams.token_url", kind::string,
       "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"},
      // Issue 20: the answer bot's defaults for every workspace (its admins change them in
      // the app), and the language model it may ask (installation-wide: a secret).
      {"answer_bot.enabled", kind::boolean, false},
      {"answer_bot.threshold", kind::number, 0.5, 0, 1},
      {"answer_bot.channels", kind::string_list, json::array({"widget"})},
      {"answer_bot.business_hours", kind::string, "always", 0, 0, {"always", "outside"}},
      {"answer_bot.handoff_message", kind::string,
       "Thanks! I'm passing you to the team; someone will reply here as soon as they can."},
      {"answer_bot.llm.url", kind::string, ""},
      {"answer_bot.llm.model", kind::string, ""},
      {"answer_bot.llm.api_key", kind::string, ""},
      {"answer_bot.llm.timeout_ms", kind::integer, 10000, 100, 120'000},
      {"webhooks.allow_private_targets", kind::boolean, false},
      // GET /metrics: with a token, only `Authorization: Bearer <token>` reads it.
      {"metrics.token", kind::string, ""},
      {"bootstrap.admin_email", kind::string, "admin@switchboard.local"},
      {"bootstrap.admin_password", kind::string, ""},
      {"bootstrap.workspace_name", kind::string, "Demo workspace"},
  };
  return all;
}

error bad(const std::string& key, const std::string& what) {
  return {"INVALID_CONFIG", key + ": " + what};
}

// Flattens nested objects into dotted keys; a non-object leaf is a value.
void flatten(const json& j, const std::string& prefix, std::map<std::string, json>& out) {
  for (auto& [k, v] : j.items()) {
    std::string key = prefix.empty() ? k : prefix + "." + k;
    if (v.is_object())
      flatten(v, key, out);
    else
      out[key] = v;
  }
}

const key_spec* find_spec(const std::string& key) {
  for (auto& s : specs())
    if (s.key == key) return &s;
  return nullptr;
}

// Checks a JSON value against its key's type and bounds.
std::optional<error> check(const key_spec& s, const json& v) {
  switch (s.type) {
    case kind::string:
      if (!v.is_string()) return bad(s.key, "must be a string");
      if (!s.one_of.empty()) {
        auto str = v.get<std::string>();
        bool found = false;
        std::string list;
        for (auto& o : s.one_of) {
          found = found || o == str;
          list += (list.empty() ? "" : ", ") + o;
        }
        if (!found) return bad(s.key, "must be one of " + list + " (got \"" + str + "\")");
      }
      return std::nullopt;
    case kind::boolean:
      if (!v.is_boolean()) return bad(s.key, "must be true or false");
      return std::nullopt;
    case kind::auto_boolean:
      if (!v.is_boolean() && v != "auto" && v != "true" && v != "false")
        return bad(s.key, "must be true, false or \"auto\"");
      return std::nullopt;
    case kind::integer:
      if (!v.is_number_integer()) return bad(s.key, "must be an integer");
      if (v.get<std::int64_t>() < s.min || v.get<std::int64_t>() > s.max)
        return bad(s.key, "must be between " + std::to_string(s.min) + " and " +
                              std::to_string(s.max));
      return std::nullopt;
    case kind::number:
      if (!v.is_number() || !std::isfinite(v.get<double>())) return bad(s.key, "must be a number");
      if (v.get<double>() < static_cast<double>(s.min) || v.get<double>() > static_cast<double>(s.max))
        return bad(s.key, "must be between " + std::to_string(s.min) + " and " + std::to_string(s.max));
      return std::nullopt;
    case kind::string_list:
      if (!v.is_array()) return bad(s.key, "must be a list of strings");
      for (auto& item : v)
        if (!item.is_string()) return bad(s.key, "must be a list of strings");
      return std::nullopt;
  }
  return std::nullopt;
}

// Environment values are text; convert them by the key's type.
result<json> parse_env_value(const key_spec& s, const std::string& text) {
  switch (s.type) {
    case kind::string:
      return json(text);
    case kind::boolean:
      if (text == "true" || text == "1") return json(true);
      if (text == "false" || text == "0") return json(false);
      return bad(s.key, "must be true or false (from " + env_name(s.key) + ")");
    case kind::auto_boolean:
      if (text == "true" || text == "1") return json(true);
      if (text == "false" || text == "0") return json(false);
      if (text == "auto") return json("auto");
      return bad(s.key, "must be true, false or auto (from " + env_name(s.key) + ")");
    case kind::integer: {
      std::int64_t n = 0;
      std::size_t used = 0;
      try {
        n = std::stoll(text, &used);
      } catch (...) {
        used = 0;
      }
      if (used == 0 || used != text.size())
        return bad(s.key, "must be an integer (from " + env_name(s.key) + ")");
      return json(n);
    }
    case kind::number: {
      double n = 0;
      std::size_t used = 0;
      try {
        n = std::stod(text, &used);
      } catch (...) {
        used = 0;
      }
      if (used == 0 || used != text.size()) return bad(s.key, "must be a number (from " + env_name(s.key) + ")");
      return json(n);
    }
    case kind::string_list: {
      // Comma-separated; spaces around items are ignored, an empty variable is an empty list.
      json list = json::array();
      std::size_t start = 0;
      while (start <= text.size()) {
        auto comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        auto item = text.substr(start, comma - start);
        auto first = item.find_first_not_of(" \t");
        if (first != std::string::npos)
          list.push_back(item.substr(first, item.find_last_not_of(" \t") - first + 1));
        start = comma + 1;
      }
      return list;
    }
  }
  return bad(s.key, "unsupported type");
}

result<std::pair<std::string, std::uint16_t>> parse_listen(const std::string& v) {
  auto colon = v.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == v.size())
    return bad("listen", "must be HOST:PORT (got \"" + v + "\")");
  std::string host = v.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  std::string port_text = v.substr(colon + 1);
  unsigned long port = 0;
  for (char c : port_text) {
    if (c < '0' || c > '9' || port > 65535)
      return bad("listen", "port must be a number 0-65535 (got \"" + v + "\")");
    port = port * 10 + static_cast<unsigned long>(c - '0');
  }
  if (port > 65535) return bad("listen", "port must be a number 0-65535 (got \"" + v + "\")");
  return std::make_pair(host, static_cast<std::uint16_t>(port));
}

bool is_http_url(const std::string& v) {
  return (v.rfind("http://", 0) == 0 && v.size() > 7) ||
         (v.rfind("https://", 0) == 0 && v.size() > 8);
}

}  // namespace

std::string listen_url(const std::string& host, std::uint16_t port) {
  // A wildcard address is not somewhere a browser can go: name this machine's loopback.
  std::string h = host == "0.0.0.0" ? "127.0.0.1" : host == "::" ? "::1" : host;
  bool v6 = h.find(':') != std::string::npos;
  // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on "http://" + h.
  std::string url = "http://";
  if (v6) url += '[';
  url += h;
  if (v6) url += ']';
  url += ':';
  url += std::to_string(port);
  return url;
}

std::string env_name(const std::string& key) {
  std::string out = "SWITCHBOARD_";
  for (char c : key) {
    out.push_back(c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

env_map process_env() {
  env_map out;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    auto name = entry.substr(0, eq);
    if (name.rfind("SWITCHBOARD_", 0) == 0) out[name] = entry.substr(eq + 1);
  }
  return out;
}

json default_config_json() {
  json out = json::object();
  for (auto& s : specs()) out[json::json_pointer("/" + [&] {
                                std::string p = s.key;
                                for (auto& c : p)
                                  if (c == '.') c = '/';
                                return p;
                              }())] = s.default_value;
  return out;
}

result<config> load_config(const config_flags& flags, const env_map& env) {
  std::map<std::string, json> values;
  for (auto& s : specs()) values[s.key] = s.default_value;
  // Unless the file or the environment names it, public_url follows listen (issue 16 item 19).
  bool public_url_given = false;

  if (flags.config_file) {
    std::ifstream in(*flags.config_file);
    if (!in) return error{"INVALID_CONFIG", "config file " + *flags.config_file + ": cannot be read"};
    json file = json::parse(in, nullptr, false, true);
    if (file.is_discarded() || !file.is_object())
      return error{"INVALID_CONFIG",
                   "config file " + *flags.config_file + ": not a valid JSON object"};
    std::map<std::string, json> flat;
    flatten(file, "", flat);
    for (auto& [key, v] : flat) {
      const key_spec* s = find_spec(key);
      if (!s) return bad(key, "unknown key in " + *flags.config_file);
      if (auto e = check(*s, v)) return *e;
      values[key] = v;
      public_url_given = public_url_given || key == "public_url";
    }
  }

  std::set<std::string> known_env;
  for (auto& s : specs()) known_env.insert(env_name(s.key));
  for (auto& [name, text] : env) {
    if (name.rfind("SWITCHBOARD_", 0) != 0) continue;
    if (!known_env.count(name))
      return error{"INVALID_CONFIG", name + ": unknown configuration variable"};
  }
  for (auto& s : specs()) {
    auto it = env.find(env_name(s.key));
    if (it == env.end()) continue;
    auto v = parse_env_value(s, it->second);
    if (!v) return v.err();
    if (auto e = check(s, *v)) return *e;
    values[s.key] = *v;
    public_url_given = public_url_given || s.key == "public_url";
  }

  if (flags.listen) values["listen"] = *flags.listen;
  if (flags.data_dir) values["data_dir"] = *flags.data_dir;

  auto str = [&](const char* k) { return values[k].get<std::string>(); };
  auto num = [&](const char* k) { return values[k].get<std::int64_t>(); };
  auto ms = [&](const char* k) { return std::chrono::milliseconds(num(k)); };

  config c;
  c.listen = str("listen");
  auto hp = parse_listen(c.listen);
  if (!hp) return hp.err();
  c.public_url = public_url_given ? str("public_url") : listen_url(hp->first, hp->second);
  if (!is_http_url(c.public_url))
    return bad("public_url", "must start with http:// or https:// (got \"" + c.public_url + "\")");
  while (c.public_url.size() > 8 && c.public_url.back() == '/') c.public_url.pop_back();
  c.log = {str("log.level"), str("log.format"), values["log.access"].get<bool>()};
  c.http.host = hp->first;
  c.http.port = hp->second;
  c.http.header_limit = static_cast<std::size_t>(num("http.header_limit"));
  c.http.body_limit = static_cast<std::size_t>(num("http.body_limit"));
  c.http.read_timeout = ms("http.read_timeout_ms");
  c.http.idle_timeout = ms("http.idle_timeout_ms");
  c.http.write_timeout = ms("http.write_timeout_ms");
  c.http.shutdown_timeout = ms("http.shutdown_timeout_ms");
  c.http.max_connections = static_cast<std::size_t>(num("http.max_connections"));
  c.http.first_byte_timeout = ms("http.first_byte_timeout_ms");
  c.http.max_connections_per_ip = static_cast<std::size_t>(num("http.max_connections_per_ip"));
  c.http.max_header_fields = static_cast<std::size_t>(num("http.max_header_fields"));
  for (auto& item : values["http.trusted_proxies"]) {
    auto text = item.get<std::string>();
    auto range = parse_cidr(text);
    if (!range)
      return bad("http.trusted_proxies",
                 "\"" + text + "\" is not an IPv4 or IPv6 CIDR (such as 10.0.0.0/8 or fd00::/8)");
    c.http.trusted_proxies.push_back(*range);
  }
  c.store.data_dir = str("data_dir");
  if (c.store.data_dir.empty()) return bad("data_dir", "must not be empty");
  c.store.max_batch = static_cast<std::size_t>(num("store.max_batch"));
  c.store.busy_timeout = ms("store.busy_timeout_ms");
  c.store.read_connections = static_cast<std::size_t>(num("store.read_connections"));
  c.store.mmap_bytes = num("store.mmap_size_mb") * 1024 * 1024;
  c.store.backend = str("store.backend");
  c.store.postgres_url = str("store.postgres.url");
  c.store.postgres_pool_size = static_cast<std::size_t>(num("store.postgres.pool_size"));
  if (c.store.backend == "postgres" && c.store.postgres_url.empty())
    return bad("store.postgres.url", "required when store.backend is postgres (a libpq URI, e.g. postgres://user@host/db)");
  c.auth_session_ttl_hours = num("auth.session_ttl_hours");
  c.auth_login = {num("auth.login_max_failures"), num("auth.login_address_block_max_seconds"),
                  num("auth.login_account_delay_max_seconds")};
  c.sandbox_requests_per_minute = num("carriers.sandbox.requests_per_minute");
  c.sms_per_second_per_number = num("carriers.sms_per_second_per_number");
  c.routing_sticky_idle_hours = num("routing.sticky_idle_hours");
  c.routing_after_resolved = str("routing.after_resolved");
  c.texting_opt_out_reply = str("texting.opt_out_reply");
  c.texting_opt_in_reply = str("texting.opt_in_reply");
  c.texting_help_reply = str("texting.help_reply");
  if (c.texting_help_reply.empty()) return bad("texting.help_reply", "must not be empty (HELP is always answered)");
  for (auto* key : {"texting.opt_out_reply", "texting.opt_in_reply", "texting.help_reply"})
    if (str(key).size() > 320) return bad(key, "is longer than 320 bytes (two SMS segments)");
  c.default_country = str("workspace.default_country");
  c.metrics_token = str("metrics.token");
  c.widget = {num("widget.token_ttl_hours"), num("widget.secret_grace_hours"), num("widget.messages_per_minute"),
              num("widget.requests_per_minute_per_ip"), num("widget.max_message_chars"),
              num("widget.anonymous_retention_days")};
  c.twilio = {str("carriers.twilio.account_sid"), str("carriers.twilio.auth_token"),
              str("carriers.twilio.api_base")};
  c.twilio_delete_media_after_download = values["carriers.twilio.delete_media_after_download"].get<bool>();
  c.media_max_bytes = num("media.max_bytes");
  c.media_visitor_bytes_per_hour = num("media.visitor_bytes_per_hour");
  c.signalwire = {str("carriers.signalwire.project_id"), str("carriers.signalwire.api_token"),
                  str("carriers.signalwire.signing_key"), str("carriers.signalwire.api_base")};
  // `auto`: the sandbox is on only while no real carrier is configured, so a
  // production install does not expose it by accident (issue 16 item 14).
  {
    auto& v = values["carriers.sandbox.enabled"];
    bool real_carrier = !c.twilio.account_sid.empty() || !c.twilio.auth_token.empty() ||
                        !c.signalwire.project_id.empty() || !c.signalwire.api_token.empty() ||
                        !c.signalwire.signing_key.empty();
    c.sandbox_mode = v.is_boolean() ? (v.get<bool>() ? "true" : "false") : v.get<std::string>();
    c.sandbox_enabled = c.sandbox_mode == "auto" ? !real_carrier : c.sandbox_mode == "true";
  }
  c.teams = {str("teams.app_id"), str("teams.app_password"), str("teams.tenant_id"),
             str("teams.openid_metadata_url"), str("teams.token_url")};
  c.webhooks_allow_private_targets = values["webhooks.allow_private_targets"].get<bool>();
  c.answer_bot.enabled = values["answer_bot.enabled"].get<bool>();
  c.answer_bot.threshold = values["answer_bot.threshold"].get<double>();
  c.answer_bot.channels.clear();
  for (auto& item : values["answer_bot.channels"]) {
    auto ch = item.get<std::string>();
    if (ch != "widget" && ch != "sms") return bad("answer_bot.channels", "each must be widget or sms (got \"" + ch + "\")");
    c.answer_bot.channels.push_back(ch);
  }
  c.answer_bot.business_hours = str("answer_bot.business_hours");
  c.answer_bot.handoff_message = str("answer_bot.handoff_message");
  c.answer_bot.llm_url = str("answer_bot.llm.url");
  c.answer_bot.llm_model = str("answer_bot.llm.model");
  c.answer_bot.llm_api_key = str("answer_bot.llm.api_key");
  c.answer_bot.llm_timeout = ms("answer_bot.llm.timeout_ms");
  if (c.answer_bot.handoff_message.empty() || c.answer_bot.handoff_message.size() > 1000)
    return bad("answer_bot.handoff_message", "must be text of 1 to 1000 bytes");
  if (!c.answer_bot.llm_url.empty()) {
    // Through the outbound client: https, or plain http to this machine only.
    auto& u = c.answer_bot.llm_url;
    bool https = u.rfind("https://", 0) == 0, http = u.rfind("http://", 0) == 0;
    if (!https && !http) return bad("answer_bot.llm.url", "must be an http(s) URL (got \"" + u + "\")");
    if (http) {
      auto rest = u.substr(7);
      std::string host = rest.substr(0, rest.find('/'));
      if (!host.empty() && host.front() == '[') host = host.substr(0, host.find(']') + 1);
      else host = host.substr(0, host.find(':'));
      // 127.x.y.z in digits, localhost or [::1]: what the outbound client allows in plain http.
      bool v4 = host.rfind("127.", 0) == 0 && std::count(host.begin(), host.end(), '.') == 3 &&
                host.find_first_not_of("0123456789.") == std::string::npos;
      if (!v4 && host != "localhost" && host != "[::1]")
        return bad("answer_bot.llm.url", "plain http only to this machine (127.0.0.1, localhost, [::1]); use https");
    }
    if (c.answer_bot.llm_model.empty()) return bad("answer_bot.llm.model", "must be set with answer_bot.llm.url");
  }
  c.bootstrap = {str("bootstrap.admin_email"), str("bootstrap.admin_password"),
                 str("bootstrap.workspace_name")};
  if (c.bootstrap.admin_email.find('@') == std::string::npos)
    return bad("bootstrap.admin_email", "must be an email address");
  if (!c.bootstrap.admin_password.empty() && c.bootstrap.admin_password.size() < 8)
    return bad("bootstrap.admin_password", "must be at least 8 characters (or empty to generate)");
  return c;
}

}  // namespace switchboard
