// The permission matrix (issue 22): every route of the server's router against
// the table "Permission matrix" in docs/api.md. The routes come from the router
// itself, so a new route without a row fails here. For each `teammate` row the
// route is called with every role's session and with a read and a write API
// key, and the answer must agree with the cell: denied = 403 PERMISSION_DENIED,
// allowed = past the permission check (not 401/403). Routes authenticated some
// other way (carrier signatures, widget tokens, Bot Framework) must not take a
// teammate's token instead; public and static routes need no credentials.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/api_client.hpp"
#include "support/test_support.hpp"
#include "switchboard/app/bootstrap.hpp"
#include "switchboard/http/router.hpp"

namespace sb = switchboard;
using json = nlohmann::json;

namespace {

// The credential columns, in the table's order.
const std::vector<std::string> credentials = {"owner", "admin", "agent", "viewer", "key:read", "key:write"};
const std::set<std::string> auth_kinds = {"teammate", "public", "static", "signature", "widget", "origin", "cors", "bot"};

struct matrix_row {
  std::string method, path, auth;
  std::map<std::string, std::string> cells;  // credential -> allowed | denied | —
  int line = 0;
  bool matched = false;
  bool glob() const { return !path.empty() && path.back() == '*'; }
  bool covers(const std::string& m, const std::string& p) const {
    if (m != method) return false;
    return glob() ? p.compare(0, path.size() - 1, path, 0, path.size() - 1) == 0 : p == path;
  }
};

struct route_info {
  std::string method, path;
  bool websocket = false;
};

std::string trim_cell(std::string s) {
  std::string out;
  for (char c : s)
    if (c != '`') out += c;
  auto b = out.find_first_not_of(" \t");
  auto e = out.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : out.substr(b, e - b + 1);
}

std::vector<std::string> split_row(const std::string& line) {
  std::vector<std::string> out;
  std::string cell;
  for (std::size_t i = 1; i < line.size(); ++i) {  // past the leading '|'
    if (line[i] == '|') {
      out.push_back(trim_cell(cell));
      cell.clear();
    } else {
      cell += line[i];
    }
  }
  return out;
}

// The first table after the heading "## Permission matrix"; problems in `errors`.
std::vector<matrix_row> parse_matrix(const std::string& path, std::vector<std::string>& errors) {
  std::ifstream in(path);
  if (!in) {
    errors.push_back("cannot read " + path);
    return {};
  }
  std::vector<matrix_row> rows;
  std::string line;
  int n = 0;
  bool in_section = false, in_table = false;
  std::vector<std::string> header;
  while (std::getline(in, line)) {
    ++n;
    if (line.rfind("## ", 0) == 0) {
      if (in_section) break;
      in_section = line == "## Permission matrix";
      continue;
    }
    if (!in_section) continue;
    if (line.rfind("|", 0) != 0) {
      if (in_table) break;
      continue;
    }
    auto cells = split_row(line);
    if (!in_table) {
      in_table = true;
      header = cells;
      continue;
    }
    if (!cells.empty() && cells[0].rfind("---", 0) == 0) continue;
    if (cells.size() != header.size()) {
      errors.push_back("docs/api.md:" + std::to_string(n) + ": " + std::to_string(cells.size()) + " cells, the header has " +
                       std::to_string(header.size()));
      continue;
    }
    matrix_row r;
    r.line = n;
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == "method") r.method = cells[i];
      else if (header[i] == "path") r.path = cells[i];
      else if (header[i] == "auth") r.auth = cells[i];
      else r.cells[header[i]] = cells[i];
    }
    rows.push_back(r);
  }
  if (!in_table) errors.push_back("docs/api.md has no table under \"## Permission matrix\"");
  for (auto& c : credentials)
    if (std::find(header.begin(), header.end(), c) == header.end() && in_table)
      errors.push_back("the permission matrix has no column " + c);
  return rows;
}

std::string where(const matrix_row& r) { return "docs/api.md:" + std::to_string(r.line) + " " + r.method + " " + r.path; }

class permission_matrix : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.bootstrap.admin_password = "admin-password-1";
    // A carrier with a signing key, so a webhook without a signature is refused for
    // that reason alone; no account SID, so the sandbox stays on (auto).
    cfg_.twilio.auth_token = "twilio-test-token";
    sb::app::app_options o{false, {}};
    // The router's own list: the table must follow it, not the other way round.
    o.extra_routes = [this](sb::http::router& r, sb::app::app&) {
      for (auto& rt : r.routes()) routes_.push_back({rt.method, rt.path_template, rt.websocket});
    };
    app_ = std::make_unique<sbtest::running_app>(cfg_, o);
    ASSERT_TRUE(sb::app::ensure_bootstrap(app_->get().db(), cfg_.bootstrap));
    rows_ = parse_matrix(std::string(SWITCHBOARD_SOURCE_DIR) + "/docs/api.md", table_errors_);
  }

  sbtest::http_reply send(const std::string& method, const std::string& target, const std::string& token,
                          const std::string& body = "", std::string headers = "", bool upgrade = false) {
    if (!token.empty()) headers += "Authorization: Bearer " + token + "\r\n";
    if (!body.empty() && headers.find("Content-Type:") == std::string::npos) headers += "Content-Type: application/json\r\n";
    if (upgrade) {
      // A real upgrade: a 101 means the socket was accepted (it closes with this connection).
      sbtest::raw_conn c(app_->port());
      c.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + headers + "\r\n");
      return c.read_reply().value_or(sbtest::http_reply{});
    }
    return sbtest::http_request(app_->port(), method, target, body, headers).value_or(sbtest::http_reply{});
  }

  json call(const std::string& method, const std::string& path, const std::string& token, const json& body = nullptr) {
    auto r = sbtest::api_call(app_->port(), method, path, token, body);
    EXPECT_LT(r.status, 300) << method << " " << path << " -> " << r.status << " " << r.raw;
    return r.body;
  }

  std::string login(const std::string& email, const std::string& password) {
    return sbtest::login(app_->port(), email, password);
  }

  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::vector<route_info> routes_;
  std::unique_ptr<sbtest::running_app> app_;
  std::vector<matrix_row> rows_;
  std::vector<std::string> table_errors_;
};

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (auto& s : v) out += "\n  " + s;
  return out;
}

}  // namespace

// Every route of the router has exactly one row, and every row names a route.
TEST_F(permission_matrix, the_table_in_docs_api_md_covers_every_route_of_the_router) {
  ASSERT_TRUE(table_errors_.empty()) << joined(table_errors_);
  ASSERT_GT(routes_.size(), 50u) << "the router's route list was not captured";
  std::vector<std::string> problems;
  std::set<std::string> seen_rows;
  for (auto& r : rows_) {
    if (!auth_kinds.count(r.auth)) problems.push_back(where(r) + ": unknown auth kind '" + r.auth + "'");
    if (!seen_rows.insert(r.method + " " + r.path).second) problems.push_back(where(r) + ": listed twice");
    if (r.glob() && r.auth != "static") problems.push_back(where(r) + ": only static rows may end in *");
    for (auto& c : credentials) {
      auto v = r.cells[c];
      bool ok = r.auth == "teammate" ? (v == "allowed" || v == "denied") : (v == "—" || v == "-");
      if (!ok) problems.push_back(where(r) + ": cell " + c + " is '" + v + "'");
    }
  }
  for (auto& rt : routes_) {
    // An exact row wins over a static glob.
    matrix_row* found = nullptr;
    for (auto& r : rows_)
      if (!r.glob() && r.covers(rt.method, rt.path)) found = &r;
    if (!found)
      for (auto& r : rows_)
        if (r.glob() && r.covers(rt.method, rt.path)) found = &r;
    if (!found) {
      problems.push_back(rt.method + " " + rt.path + " has no row in docs/api.md \"Permission matrix\"");
      continue;
    }
    found->matched = true;
  }
  for (auto& r : rows_)
    if (!r.matched) problems.push_back(where(r) + ": no such route in the router");
  EXPECT_TRUE(problems.empty()) << joined(problems);
}

// Every route x every credential, with real requests.
TEST_F(permission_matrix, every_route_answers_each_role_and_key_as_the_table_says) {
  ASSERT_TRUE(table_errors_.empty()) << joined(table_errors_);
  // The people and things the requests name.
  std::map<std::string, std::string> token, password;
  password["owner"] = "admin-password-1";
  token["owner"] = login(cfg_.bootstrap.admin_email, password["owner"]);
  ASSERT_FALSE(token["owner"].empty());
  auto owner_id = call("GET", "/api/v1/me", token["owner"]).value("id", "");
  std::map<std::string, std::string> email = {{"owner", cfg_.bootstrap.admin_email}};
  for (std::string role : {"admin", "agent", "viewer"}) {
    email[role] = "matrix-" + role + "@example.com";
    password[role] = "password-" + role;
    call("POST", "/api/v1/teammates", token["owner"],
         {{"email", email[role]}, {"name", "Matrix " + role}, {"role", role}, {"password", password[role]}});
    token[role] = login(email[role], password[role]);
    ASSERT_FALSE(token[role].empty()) << role;
  }
  // Someone else, so /teammates/{id} is never the caller's own.
  auto other = call("POST", "/api/v1/teammates", token["owner"],
                    {{"email", "matrix-other@example.com"}, {"name", "Other"}, {"role", "agent"}})
                   .value("id", "");
  token["key:read"] = call("POST", "/api/v1/api_keys", token["owner"], {{"name", "matrix read"}, {"scope", "read"}}).value("key", "");
  token["key:write"] = call("POST", "/api/v1/api_keys", token["owner"], {{"name", "matrix write"}, {"scope", "write"}}).value("key", "");
  ASSERT_FALSE(token["key:read"].empty());
  ASSERT_FALSE(token["key:write"].empty());
  auto contact = call("POST", "/api/v1/contacts", token["owner"], {{"name", "Ann"}, {"phone", "+14155550101"}}).value("id", "");
  auto conversation = call("POST", "/api/v1/conversations", token["owner"], {{"contact_id", contact}, {"channel", "sms"}}).value("id", "");
  auto team = call("POST", "/api/v1/teams", token["owner"], {{"name", "Matrix team"}}).value("id", "");
  auto canned = call("POST", "/api/v1/canned_responses", token["owner"], {{"shortcut", "hi"}, {"body", "Hello"}}).value("id", "");
  auto number = call("POST", "/api/v1/numbers", token["owner"], {{"owner_teammate_id", owner_id}}).value("id", "");
  auto workspace = call("GET", "/api/v1/me", token["owner"]).value("workspace_id", "");
  // Slug "matrix" for both, published: the public help center's pages exist.
  auto collection = call("POST", "/api/v1/collections", token["owner"], {{"name", "Matrix"}}).value("id", "");
  auto article = call("POST", "/api/v1/articles", token["owner"],
                      {{"title", "Matrix"}, {"body", "Text."}, {"status", "published"}, {"collection_id", collection}})
                     .value("id", "");
  for (auto* v : {&owner_id, &other, &contact, &conversation, &team, &canned, &number, &workspace, &article, &collection})
    ASSERT_FALSE(v->empty());
  // The workspace's help center also at /hc/matrix/.
  ASSERT_EQ(call("PATCH", "/api/v1/help_center/settings", token["owner"], {{"slug", "matrix"}}).value("slug", ""), "matrix");

  // A CSAT survey's page (issue 21): an email conversation, resolved, has a link survey.
  auto surveyed = call("POST", "/api/v1/conversations", token["owner"], {{"contact_id", contact}, {"channel", "email"}})
                      .value("id", "");
  ASSERT_FALSE(surveyed.empty());
  call("PATCH", "/api/v1/conversations/" + surveyed, token["owner"], {{"status", "resolved"}});
  std::string survey_link;
  {
    auto shown = call("GET", "/api/v1/conversations/" + surveyed, token["owner"]);
    if (shown.contains("csat") && shown["csat"].is_object() && shown["csat"]["link"].is_string())
      survey_link = shown["csat"]["link"].get<std::string>();
  }
  ASSERT_NE(survey_link.find("/survey/"), std::string::npos) << "no CSAT survey link";
  auto survey_token = survey_link.substr(survey_link.rfind('/') + 1);

  // Path parameters: real objects, by the collection the parameter follows; a
  // DELETE gets an id that exists nowhere, so nothing the requests need is removed.
  const std::string nowhere = "999999";
  const std::map<std::string, std::string> by_collection = {
      {"conversations", conversation}, {"contacts", contact},  {"teammates", other},  {"teams", team},
      {"numbers", number},             {"canned_responses", canned}, {"labels", nowhere}, {"api_keys", nowhere},
      {"media", nowhere},              {"articles", article},   {"collections", collection}, {"webhooks", nowhere}};
  const std::map<std::string, std::string> by_name = {
      {"teammate_id", other}, {"carrier", "twilio"}, {"step", "voicemail"}, {"sid", "CAmatrix"}, {"name", "RE1.wav"},
      {"message_id", nowhere}, {"revision_id", nowhere}, {"slug", "matrix"}, {"hc", "matrix"}, {"delivery_id", nowhere},
      {"token", survey_token}};
  auto fill = [&](const route_info& rt, std::string& error) {
    std::string out, previous;
    std::size_t i = 1;
    while (i <= rt.path.size()) {
      auto j = rt.path.find('/', i);
      if (j == std::string::npos) j = rt.path.size();
      auto seg = rt.path.substr(i, j - i);
      if (seg.size() > 2 && seg.front() == '{') {
        auto name = seg.substr(1, seg.size() - 2);
        std::string value;
        if (name == "id" && rt.method == "DELETE") value = nowhere;
        else if (name == "id" && by_collection.count(previous)) value = by_collection.at(previous);
        else if (name != "id" && by_name.count(name)) value = by_name.at(name);
        if (value.empty()) error = "no value for {" + name + "} in " + rt.path + " (add one to the test)";
        seg = value;
      }
      out += "/" + seg;
      previous = seg;
      i = j + 1;
    }
    return out;
  };
  // Queries some routes need to get past their own checks.
  const std::map<std::string, std::string> queries = {{"/ws/sandbox", "phone=%2B14155550177"},
                                                      {"/api/sandbox/v1/messages", "phone=%2B14155550177"}};
  // Minimal bodies; a message body comes before the permission it needs (reply or note).
  auto body_for = [&](const route_info& rt) -> std::string {
    if (rt.method != "POST" && rt.method != "PATCH" && rt.method != "PUT") return "";
    if (rt.path == "/api/v1/conversations/{id}/messages") return R"({"body":"permission matrix","private":true})";
    return "{}";
  };

  std::vector<std::string> problems;
  int requests = 0;
  for (auto& rt : routes_) {
    const matrix_row* row = nullptr;
    for (auto& r : rows_)
      if (!r.glob() && r.covers(rt.method, rt.path)) row = &r;
    if (!row)
      for (auto& r : rows_)
        if (r.glob() && r.covers(rt.method, rt.path)) row = &r;
    if (!row) continue;  // reported by the_table_in_docs_api_md_covers_every_route_of_the_router
    std::string error;
    auto target = fill(rt, error);
    if (!error.empty()) {
      problems.push_back(error);
      continue;
    }
    if (auto q = queries.find(rt.path); q != queries.end()) target += "?" + q->second;
    auto body = body_for(rt);
    auto what = rt.method + " " + rt.path;
    auto describe = [](const sbtest::http_reply& r) { return std::to_string(r.status) + " " + r.body.substr(0, 160); };
    auto code_of = [](const sbtest::http_reply& r) { return sbtest::to_api_reply(r).code(); };
    ++requests;

    if (row->auth == "public" || row->auth == "static" || row->auth == "cors") {
      auto r = send(rt.method, target, "", body, "", rt.websocket);
      if (r.status == 0 || r.status == 401 || r.status == 403 || r.status == 404 || r.status == 405 || r.status >= 500)
        problems.push_back(what + " (" + row->auth + ") without credentials: " + describe(r));
      continue;
    }
    if (row->auth == "signature") {
      // A teammate's token is no carrier signature.
      auto r = send(rt.method, target, token["owner"], "CallSid=CAmatrix&MessageSid=SMmatrix&From=%2B14155550177&To=%2B15550000000",
                    "Content-Type: application/x-www-form-urlencoded\r\n");
      if (r.status != 403 || !r.body.empty()) problems.push_back(what + " with an owner's token, unsigned: " + describe(r));
      continue;
    }
    if (row->auth == "widget" || row->auth == "bot") {
      // A teammate's session is no visitor's wst_ token, nor a Bot Framework JWT.
      auto r = send(rt.method, rt.websocket ? target + "?token=" + token["owner"] : target, token["owner"], body, "", rt.websocket);
      if (r.status != 401 || code_of(r) != "NOT_AUTHENTICATED")
        problems.push_back(what + " (" + row->auth + ") with an owner's token: " + describe(r));
      continue;
    }
    if (row->auth == "origin") {
      // A teammate's token does not stand in for an allowed Origin.
      auto r = send(rt.method, target, token["owner"], json({{"workspace_id", workspace}}).dump(),
                    "Origin: https://not-allowed.example\r\n");
      if (r.status != 403 || code_of(r) != "NOT_AUTHORIZED")
        problems.push_back(what + " with an owner's token from a refused Origin: " + describe(r));
      continue;
    }
    if (row->auth != "teammate") continue;  // an unknown kind: reported by the coverage test

    // No credentials at all.
    auto anonymous = send(rt.method, target, "", body, "", rt.websocket);
    if (anonymous.status != 401 || code_of(anonymous) != "NOT_AUTHENTICATED")
      problems.push_back(what + " without credentials: " + describe(anonymous));
    for (auto& c : credentials) {
      auto cell = row->cells.at(c);
      auto credential = token[c];
      // Logging out ends the session it is called with: a fresh one, so the others stay.
      if (rt.path == "/api/v1/auth/logout" && password.count(c)) credential = login(email[c], password[c]);
      auto r = send(rt.method, target, credential, body, "", rt.websocket);
      ++requests;
      bool allowed = r.status != 401 && r.status != 403;
      if (cell == "denied") {
        if (r.status != 403 || code_of(r) != "PERMISSION_DENIED")
          problems.push_back(what + " as " + c + ": the table says denied, got " + describe(r));
      } else if (!allowed || r.status == 0 || r.status >= 500) {
        problems.push_back(what + " as " + c + ": the table says allowed, got " + describe(r));
      }
    }
  }
  EXPECT_TRUE(problems.empty()) << problems.size() << " disagreements with docs/api.md \"Permission matrix\":" << joined(problems);
  EXPECT_GT(requests, 300) << "the matrix made suspiciously few requests";
}
