#include "switchboard/http/router.hpp"

#include <gtest/gtest.h>

namespace sb = switchboard;
using sb::http::request;
using sb::http::response;

namespace {
sb::http::handler ok() {
  return [](request&) -> boost::asio::awaitable<response> { co_return response::text(200, "ok"); };
}
}  // namespace

TEST(router, matches_literal_and_parameter_segments) {
  sb::http::router r;
  r.add("GET", "/api/v1/conversations", ok());
  r.add("GET", "/api/v1/conversations/{id}", ok());
  r.add("GET", "/api/v1/conversations/{id}/messages", ok());
  r.add("GET", "/api/v1/conversations/search", ok());

  auto m = r.match("GET", "/api/v1/conversations/42/messages");
  ASSERT_TRUE(m.found);
  EXPECT_EQ(m.found->path_template, "/api/v1/conversations/{id}/messages");
  EXPECT_EQ(m.params.at("id"), "42");

  auto encoded = r.match("GET", "/api/v1/conversations/a%2Fb%20c/messages");
  ASSERT_TRUE(encoded.found);
  EXPECT_EQ(encoded.params.at("id"), "a/b c");

  auto literal = r.match("GET", "/api/v1/conversations/search");
  ASSERT_TRUE(literal.found);
  EXPECT_EQ(literal.found->path_template, "/api/v1/conversations/search");
  EXPECT_TRUE(literal.params.empty());
}

TEST(router, unknown_path_is_not_found_and_wrong_method_lists_allowed) {
  sb::http::router r;
  r.add("GET", "/things/{id}", ok());
  r.add("PATCH", "/things/{id}", ok());

  auto missing = r.match("GET", "/nothing");
  EXPECT_FALSE(missing.found);
  EXPECT_FALSE(missing.path_known);

  auto wrong = r.match("DELETE", "/things/7");
  EXPECT_FALSE(wrong.found);
  EXPECT_TRUE(wrong.path_known);
  EXPECT_EQ(wrong.allow, "GET, HEAD, PATCH");  // HEAD: served by every GET route

  EXPECT_FALSE(r.match("GET", "/things/").found);     // empty parameter
  EXPECT_FALSE(r.match("GET", "/things/7/x").found);  // extra segment
  EXPECT_FALSE(r.match("GET", "things/7").found);     // not absolute
}

TEST(router, a_parameter_first_segment_competes_with_literal_ones) {
  sb::http::router r;
  r.add("GET", "/", ok());
  r.add("GET", "/{page}", ok());
  r.add("GET", "/{lang}/docs", ok());
  r.add("POST", "/app/docs", ok());
  r.add("GET", "/app/{section}", ok());
  EXPECT_EQ(r.match("GET", "/").found->path_template, "/");
  auto page = r.match("GET", "/pricing");
  ASSERT_TRUE(page.found);
  EXPECT_EQ(page.found->path_template, "/{page}");
  EXPECT_EQ(page.params.at("page"), "pricing");
  // Literal segments still win, whichever bucket a route sits in.
  EXPECT_EQ(r.match("GET", "/app/docs").found->path_template, "/app/{section}");
  EXPECT_EQ(r.match("GET", "/fr/docs").found->path_template, "/{lang}/docs");
  EXPECT_EQ(r.match("POST", "/app/docs").found->path_template, "/app/docs");
  // A 405 names methods from both buckets.
  auto wrong = r.match("DELETE", "/app/docs");
  EXPECT_FALSE(wrong.found);
  EXPECT_EQ(wrong.allow, "GET, HEAD, POST");
  std::string deep = "/x";
  for (int i = 0; i < 20; ++i) deep += "/x";
  EXPECT_FALSE(r.match("GET", deep).found);
  EXPECT_FALSE(r.match("GET", deep).path_known);
}

TEST(router, rejects_duplicates_and_bad_templates) {
  sb::http::router r;
  r.add("GET", "/a/{id}", ok());
  EXPECT_THROW(r.add("GET", "/a/{other}", ok()), std::invalid_argument);
  EXPECT_THROW(r.add("GET", "a", ok()), std::invalid_argument);
  EXPECT_NO_THROW(r.add("POST", "/a/{id}", ok()));
}

TEST(router, per_route_body_limit_is_kept) {
  sb::http::router r;
  r.add("POST", "/upload", ok(), {.body_limit = 1 << 20});
  auto m = r.match("POST", "/upload");
  ASSERT_TRUE(m.found);
  EXPECT_EQ(*m.found->options.body_limit, 1u << 20);
}

TEST(target, splits_and_decodes) {
  auto t = sb::http::split_target("/a%20b/c?x=1&y=%2F");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->first, "/a%20b/c");
  EXPECT_EQ(t->second, "x=1&y=%2F");
  EXPECT_FALSE(sb::http::split_target("http://host/abs"));
  EXPECT_FALSE(sb::http::split_target("/bad%zz"));

  request req;
  req.query = t->second;
  EXPECT_EQ(req.query_param("y"), "/");
  EXPECT_FALSE(req.query_param("z"));
}

// issue 16 item 6: HEAD is answered by the GET route unless the path has a HEAD route.
TEST(router, head_matches_the_get_route) {
  sb::http::router r;
  r.add("GET", "/things/{id}", ok());
  r.add("POST", "/forms", ok());
  auto head = r.match("HEAD", "/things/7");
  ASSERT_TRUE(head.found);
  EXPECT_EQ(head.found->method, "GET");
  EXPECT_EQ(head.params.at("id"), "7");
  r.add("HEAD", "/things/{id}", ok());
  EXPECT_EQ(r.match("HEAD", "/things/7").found->method, "HEAD");
  auto post_only = r.match("HEAD", "/forms");
  EXPECT_FALSE(post_only.found);
  EXPECT_EQ(post_only.allow, "POST");
  EXPECT_FALSE(r.match("HEAD", "/nothing").path_known);
}
