// Issue 22: erasing a contact (GDPR) leaves no copy of their data. A customer texts
// a teammate's line (forwarded to the teammate's phone), leaves a voicemail with a
// transcript, texts a number that is not in service, gets a name and an email, is
// answered, and has another contact merged into them. After
// DELETE /api/v1/contacts/{id}, no text column of any table of any database file in
// the data directory, and no byte of any file there, holds their phone (in any of
// the forms the system writes it), name, email or any word they wrote. Another
// customer's data stays.
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/api_client.hpp"
#include "support/test_support.hpp"
#include "switchboard/carriers/signature.hpp"

namespace sb = switchboard;
namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* teammate_phone = "+14155550150";
constexpr const char* customer = "+14155557311";  // the one who asks to be erased
constexpr const char* other = "+14155557322";     // stays

// Everything that would identify the erased customer, lower case (the search
// index keeps words lower-cased): their phone as stored, as shown, as digits; their
// name and email; a word from each of their texts, their voicemail and an answer.
const std::vector<std::string> erased_terms = {
    "+14155557311", "415-555-7311", "4155557311", "zephyrine", "quistgaard", "zephyrine.q@example.org",
    "xqz77341", "blorptastic", "wumpusfjord", "snorkelvane"};
// The other customer's, which must stay.
const std::vector<std::string> kept_terms = {"+14155557322", "keepsakeword"};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Where a term is found: "table.column" for database cells, the file name for bytes.
using findings = std::map<std::string, std::set<std::string>>;

// Every text and blob cell of every table (FTS shadow tables included) of every
// SQLite file in the directory.
findings scan_tables(const std::string& dir, const std::vector<std::string>& terms) {
  findings out;
  for (auto& entry : fs::recursive_directory_iterator(dir)) {
    auto name = entry.path().filename().string();
    if (!entry.is_regular_file() || entry.path().extension() != ".db") continue;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(entry.path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << name;
      sqlite3_close(db);
      continue;
    }
    std::vector<std::string> tables;
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table'", -1, &q, nullptr);
    while (sqlite3_step(q) == SQLITE_ROW) tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(q, 0)));
    sqlite3_finalize(q);
    EXPECT_FALSE(tables.empty()) << name;
    for (auto& t : tables) {
      sqlite3_stmt* s = nullptr;
      if (sqlite3_prepare_v2(db, ("SELECT * FROM \"" + t + "\"").c_str(), -1, &s, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << "cannot read " << name << ":" << t << ": " << sqlite3_errmsg(db);
        continue;
      }
      while (sqlite3_step(s) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(s); ++c) {
          int type = sqlite3_column_type(s, c);
          if (type != SQLITE_TEXT && type != SQLITE_BLOB) continue;
          auto* bytes = static_cast<const char*>(sqlite3_column_blob(s, c));
          std::string cell = lower(std::string(bytes ? bytes : "", static_cast<std::size_t>(sqlite3_column_bytes(s, c))));
          for (auto& term : terms)
            if (cell.find(term) != std::string::npos) out[term].insert(t + "." + sqlite3_column_name(s, c));
        }
      }
      sqlite3_finalize(s);
    }
    sqlite3_close(db);
  }
  return out;
}

// Every byte of every file in the directory: free pages, WALs, anything.
findings scan_files(const std::string& dir, const std::vector<std::string>& terms) {
  findings out;
  for (auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes = lower(std::string(std::istreambuf_iterator<char>(in), {}));
    for (auto& term : terms)
      if (bytes.find(term) != std::string::npos) out[term].insert(entry.path().filename().string());
  }
  return out;
}

std::string describe(const findings& f) {
  std::string s;
  for (auto& [term, where] : f) {
    s += "\n  " + term + ":";
    for (auto& w : where) s += " " + w;
  }
  return s;
}

class erasure_test : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.sandbox_requests_per_minute = 1000000;  // the test polls the sandbox inbox
    cfg_.bootstrap.admin_password = "admin-password-1";
    cfg_.twilio.auth_token = "twilio-test-token";
    cfg_.public_url = "https://switchboard.example.com";
    sb::app::app_options o{false, {}};
    o.outbox_poll = 20ms;
    app_ = std::make_unique<sbtest::running_app>(cfg_, o);
    token_ = sbtest::bootstrap_and_login(*app_, cfg_.bootstrap);
    ASSERT_FALSE(token_.empty());
    me_ = call("GET", "/api/v1/me").body["id"].get<std::string>();
    auto p = call("PATCH", "/api/v1/teammates/" + me_, {{"physical_number", teammate_phone}, {"sms_forwarding", "phone"}});
    ASSERT_EQ(p.status, 200) << p.raw;
    auto n = call("POST", "/api/v1/numbers", {{"carrier", "sandbox"}, {"owner_teammate_id", me_}});
    ASSERT_EQ(n.status, 201) << n.raw;
    line_ = n.body["number"].get<std::string>();
  }

  sbtest::api_reply call(const std::string& method, const std::string& path, const json& body = nullptr) {
    return sbtest::api_call(app_->port(), method, path, token_, body);
  }

  void text(const std::string& from, const std::string& body) {
    auto r = call("POST", "/api/sandbox/v1/messages", {{"from", from}, {"to", line_}, {"body", body}});
    ASSERT_EQ(r.status, 201) << r.raw;
  }

  // Waits until the sandbox has sent `n` texts to `to`.
  std::size_t sent_to(const std::string& to, std::size_t n) {
    std::size_t seen = 0;
    auto deadline = std::chrono::steady_clock::now() + 10s;
    do {
      auto r = call("GET", "/api/sandbox/v1/messages?phone=" + sb::carriers::form_encode(to));
      seen = r.body["items"].size();
      if (seen >= n) break;
      std::this_thread::sleep_for(20ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return seen;
  }

  std::string conversation_of(const std::string& phone) {
    auto list = call("GET", "/api/v1/conversations?status=all");
    for (auto& c : list.body["items"])
      if (c["contact"]["phone"] == phone) return c["id"].get<std::string>();
    return "";
  }

  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string token_, me_, line_;
};

}  // namespace

TEST_F(erasure_test, erasing_a_contact_leaves_no_copy_of_their_data_in_any_table_or_file) {
  // Their texts, forwarded to the teammate's phone (the outbox and the sandbox's log
  // hold "@1 +1 415-555-7311: ..."), and another customer's.
  text(customer, "My parcel code is XQZ77341, where is it?");
  text(other, "Just a keepsakeword for later");
  ASSERT_EQ(sent_to(teammate_phone, 2), 2u);
  auto conv = conversation_of(customer);
  ASSERT_FALSE(conv.empty());
  auto cid = call("GET", "/api/v1/conversations/" + conv).body["contact_id"].get<std::string>();

  // A name and an email; forwards now name them.
  auto named = call("PATCH", "/api/v1/contacts/" + cid, {{"name", "Zephyrine Quistgaard"}, {"email", "zephyrine.q@example.org"}});
  ASSERT_EQ(named.status, 200) << named.raw;
  text(customer, "Also wumpusfjord please");
  ASSERT_EQ(sent_to(teammate_phone, 3), 3u);

  // An answer from the inbox, and the teammate's "?" list naming them (a text to the
  // teammate about no one conversation).
  ASSERT_EQ(call("POST", "/api/v1/conversations/" + conv + "/messages", {{"body", "Found it, Zephyrine"}}).status, 201);
  ASSERT_EQ(sent_to(customer, 1), 1u);
  auto list_request = call("POST", "/api/sandbox/v1/messages", {{"from", teammate_phone}, {"to", line_}, {"body", "?"}});
  ASSERT_EQ(list_request.status, 201) << list_request.raw;
  ASSERT_EQ(sent_to(teammate_phone, 4), 4u);

  // A voicemail with its transcript.
  auto started = call("POST", "/api/sandbox/v1/calls", {{"from", customer}, {"to", line_}});
  ASSERT_EQ(started.status, 201) << started.raw;
  auto sid = started.body["sid"].get<std::string>();
  auto step = [&](const std::string& url, const json& params, const std::string& status = "in-progress") {
    auto r = call("POST", "/api/sandbox/v1/calls/" + sid + "/events",
                  {{"from", customer}, {"to", line_}, {"url", url}, {"status", status}, {"params", params}});
    EXPECT_EQ(r.status, 200) << r.raw;
  };
  step("/webhooks/sandbox/voice/dial-complete", {{"DialCallStatus", "no-answer"}});
  step("/webhooks/sandbox/voice/voicemail",
       {{"RecordingSid", "RE7311"}, {"RecordingUrl", "/api/sandbox/v1/recordings/RE7311.wav"}, {"RecordingDuration", "4"}});
  step("/webhooks/sandbox/voice/transcription", {{"RecordingSid", "RE7311"}, {"TranscriptionText", "Call me about blorptastic"}});
  step("/webhooks/sandbox/voice/status", {{"CallDuration", "20"}}, "completed");
  ASSERT_GE(sent_to(teammate_phone, 6), 6u);

  // A text to a number not in service (the undeliverable log), signed by Twilio.
  sb::carriers::param_list p = {{"MessageSid", "SM7311"}, {"From", customer}, {"To", "+14155550100"}, {"Body", "snorkelvane?"}};
  auto stray = sbtest::post_signed(app_->port(), cfg_.public_url, "twilio-test-token", "/webhooks/twilio/sms", p);
  ASSERT_EQ(stray.status, 200);
  ASSERT_EQ(call("GET", "/api/v1/undeliverable").body["items"].size(), 1u);

  // Another contact merged into them (the audit log's details name the merged id).
  auto dup = call("POST", "/api/v1/contacts", {{"name", "Zephyrine Q."}, {"email", "zq-old@example.org"}});
  ASSERT_EQ(dup.status, 201) << dup.raw;
  ASSERT_EQ(call("POST", "/api/v1/contacts/" + cid + "/merge", {{"from", dup.body["id"]}}).status, 200);

  // Before: every term is somewhere, so the scans below can fail.
  auto found_before = scan_files(dir_.path(), erased_terms);
  for (auto& term : erased_terms) EXPECT_TRUE(found_before.count(term)) << term << " was never stored";

  auto erased = call("DELETE", "/api/v1/contacts/" + cid);
  ASSERT_EQ(erased.status, 200) << erased.raw;
  EXPECT_EQ(erased.body["erased"], cid);
  EXPECT_EQ(erased.body["scrubbed"], true) << erased.raw;
  EXPECT_EQ(call("GET", "/api/v1/contacts/" + cid).status, 404);

  auto in_tables = scan_tables(dir_.path(), erased_terms);
  EXPECT_TRUE(in_tables.empty()) << "still in the tables:" << describe(in_tables);
  auto in_files = scan_files(dir_.path(), erased_terms);
  EXPECT_TRUE(in_files.empty()) << "still in the files:" << describe(in_files);

  // The audit log says an erasure happened, naming only the id.
  auto audit = call("GET", "/api/v1/audit_log");
  ASSERT_EQ(audit.status, 200) << audit.raw;
  bool logged = false;
  for (auto& e : audit.body["items"])
    if (e["action"] == "contact.erased") logged = true;
  EXPECT_TRUE(logged) << audit.raw;

  // The other customer keeps everything: conversation, forward, search.
  auto kept = scan_tables(dir_.path(), kept_terms);
  EXPECT_TRUE(kept.count("+14155557322") && kept.count("keepsakeword")) << describe(kept);
  EXPECT_FALSE(conversation_of(other).empty());
  auto search = call("GET", "/api/v1/conversations?q=keepsakeword");
  ASSERT_EQ(search.status, 200) << search.raw;
  EXPECT_EQ(search.body["items"].size(), 1u) << search.raw;
  EXPECT_TRUE(call("GET", "/api/v1/conversations?q=xqz77341").body["items"].empty());
}

// A website visitor: the name and email they typed, their chat, the events the
// page tracked, and a later session of the same browser not yet tied to them.
TEST_F(erasure_test, erasing_a_widget_visitor_leaves_no_copy_of_their_data) {
  const std::string shop = "https://shop.example.com";
  ASSERT_EQ(call("PATCH", "/api/v1/widget/settings", {{"allowed_origins", {shop}}}).status, 200);
  auto ws = call("GET", "/api/v1/me").body["workspace_id"];
  auto widget = [&](const std::string& method, const std::string& path, const std::string& token, const json& body) {
    return sbtest::api_call(app_->port(), method, path, token, body, "Origin: " + shop + "\r\n");
  };
  auto s = widget("POST", "/api/widget/v1/sessions", "",
                  {{"workspace_id", ws},
                   {"user", {{"name", "Ottoline Brackwater"}, {"email", "ottoline.b@example.net"}}}});
  ASSERT_EQ(s.status, 200) << s.raw;
  auto token = s.body["token"].get<std::string>();
  auto visitor = s.body["visitor"]["id"].get<std::string>();  // the browser keeps it
  // A page view before they write: kept on the visitor id, no contact yet.
  ASSERT_EQ(widget("POST", "/api/widget/v1/events", token, {{"name", "viewed_plan"}, {"props", {{"plan", "glimmerfax"}}}}).status,
            201);
  auto chat = widget("POST", "/api/widget/v1/conversations", token, {{"body", "Where is my lampwick order?"}});
  ASSERT_EQ(chat.status, 201) << chat.raw;
  // The same browser again, anonymous this time, tracked before it writes.
  auto again = widget("POST", "/api/widget/v1/sessions", "", {{"workspace_id", ws}, {"visitor_id", visitor}});
  ASSERT_EQ(again.status, 200) << again.raw;
  ASSERT_EQ(again.body["visitor"]["id"], visitor);
  widget("POST", "/api/widget/v1/events", again.body["token"].get<std::string>(),
         {{"name", "viewed_plan"}, {"props", {{"plan", "glimmerfax-again"}}}});

  const std::vector<std::string> terms = {"brackwater", "ottoline", "lampwick", "glimmerfax"};
  auto before = scan_tables(dir_.path(), terms);
  for (auto& term : terms) EXPECT_TRUE(before.count(term)) << term << " was never stored";
  std::string contact;
  auto list = call("GET", "/api/v1/conversations?status=all");
  for (auto& c : list.body["items"])
    if (c["channel"] == "chat") contact = c["contact_id"].get<std::string>();
  ASSERT_FALSE(contact.empty()) << list.raw;

  auto erased = call("DELETE", "/api/v1/contacts/" + contact);
  ASSERT_EQ(erased.status, 200) << erased.raw;
  EXPECT_EQ(erased.body["scrubbed"], true);
  auto in_tables = scan_tables(dir_.path(), terms);
  EXPECT_TRUE(in_tables.empty()) << "still in the tables:" << describe(in_tables);
  auto in_files = scan_files(dir_.path(), terms);
  EXPECT_TRUE(in_files.empty()) << "still in the files:" << describe(in_files);
  // Their sessions end with them.
  EXPECT_EQ(widget("GET", "/api/widget/v1/conversations", token, nullptr).status, 401);
}
