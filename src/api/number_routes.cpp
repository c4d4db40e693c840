// Phone numbers (virtual numbers of teammates, shared lines of teams), their
// provisioning through the carriers' REST APIs, and the sandbox carrier's test
// endpoints used by the simulator.
#include <spdlog/spdlog.h>

#include "common.hpp"
#include "routes.hpp"
#include "switchboard/carriers/phone.hpp"
#include "switchboard/carriers/rest.hpp"
#include "switchboard/carriers/signature.hpp"
#include "switchboard/core/random.hpp"
#include "switchboard/http/outbound.hpp"

namespace switchboard::api {
namespace {

namespace nums = store::numbers;
namespace rest = carriers::rest;

// The HTTPS client for carrier REST calls of this route table, made on first use
// on the io_context's executor (keep-alive connections are pooled in it).
struct carrier_link {
  std::unique_ptr<http::outbound_client> client;
  http::outbound_client& get(const asio::any_io_executor& ex) {
    if (!client) client = std::make_unique<http::outbound_client>(ex);
    return *client;
  }
};

json to_json(const nums::number_row& n) {
  return {{"id", id_str(n.id)},
          {"number", n.number},
          {"display", carriers::format_display(n.number)},
          {"carrier", n.carrier},
          {"carrier_sid", opt_str(n.carrier_sid)},
          {"capabilities", n.capabilities},
          {"owner_teammate_id", opt_id(n.owner_teammate_id)},
          {"owner_team_id", opt_id(n.owner_team_id)},
          {"kind", n.owner_team_id ? "shared" : "virtual"},
          {"status", n.status},
          {"created_at", n.created_at}};
}

json to_json(const rest::webhooks& w) {
  return {
      {"sms_url", w.sms_url}, {"voice_url", w.voice_url}, {"status_callback", w.status_callback}};
}

// The carrier refused (502, with its code and message) or could not be reached (503).
response carrier_failure(const error& e) {
  if (e.code == "CARRIER_ERROR") return response::error(502, e.code, e.message);
  if (e.code == "UNAVAILABLE") return response::error(503, e.code, e.message);
  return response::from(e);
}

// NANP area code: three digits, the first 2-9.
bool valid_area_code(const std::string& a) {
  return a.size() == 3 && a[0] >= '2' && a[0] <= '9' &&
         std::isdigit(static_cast<unsigned char>(a[1])) &&
         std::isdigit(static_cast<unsigned char>(a[2]));
}

// area_code as "415" or 415.
result<std::optional<std::string>> area_code_field(const json& body) {
  auto it = body.find("area_code");
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  std::string a = it->is_string()            ? it->get<std::string>()
                  : it->is_number_unsigned() ? std::to_string(it->get<std::uint64_t>())
                                             : std::string();
  if (!valid_area_code(a))
    return error{"INVALID_FORMAT", "area_code must be a 3-digit area code such as \"415\""};
  return std::optional<std::string>(a);
}

result<bool> bool_field(const json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return false;
  if (!it->is_boolean())
    return error{"INVALID_FORMAT", std::string(field) + " must be true or false"};
  return it->get<bool>();
}

result<std::optional<id_t>> owner_field(const json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<id_t>();
  auto id = it->is_string() ? parse_id(it->get<std::string>()) : std::nullopt;
  if (!id) return error{"INVALID_FORMAT", std::string(field) + " must be an id"};
  return std::optional<id_t>(*id);
}

asio::awaitable<response> list_numbers(api_context& ctx, request&, const principal& who) {
  auto ws = who.workspace_id;
  auto rows = co_await services::list_numbers(ctx, ws);
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& n : *rows) items.push_back(to_json(n));
  co_return page(items, std::nullopt);
}

// Numbers one could buy: from the carrier's AvailablePhoneNumbers, or the sandbox's pool.
asio::awaitable<response> available_numbers(api_context& ctx, carrier_link& link, request& req) {
  std::string c = req.query_param("carrier").value_or(services::default_carrier(ctx.carriers));
  if (!services::valid_carrier(c))
    co_return response::error(400, "INVALID_INPUT",
                              "carrier must be sandbox, twilio or signalwire");
  std::string area = req.query_param("area_code").value_or("");
  if (!area.empty() && !valid_area_code(area))
    co_return response::error(400, "INVALID_FORMAT",
                              "area_code must be a 3-digit area code such as 415");
  std::string country = req.query_param("country").value_or("US");
  if (country.size() != 2 || !std::isupper(static_cast<unsigned char>(country[0])) ||
      !std::isupper(static_cast<unsigned char>(country[1])))
    co_return response::error(400, "INVALID_FORMAT", "country must be an ISO 3166 code such as US");
  auto limit = parse_limit(req);
  if (!limit) co_return response::from(limit.err());
  auto ex = co_await asio::this_coro::executor;
  // A named argument: GCC 12 destroys a braced temporary passed to a coroutine twice.
  services::number_search query{c, area, country, *limit};
  auto found = co_await services::search_numbers(ctx, link.get(ex), std::move(query));
  if (!found) co_return provisioning_failure(found.err());
  json items = json::array();
  for (auto& a : *found)
    items.push_back({{"number", a.number},
                     {"display", carriers::format_display(a.number)},
                     {"carrier", a.carrier},
                     {"locality", opt_str(a.locality)},
                     {"region", opt_str(a.region)},
                     {"capabilities", a.capabilities}});
  co_return page(items, std::nullopt);
}

}  // namespace

response provisioning_failure(const error& e) {
  if (e.code == "CARRIER_ERROR" || e.code == "UNAVAILABLE") return carrier_failure(e);
  return response::from(e);
}


namespace {

// The body of POST /numbers, read into the provisioning's arguments. The carrier
// defaults to the configured one for an area-code search, else the sandbox; a
// number is read in the workspace's national format too.
struct create_number_request {
  provision_args args;

  static result<create_number_request> from_json(const json& body, const services::carrier_settings& configured,
                                                 std::string_view country) {
    auto carrier = opt_string(body, "carrier");
    auto number_text = opt_string(body, "number");
    auto area = area_code_field(body);
    auto buy = bool_field(body, "buy");
    if (!carrier) return carrier.err();
    if (!number_text) return number_text.err();
    if (!area) return area.err();
    if (!buy) return buy.err();
    if (*number_text && *area) return error{"INVALID_INPUT", "give number or area_code, not both"};
    std::string c = carrier->value_or(*area ? services::default_carrier(configured) : "sandbox");
    if (!services::valid_carrier(c)) return error{"INVALID_INPUT", "carrier must be sandbox, twilio or signalwire"};
    provision_args a;
    a.carrier = c;
    a.area_code = *area;
    a.buy = *buy;
    if (*number_text) {
      auto n = carriers::normalize_e164(**number_text, country);
      if (!n) return n.err();
      a.number = *n;
    } else if (c != "sandbox" && !*area) {
      return error{"MISSING_REQUIRED_FIELD", "number (one you own, or with \"buy\": true) or area_code is required"};
    }
    auto teammate = owner_field(body, "owner_teammate_id");
    auto team = owner_field(body, "owner_team_id");
    if (!teammate) return teammate.err();
    if (!team) return team.err();
    a.owner_teammate_id = *teammate;
    a.owner_team_id = *team;
    return create_number_request{std::move(a)};
  }
};

// The body of PATCH /numbers/{id}: owner fields present (an id or null) reassign
// the number; absent, it keeps its owner.
struct patch_number_request {
  services::number_change change;

  static result<patch_number_request> from_json(const json& body) {
    bool reassign = body.contains("owner_teammate_id") || body.contains("owner_team_id");
    auto teammate = owner_field(body, "owner_teammate_id");
    auto team = owner_field(body, "owner_team_id");
    auto repoint = bool_field(body, "configure_webhooks");
    if (!teammate) return teammate.err();
    if (!team) return team.err();
    if (!repoint) return repoint.err();
    return patch_number_request{{reassign, *teammate, *team, *repoint}};
  }
};

asio::awaitable<response> create_number(api_context& ctx, carrier_link& link, request& req, const principal& who) {
  auto in = read_body<create_number_request>(req, ctx.carriers, ctx.default_country);
  if (!in) co_return response::from(in.err());
  auto a = in->args;
  auto ex = co_await asio::this_coro::executor;
  auto& client = link.get(ex);
  auto ws = who.workspace_id;
  auto created = co_await provision(ctx, client, ws, a);
  if (!created) co_return provisioning_failure(created.err());
  auto out = to_json(created->row);
  if (created->hooks) out["webhooks"] = to_json(*created->hooks);
  co_return response::json(201, out);
}

asio::awaitable<response> patch_number(api_context& ctx, carrier_link& link, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "number not found");
  auto in = read_body<patch_number_request>(req);
  if (!in) co_return response::from(in.err());
  auto change = in->change;
  auto ex = co_await asio::this_coro::executor;
  auto updated = co_await services::change_number(ctx, link.get(ex), who.workspace_id, *id, change);
  if (!updated) co_return provisioning_failure(updated.err());
  auto out = to_json(updated->row);
  if (updated->hooks) out["webhooks"] = to_json(*updated->hooks);
  co_return response::json(200, out);
}

// Releases the number at its carrier (when Switchboard knows its SID, unless
// keep_at_carrier=true), then marks it released here.
asio::awaitable<response> delete_number(api_context& ctx, carrier_link& link, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "number not found");
  auto keep_param = req.query_param("keep_at_carrier").value_or("false");
  if (keep_param != "true" && keep_param != "false")
    co_return response::error(400, "INVALID_FORMAT", "keep_at_carrier must be true or false");
  auto ex = co_await asio::this_coro::executor;
  auto& client = link.get(ex);
  auto ws = who.workspace_id;
  auto nid = *id;
  auto released = co_await release_number(ctx, client, ws, nid, keep_param == "true");
  if (!released) co_return provisioning_failure(released.err());
  co_return response::json(200, {{"ok", true}, {"released_at_carrier", *released}});
}

}  // namespace

void add_number_routes(http::router& r, api_context& ctx) {
  auto link = std::make_shared<carrier_link>();
  r.add("GET", "/api/v1/numbers", authorized(ctx, "numbers.read", list_numbers));
  r.add("GET", "/api/v1/numbers/available",
        authorized(ctx, "numbers.manage", [link](api_context& c, request& q, const principal&) {
          return available_numbers(c, *link, q);
        }));
  r.add("POST", "/api/v1/numbers",
        authorized(ctx, "numbers.manage", [link](api_context& c, request& q, const principal& who) {
          return create_number(c, *link, q, who);
        }));
  r.add("PATCH", "/api/v1/numbers/{id}",
        authorized(ctx, "numbers.manage", [link](api_context& c, request& q, const principal& who) {
          return patch_number(c, *link, q, who);
        }));
  r.add("DELETE", "/api/v1/numbers/{id}",
        authorized(ctx, "numbers.manage", [link](api_context& c, request& q, const principal& who) {
          return delete_number(c, *link, q, who);
        }));
}

}  // namespace switchboard::api
