// Contract: the knowledge base (issue 20). Collections nest and order; articles
// have unique slugs per workspace, filters, positions, counters and revisions;
// search finds published articles by stemmed words and prefixes, ranks a title
// match over a body match, marks the matched words in its snippet, and never
// crosses workspaces.
#include <algorithm>

#include "switchboard/store/repositories.hpp"
#include "unit/store/contract/backend.hpp"

namespace contract {
namespace {

class articles_contract : public contract_test {
 protected:
  id_t add_collection(id_t ws, const std::string& slug, std::optional<id_t> parent = std::nullopt,
                      std::int64_t position = 0) {
    st::kb::collection c;
    c.workspace_id = ws;
    c.parent_id = parent;
    c.name = slug;
    c.slug = slug;
    c.position = position;
    c.created_at = c.updated_at = t(0);
    return write([&](st::unit_of_work& u) { return u.articles().insert_collection(c); });
  }
  st::kb::article article(id_t ws, const std::string& slug, const std::string& title, const std::string& text,
                          const std::string& status = "published", std::optional<id_t> collection = std::nullopt) {
    st::kb::article a;
    a.workspace_id = ws;
    a.collection_id = collection;
    a.title = title;
    a.slug = slug;
    a.excerpt = text.substr(0, 40);
    a.body = "# " + title + "\n\n" + text;
    a.body_html = "<p>" + text + "</p>";
    a.body_text = text;
    a.status = status;
    a.author_id = owner_;
    a.created_at = a.updated_at = t(1);
    if (status == "published") a.published_at = t(1);
    return a;
  }
  id_t add(const st::kb::article& a) {
    return write([&](st::unit_of_work& u) { return u.articles().insert(a); });
  }
  std::vector<st::kb::article_hit> search(id_t ws, std::vector<std::string> words, bool prefix = false,
                                          bool all = true, std::optional<std::string> status = "published") {
    st::kb::article_query q;
    q.words = std::move(words);
    q.prefix_last = prefix;
    q.match_all = all;
    q.status = std::move(status);
    return read([&](st::unit_of_work& u) { return u.articles().search(ws, q); });
  }
  // As the search box asks: misspelt words corrected.
  std::vector<std::string> fixed(id_t ws, std::vector<std::string> words, bool prefix = false) {
    st::kb::article_query q;
    q.words = std::move(words);
    q.prefix_last = prefix;
    q.fix_typos = true;
    return slugs(read([&](st::unit_of_work& u) { return u.articles().search(ws, q); }));
  }
  static std::vector<std::string> slugs(const std::vector<st::kb::article_hit>& hits) {
    std::vector<std::string> out;
    for (auto& h : hits) out.push_back(h.a.slug);
    return out;
  }
};

TEST_P(articles_contract, collections_nest_one_level_and_list_top_level_first_by_position) {
  auto other = store_->add_workspace("Other");
  auto billing = add_collection(ws_, "billing", std::nullopt, 2);
  auto setup = add_collection(ws_, "setup", std::nullopt, 1);
  auto invoices = add_collection(ws_, "invoices", billing, 0);
  add_collection(other, "theirs");
  auto all = read([&](st::unit_of_work& u) { return u.articles().collections(ws_); });
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, setup);
  EXPECT_EQ(all[1].id, billing);
  EXPECT_EQ(all[2].id, invoices);
  EXPECT_EQ(all[2].parent_id, billing);
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.articles().find_collection_by_slug(ws_, "invoices"); })->id,
            invoices);
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.articles().find_collection(other, billing); }));
  // A duplicate slug in the workspace conflicts; in another workspace it does not.
  EXPECT_EQ(write_error([&](st::unit_of_work& u) {
              st::kb::collection c = all[0];
              c.id = 0;
              u.articles().insert_collection(c);
            }),
            "CONFLICT");
  add_collection(other, "setup");
  // Renamed; then deleted with its sub-collection, its articles kept in none.
  auto in_billing = add(article(ws_, "pay", "Paying a bill", "Pay online.", "published", invoices));
  write([&](st::unit_of_work& u) {
    auto c = *u.articles().find_collection(ws_, billing);
    c.name = "Billing & payments";
    EXPECT_TRUE(u.articles().update_collection(c));
    c.workspace_id = other;
    EXPECT_FALSE(u.articles().update_collection(c));
  });
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.articles().find_collection(ws_, billing); })->name,
            "Billing & payments");
  EXPECT_FALSE(write([&](st::unit_of_work& u) { return u.articles().delete_collection(other, billing); }));
  EXPECT_TRUE(write([&](st::unit_of_work& u) { return u.articles().delete_collection(ws_, billing); }));
  auto left = read([&](st::unit_of_work& u) { return u.articles().collections(ws_); });
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id, setup);
  auto kept = read([&](st::unit_of_work& u) { return u.articles().find(ws_, in_billing); });
  ASSERT_TRUE(kept);
  EXPECT_FALSE(kept->collection_id);
}

TEST_P(articles_contract, an_article_round_trips_and_its_slug_is_unique_per_workspace) {
  auto other = store_->add_workspace("Other");
  auto a = article(ws_, "reset-router", "Reset your router", "Hold the button for ten seconds.", "draft");
  auto id = add(a);
  auto found = read([&](st::unit_of_work& u) { return u.articles().find(ws_, id); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->title, "Reset your router");
  EXPECT_EQ(found->body, a.body);
  EXPECT_EQ(found->body_html, a.body_html);
  EXPECT_EQ(found->body_text, a.body_text);
  EXPECT_EQ(found->status, "draft");
  EXPECT_EQ(found->author_id, owner_);
  EXPECT_FALSE(found->published_at);
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.articles().find_by_slug(ws_, "reset-router"); })->id, id);
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.articles().find(other, id); }));
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.articles().find_by_slug(other, "reset-router"); }));
  EXPECT_EQ(write_error([&](st::unit_of_work& u) { u.articles().insert(a); }), "CONFLICT");
  add(article(other, "reset-router", "Theirs", "Other text."));

  // Published: the row changes; another workspace's id changes nothing.
  write([&](st::unit_of_work& u) {
    auto row = *u.articles().find(ws_, id);
    row.status = "published";
    row.published_at = t(5);
    row.updated_at = t(5);
    EXPECT_TRUE(u.articles().update(row));
    row.workspace_id = other;
    row.title = "Hijacked";
    EXPECT_FALSE(u.articles().update(row));
  });
  found = read([&](st::unit_of_work& u) { return u.articles().find(ws_, id); });
  EXPECT_EQ(found->status, "published");
  EXPECT_EQ(found->published_at, t(5));
  EXPECT_EQ(found->title, "Reset your router");

  EXPECT_FALSE(write([&](st::unit_of_work& u) { return u.articles().remove(other, id); }));
  EXPECT_TRUE(write([&](st::unit_of_work& u) { return u.articles().remove(ws_, id); }));
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.articles().find(ws_, id); }));
}

TEST_P(articles_contract, lists_filter_page_and_order_by_position) {
  auto other = store_->add_workspace("Other");
  auto c = add_collection(ws_, "wifi");
  auto a = add(article(ws_, "a", "A", "one", "published", c));
  auto b = add(article(ws_, "b", "B", "two", "draft", c));
  auto d = add(article(ws_, "d", "D", "three", "published", c));
  auto e = add(article(ws_, "e", "E", "four", "archived"));
  add(article(other, "x", "X", "theirs", "published", std::nullopt));
  auto ids = [](const std::vector<st::kb::article>& rows) {
    std::vector<id_t> out;
    for (auto& r : rows) out.push_back(r.id);
    return out;
  };
  st::kb::article_filter f;
  auto all = read([&](st::unit_of_work& u) { return u.articles().list(ws_, f); });
  EXPECT_EQ(ids(all), (std::vector<id_t>{e, d, b, a}));
  EXPECT_TRUE(all[0].body.empty());  // without body unless asked
  f.with_body = true;
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.articles().list(ws_, f); })[0].body_text, "four");
  f.status = "published";
  EXPECT_EQ(ids(read([&](st::unit_of_work& u) { return u.articles().list(ws_, f); })), (std::vector<id_t>{d, a}));
  f.status.reset();
  f.collection_id = c;
  f.limit = 2;
  EXPECT_EQ(ids(read([&](st::unit_of_work& u) { return u.articles().list(ws_, f); })), (std::vector<id_t>{d, b}));
  f.before = b;
  EXPECT_EQ(ids(read([&](st::unit_of_work& u) { return u.articles().list(ws_, f); })), (std::vector<id_t>{a}));

  // Published in the collection, by position: reordered d before a.
  EXPECT_EQ(ids(read([&](st::unit_of_work& u) { return u.articles().published_in(ws_, c, 10); })),
            (std::vector<id_t>{a, d}));
  write([&](st::unit_of_work& u) { u.articles().reorder(ws_, {d, b, a}); });
  auto ordered = read([&](st::unit_of_work& u) { return u.articles().published_in(ws_, c, 10); });
  EXPECT_EQ(ids(ordered), (std::vector<id_t>{d, a}));
  EXPECT_EQ(ordered[0].body_text, "three");
  EXPECT_TRUE(read([&](st::unit_of_work& u) { return u.articles().published_in(ws_, std::nullopt, 10); }).empty());
  // Another workspace's ids are not reordered.
  write([&](st::unit_of_work& u) { u.articles().reorder(other, {a, d}); });
  EXPECT_EQ(ids(read([&](st::unit_of_work& u) { return u.articles().published_in(ws_, c, 10); })),
            (std::vector<id_t>{d, a}));
}

TEST_P(articles_contract, views_and_votes_count_and_popular_is_most_viewed_published) {
  auto other = store_->add_workspace("Other");
  auto a = add(article(ws_, "a", "A", "one"));
  auto b = add(article(ws_, "b", "B", "two"));
  auto hidden = add(article(ws_, "h", "H", "draft", "draft"));
  write([&](st::unit_of_work& u) {
    for (int i = 0; i < 3; ++i) u.articles().add_view(ws_, b);
    u.articles().add_view(ws_, a);
    for (int i = 0; i < 9; ++i) u.articles().add_view(ws_, hidden);
    u.articles().add_view(other, a);  // not theirs: nothing
    u.articles().add_vote(ws_, a, true);
    u.articles().add_vote(ws_, a, true);
    u.articles().add_vote(ws_, a, false);
    u.articles().add_vote(other, a, false);
  });
  auto row = read([&](st::unit_of_work& u) { return u.articles().find(ws_, a); });
  EXPECT_EQ(row->views, 1);
  EXPECT_EQ(row->helpful_yes, 2);
  EXPECT_EQ(row->helpful_no, 1);
  auto top = read([&](st::unit_of_work& u) { return u.articles().popular(ws_, 5); });
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].id, b);
  EXPECT_EQ(top[1].id, a);
}

TEST_P(articles_contract, revisions_are_kept_newest_first_in_their_workspace) {
  auto other = store_->add_workspace("Other");
  auto a = add(article(ws_, "a", "First", "one"));
  auto add_rev = [&](id_t ws, const std::string& title, int at) {
    st::kb::revision r;
    r.workspace_id = ws;
    r.article_id = a;
    r.title = title;
    r.excerpt = "ex";
    r.body = "body of " + title;
    r.author_id = owner_;
    r.created_at = t(at);
    return write([&](st::unit_of_work& u) { return u.articles().add_revision(r); });
  };
  auto r1 = add_rev(ws_, "First", 1);
  auto r2 = add_rev(ws_, "Second", 2);
  auto revs = read([&](st::unit_of_work& u) { return u.articles().revisions(ws_, a); });
  ASSERT_EQ(revs.size(), 2u);
  EXPECT_EQ(revs[0].id, r2);
  EXPECT_EQ(revs[1].id, r1);
  EXPECT_EQ(revs[1].body, "body of First");
  EXPECT_EQ(revs[0].author_id, owner_);
  EXPECT_EQ(read([&](st::unit_of_work& u) { return u.articles().find_revision(ws_, a, r1); })->title, "First");
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.articles().find_revision(other, a, r1); }));
  EXPECT_FALSE(read([&](st::unit_of_work& u) { return u.articles().find_revision(ws_, a + 1000, r1); }));
  EXPECT_TRUE(read([&](st::unit_of_work& u) { return u.articles().revisions(other, a); }).empty());
  // The article's revisions go with it.
  write([&](st::unit_of_work& u) { u.articles().remove(ws_, a); });
  EXPECT_TRUE(read([&](st::unit_of_work& u) { return u.articles().revisions(ws_, a); }).empty());
}

TEST_P(articles_contract, search_finds_stemmed_words_ranks_titles_first_and_marks_the_snippet) {
  auto other = store_->add_workspace("Other");
  add(article(ws_, "router-lights", "What the router lights mean",
              "A blinking orange light means the line is down. Restart it if the lights stay orange."));
  add(article(ws_, "billing", "Understanding your bill",
              "Your monthly bill lists the plan and any router rental charges."));
  add(article(ws_, "cancel", "Cancelling your service", "We are sorry to see you go. Cancellations take a day."));
  add(article(ws_, "draft-router", "Router draft", "Router router router.", "draft"));
  add(article(other, "their-router", "Router", "Their router article."));

  // "router" in two published articles: the title match first.
  auto hits = search(ws_, {"router"});
  EXPECT_EQ(slugs(hits), (std::vector<std::string>{"router-lights", "billing"}));
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_GT(hits[0].score, hits[1].score);
  EXPECT_TRUE(hits[0].a.body.empty());
  // The snippet marks the matched word (\x01 … \x02) in the visible text.
  EXPECT_NE(hits[1].snippet.find("\x01router\x02"), std::string::npos) << hits[1].snippet;

  // Stemmed: "cancelling" finds "Cancellations"; the words are ANDed; case and
  // punctuation are ignored.
  EXPECT_EQ(slugs(search(ws_, {"CANCELLING!"})), (std::vector<std::string>{"cancel"}));
  EXPECT_EQ(slugs(search(ws_, {"orange", "lights"})), (std::vector<std::string>{"router-lights"}));
  EXPECT_TRUE(search(ws_, {"orange", "bill"}).empty());
  // Any word, best first.
  auto any = search(ws_, {"orange", "bill"}, false, false);
  EXPECT_EQ(any.size(), 2u);
  // A prefix while typing.
  EXPECT_EQ(slugs(search(ws_, {"understand", "bi"}, true)), (std::vector<std::string>{"billing"}));
  // Drafts only when asked for every status.
  auto every = slugs(search(ws_, {"router"}, false, true, std::nullopt));
  EXPECT_EQ(every.size(), 3u);
  EXPECT_NE(std::find(every.begin(), every.end(), "draft-router"), every.end());
  // Nothing to search for; quotes and operators are just separators.
  EXPECT_TRUE(search(ws_, {}).empty());
  EXPECT_TRUE(search(ws_, {"\"", "*", "-"}).empty());
  EXPECT_EQ(slugs(search(ws_, {"\"router\"", "NOT", "lights"}, false, false)).size(), 2u);
  // Another workspace sees its own only.
  EXPECT_EQ(slugs(search(other, {"router"})), (std::vector<std::string>{"their-router"}));
}

TEST_P(articles_contract, search_follows_edits_and_deletions) {
  auto a = add(article(ws_, "a", "Modem setup", "Plug the modem in."));
  EXPECT_EQ(search(ws_, {"modem"}).size(), 1u);
  write([&](st::unit_of_work& u) {
    auto row = *u.articles().find(ws_, a);
    row.title = "Gateway setup";
    row.body_text = "Plug the gateway in.";
    u.articles().update(row);
  });
  EXPECT_TRUE(search(ws_, {"modem"}).empty());
  EXPECT_EQ(search(ws_, {"gateway"}).size(), 1u);
  write([&](st::unit_of_work& u) { u.articles().remove(ws_, a); });
  EXPECT_TRUE(search(ws_, {"gateway"}).empty());
}

TEST_P(articles_contract, a_misspelt_word_finds_its_article_and_a_correct_word_is_kept) {
  add(article(ws_, "reset-password", "Reset your password", "Choose a new password from the sign-in page."));
  add(article(ws_, "shipping", "Shipping times", "Orders leave the warehouse within two days of shipping."));
  add(article(ws_, "refund", "Ask for a refund", "A refund reaches your card in five days."));
  add(article(ws_, "shipper", "Contact the shipper", "The shipper tracks parcels after they leave."));
  add(article(ws_, "draft", "Passport photos", "Bring two photos.", "draft"));
  using v = std::vector<std::string>;
  // One edit (two from eight letters on): the closest word of the articles.
  EXPECT_EQ(fixed(ws_, {"pasword"}), v{"reset-password"});
  EXPECT_EQ(fixed(ws_, {"shiping"}), v{"shipping"});
  EXPECT_EQ(fixed(ws_, {"refnd"}), v{"refund"});
  EXPECT_EQ(fixed(ws_, {"refnd", "card"}), v{"refund"});
  EXPECT_EQ(fixed(ws_, {"pasword", "reset"}), v{"reset-password"});
  EXPECT_EQ(fixed(ws_, {"shpiping"}), v{"shipping"});  // a swap, eight letters
  // The word being typed: prefixes of the words close to it.
  EXPECT_EQ(fixed(ws_, {"reset", "paswo"}, true), v{"reset-password"});
  // Without correction the misspelt word finds nothing, as before.
  EXPECT_TRUE(search(ws_, {"pasword"}).empty());
  // A word the index has, stemmed, is no typo: "shipped" is "ship" (shipping), not "shipper".
  EXPECT_EQ(fixed(ws_, {"shipped"}), v{"shipping"});
  EXPECT_EQ(fixed(ws_, {"shipper"}), v{"shipper"});
  EXPECT_EQ(fixed(ws_, {"refunds"}), v{"refund"});
  // Too far from every word: nothing.
  EXPECT_TRUE(fixed(ws_, {"pazzwurd"}).empty());
  EXPECT_TRUE(fixed(ws_, {"rfnd"}).empty());
  // A draft's words are the workspace's, but a published search still shows only published articles.
  EXPECT_TRUE(fixed(ws_, {"pasport"}).empty());
}

TEST_P(articles_contract, corrections_come_from_the_workspace_and_follow_edits_and_deletions) {
  auto other = store_->add_workspace("Other");
  add(article(other, "invoices", "Invoices", "Download an invoice."));
  using v = std::vector<std::string>;
  EXPECT_EQ(fixed(other, {"invoce"}), v{"invoices"});
  EXPECT_TRUE(fixed(ws_, {"invoce"}).empty());
  auto a = add(article(ws_, "modem", "Modem setup", "Plug the modem in."));
  EXPECT_EQ(fixed(ws_, {"modme"}), v{"modem"});
  write([&](st::unit_of_work& u) {
    auto row = *u.articles().find(ws_, a);
    row.title = "Gateway setup";
    row.body_text = "Plug the gateway in.";
    u.articles().update(row);
  });
  EXPECT_TRUE(fixed(ws_, {"modme"}).empty());
  EXPECT_EQ(fixed(ws_, {"gatway"}), v{"modem"});
  write([&](st::unit_of_work& u) { u.articles().remove(ws_, a); });
  EXPECT_TRUE(fixed(ws_, {"gatway"}).empty());
  EXPECT_EQ(fixed(other, {"invoce"}), v{"invoices"});
}

CONTRACT_SUITE(articles_contract);

}  // namespace
}  // namespace contract
