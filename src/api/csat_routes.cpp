// CSAT surveys (issue 21): the settings (GET and PATCH /api/v1/csat/settings, for
// admins: csat.manage) and the public survey page /survey/{token}, a form that
// works without JavaScript (five radio buttons and a comment; POST, then 303 back
// to the page, which thanks). Nobody signs in there: the token is the credential,
// and each address is limited like the help center's pages.
#include <cctype>

#include "common.hpp"
#include "routes.hpp"
#include "switchboard/carriers/signature.hpp"
#include "switchboard/core/encoding.hpp"
#include "switchboard/core/validate.hpp"
#include "switchboard/helpcenter/pages.hpp"
#include "switchboard/services/csat.hpp"

namespace switchboard::api {

namespace {

using helpcenter::escape_html;

asio::awaitable<response> get_settings(api_context& ctx, request&, const principal& who) {
  auto s = co_await services::csat_settings_of(ctx, who.workspace_id);
  if (!s) co_return store_error(s.err());
  co_return response::json(200, routing::to_json(*s));
}

asio::awaitable<response> patch_settings(api_context& ctx, request& req, const principal& who) {
  auto body = object_body(req);
  if (!body) co_return response::from(body.err());
  auto ip = req.remote;
  auto s = co_await services::update_csat_settings(ctx, who, ip, *body);
  if (!s) co_return store_error(s.err());
  co_return response::json(200, routing::to_json(*s));
}

// ---- the public page ----------------------------------------------------------

constexpr std::size_t token_max = 64;

bool plausible_token(const std::string& t) {
  if (t.empty() || t.size() > token_max) return false;
  for (unsigned char c : t)
    if (!std::isalnum(c)) return false;
  return true;
}

constexpr const char* page_css =
    "*{box-sizing:border-box}"
    "body{margin:0;font:16px/1.6 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;color:#1f2937;"
    "background:#f9fafb}"
    "main{max-width:32rem;margin:2rem auto;padding:1.5rem;background:#fff;border:1px solid #e5e7eb;"
    "border-radius:.5rem}"
    "h1{font-size:1.5rem;margin:0 0 1rem}"
    "fieldset{border:0;padding:0;margin:0 0 1rem}"
    "legend{font-weight:600;margin-bottom:.5rem}"
    ".scale{display:flex;flex-wrap:wrap;gap:.5rem}"
    ".scale label{display:flex;align-items:center;gap:.25rem;padding:.5rem .75rem;border:1px solid #6b7280;"
    "border-radius:.375rem;cursor:pointer}"
    "label.comment{display:block;font-weight:600;margin-bottom:.25rem}"
    "textarea{width:100%;min-height:6rem;font:inherit;padding:.5rem;border:1px solid #6b7280;"
    "border-radius:.375rem}"
    "button{font:inherit;margin-top:1rem;padding:.5rem 1.25rem;border:0;border-radius:.375rem;"
    "background:#1d4ed8;color:#fff;cursor:pointer}"
    ":focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}"
    ".error{color:#b91c1c;font-weight:600}";

std::string document(const std::string& title, const std::string& main) {
  return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"robots\" content=\"noindex\">\n<title>" +
         escape_html(title) + "</title>\n<style>" + page_css + "</style>\n</head>\n<body>\n<main>\n" + main +
         "</main>\n</body>\n</html>\n";
}

std::string form_page(const std::string& token, const std::string& problem, const std::string& comment) {
  std::string main = "<h1>How did we do?</h1>\n";
  if (!problem.empty()) main += "<p class=\"error\" role=\"alert\">" + escape_html(problem) + "</p>\n";
  main += "<form method=\"post\" action=\"/survey/" + escape_html(token) + "\">\n<fieldset>\n"
          "<legend>Rate your conversation from 1 (poor) to 5 (excellent)</legend>\n<div class=\"scale\">\n";
  for (int i = 1; i <= 5; ++i) {
    auto n = std::to_string(i);
    main += "<label><input type=\"radio\" name=\"rating\" value=\"" + n + "\" required> " + n +
            (i == 1 ? " star" : " stars") + "</label>\n";
  }
  main += "</div>\n</fieldset>\n<label class=\"comment\" for=\"comment\">Anything to add? (optional)</label>\n"
          "<textarea id=\"comment\" name=\"comment\" maxlength=\"1000\">" +
          escape_html(comment) + "</textarea>\n<button type=\"submit\">Send</button>\n</form>\n";
  return document("How did we do?", main);
}

response html(int status, std::string body) {
  auto r = response::text(status, std::move(body), "text/html; charset=utf-8");
  r.headers.add("Cache-Control", "no-store");
  r.headers.add("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
                "base-uri 'none'");
  r.headers.add("X-Content-Type-Options", "nosniff");
  r.headers.add("Referrer-Policy", "no-referrer");
  return r;
}

response message_page(int status, const std::string& title, const std::string& text) {
  return html(status, document(title, "<h1>" + escape_html(title) + "</h1>\n<p>" + escape_html(text) + "</p>\n"));
}

response not_found() {
  return message_page(404, "Survey not found", "This survey link is not valid. Check the link you were sent.");
}

response thanks(const store::csat::survey& s) {
  auto rated = s.rating ? " You rated us " + std::to_string(*s.rating) + " out of 5." : std::string();
  return message_page(200, "Thanks for your feedback", "Your answer was recorded." + rated);
}

std::optional<response> limited(api_context& ctx, const request& req) {
  if (auto wait = ctx.widget.per_ip.hit(req.remote, ctx.now())) {
    auto r = response::text(429, "Too many requests from this address; retry later.\n");
    r.headers.add("Retry-After", std::to_string(wait));
    return r;
  }
  return std::nullopt;
}

bool expired(const api_context& ctx, const store::csat::survey& s) {
  auto until = parse_rfc3339(s.expires_at);
  return until && *until <= ctx.now();
}

asio::awaitable<response> survey_page(api_context& ctx, request& req) {
  auto token = req.params.at("token");
  if (!plausible_token(token)) co_return not_found();
  auto s = co_await services::survey_by_token(ctx, token);
  if (!s) co_return message_page(500, "Something went wrong", "The survey could not be read. Try again later.");
  if (!*s) co_return not_found();
  if ((*s)->status == "answered") co_return thanks(**s);
  if (expired(ctx, **s))
    co_return message_page(410, "This survey has closed", "This survey is no longer taking answers. Thank you.");
  co_return html(200, form_page(token, "", ""));
}

asio::awaitable<response> survey_answer(api_context& ctx, request& req) {
  auto token = req.params.at("token");
  if (!plausible_token(token)) co_return not_found();
  auto form = carriers::parse_form_body(req.body);
  if (!form) co_return html(400, form_page(token, "The form could not be read. Please try again.", ""));
  std::string rating_text, comment;
  for (auto& [k, v] : *form) {
    if (k == "rating") rating_text = v;
    if (k == "comment") comment = v;
  }
  comment = trim(comment);
  if (!valid_utf8(comment)) comment.clear();
  if (rating_text.size() != 1 || rating_text[0] < '1' || rating_text[0] > '5')
    co_return html(400, form_page(token, "Choose a rating from 1 to 5.", comment));
  if (utf8_length(comment) > routing::csat_comment_max)
    co_return html(400, form_page(token, "The comment is longer than 1000 characters.", comment));
  int rating = rating_text[0] - '0';
  std::optional<std::string> text;
  if (!comment.empty()) text = comment;
  auto a = co_await services::answer_survey_by_token(ctx, token, rating, text);
  if (!a && a.err().code == "NOT_FOUND") co_return not_found();
  if (!a && a.err().code == "CONFLICT_STATE") {
    // Answered meanwhile, or closed: the page says which.
    auto r = response::text(303, "");
    r.headers.add("Location", "/survey/" + token);
    co_return r;
  }
  if (!a) co_return message_page(500, "Something went wrong", "Your answer could not be saved. Try again later.");
  auto r = response::text(303, "");
  r.headers.add("Location", "/survey/" + token);
  co_return r;
}

}  // namespace

void add_csat_routes(http::router& r, api_context& ctx) {
  r.add("GET", "/api/v1/csat/settings", authorized(ctx, "csat.manage", get_settings));
  r.add("PATCH", "/api/v1/csat/settings", authorized(ctx, "csat.manage", patch_settings));
  auto wrap = [&ctx](auto fn) {
    return [&ctx, fn](request& q) -> asio::awaitable<response> {
      if (auto l = limited(ctx, q)) co_return std::move(*l);
      co_return co_await fn(ctx, q);
    };
  };
  r.add("GET", "/survey/{token}", wrap(survey_page));
  r.add("POST", "/survey/{token}", wrap(survey_answer), http::route_options{4096});
}

}  // namespace switchboard::api
