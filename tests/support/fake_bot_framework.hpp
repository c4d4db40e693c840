#pragma once
// The Bot Framework's side on loopback, for Teams tests: an RSA signing key
// made here (OpenSSL EVP) with its JWK, tokens signed like the Bot Connector
// Service's, and one server playing the OpenID metadata + JWKS endpoints, the
// client-credentials token endpoint and the Bot Connector REST API. Records
// every request.
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "switchboard/core/metrics.hpp"
#include "switchboard/http/router.hpp"
#include "switchboard/http/server.hpp"
#include "switchboard/teams/jwt.hpp"

namespace sbtest {

// A 2048-bit RSA key pair for signing test tokens.
class rsa_key {
 public:
  rsa_key() {
    key_ = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
    if (!key_) throw std::runtime_error("RSA key generation failed");
  }
  ~rsa_key() { EVP_PKEY_free(key_); }
  rsa_key(const rsa_key&) = delete;

  nlohmann::json jwk(const std::string& kid,
                     std::vector<std::string> endorsements = {"msteams"}) const {
    return {{"kty", "RSA"},    {"use", "sig"},    {"kid", kid},
            {"n", param("n")}, {"e", param("e")}, {"endorsements", endorsements}};
  }

  // header.payload.signature with RS256 (or the given alg written in the header).
  std::string sign(const nlohmann::json& header, const nlohmann::json& claims) const {
    namespace t = switchboard::teams;
    auto signed_part =
        t::base64url_encode(header.dump()) + "." + t::base64url_encode(claims.dump());
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    std::size_t len = 0;
    EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key_);
    EVP_DigestSign(md, nullptr, &len, reinterpret_cast<const unsigned char*>(signed_part.data()),
                   signed_part.size());
    std::string sig(len, '\0');
    EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size());
    sig.resize(len);
    EVP_MD_CTX_free(md);
    return signed_part + "." + t::base64url_encode(sig);
  }

 private:
  std::string param(const char* name) const {
    BIGNUM* bn = nullptr;
    EVP_PKEY_get_bn_param(key_, name, &bn);
    std::string bytes(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
    BN_free(bn);
    return switchboard::teams::base64url_encode(bytes);
  }
  EVP_PKEY* key_ = nullptr;
};

// Claims as the Bot Connector Service sends them, valid for an hour from now.
inline nlohmann::json bot_claims(
    const std::string& app_id, const std::string& service_url,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) {
  auto t = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  return {{"iss", "https://api.botframework.com"},
          {"aud", app_id},
          {"serviceurl", service_url},
          {"nbf", t - 60},
          {"exp", t + 3600},
          {"iat", t - 60}};
}

class fake_bot_framework {
 public:
  struct seen {
    std::string op;  // openid, keys, token, create, post
    std::string path, conversation, reply_to, authorization, body;
    int status = 0;  // what the fake answered
    nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  };

  fake_bot_framework() {
    using namespace switchboard;
    routes_.add("GET", "/openid", handler("openid"));
    routes_.add("GET", "/keys", handler("keys"));
    routes_.add("POST", "/token", handler("token"));
    routes_.add("POST", "/v3/conversations", handler("create"));
    routes_.add("POST", "/v3/conversations/{conversation}/activities", handler("post"));
    routes_.add("POST", "/v3/conversations/{conversation}/activities/{reply}", handler("post"));
    http_config hc;
    hc.host = "127.0.0.1";
    hc.port = 0;
    server_ = std::make_unique<http::server>(io_, hc, routes_, stats_);
    if (!server_->listen()) throw std::runtime_error("fake bot framework: listen failed");
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~fake_bot_framework() {
    io_.stop();
    thread_.join();
  }

  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::string openid_url() const { return base() + "/openid"; }
  std::string token_url() const { return base() + "/token"; }

  void set_keys(nlohmann::json keys) {
    std::lock_guard lock(mu_);
    jwks_ = {{"keys", std::move(keys)}};
  }
  // The next answer to a connector post (create or post) is this status.
  void fail_next_post(int status) {
    std::lock_guard lock(mu_);
    failures_.push_back(status);
  }
  // Every token issued so far is no longer accepted: connector posts bearing one
  // are answered `status` (401, or 403), as after a key rollover or a revoked secret.
  void expire_tokens(int status = 401) {
    std::lock_guard lock(mu_);
    expired_up_to_ = tokens_;
    expired_status_ = status;
  }
  std::vector<seen> requests(const std::string& op = "") {
    std::lock_guard lock(mu_);
    std::vector<seen> out;
    for (auto& r : requests_)
      if (op.empty() || r.op == op) out.push_back(r);
    return out;
  }
  std::size_t count(const std::string& op) { return requests(op).size(); }

  // Polls until `pred` holds over the requests (or the deadline passes).
  bool wait_for(const std::function<bool(const std::vector<seen>&)>& pred,
                std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred(requests())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return pred(requests());
  }
  // The bot's answers (posts to an existing conversation) whose text contains `needle`.
  std::vector<seen> answers_containing(const std::string& needle) {
    std::vector<seen> out;
    for (auto& r : requests("post")) {
      auto j = r.json();
      if (j.is_object() && j.value("text", std::string()).find(needle) != std::string::npos)
        out.push_back(r);
    }
    return out;
  }
  bool wait_answer(const std::string& needle,
                   std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (!answers_containing(needle).empty()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return !answers_containing(needle).empty();
  }

 private:
  using response = switchboard::http::response;
  switchboard::http::handler handler(std::string op) {
    return [this, op](switchboard::http::request& req) -> boost::asio::awaitable<response> {
      co_return answer(op, req);
    };
  }

  response answer(const std::string& op, switchboard::http::request& req) {
    std::lock_guard lock(mu_);
    seen s{op,
           req.path,
           req.params.count("conversation") ? req.params.at("conversation") : "",
           req.params.count("reply") ? req.params.at("reply") : "",
           std::string(req.headers.get("Authorization").value_or("")),
           req.body,
           0};
    requests_.push_back(s);
    auto r = respond(op, s);
    requests_.back().status = r.status;
    return r;
  }

  response respond(const std::string& op, const seen& s) {
    if (op == "openid")
      return response::json(
          200, {{"issuer", "https://api.botframework.com"}, {"jwks_uri", base() + "/keys"}});
    if (op == "keys") return response::json(200, jwks_);
    if (op == "token") {
      ++tokens_;
      return response::json(200, {{"token_type", "Bearer"},
                                  {"expires_in", 3600},
                                  {"access_token", "bot-token-" + std::to_string(tokens_)}});
    }
    const std::string prefix = "Bearer bot-token-";
    if (s.authorization.rfind(prefix, 0) == 0 &&
        std::atoi(s.authorization.c_str() + prefix.size()) <= expired_up_to_)
      return response::json(expired_status_,
                            {{"error", {{"code", "Unauthorized"}, {"message", "token expired"}}}});
    if (!failures_.empty()) {
      int status = failures_.front();
      failures_.erase(failures_.begin());
      return response::json(status,
                            {{"error", {{"code", "ServiceError"}, {"message", "try again"}}}});
    }
    ++ids_;
    if (op == "create")
      return response::json(
          201, {{"id", "19:chan@thread.tacv2;messageid=" + std::to_string(1000 + ids_)},
                {"activityId", std::to_string(1000 + ids_)}});
    return response::json(201, {{"id", "activity-" + std::to_string(ids_)}});
  }

  boost::asio::io_context io_{1};
  switchboard::metrics stats_;
  switchboard::http::router routes_;
  std::unique_ptr<switchboard::http::server> server_;
  std::thread thread_;
  std::mutex mu_;
  nlohmann::json jwks_ = {{"keys", nlohmann::json::array()}};
  std::vector<int> failures_;
  std::vector<seen> requests_;
  int tokens_ = 0, ids_ = 0;
  int expired_up_to_ = 0, expired_status_ = 401;
};

}  // namespace sbtest
