#pragma once
// A fake Twilio REST API on loopback (or SignalWire's LaML twin, under /api/laml):
// available numbers by area code, buying, updating, looking up and releasing
// incoming numbers, Messages.json and Calls.json. Records every request; a script makes
// the next answers of one operation fail, and a delay makes them slow.
#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "switchboard/carriers/signature.hpp"
#include "switchboard/core/metrics.hpp"
#include "switchboard/http/router.hpp"
#include "switchboard/http/server.hpp"

namespace sbtest {

class fake_carrier {
 public:
  struct seen {
    std::string op;  // search, buy, update, release, lookup, message, call
    std::string method, path, query, authorization, content_type, body;
    // One form or query field ("<missing>" when absent).
    std::string field(const std::string& name) const {
      auto form = switchboard::carriers::parse_form_body(method == "GET" ? query : body);
      if (form)
        for (auto& [k, v] : *form)
          if (k == name) return v;
      return "<missing>";
    }
  };

  // prefix: "" for Twilio, "/api/laml" for SignalWire.
  explicit fake_carrier(std::string prefix = "") : prefix_(std::move(prefix)) {
    std::string acct = prefix_ + "/2010-04-01/Accounts/{account}";
    add("GET", acct + "/AvailablePhoneNumbers/{country}/Local.json", "search");
    add("POST", acct + "/IncomingPhoneNumbers.json", "buy");
    add("GET", acct + "/IncomingPhoneNumbers.json", "lookup");
    add("POST", acct + "/IncomingPhoneNumbers/{file}", "update");
    add("DELETE", acct + "/IncomingPhoneNumbers/{file}", "release");
    add("POST", acct + "/Messages.json", "message");
    add("POST", acct + "/Calls.json", "call");
    switchboard::http_config hc;
    hc.host = "127.0.0.1";
    hc.port = 0;
    server_ = std::make_unique<switchboard::http::server>(io_, hc, routes_, stats_);
    if (!server_->listen()) throw std::runtime_error("fake carrier: listen failed");
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~fake_carrier() {
    // Answers still delayed are sent now, so no handler is left suspended when the
    // io_context goes away.
    boost::asio::post(io_, [this] {
      for (auto* t : timers_) t->cancel();
    });
    for (int i = 0; i < 500 && delayed_ > 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    io_.stop();
    thread_.join();
  }

  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

  // Numbers for sale (E.164); the default has a few in 415 and 510.
  void set_inventory(std::vector<std::string> numbers) {
    std::lock_guard lock(mu_);
    inventory_ = std::move(numbers);
  }
  // A number the account already owns (for lookups).
  void own(const std::string& number, const std::string& sid) {
    std::lock_guard lock(mu_);
    owned_[sid] = {number, "", "", ""};
  }
  // The next answer of `op` is this status and body.
  void fail_next(const std::string& op, int status, std::string body) {
    std::lock_guard lock(mu_);
    script_[op].emplace_back(status, std::move(body));
  }
  // Answers of `op` leave this long after their request arrived (recorded on arrival).
  void delay(const std::string& op, std::chrono::milliseconds d) {
    std::lock_guard lock(mu_);
    delays_[op] = d;
  }
  std::vector<seen> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  std::vector<seen> requests(const std::string& op) {
    std::lock_guard lock(mu_);
    std::vector<seen> out;
    for (auto& r : requests_)
      if (r.op == op) out.push_back(r);
    return out;
  }
  bool owns(const std::string& sid) {
    std::lock_guard lock(mu_);
    return owned_.count(sid) > 0;
  }

 private:
  struct owned_number {
    std::string number, sms_url, voice_url, status_callback;
  };
  using json = nlohmann::json;
  using response = switchboard::http::response;

  void add(const std::string& method, const std::string& path, const std::string& op) {
    routes_.add(method, path,
                [this, op](switchboard::http::request& req) -> boost::asio::awaitable<response> {
                  auto r = answer(op, req);
                  std::chrono::milliseconds d{0};
                  {
                    std::lock_guard lock(mu_);
                    if (auto it = delays_.find(op); it != delays_.end()) d = it->second;
                  }
                  if (d.count() > 0) {
                    // A timer, not a sleep: other requests are served meanwhile.
                    ++delayed_;
                    boost::asio::steady_timer t(io_, d);
                    timers_.insert(&t);
                    co_await t.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
                    timers_.erase(&t);
                    --delayed_;
                  }
                  co_return r;
                });
  }

  static json incoming(const std::string& sid, const owned_number& n) {
    return {{"sid", sid},
            {"phone_number", n.number},
            {"capabilities", {{"voice", true}, {"sms", true}, {"mms", true}, {"fax", false}}},
            {"sms_url", n.sms_url},
            {"voice_url", n.voice_url},
            {"status_callback", n.status_callback}};
  }

  response answer(const std::string& op, switchboard::http::request& req) {
    std::lock_guard lock(mu_);
    seen s{op,
           req.method,
           req.path,
           req.query,
           std::string(req.headers.get("Authorization").value_or("")),
           std::string(req.headers.get("Content-Type").value_or("")),
           req.body};
    requests_.push_back(s);
    auto& queued = script_[op];
    if (!queued.empty()) {
      auto [status, body] = queued.front();
      queued.erase(queued.begin());
      return response::text(status, body, "application/json");
    }
    std::string sid;
    if (req.params.count("file")) {
      sid = req.params.at("file");
      if (sid.size() > 5 && sid.substr(sid.size() - 5) == ".json") sid.resize(sid.size() - 5);
    }
    if (op == "search") {
      auto area = req.query_param("AreaCode").value_or("");
      int limit = std::stoi(req.query_param("PageSize").value_or("50"));
      json items = json::array();
      for (auto& n : inventory_) {
        if (!area.empty() && n.rfind("+1" + area, 0) != 0) continue;
        if (static_cast<int>(items.size()) >= limit) break;
        items.push_back({{"phone_number", n},
                         {"friendly_name", n},
                         {"locality", "Springfield"},
                         {"region", "CA"},
                         // Searches spell them in capitals, as Twilio does.
                         {"capabilities", {{"voice", true}, {"SMS", true}, {"MMS", true}}}});
      }
      return response::json(200, {{"available_phone_numbers", items}, {"uri", req.target}});
    }
    if (op == "buy") {
      auto n = s.field("PhoneNumber");
      auto it = std::find(inventory_.begin(), inventory_.end(), n);
      if (it == inventory_.end())
        return response::json(400, {{"code", 21422},
                                    {"message", "PhoneNumber " + n + " is not available."},
                                    {"status", 400}});
      inventory_.erase(it);
      sid = "PNfake" + std::to_string(++bought_);
      owned_[sid] = {n, s.field("SmsUrl"), s.field("VoiceUrl"), s.field("StatusCallback")};
      return response::json(201, incoming(sid, owned_[sid]));
    }
    if (op == "lookup") {
      auto n = req.query_param("PhoneNumber").value_or("");
      json items = json::array();
      for (auto& [k, v] : owned_)
        if (v.number == n) items.push_back(incoming(k, v));
      return response::json(200, {{"incoming_phone_numbers", items}});
    }
    if (op == "update") {
      if (!owned_.count(sid))
        return response::json(404, {{"code", 20404}, {"message", "not found"}, {"status", 404}});
      auto& n = owned_[sid];
      n.sms_url = s.field("SmsUrl");
      n.voice_url = s.field("VoiceUrl");
      n.status_callback = s.field("StatusCallback");
      return response::json(200, incoming(sid, n));
    }
    if (op == "release") {
      if (!owned_.erase(sid))
        return response::json(404, {{"code", 20404}, {"message", "not found"}, {"status", 404}});
      return response::text(204, "", "");
    }
    // SIDs differ between the two carriers' fakes, as real ones do (the daemon keeps
    // them unique per channel).
    auto n = (prefix_.empty() ? "" : "sw") + std::to_string(requests_.size());
    if (op == "call")  // as Twilio answers a Calls.json POST
      return response::json(201, {{"sid", "CAfake" + n}, {"status", "queued"}});
    return response::json(201, {{"sid", "SMfake" + n}, {"status", "queued"}});
  }

  std::string prefix_;
  boost::asio::io_context io_{1};
  switchboard::metrics stats_;
  switchboard::http::router routes_;
  std::unique_ptr<switchboard::http::server> server_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> inventory_{"+14155550101", "+14155550102", "+14155550103",
                                      "+15105550101", "+15105550102"};
  std::map<std::string, owned_number> owned_;
  std::map<std::string, std::vector<std::pair<int, std::string>>> script_;
  std::map<std::string, std::chrono::milliseconds> delays_;
  std::set<boost::asio::steady_timer*> timers_;  // delayed answers (touched on io_'s thread only)
  std::atomic<int> delayed_{0};
  std::vector<seen> requests_;
  int bought_ = 0;
};

}  // namespace sbtest
