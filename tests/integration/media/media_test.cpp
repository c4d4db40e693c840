// Issue 18, attachments: an inbound MMS is downloaded from a fake carrier media
// server on loopback that requires Basic auth, stored, and served to teammates
// only; size and type limits hold for downloads and uploads; an outbound MMS
// carries a signed URL the carrier can fetch until it expires; a widget visitor
// reads only their own conversations' attachments.
#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/api_client.hpp"
#include "support/test_support.hpp"
#include "switchboard/core/encoding.hpp"
#include "switchboard/http/server.hpp"

using sbtest::eventually;

namespace sb = switchboard;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

// A tiny PNG's bytes are not needed: the store keeps whatever the carrier sends.
const std::string png_bytes = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(600, 'p');

// Twilio on loopback: Messages.json records sends; a message's media answers only
// with the account's Basic auth and redirects to a "CDN" path, as Twilio does.
class fake_twilio {
 public:
  fake_twilio() {
    routes_.add("POST", "/2010-04-01/Accounts/{account}/Messages.json",
                [this](sb::http::request& req) -> boost::asio::awaitable<sb::http::response> {
                  std::lock_guard lock(mu_);
                  sends_.push_back(req.body);
                  co_return sb::http::response::json(201, {{"sid", "SMout" + std::to_string(sends_.size())},
                                                           {"status", "queued"}});
                });
    routes_.add("GET", "/2010-04-01/Accounts/{account}/Messages/{message}/Media/{media}",
                [this](sb::http::request& req) -> boost::asio::awaitable<sb::http::response> {
                  auto auth = std::string(req.headers.get("Authorization").value_or(""));
                  {
                    std::lock_guard lock(mu_);
                    media_auth_.push_back(auth);
                  }
                  if (auth != "Basic " + sb::base64("ACtest:twilio-test-token"))
                    co_return sb::http::response::error(401, "NOT_AUTHENTICATED", "Basic auth required");
                  auto res = sb::http::response::text(307, "");
                  res.headers.add("Location", "/cdn/" + req.params.at("media"));
                  co_return res;
                });
    routes_.add("DELETE", "/2010-04-01/Accounts/{account}/Messages/{message}/Media/{media}",
                [this](sb::http::request& req) -> boost::asio::awaitable<sb::http::response> {
                  std::lock_guard lock(mu_);
                  deleted_.push_back(req.params.at("media"));
                  co_return sb::http::response::text(204, "");
                });
    routes_.add("GET", "/cdn/{media}", [this](sb::http::request& req) -> boost::asio::awaitable<sb::http::response> {
      auto name = req.params.at("media");
      if (name == "SLOW") {  // answers only once the test lets it
        slow_started_ = true;
        while (!release_slow_) {
          boost::asio::steady_timer pause(io_, std::chrono::milliseconds(10));
          co_await pause.async_wait(boost::asio::use_awaitable);
        }
        co_return sb::http::response::text(200, png_bytes + "slow", "image/png");
      }
      if (name == "BIG") co_return sb::http::response::text(200, std::string(4096, 'b'), "image/jpeg");
      if (name == "FLAKY") co_return sb::http::response::error(503, "UNAVAILABLE", "try later");
      co_return sb::http::response::text(200, png_bytes, "image/png");
    });
    sb::http_config hc;
    hc.host = "127.0.0.1";
    hc.port = 0;
    server_ = std::make_unique<sb::http::server>(io_, hc, routes_, stats_);
    if (!server_->listen()) throw std::runtime_error("fake twilio: listen failed");
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~fake_twilio() {
    io_.stop();
    thread_.join();
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::string media_url(const std::string& media) const {
    return base() + "/2010-04-01/Accounts/ACtest/Messages/MM1/Media/" + media;
  }
  std::vector<std::string> sends() {
    std::lock_guard lock(mu_);
    return sends_;
  }
  std::vector<std::string> media_auth() {
    std::lock_guard lock(mu_);
    return media_auth_;
  }
  std::vector<std::string> deleted() {
    std::lock_guard lock(mu_);
    return deleted_;
  }

 private:
  boost::asio::io_context io_{1};
  sb::metrics stats_;
  sb::http::router routes_;
  std::unique_ptr<sb::http::server> server_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> sends_, media_auth_, deleted_;

 public:
  std::atomic<bool> slow_started_{false}, release_slow_{false};
};

std::string form_value(const std::string& body, const std::string& key) {
  auto at = body.find(key + "=");
  if (at == std::string::npos) return "";
  auto end = body.find('&', at);
  auto raw = body.substr(at + key.size() + 1, end == std::string::npos ? std::string::npos : end - at - key.size() - 1);
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '%' && i + 2 < raw.size()) {
      out.push_back(static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(raw[i] == '+' ? ' ' : raw[i]);
    }
  }
  return out;
}

class media_test : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.bootstrap.admin_password = "admin-password-1";
    cfg_.twilio.auth_token = "twilio-test-token";
    cfg_.twilio.account_sid = "ACtest";
    cfg_.twilio.api_base = twilio_.base();
    cfg_.twilio_delete_media_after_download = true;
    cfg_.public_url = "https://switchboard.example.com";
    cfg_.sms_per_second_per_number = 100;
    cfg_.media_max_bytes = 2048;
    sb::app::app_options o{false, {}};
    o.outbox_poll = 50ms;
    o.outbox_retry_base = 100ms;
    o.now = [this] { return std::chrono::system_clock::now() + std::chrono::hours(skew_hours_.load()); };
    app_ = std::make_unique<sbtest::running_app>(cfg_, o);
    token_ = sbtest::bootstrap_and_login(*app_, cfg_.bootstrap);
    ASSERT_FALSE(token_.empty());
    auto r = call("POST", "/api/v1/numbers", {{"carrier", "twilio"}, {"number", line_}});
    ASSERT_EQ(r.status, 201) << r.raw;
  }

  sbtest::api_reply call(const std::string& method, const std::string& path, const json& body = nullptr) {
    return sbtest::api_call(app_->port(), method, path, token_, body);
  }
  sbtest::api_reply raw(const std::string& method, const std::string& target, const std::string& body = "",
                        const std::string& headers = "") {
    return sbtest::to_api_reply(sbtest::http_request(app_->port(), method, target, body, headers));
  }
  sbtest::api_reply upload(const std::string& bytes, const std::string& type, const std::string& name = "photo.png") {
    return raw("POST", "/api/v1/media?name=" + name, bytes,
               "Authorization: Bearer " + token_ + "\r\nContent-Type: " + type + "\r\n");
  }
  sbtest::api_reply mms(const std::string& sid, const std::vector<std::pair<std::string, std::string>>& media) {
    sb::carriers::param_list p = {{"MessageSid", sid}, {"AccountSid", "ACtest"}, {"From", customer_},
                                  {"To", line_}, {"Body", "see attached"},
                                  {"NumMedia", std::to_string(media.size())}};
    for (std::size_t i = 0; i < media.size(); ++i) {
      p.push_back({"MediaUrl" + std::to_string(i), media[i].first});
      p.push_back({"MediaContentType" + std::to_string(i), media[i].second});
    }
    return sbtest::post_signed(app_->port(), cfg_.public_url, "twilio-test-token", "/webhooks/twilio/sms", p);
  }
  json first_message_media() {
    auto list = call("GET", "/api/v1/conversations");
    if (list.body["items"].empty()) return nullptr;
    auto conv = list.body["items"][0]["id"].get<std::string>();
    auto thread = call("GET", "/api/v1/conversations/" + conv + "/messages");
    for (auto& m : thread.body["items"])
      if (m["direction"] == "inbound") return m["media"];
    return nullptr;
  }
  std::string conversation() {
    auto list = call("GET", "/api/v1/conversations");
    return list.body["items"].empty() ? "" : list.body["items"][0]["id"].get<std::string>();
  }
  std::int64_t count(const std::string& sql) { return sbtest::count(app_->get(), sql); }

  fake_twilio twilio_;
  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string token_;
  std::atomic<int> skew_hours_{0};
  std::string line_ = "+14155550100", customer_ = "+14155550199";
};

}  // namespace

TEST_F(media_test, an_inbound_mms_is_downloaded_with_basic_auth_stored_and_served_to_teammates_only) {
  ASSERT_EQ(mms("MM1", {{twilio_.media_url("ME1"), "image/png"}, {twilio_.media_url("ME2"), "text/html"}}).status,
            200);
  // Until the dispatcher has the file, the item is pending and never shows the carrier's URL.
  ASSERT_TRUE(eventually([&] {
    auto media = first_message_media();
    return media.is_array() && media.size() == 2 && media[0].contains("id");
  })) << first_message_media();
  auto media = first_message_media();
  EXPECT_EQ(media[0]["content_type"], "image/png");
  EXPECT_EQ(media[0]["size"], static_cast<int>(png_bytes.size()));
  EXPECT_FALSE(media[0].contains("url"));
  // HTML is not on the allow-list: never fetched, never stored.
  EXPECT_FALSE(media[1].contains("id")) << media;
  EXPECT_TRUE(media[1].contains("error")) << media;
  EXPECT_EQ(count("SELECT COUNT(*) FROM media"), 1);
  // The fake refused anything but the account's Basic auth; the download presented it.
  auto auths = twilio_.media_auth();
  ASSERT_EQ(auths.size(), 1u);
  EXPECT_EQ(auths[0], "Basic " + sb::base64("ACtest:twilio-test-token"));
  // carriers.twilio.delete_media_after_download: the carrier's copy is deleted once stored.
  EXPECT_TRUE(eventually([&] { return twilio_.deleted() == std::vector<std::string>{"ME1"}; }));

  auto id = media[0]["id"].get<std::string>();
  auto anonymous = raw("GET", "/api/v1/media/" + id);
  EXPECT_EQ(anonymous.status, 401) << anonymous.raw;
  auto served = raw("GET", "/api/v1/media/" + id, "", "Authorization: Bearer " + token_ + "\r\n");
  ASSERT_EQ(served.status, 200) << served.raw;
  EXPECT_EQ(served.raw, png_bytes);
  EXPECT_EQ(served.header("content-type"), "image/png");
  EXPECT_EQ(served.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(served.header("content-disposition").rfind("inline; filename=", 0), 0u) << served.header("content-disposition");
  EXPECT_NE(served.header("content-security-policy").find("sandbox"), std::string::npos);
  // Stored under data_dir/media by its SHA-256.
  EXPECT_EQ(sbtest::regular_files_under(dir_.path() + "/media"), 1u);
  EXPECT_EQ(raw("GET", "/api/v1/media/999999", "", "Authorization: Bearer " + token_ + "\r\n").status, 404);
}

TEST_F(media_test, an_inbound_file_over_media_max_bytes_is_refused_and_not_stored) {
  ASSERT_EQ(mms("MM2", {{twilio_.media_url("BIG"), "image/jpeg"}}).status, 200);
  ASSERT_TRUE(eventually([&] {
    auto media = first_message_media();
    return media.is_array() && media.size() == 1 && media[0].contains("error");
  })) << first_message_media();
  EXPECT_NE(first_message_media()[0]["error"].get<std::string>().find("media.max_bytes"), std::string::npos);
  EXPECT_EQ(count("SELECT COUNT(*) FROM media"), 0);
}

TEST_F(media_test, a_failing_media_server_is_retried_and_the_text_is_never_held_up) {
  ASSERT_EQ(mms("MM3", {{twilio_.media_url("FLAKY"), "image/png"}}).status, 200);
  // The text is in the thread at once; its file stays pending while the carrier fails.
  auto media = first_message_media();
  ASSERT_TRUE(media.is_array());
  ASSERT_EQ(media.size(), 1u);
  EXPECT_TRUE(media[0].value("pending", false)) << media;
  ASSERT_TRUE(eventually([&] {
    return count("SELECT attempts FROM outbox WHERE kind = 'media.fetch' AND status = 'pending'") >= 2;
  }));
}

TEST_F(media_test, uploads_answer_415_for_a_type_off_the_list_and_413_over_the_limit) {
  auto html = upload("<script>alert(1)</script>", "text/html", "x.html");
  EXPECT_EQ(html.status, 415) << html.raw;
  EXPECT_EQ(html.code(), "UNSUPPORTED_MEDIA_TYPE");
  auto svg = upload("<svg/>", "image/svg+xml", "x.svg");
  EXPECT_EQ(svg.status, 415) << svg.raw;
  auto big = upload(std::string(4096, 'x'), "image/png");
  EXPECT_EQ(big.status, 413) << big.raw;
  EXPECT_EQ(big.code(), "PAYLOAD_TOO_LARGE");
  auto empty = upload("", "image/png");
  EXPECT_EQ(empty.status, 400) << empty.raw;
  auto anonymous = raw("POST", "/api/v1/media?name=a.png", png_bytes, "Content-Type: image/png\r\n");
  EXPECT_EQ(anonymous.status, 401) << anonymous.raw;
  auto ok = upload(png_bytes, "image/png", "../../etc/passwd");
  ASSERT_EQ(ok.status, 201) << ok.raw;
  EXPECT_EQ(ok.body["content_type"], "image/png");
  EXPECT_EQ(ok.body["name"], "passwd.png");
  EXPECT_EQ(count("SELECT COUNT(*) FROM media"), 1);
}

TEST_F(media_test, an_outbound_mms_carries_a_signed_url_the_carrier_can_fetch_until_it_expires) {
  ASSERT_EQ(mms("MM4", {}).status, 200);
  auto conv = conversation();
  auto up = upload(png_bytes, "image/png", "menu.png");
  ASSERT_EQ(up.status, 201) << up.raw;
  auto id = up.body["id"].get<std::string>();
  auto r = call("POST", "/api/v1/conversations/" + conv + "/messages", {{"media_ids", {id}}});
  ASSERT_EQ(r.status, 201) << r.raw;
  EXPECT_EQ(r.body["media"].size(), 1u) << r.raw;
  EXPECT_EQ(r.body["media"][0]["id"], id);
  // The same upload can't be sent twice, and nobody sends an id that is not an upload.
  EXPECT_EQ(call("POST", "/api/v1/conversations/" + conv + "/messages", {{"media_ids", {id}}}).status, 400);
  EXPECT_EQ(call("POST", "/api/v1/conversations/" + conv + "/messages", {{"media_ids", {"424242"}}}).status, 400);

  ASSERT_TRUE(eventually([&] { return !twilio_.sends().empty(); }));
  auto url = form_value(twilio_.sends()[0], "MediaUrl");
  const std::string prefix = "https://switchboard.example.com";
  ASSERT_EQ(url.rfind(prefix + "/api/v1/media/" + id + "?", 0), 0u) << url;
  auto target = url.substr(prefix.size());
  // The carrier has no login: the URL is the credential.
  auto fetched = raw("GET", target);
  ASSERT_EQ(fetched.status, 200) << fetched.raw;
  EXPECT_EQ(fetched.raw, png_bytes);
  auto tampered = target;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  EXPECT_EQ(raw("GET", tampered).status, 403);
  auto other = target;
  other.replace(other.find("/media/" + id), 7 + id.size(), "/media/" + std::to_string(std::stoll(id) + 1));
  EXPECT_EQ(raw("GET", other).status, 403);
  // A day later the link has expired.
  skew_hours_ = 25;
  EXPECT_EQ(raw("GET", target).status, 403);
}

TEST_F(media_test, erasing_the_contact_removes_their_attachments_files) {
  ASSERT_EQ(mms("MM5", {{twilio_.media_url("ME5"), "image/png"}}).status, 200);
  ASSERT_TRUE(eventually([&] { return count("SELECT COUNT(*) FROM media") == 1; })) << first_message_media();
  auto contacts = call("GET", "/api/v1/contacts");
  ASSERT_FALSE(contacts.body["items"].empty());
  auto cid = contacts.body["items"][0]["id"].get<std::string>();
  auto erased = call("DELETE", "/api/v1/contacts/" + cid);
  ASSERT_EQ(erased.status, 200) << erased.raw;
  EXPECT_EQ(count("SELECT COUNT(*) FROM media"), 0);
  EXPECT_EQ(sbtest::regular_files_under(dir_.path() + "/media"), 0u);
}

// An erasure while a file is still downloading: the file arrives for a message that
// no longer exists, and must not stay on disk (erased data never outlives the erasure).
TEST_F(media_test, a_file_that_arrives_after_its_contact_was_erased_is_not_kept) {
  ASSERT_EQ(mms("MM6", {{twilio_.media_url("SLOW"), "image/png"}}).status, 200);
  ASSERT_TRUE(eventually([&] { return twilio_.slow_started_.load(); }));
  auto contacts = call("GET", "/api/v1/contacts");
  ASSERT_FALSE(contacts.body["items"].empty());
  auto erased = call("DELETE", "/api/v1/contacts/" + contacts.body["items"][0]["id"].get<std::string>());
  ASSERT_EQ(erased.status, 200) << erased.raw;
  twilio_.release_slow_ = true;
  // The dispatcher fetches one MMS after another: once a later MMS's file is stored,
  // the slow one has finished (into a message that no longer exists).
  ASSERT_EQ(mms("MM7", {{twilio_.media_url("ME7"), "image/png"}}).status, 200);
  ASSERT_TRUE(eventually([&] { return count("SELECT COUNT(*) FROM media") == 1; })) << first_message_media();
  EXPECT_EQ(sbtest::regular_files_under(dir_.path() + "/media"), 1u);  // MM7's; the erased contact's late file is not kept
}
