// The OpenAPI document (docs/openapi.json, served at GET /api/v1/openapi.json)
// against the server's own router: every route under /api/v1/ and /api/widget/v1/
// must be an operation of the document, and every operation must be a route, so
// a new route without a description fails here (and so does a stale entry). The
// document is also checked as OpenAPI: version 3.1.x, unique operationIds,
// responses, declared path parameters, and $refs that resolve.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_support.hpp"
#include "switchboard/http/router.hpp"

namespace sb = switchboard;
using json = nlohmann::json;

namespace {

// The operations an OpenAPI path item may hold (its other keys are not operations).
const std::set<std::string> http_methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

// The API the document describes; the rest (web files, help pages, webhooks,
// sandbox, WebSockets, system endpoints) is outside it.
bool described_api(const std::string& path) {
  return path.rfind("/api/v1/", 0) == 0 || path.rfind("/api/widget/v1/", 0) == 0;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "{id}" and "{message_id}" of "/a/{id}/b/{message_id}", in order.
std::vector<std::string> template_params(const std::string& path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while ((i = path.find('{', i)) != std::string::npos) {
    auto j = path.find('}', i);
    if (j == std::string::npos) break;
    out.push_back(path.substr(i + 1, j - i - 1));
    i = j + 1;
  }
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (auto& s : v) out += "\n  " + s;
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A local "#/…" reference's target, or nullptr.
const json* resolve(const json& doc, const std::string& ref) {
  if (ref.rfind("#/", 0) != 0) return nullptr;
  try {
    json::json_pointer p(ref.substr(1));
    return doc.contains(p) ? &doc.at(p) : nullptr;
  } catch (const json::exception&) {
    return nullptr;  // a malformed pointer
  }
}

// Every "$ref" anywhere in `node`, with where it is.
void collect_refs(const json& node, const std::string& where, std::vector<std::pair<std::string, std::string>>& out) {
  if (node.is_object()) {
    for (auto& [k, v] : node.items()) {
      if (k == "$ref" && v.is_string()) out.emplace_back(where, v.get<std::string>());
      else collect_refs(v, where + "/" + k, out);
    }
  } else if (node.is_array()) {
    for (std::size_t i = 0; i < node.size(); ++i) collect_refs(node[i], where + "/" + std::to_string(i), out);
  }
}

struct route_info {
  std::string method, path;
};

class openapi : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_ = sbtest::test_config(dir_.path());
    sb::app::app_options o{false, {}};
    // The router's own list: the document must follow it.
    o.extra_routes = [this](sb::http::router& r, sb::app::app&) {
      for (auto& rt : r.routes()) routes_.push_back({rt.method, rt.path_template});
    };
    app_ = std::make_unique<sbtest::running_app>(cfg_, o);
    auto reply = sbtest::http_request(app_->port(), "GET", "/api/v1/openapi.json");
    ASSERT_TRUE(reply);
    served_ = *reply;
    doc_ = json::parse(served_.body, nullptr, false);
  }

  // The document's (method, path) operations, upper-case methods.
  std::set<std::pair<std::string, std::string>> operations() const {
    std::set<std::pair<std::string, std::string>> out;
    if (!doc_.is_object() || !doc_.contains("paths") || !doc_["paths"].is_object()) return out;
    for (auto& [path, item] : doc_["paths"].items())
      if (item.is_object())
        for (auto& [method, op] : item.items())
          if (http_methods.count(method)) out.insert({upper(method), path});
    return out;
  }

  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::vector<route_info> routes_;
  std::unique_ptr<sbtest::running_app> app_;
  sbtest::http_reply served_;
  json doc_;
};

}  // namespace

TEST_F(openapi, get_api_v1_openapi_json_answers_200_json_without_credentials) {
  EXPECT_EQ(served_.status, 200) << served_.body.substr(0, 200);
  EXPECT_EQ(served_.header("content-type"), "application/json");
  ASSERT_FALSE(doc_.is_discarded()) << "the served document is not JSON";
  // Embedded at build time from the file in the repository, byte for byte.
  EXPECT_EQ(served_.body, read_file(std::string(SWITCHBOARD_SOURCE_DIR) + "/docs/openapi.json"))
      << "the served document differs from docs/openapi.json (rebuild?)";

  auto etag = served_.header("etag");
  ASSERT_FALSE(etag.empty());
  auto again = sbtest::http_request(app_->port(), "GET", "/api/v1/openapi.json", "", "If-None-Match: " + etag + "\r\n");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  // A bearer token that means nothing changes nothing: the route is public.
  auto with_token = sbtest::http_request(app_->port(), "GET", "/api/v1/openapi.json", "", "Authorization: Bearer sbs_nothing\r\n");
  ASSERT_TRUE(with_token);
  EXPECT_EQ(with_token->status, 200);
}

// Every route of the router under /api/v1/ and /api/widget/v1/ is an operation, and the reverse.
TEST_F(openapi, the_document_describes_every_api_route_of_the_router_and_no_other) {
  ASSERT_TRUE(doc_.is_object()) << "the served document is not a JSON object";
  ASSERT_GT(routes_.size(), 50u) << "the router's route list was not captured";
  auto documented = operations();
  std::set<std::pair<std::string, std::string>> routed;
  std::vector<std::string> problems;
  for (auto& rt : routes_) {
    if (!described_api(rt.path)) continue;
    // HEAD is served wherever GET is; the document lists GET only.
    if (rt.method == "HEAD") continue;
    routed.insert({rt.method, rt.path});
    if (!documented.count({rt.method, rt.path}))
      problems.push_back(rt.method + " " + rt.path + ": a route of the server that docs/openapi.json does not describe");
  }
  for (auto& [method, path] : documented) {
    if (!described_api(path))
      problems.push_back(method + " " + path + ": docs/openapi.json describes a path outside /api/v1/ and /api/widget/v1/");
    else if (!routed.count({method, path}))
      problems.push_back(method + " " + path + ": an operation of docs/openapi.json with no route in the server");
  }
  EXPECT_TRUE(problems.empty()) << problems.size() << " differences between the router and docs/openapi.json:" << joined(problems);
  EXPECT_GT(routed.size(), 80u);
}

TEST_F(openapi, the_document_is_well_formed_openapi_3_1) {
  ASSERT_TRUE(doc_.is_object()) << "the served document is not a JSON object";
  std::vector<std::string> problems;
  auto version = doc_.value("openapi", std::string());
  if (version.rfind("3.1.", 0) != 0) problems.push_back("openapi is '" + version + "', not 3.1.x");
  if (!doc_.contains("info") || !doc_["info"].is_object() || !doc_["info"].contains("title") || !doc_["info"].contains("version"))
    problems.push_back("info needs title and version");
  if (!doc_.contains("servers") || !doc_["servers"].is_array() || doc_["servers"].empty() ||
      doc_["servers"][0].value("url", std::string()) != "/")
    problems.push_back("servers must start with the relative url /");
  json schemes = json::object();
  if (doc_.contains("components") && doc_["components"].contains("securitySchemes"))
    schemes = doc_["components"]["securitySchemes"];
  for (auto name : {"session", "api_key", "visitor"})
    if (!schemes.contains(name)) problems.push_back(std::string("components.securitySchemes has no ") + name);

  // Security requirements name declared schemes.
  auto check_security = [&](const json& reqs, const std::string& where) {
    if (!reqs.is_array()) {
      problems.push_back(where + ": security is not an array");
      return;
    }
    for (auto& req : reqs)
      for (auto& [name, scopes] : req.items())
        if (!schemes.contains(name)) problems.push_back(where + ": unknown security scheme " + name);
  };
  if (doc_.contains("security")) check_security(doc_["security"], "the document");

  // A parameter, through its $ref.
  auto deref = [&](const json& p) -> const json* {
    if (p.is_object() && p.contains("$ref") && p["$ref"].is_string()) return resolve(doc_, p["$ref"].get<std::string>());
    return &p;
  };

  std::set<std::string> operation_ids;
  int operations_seen = 0;
  ASSERT_TRUE(doc_.contains("paths") && doc_["paths"].is_object()) << "no paths";
  for (auto& [path, item] : doc_["paths"].items()) {
    auto names = template_params(path);
    for (auto& [method, op] : item.items()) {
      if (!http_methods.count(method)) continue;
      ++operations_seen;
      auto where = upper(method) + " " + path;
      if (method != lower(method)) problems.push_back(where + ": method keys are lower case");
      auto id = op.value("operationId", std::string());
      if (id.empty()) problems.push_back(where + ": no operationId");
      else if (!operation_ids.insert(id).second) problems.push_back(where + ": operationId " + id + " is used twice");
      if (op.value("summary", std::string()).empty()) problems.push_back(where + ": no summary");
      if (!op.contains("tags") || !op["tags"].is_array() || op["tags"].empty()) problems.push_back(where + ": no tags");
      if (!op.contains("responses") || !op["responses"].is_object() || op["responses"].empty())
        problems.push_back(where + ": no responses");
      else {
        bool success = false;
        for (auto& [status, response] : op["responses"].items()) {
          if (status.size() == 3 && (status[0] == '2' || status[0] == '3')) success = true;
          auto* r = deref(response);
          if (!r || !r->is_object() || !r->contains("description"))
            problems.push_back(where + ": response " + status + " has no description");
        }
        if (!success) problems.push_back(where + ": no 2xx or 3xx response");
      }
      if (op.contains("security")) check_security(op["security"], where);
      // Path parameters: declared on the path item or the operation, exactly the template's.
      std::set<std::string> declared;
      for (auto* level : {&item, &op}) {
        if (!level->contains("parameters")) continue;
        for (auto& p : (*level)["parameters"]) {
          auto* param = deref(p);
          if (!param || !param->is_object()) {
            problems.push_back(where + ": a parameter does not resolve");
            continue;
          }
          if (param->value("in", std::string()) != "path") continue;
          auto name = param->value("name", std::string());
          declared.insert(name);
          if (!param->value("required", false)) problems.push_back(where + ": path parameter " + name + " is not required");
          if (std::find(names.begin(), names.end(), name) == names.end())
            problems.push_back(where + ": path parameter " + name + " is not in the path");
        }
      }
      for (auto& n : names)
        if (!declared.count(n)) problems.push_back(where + ": {" + n + "} has no parameter with in: path");
    }
  }
  EXPECT_GT(operations_seen, 80);

  // Every $ref is local and resolves.
  std::vector<std::pair<std::string, std::string>> refs;
  collect_refs(doc_, "", refs);
  for (auto& [where, ref] : refs)
    if (!resolve(doc_, ref)) problems.push_back(where + ": $ref " + ref + " does not resolve");
  EXPECT_GT(refs.size(), 100u);
  EXPECT_TRUE(problems.empty()) << problems.size() << " problems in docs/openapi.json:" << joined(problems);
}
