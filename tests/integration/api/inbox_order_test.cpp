// Issue 17: the inbox lists conversations by last activity, newest first, across
// pages. A returning customer (an old conversation with a new message) is on the
// first page after a reload, not where its creation put it.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"
#include "switchboard/app/bootstrap.hpp"

namespace sb = switchboard;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

class inbox_order_test : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.sandbox_requests_per_minute = 1000000;
    cfg_.bootstrap.admin_password = "admin-password-1";
    app_ = std::make_unique<sbtest::running_app>(cfg_);
    ASSERT_TRUE(sb::app::ensure_bootstrap(app_->get().db(), cfg_.bootstrap));
    token_ = call("POST", "/api/v1/auth/login", {{"email", cfg_.bootstrap.admin_email}, {"password", "admin-password-1"}})
                 ["token"]
                     .get<std::string>();
    auto n = call("POST", "/api/v1/numbers", {{"carrier", "sandbox"}});
    line_ = n["number"].get<std::string>();
  }

  json call(const std::string& method, const std::string& path, const json& body = nullptr) {
    auto r = sbtest::http_request(app_->port(), method, path, body.is_null() ? "" : body.dump(),
                                  token_.empty() ? "" : "Authorization: Bearer " + token_ + "\r\n");
    last_status_ = r ? r->status : 0;
    return r ? json::parse(r->body, nullptr, false) : json();
  }

  void text(const std::string& from, const std::string& body) {
    call("POST", "/api/sandbox/v1/messages", {{"from", from}, {"to", line_}, {"body", body}});
    ASSERT_EQ(last_status_, 201);
    // Distinct activity times, to the millisecond the store writes.
    std::this_thread::sleep_for(5ms);
  }

  // Every conversation's phone, page by page of `limit`, following next_cursor.
  std::vector<std::string> listed(int limit, const std::string& filter = "status=all") {
    std::vector<std::string> out;
    std::string cursor;
    for (int pages = 0; pages < 20; ++pages) {
      auto page = call("GET", "/api/v1/conversations?" + filter + "&limit=" + std::to_string(limit) +
                                  (cursor.empty() ? "" : "&cursor=" + cursor));
      EXPECT_EQ(last_status_, 200) << page.dump();
      for (auto& c : page["items"]) out.push_back(c["contact"]["phone"].get<std::string>());
      if (!page["next_cursor"].is_string()) break;
      cursor = page["next_cursor"].get<std::string>();
    }
    return out;
  }

  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string token_, line_;
  int last_status_ = 0;
};

}  // namespace

TEST_F(inbox_order_test, a_returning_customer_is_first_after_a_reload_and_pages_follow_activity) {
  const std::vector<std::string> phones = {"+14155550301", "+14155550302", "+14155550303", "+14155550304"};
  for (auto& p : phones) text(p, "hello from " + p);
  // Newest first by activity.
  EXPECT_EQ(listed(25), (std::vector<std::string>{phones[3], phones[2], phones[1], phones[0]}));
  // The oldest conversation gets a new message: it leads, on the first page.
  text(phones[0], "me again");
  EXPECT_EQ(listed(1).front(), phones[0]);
  EXPECT_EQ(listed(25), (std::vector<std::string>{phones[0], phones[3], phones[2], phones[1]}));
  // Pages of one, two and three give the same order, each conversation once.
  for (int limit : {1, 2, 3}) EXPECT_EQ(listed(limit), listed(25)) << "limit " << limit;
  // A view (open conversations) pages the same way.
  EXPECT_EQ(listed(2, "status=open"), listed(25));
}

TEST_F(inbox_order_test, a_malformed_cursor_is_400) {
  for (auto bad : {"c12", "t~12", "t2026-12-06T10:00:00Z~x", "t2026-12-06T10:00:00Z", "t%27;drop~1", "xyz"}) {
    auto r = call("GET", std::string("/api/v1/conversations?cursor=") + bad);
    EXPECT_EQ(last_status_, 400) << bad << ": " << r.dump();
    EXPECT_EQ(r["error"]["code"], "INVALID_INPUT") << bad;
  }
}
