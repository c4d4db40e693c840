// Contacts: CRUD, merge, GDPR erasure, CSV export.
#include "common.hpp"

#include "switchboard/carriers/phone.hpp"
#include "routes.hpp"
#include "switchboard/services/csat.hpp"
#include "switchboard/core/csv.hpp"
#include "switchboard/core/validate.hpp"
#include "switchboard/services/consent.hpp"
#include "switchboard/services/contacts.hpp"

namespace switchboard::api {
namespace {

namespace ct = store::contacts;

// Validates the writable fields; `partial` for PATCH (absent = unchanged).
// Phones in any national format of the workspace's default country (issue 16 item 20).
result<ct::patch> parse_contact(const json& body, std::string_view country) {
  ct::patch p;
  for (auto field : {"name", "email", "external_id"}) {
    auto it = body.find(field);
    if (it == body.end()) continue;
    if (!it->is_null() && !it->is_string())
      return error{"INVALID_FORMAT", std::string(field) + " must be a string"};
    std::optional<std::string> v;
    if (it->is_string() && !trim(it->get<std::string>()).empty()) v = trim(it->get<std::string>());
    if (v && v->size() > 256) return error{"INVALID_INPUT", std::string(field) + " is too long"};
    if (std::string_view(field) == "email" && v) {
      auto e = normalize_email(*v);
      if (!e) return error{"INVALID_FORMAT", "email is not a valid address: " + *v};
      v = *e;
    }
    if (std::string_view(field) == "name") p.name = v;
    if (std::string_view(field) == "email") p.email = v;
    if (std::string_view(field) == "external_id") p.external_id = v;
  }
  std::vector<std::string> phones;
  bool has_phones = false;
  auto add_phone = [&](const json& v) -> std::optional<error> {
    if (!v.is_string()) return error{"INVALID_FORMAT", "phone must be a string"};
    auto n = carriers::normalize_e164(v.get<std::string>(), country);
    if (!n) return error{"INVALID_FORMAT", "phone " + v.get<std::string>() + ": " + n.err().message};
    if (std::find(phones.begin(), phones.end(), *n) == phones.end()) phones.push_back(*n);
    return std::nullopt;
  };
  if (auto it = body.find("phone"); it != body.end() && !it->is_null()) {
    has_phones = true;
    if (auto e = add_phone(*it)) return *e;
  }
  if (auto it = body.find("phones"); it != body.end() && !it->is_null()) {
    has_phones = true;
    if (!it->is_array()) return error{"INVALID_FORMAT", "phones must be an array"};
    for (auto& v : *it)
      if (auto e = add_phone(v)) return *e;
  }
  if (has_phones) p.phones = phones;
  if (auto it = body.find("attributes"); it != body.end() && !it->is_null()) {
    if (!it->is_object()) return error{"INVALID_FORMAT", "attributes must be an object"};
    if (it->dump().size() > 16 * 1024) return error{"INVALID_INPUT", "attributes are too large"};
    p.attributes = *it;
  }
  return p;
}

// The body of POST and PATCH /contacts.
struct contact_request {
  ct::patch fields;

  static result<contact_request> from_json(const json& body, std::string_view country) {
    auto p = parse_contact(body, country);
    if (!p) return p.err();
    return contact_request{std::move(*p)};
  }
};

// The body of POST /contacts/{id}/merge: the contact merged in.
struct merge_request {
  id_t from = 0;

  static result<merge_request> from_json(const json& body) {
    auto from = opt_string(body, "from");
    if (!from) return from.err();
    if (!*from) return error{"MISSING_REQUIRED_FIELD", "from (the contact id to merge in) is required"};
    auto id = parse_id(**from);
    if (!id) return error{"INVALID_INPUT", "from must be another contact's id"};
    return merge_request{*id};
  }
};

// The body of POST /contacts/{id}/consent: consent obtained elsewhere (issue 18).
struct consent_request {
  services::consent_change change;

  static result<consent_request> from_json(const json& body, const std::string& country) {
    consent_request r;
    auto state = opt_string(body, "state");
    if (!state) return state.err();
    if (!*state) return error{"MISSING_REQUIRED_FIELD", "state (opted_in or opted_out) is required"};
    if (**state != "opted_in" && **state != "opted_out")
      return error{"INVALID_INPUT", "state must be opted_in or opted_out"};
    r.change.state = **state;
    auto phone = opt_string(body, "phone");
    if (!phone) return phone.err();
    if (*phone) {
      auto e164 = carriers::normalize_e164(**phone, country);
      if (!e164) return error{"INVALID_FORMAT", "phone: " + e164.err().message};
      r.change.phone = *e164;
    }
    auto number = opt_string(body, "number_id");
    if (!number) return number.err();
    if (*number) {
      auto id = parse_id(**number);
      if (!id) return error{"INVALID_INPUT", "number_id: no such active number"};
      r.change.number_id = *id;
    }
    auto note = opt_string(body, "note");
    if (!note) return note.err();
    if (*note && (*note)->size() > 1000) return error{"INVALID_INPUT", "note is longer than 1000 bytes"};
    if (*note && !trim(**note).empty()) r.change.note = trim(**note);
    return r;
  }
};

asio::awaitable<response> list_contacts(api_context& ctx, request& req, const principal& who) {
  auto page_in = parse_page(req);
  if (!page_in) co_return response::from(page_in.err());
  auto before = page_in->after;
  std::optional<std::string> q;
  if (auto s = req.query_param("q"); s && !trim(*s).empty()) q = trim(*s);
  if (q && q->size() > 256) co_return response::error(400, "INVALID_INPUT", "q is longer than 256 bytes");
  auto ws = who.workspace_id;
  int n = page_in->limit;
  auto rows = co_await services::list_contacts(ctx, ws, before, n, q);
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& c : *rows) items.push_back(to_json(c));
  std::optional<std::string> next;
  if (static_cast<int>(rows->size()) == n) next = make_cursor(rows->back().id);
  co_return page(std::move(items), next);
}

asio::awaitable<response> create_contact(api_context& ctx, request& req, const principal& who) {
  auto in = read_body<contact_request>(req, ctx.default_country);
  if (!in) co_return response::from(in.err());
  auto* p = &in->fields;
  store::contact c;
  c.workspace_id = who.workspace_id;
  c.name = p->name.value_or(std::nullopt);
  c.email = p->email.value_or(std::nullopt);
  c.external_id = p->external_id.value_or(std::nullopt);
  c.phones = p->phones.value_or(std::vector<std::string>{});
  c.attributes = p->attributes.value_or(json::object());
  c.created_at = c.updated_at = now_text(ctx);
  auto created = co_await services::create_contact(ctx, c);
  if (!created)
    co_return store_error(created.err(), "another contact already has this phone, email or external id");
  co_return response::json(201, to_json(*created));
}

asio::awaitable<response> get_contact(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "contact not found");
  auto ws = who.workspace_id;
  auto cid = *id;
  auto c = co_await services::find_contact(ctx, ws, cid);
  if (!c) co_return store_error(c.err());
  if (!*c) co_return response::error(404, "NOT_FOUND", "contact not found");
  auto j = to_json(**c);
  // Their CSAT answers (issue 21): read here, never for the list.
  auto survey = co_await services::csat_of_contact(ctx, ws, cid);
  if (!survey) co_return store_error(survey.err());
  json latest = json::array();
  for (auto& s : survey->latest) latest.push_back(services::csat_json(s, ctx.carriers.public_url));
  j["csat"] = {{"count", survey->summary.count},
               {"average", survey->summary.count ? json(survey->summary.average) : json(nullptr)},
               {"latest", latest}};
  co_return response::json(200, j);
}

asio::awaitable<response> patch_contact(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "contact not found");
  auto in = read_body<contact_request>(req, ctx.default_country);
  if (!in) co_return response::from(in.err());
  auto ws = who.workspace_id;
  auto cid = *id;
  auto patch = in->fields;
  auto updated = co_await services::update_contact(ctx, ws, cid, patch);
  if (!updated)
    co_return store_error(updated.err(), "another contact already has this phone, email or external id");
  co_return response::json(200, to_json(*updated));
}

asio::awaitable<response> delete_contact(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "contact not found");
  auto cid = *id;
  auto ip = req.remote;
  // Erased and committed, then the files scrubbed (false: a later erasure's scrub covers it).
  auto scrubbed = co_await services::erase_contact(ctx, who, cid, ip);
  if (!scrubbed) co_return store_error(scrubbed.err());
  co_return response::json(200, {{"ok", true}, {"erased", id_str(cid)}, {"scrubbed", *scrubbed}});
}

asio::awaitable<response> merge_contact(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "contact not found");
  auto in = read_body<merge_request>(req);
  if (!in) co_return response::from(in.err());
  if (in->from == *id) co_return response::error(400, "INVALID_INPUT", "from must be another contact's id");
  auto into = *id;
  auto src = in->from;
  auto ip = req.remote;
  auto merged = co_await services::merge_contacts(ctx, who, into, src, ip);
  if (!merged) co_return store_error(merged.err());
  co_return response::json(200, to_json(*merged));
}

asio::awaitable<response> get_consent(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "contact not found");
  auto rows = co_await services::consent_history(ctx, who.workspace_id, *id);
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& e : *rows) items.push_back(to_json(e));
  co_return response::json(200, {{"items", std::move(items)}});
}

asio::awaitable<response> post_consent(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "contact not found");
  auto in = read_body<consent_request>(req, ctx.default_country);
  if (!in) co_return response::from(in.err());
  auto rows = co_await services::record_consent(ctx, who, *id, in->change, req.remote);
  if (!rows) co_return store_error(rows.err());
  json items = json::array();
  for (auto& e : *rows) items.push_back(to_json(e));
  co_return response::json(201, {{"items", std::move(items)}});
}

std::string csv_field(const std::string& s) { return csv_cell(s, true); }

asio::awaitable<response> export_contacts(api_context& ctx, request&, const principal& who) {
  auto ws = who.workspace_id;
  auto rows = co_await services::all_contacts(ctx, ws);
  if (!rows) co_return store_error(rows.err());
  std::string csv = "id,name,email,phones,external_id,attributes,created_at\r\n";
  for (auto& c : *rows) {
    std::string phones;
    for (auto& p : c.phones) phones += (phones.empty() ? "" : " ") + p;
    csv += csv_field(id_str(c.id)) + "," + csv_field(c.name.value_or("")) + "," + csv_field(c.email.value_or("")) +
           "," + csv_field(phones) + "," + csv_field(c.external_id.value_or("")) + "," +
           csv_field(c.attributes.dump()) + "," + csv_field(c.created_at) + "\r\n";
  }
  auto r = response::text(200, std::move(csv), "text/csv; charset=utf-8");
  r.headers.add("Content-Disposition", "attachment; filename=\"contacts.csv\"");
  co_return r;
}

asio::awaitable<response> export_consent(api_context& ctx, request& req, const principal& who) {
  auto id = parse_id(req.params.at("id"));
  if (!id) co_return response::error(404, "NOT_FOUND", "contact not found");
  auto rows = co_await services::consent_history(ctx, who.workspace_id, *id);
  if (!rows) co_return store_error(rows.err());
  std::string csv = "id,phone,number_id,state,source,message_id,teammate_id,note,created_at\r\n";
  auto opt = [](const std::optional<id_t>& v) { return v ? id_str(*v) : std::string(); };
  for (auto& e : *rows)
    csv += csv_field(id_str(e.id)) + "," + csv_field(e.phone) + "," + csv_field(opt(e.number_id)) + "," +
           csv_field(e.state) + "," + csv_field(e.source) + "," + csv_field(opt(e.message_id)) + "," +
           csv_field(opt(e.teammate_id)) + "," + csv_field(e.note.value_or("")) + "," + csv_field(e.created_at) +
           "\r\n";
  auto r = response::text(200, std::move(csv), "text/csv; charset=utf-8");
  r.headers.add("Content-Disposition", "attachment; filename=\"consent-" + id_str(*id) + ".csv\"");
  co_return r;
}

}  // namespace

void add_contact_routes(http::router& r, api_context& ctx) {
  r.add("GET", "/api/v1/contacts", authorized(ctx, "contacts.read", list_contacts));
  r.add("POST", "/api/v1/contacts", authorized(ctx, "contacts.create", create_contact));
  r.add("GET", "/api/v1/contacts/export", authorized(ctx, "contacts.export", export_contacts));
  r.add("GET", "/api/v1/contacts/{id}", authorized(ctx, "contacts.read", get_contact));
  r.add("PATCH", "/api/v1/contacts/{id}", authorized(ctx, "contacts.update", patch_contact));
  r.add("DELETE", "/api/v1/contacts/{id}", authorized(ctx, "contacts.delete", delete_contact));
  r.add("POST", "/api/v1/contacts/{id}/merge", authorized(ctx, "contacts.merge", merge_contact));
  r.add("GET", "/api/v1/contacts/{id}/consent", authorized(ctx, "contacts.read", get_consent));
  r.add("GET", "/api/v1/contacts/{id}/consent.csv", authorized(ctx, "contacts.export", export_consent));
  r.add("POST", "/api/v1/contacts/{id}/consent", authorized(ctx, "contacts.consent", post_consent));
}

}  // namespace switchboard::api
