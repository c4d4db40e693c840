// The knowledge base's admin API (issue 20): articles written in Markdown come
// back rendered without raw HTML, with a slug made from the title, published,
// revised and restored; collections nest one level; search ranks and marks;
// every refusal is a JSON error; viewers read but do not write; changes are
// audited.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/api_client.hpp"
#include "switchboard/auth/password.hpp"
#include "support/test_support.hpp"

namespace sb = switchboard;
using json = nlohmann::json;

namespace {

class articles_api : public ::testing::Test {
 protected:
  void SetUp() override {
    cfg_ = sbtest::test_config(dir_.path());
    cfg_.bootstrap.admin_password = "admin-password-1";
    cfg_.public_url = "https://support.example.com";
    app_ = std::make_unique<sbtest::running_app>(cfg_, sb::app::app_options{false, {}});
    token_ = sbtest::bootstrap_and_login(*app_, cfg_.bootstrap);
    ASSERT_FALSE(token_.empty());
  }
  sbtest::api_reply call(const std::string& method, const std::string& path, const json& body = nullptr,
                         const std::string& token = "") {
    return sbtest::api_call(app_->port(), method, path, token.empty() ? token_ : token, body);
  }

  sbtest::temp_dir dir_;
  sb::config cfg_;
  std::unique_ptr<sbtest::running_app> app_;
  std::string token_;
};

TEST_F(articles_api, an_article_is_written_in_markdown_published_revised_and_restored) {
  auto made = call("POST", "/api/v1/articles",
                   {{"title", "Reset your router"},
                    {"body", "Hold **reset** for ten seconds.\n\n<script>alert(1)</script>\n\n| light | means |\n|---|---|\n| red | down |"}});
  ASSERT_EQ(made.status, 201) << made.raw;
  const std::string id = made.body["id"];
  EXPECT_EQ(made.body["slug"], "reset-your-router");
  EXPECT_EQ(made.body["status"], "draft");
  EXPECT_TRUE(made.body["published_at"].is_null());
  EXPECT_EQ(made.body["url"], "https://support.example.com/help/articles/reset-your-router");
  const std::string html = made.body["body_html"];
  EXPECT_NE(html.find("<strong>reset</strong>"), std::string::npos) << html;
  EXPECT_NE(html.find("<table>"), std::string::npos) << html;
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(made.body["excerpt"], "Hold reset for ten seconds.");

  // The same title again gets the next free slug; a slug asked for that is taken conflicts.
  auto again = call("POST", "/api/v1/articles", {{"title", "Reset your router"}, {"body", "Other."}});
  ASSERT_EQ(again.status, 201) << again.raw;
  EXPECT_EQ(again.body["slug"], "reset-your-router-2");
  auto taken = call("POST", "/api/v1/articles", {{"title", "X"}, {"slug", "reset-your-router"}});
  EXPECT_EQ(taken.status, 409) << taken.raw;
  EXPECT_EQ(taken.code(), "ALREADY_EXISTS");

  auto published = call("PATCH", "/api/v1/articles/" + id, {{"status", "published"}});
  ASSERT_EQ(published.status, 200) << published.raw;
  EXPECT_EQ(published.body["status"], "published");
  EXPECT_TRUE(published.body["published_at"].is_string());

  auto edited = call("PATCH", "/api/v1/articles/" + id, {{"body", "Unplug it for a minute."}});
  ASSERT_EQ(edited.status, 200) << edited.raw;
  EXPECT_EQ(edited.body["excerpt"], "Unplug it for a minute.");
  auto revs = call("GET", "/api/v1/articles/" + id + "/revisions");
  ASSERT_EQ(revs.status, 200) << revs.raw;
  ASSERT_EQ(revs.body["items"].size(), 2u);  // created, then the new body (publishing changed no words)
  const std::string first = revs.body["items"][1]["id"];
  auto restored = call("POST", "/api/v1/articles/" + id + "/revisions/" + first + "/restore");
  ASSERT_EQ(restored.status, 200) << restored.raw;
  EXPECT_NE(restored.body["body"].get<std::string>().find("Hold **reset**"), std::string::npos);
  EXPECT_NE(restored.body["body_html"].get<std::string>().find("<strong>reset</strong>"), std::string::npos);
  EXPECT_EQ(call("GET", "/api/v1/articles/" + id + "/revisions").body["items"].size(), 3u);
  EXPECT_EQ(call("POST", "/api/v1/articles/" + id + "/revisions/999999/restore").status, 404);

  // Listed without bodies; found by its words with the match marked.
  auto list = call("GET", "/api/v1/articles?status=published");
  ASSERT_EQ(list.status, 200) << list.raw;
  ASSERT_EQ(list.body["items"].size(), 1u);
  EXPECT_FALSE(list.body["items"][0].contains("body"));
  auto found = call("GET", "/api/v1/articles?q=hold%20reset");
  ASSERT_EQ(found.status, 200) << found.raw;
  ASSERT_EQ(found.body["items"].size(), 1u) << found.raw;  // the other "Reset your router" says nothing of holding
  EXPECT_EQ(found.body["items"][0]["id"], id);
  EXPECT_NE(found.body["items"][0]["snippet"].get<std::string>().find("<mark>Hold</mark>"), std::string::npos)
      << found.raw;
  // A misspelt word of a short query: its closest word in the articles.
  auto misspelt = call("GET", "/api/v1/articles?q=hodl%20reset");
  ASSERT_EQ(misspelt.status, 200) << misspelt.raw;
  ASSERT_EQ(misspelt.body["items"].size(), 1u) << misspelt.raw;
  EXPECT_EQ(misspelt.body["items"][0]["id"], id);

  // The audit log has the story.
  auto audit = call("GET", "/api/v1/audit_log?limit=50");
  ASSERT_EQ(audit.status, 200) << audit.raw;
  std::set<std::string> actions;
  for (auto& e : audit.body["items"]) actions.insert(e["action"].get<std::string>());
  EXPECT_TRUE(actions.count("article.created"));
  EXPECT_TRUE(actions.count("article.published"));
  EXPECT_TRUE(actions.count("article.updated"));

  EXPECT_EQ(call("DELETE", "/api/v1/articles/" + id).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/articles/" + id).status, 404);
  EXPECT_EQ(call("DELETE", "/api/v1/articles/" + id).status, 404);
}

TEST_F(articles_api, bad_input_gets_a_json_error_and_nothing_is_written) {
  struct bad {
    json body;
    int status;
    std::string code;
  };
  std::vector<bad> cases = {
      {json::object(), 400, "MISSING_REQUIRED_FIELD"},
      {{{"title", "   "}}, 400, "MISSING_REQUIRED_FIELD"},
      {{{"title", 5}}, 400, "INVALID_FORMAT"},
      {{{"title", std::string(201, 'x')}}, 400, "INVALID_INPUT"},
      {{{"title", "T"}, {"body", std::string(200001, 'x')}}, 400, "INVALID_INPUT"},
      {{{"title", "T"}, {"status", "live"}}, 400, "INVALID_FORMAT"},
      {{{"title", "T"}, {"slug", "Not A Slug"}}, 400, "INVALID_FORMAT"},
      {{{"title", "T"}, {"slug", "a--b"}}, 400, "INVALID_FORMAT"},
      {{{"title", "T"}, {"collection_id", "abc"}}, 400, "INVALID_FORMAT"},
      {{{"title", "T"}, {"collection_id", "99999"}}, 404, "NOT_FOUND"},
  };
  for (auto& c : cases) {
    auto r = call("POST", "/api/v1/articles", c.body);
    EXPECT_EQ(r.status, c.status) << c.body.dump().substr(0, 80) << " -> " << r.raw.substr(0, 200);
    EXPECT_EQ(r.code(), c.code) << c.body.dump().substr(0, 80);
  }
  EXPECT_EQ(call("GET", "/api/v1/articles").body["items"].size(), 0u);
  auto junk = sbtest::to_api_reply(sbtest::http_request(app_->port(), "POST", "/api/v1/articles", "{not json",
                                                        "Authorization: Bearer " + token_ +
                                                            "\r\nContent-Type: application/json\r\n"));
  EXPECT_EQ(junk.status, 400);
  EXPECT_EQ(call("GET", "/api/v1/articles?status=nope").status, 400);
  EXPECT_EQ(call("GET", "/api/v1/articles?q=" + std::string(201, 'a')).status, 400);
  EXPECT_EQ(call("GET", "/api/v1/articles/abc").status, 404);
  EXPECT_EQ(call("PATCH", "/api/v1/articles/12345", {{"title", "x"}}).status, 404);
  EXPECT_EQ(call("POST", "/api/v1/articles/reorder", {{"ids", {"1", "1"}}}).status, 400);
  EXPECT_EQ(call("POST", "/api/v1/articles/reorder", {{"ids", {"777"}}}).status, 404);
}

TEST_F(articles_api, collections_nest_one_level_and_articles_file_into_them) {
  auto billing = call("POST", "/api/v1/collections", {{"name", "Billing & payments"}, {"description", "Bills"}});
  ASSERT_EQ(billing.status, 201) << billing.raw;
  EXPECT_EQ(billing.body["slug"], "billing-payments");
  const std::string bid = billing.body["id"];
  auto cards = call("POST", "/api/v1/collections", {{"name", "Cards"}, {"parent_id", bid}});
  ASSERT_EQ(cards.status, 201) << cards.raw;
  const std::string cid = cards.body["id"];
  auto deeper = call("POST", "/api/v1/collections", {{"name", "Visa"}, {"parent_id", cid}});
  EXPECT_EQ(deeper.status, 400) << deeper.raw;
  EXPECT_EQ(deeper.code(), "INVALID_INPUT");
  // A collection with sub-collections cannot become one.
  auto other = call("POST", "/api/v1/collections", {{"name", "Setup"}});
  ASSERT_EQ(other.status, 201);
  EXPECT_EQ(call("PATCH", "/api/v1/collections/" + bid, {{"parent_id", other.body["id"]}}).status, 400);
  EXPECT_EQ(call("PATCH", "/api/v1/collections/" + bid, {{"parent_id", bid}}).status, 400);

  auto a = call("POST", "/api/v1/articles", {{"title", "Pay by card"}, {"body", "Add a card."}, {"collection_id", cid}});
  ASSERT_EQ(a.status, 201) << a.raw;
  EXPECT_EQ(a.body["collection_id"], cid);
  auto in = call("GET", "/api/v1/articles?collection_id=" + cid);
  EXPECT_EQ(in.body["items"].size(), 1u);
  auto listed = call("GET", "/api/v1/collections");
  ASSERT_EQ(listed.body["items"].size(), 3u);
  // Deleting the parent takes the sub-collection; the article stays, in none.
  EXPECT_EQ(call("DELETE", "/api/v1/collections/" + bid).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/collections").body["items"].size(), 1u);
  auto kept = call("GET", "/api/v1/articles/" + a.body["id"].get<std::string>());
  ASSERT_EQ(kept.status, 200);
  EXPECT_TRUE(kept.body["collection_id"].is_null());
}

TEST_F(articles_api, viewers_read_the_knowledge_base_and_do_not_change_it) {
  auto v = call("POST", "/api/v1/teammates",
                {{"email", "vera@example.com"}, {"name", "Vera"}, {"role", "viewer"}, {"password", "viewer-password-1"}});
  ASSERT_EQ(v.status, 201) << v.raw;
  auto viewer = sbtest::login(app_->port(), "vera@example.com", "viewer-password-1");
  ASSERT_FALSE(viewer.empty());
  auto a = call("POST", "/api/v1/articles", {{"title", "Hello"}, {"body", "World."}});
  ASSERT_EQ(a.status, 201);
  EXPECT_EQ(call("GET", "/api/v1/articles", nullptr, viewer).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/collections", nullptr, viewer).status, 200);
  auto refused = call("POST", "/api/v1/articles", {{"title", "Mine"}}, viewer);
  EXPECT_EQ(refused.status, 403) << refused.raw;
  EXPECT_EQ(call("PATCH", "/api/v1/articles/" + a.body["id"].get<std::string>(), {{"status", "published"}}, viewer).status,
            403);
  EXPECT_EQ(call("POST", "/api/v1/articles/preview", {{"body", "x"}}, viewer).status, 403);
  auto preview = call("POST", "/api/v1/articles/preview", {{"body", "# Hi\n\n<iframe src=x></iframe>"}});
  ASSERT_EQ(preview.status, 200);
  EXPECT_NE(preview.body["html"].get<std::string>().find("<h1>Hi</h1>"), std::string::npos);
  EXPECT_EQ(preview.body["html"].get<std::string>().find("<iframe"), std::string::npos);
}

TEST_F(articles_api, the_public_help_center_and_the_widget_show_published_articles_only) {
  auto c = call("POST", "/api/v1/collections", {{"name", "Wi-Fi"}, {"description", "Your network"}});
  ASSERT_EQ(c.status, 201) << c.raw;
  auto pub = call("POST", "/api/v1/articles",
                  {{"title", "Change your Wi-Fi password"},
                   {"body", "Open the **app** and pick a new passphrase for the network."},
                   {"status", "published"},
                   {"collection_id", c.body["id"]}});
  ASSERT_EQ(pub.status, 201) << pub.raw;
  auto draft = call("POST", "/api/v1/articles", {{"title", "Secret plans"}, {"body", "Not yet."}});
  ASSERT_EQ(draft.status, 201);
  auto page = [&](const std::string& path) { return sbtest::http_request(app_->port(), "GET", path, "", ""); };

  auto home = page("/help/");
  ASSERT_TRUE(home);
  EXPECT_EQ(home->status, 200);
  EXPECT_NE(home->header("content-type").find("text/html"), std::string::npos);
  EXPECT_NE(home->body.find("Change your Wi-Fi password"), std::string::npos);
  EXPECT_NE(home->body.find("Wi-Fi"), std::string::npos);
  EXPECT_EQ(home->body.find("Secret plans"), std::string::npos);
  EXPECT_EQ(home->body.find("<script"), std::string::npos);
  auto article = page("/help/articles/change-your-wi-fi-password");
  ASSERT_TRUE(article);
  EXPECT_EQ(article->status, 200);
  EXPECT_NE(article->body.find("<strong>app</strong>"), std::string::npos);
  EXPECT_NE(article->body.find("https://support.example.com/help/articles/change-your-wi-fi-password"),
            std::string::npos);  // canonical
  EXPECT_EQ(page("/help/articles/secret-plans")->status, 404);
  EXPECT_EQ(page("/help/articles/nothing-here")->status, 404);
  EXPECT_EQ(page("/help/collections/wi-fi")->status, 200);
  auto search = page("/help/search?q=passphrase");
  ASSERT_TRUE(search);
  EXPECT_EQ(search->status, 200);
  EXPECT_NE(search->body.find("<mark>passphrase</mark>"), std::string::npos) << search->body.substr(0, 400);
  EXPECT_EQ(page("/help/search?q=secret")->body.find("Secret plans"), std::string::npos);
  // Misspelt, and some words matching nothing: the closest words, then any of them.
  EXPECT_NE(page("/help/search?q=pasphrase")->body.find("Change your Wi-Fi password"), std::string::npos);
  EXPECT_NE(page("/help/search?q=passphrase%20zebra")->body.find("Change your Wi-Fi password"), std::string::npos);
  auto sitemap = page("/help/sitemap.xml");
  EXPECT_NE(sitemap->body.find("/help/articles/change-your-wi-fi-password"), std::string::npos);
  EXPECT_EQ(sitemap->body.find("secret-plans"), std::string::npos);

  // Reading counted a view; a vote is a form without JavaScript, answered 303.
  auto vote = sbtest::http_request(app_->port(), "POST", "/help/articles/change-your-wi-fi-password/vote",
                                   "helpful=yes", "Content-Type: application/x-www-form-urlencoded\r\n");
  ASSERT_TRUE(vote);
  EXPECT_EQ(vote->status, 303);
  EXPECT_EQ(sbtest::http_request(app_->port(), "POST", "/help/articles/change-your-wi-fi-password/vote", "helpful=maybe",
                                 "Content-Type: application/x-www-form-urlencoded\r\n")
                ->status,
            400);
  EXPECT_EQ(sbtest::http_request(app_->port(), "POST", "/help/articles/secret-plans/vote", "helpful=yes",
                                 "Content-Type: application/x-www-form-urlencoded\r\n")
                ->status,
            404);
  auto counted = call("GET", "/api/v1/articles/" + pub.body["id"].get<std::string>());
  EXPECT_EQ(counted.body["views"], 1);
  EXPECT_EQ(counted.body["helpful_yes"], 1);

  // The widget's Help tab, with a visitor's token from an allowed page.
  const std::string shop = "https://shop.example.com";
  ASSERT_EQ(call("PATCH", "/api/v1/widget/settings", {{"allowed_origins", {shop}}}).status, 200);
  auto me = call("GET", "/api/v1/me");
  auto session = sbtest::api_call(app_->port(), "POST", "/api/widget/v1/sessions", "",
                                  {{"workspace_id", me.body["workspace_id"]}}, "Origin: " + shop + "\r\n");
  ASSERT_EQ(session.status, 200) << session.raw;
  const std::string visitor = session.body["token"];
  auto widget = [&](const std::string& path) {
    return sbtest::api_call(app_->port(), "GET", path, visitor, nullptr, "Origin: " + shop + "\r\n");
  };
  auto typed = widget("/api/widget/v1/articles?q=wi-fi%20pass");
  ASSERT_EQ(typed.status, 200) << typed.raw;
  ASSERT_EQ(typed.body["items"].size(), 1u) << typed.raw;
  EXPECT_EQ(typed.body["items"][0]["slug"], "change-your-wi-fi-password");
  EXPECT_EQ(typed.body["items"][0]["url"], "https://support.example.com/help/articles/change-your-wi-fi-password");
  EXPECT_EQ(typed.header("access-control-allow-origin"), shop);
  EXPECT_EQ(widget("/api/widget/v1/articles?q=secret").body["items"].size(), 0u);
  EXPECT_EQ(widget("/api/widget/v1/articles?q=wi-fi%20pasword").body["items"].size(), 1u);
  EXPECT_EQ(widget("/api/widget/v1/articles?q=passphrase%20zebra").body["items"].size(), 1u);
  EXPECT_EQ(widget("/api/widget/v1/articles?q=secrte").body["items"].size(), 0u);  // a draft's word: still hidden
  EXPECT_EQ(widget("/api/widget/v1/articles").body["items"].size(), 1u);  // the most read
  auto one = widget("/api/widget/v1/articles/change-your-wi-fi-password");
  ASSERT_EQ(one.status, 200) << one.raw;
  EXPECT_NE(one.body["body_html"].get<std::string>().find("<strong>app</strong>"), std::string::npos);
  EXPECT_EQ(widget("/api/widget/v1/articles/secret-plans").status, 404);
  EXPECT_EQ(sbtest::api_call(app_->port(), "GET", "/api/widget/v1/articles", "", nullptr, "Origin: " + shop + "\r\n")
                .status,
            401);
}

TEST_F(articles_api, several_workspaces_have_their_own_help_center_by_slug_and_host_name) {
  ASSERT_EQ(call("POST", "/api/v1/articles", {{"title", "Ours"}, {"body", "First workspace."}, {"status", "published"}}).status,
            201);
  // A second workspace with its own owner, seeded directly.
  auto hash = sb::auth::hash_password("other-password");
  ASSERT_TRUE(app_->get().db().write_sync([&](sb::store::database& db) {
    db.prepare("INSERT INTO workspaces(name, created_at) VALUES ('Acme', '2026-01-01T00:00:00.000Z')").run();
    auto ws = db.last_insert_rowid();
    db.prepare("INSERT INTO teammates(workspace_id, email, name, role, password_hash, created_at)"
               " VALUES (?1, 'owner@acme.example', 'Olga', 'owner', ?2, '2026-01-01T00:00:00.000Z')")
        .bind_all(ws, hash)
        .run();
  }));
  auto acme = sbtest::login(app_->port(), "owner@acme.example", "other-password");
  ASSERT_FALSE(acme.empty());
  auto theirs = call("POST", "/api/v1/articles", {{"title", "Acme returns"}, {"body", "Send it back."}, {"status", "published"}},
                     acme);
  ASSERT_EQ(theirs.status, 201) << theirs.raw;
  EXPECT_EQ(theirs.body["url"], "https://support.example.com/help/articles/acme-returns");  // no address yet

  auto none = call("GET", "/api/v1/help_center/settings", nullptr, acme);
  ASSERT_EQ(none.status, 200) << none.raw;
  EXPECT_TRUE(none.body["slug"].is_null());
  EXPECT_EQ(none.body["url"], "https://support.example.com/help/");
  auto set = call("PATCH", "/api/v1/help_center/settings", {{"slug", "acme"}, {"host_names", {"help.acme.example"}}}, acme);
  ASSERT_EQ(set.status, 200) << set.raw;
  EXPECT_EQ(set.body["url"], "https://help.acme.example/help/");
  // One workspace's slug or host name is nobody else's; bad ones are refused.
  EXPECT_EQ(call("PATCH", "/api/v1/help_center/settings", {{"slug", "acme"}}).status, 409);
  EXPECT_EQ(call("PATCH", "/api/v1/help_center/settings", {{"host_names", {"help.acme.example"}}}).status, 409);
  for (auto bad : {json{{"slug", "Acme!"}}, json{{"slug", 7}}, json{{"host_names", {"https://x.example"}}},
                   json{{"host_names", {"x.example:8080"}}}, json{{"host_names", "x.example"}}, json{{"colour", "red"}}}) {
    auto r = call("PATCH", "/api/v1/help_center/settings", bad);
    EXPECT_EQ(r.status, 400) << bad.dump() << " " << r.raw;
    EXPECT_EQ(r.code(), "INVALID_INPUT") << r.raw;
  }

  // By slug: /hc/acme/ is Acme's, with its links there; an unknown slug is 404.
  auto page = [&](const std::string& path, const std::string& host = "127.0.0.1") {
    sbtest::raw_conn c(app_->port());
    c.send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    return c.read_reply();
  };
  auto home = page("/hc/acme/");
  ASSERT_EQ(home->status, 200);
  EXPECT_NE(home->body.find("Acme returns"), std::string::npos);
  EXPECT_EQ(home->body.find(">Ours<"), std::string::npos);
  EXPECT_NE(home->body.find("https://support.example.com/hc/acme/"), std::string::npos);
  EXPECT_EQ(page("/hc/acme/articles/acme-returns")->status, 200);
  EXPECT_EQ(page("/hc/acme/articles/ours")->status, 404);  // the first workspace's article
  EXPECT_EQ(page("/hc/nobody/")->status, 404);
  EXPECT_EQ(page("/hc/acme")->status, 301);
  EXPECT_NE(page("/hc/acme/search?q=returns")->body.find("Acme returns"), std::string::npos);
  EXPECT_NE(page("/hc/acme/sitemap.xml")->body.find("https://support.example.com/hc/acme/articles/acme-returns"),
            std::string::npos);
  // By host name: /help/ on Acme's domain is Acme's; any other host gets the first workspace's.
  auto on_domain = page("/help/", "help.acme.example:443");
  ASSERT_EQ(on_domain->status, 200);
  EXPECT_NE(on_domain->body.find("Acme returns"), std::string::npos);
  EXPECT_NE(on_domain->body.find("https://help.acme.example/help/"), std::string::npos);
  auto elsewhere = page("/help/", "support.example.com");
  EXPECT_NE(elsewhere->body.find("Ours"), std::string::npos);
  EXPECT_EQ(elsewhere->body.find("Acme returns"), std::string::npos);
  // Articles' public URLs follow the address.
  EXPECT_EQ(call("GET", "/api/v1/articles/" + theirs.body["id"].get<std::string>(), nullptr, acme).body["url"],
            "https://help.acme.example/help/articles/acme-returns");
  EXPECT_EQ(call("PATCH", "/api/v1/help_center/settings", {{"host_names", json::array()}}, acme).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/articles/" + theirs.body["id"].get<std::string>(), nullptr, acme).body["url"],
            "https://support.example.com/hc/acme/articles/acme-returns");
}

}  // namespace
