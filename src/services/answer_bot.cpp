#include "switchboard/services/answer_bot.hpp"
#include "switchboard/services/reports.hpp"
#include "switchboard/services/csat.hpp"
#include "switchboard/services/webhooks.hpp"

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <spdlog/spdlog.h>

#include "switchboard/http/outbound.hpp"
#include "switchboard/kb/generation.hpp"
#include "switchboard/kb/retrieval.hpp"
#include "switchboard/routing/answer_bot.hpp"
#include "switchboard/routing/hours.hpp"
#include "switchboard/services/help_center.hpp"
#include "switchboard/services/reply.hpp"
#include "switchboard/services/threads.hpp"
#include "switchboard/services/wire.hpp"
#include "switchboard/store/repositories.hpp"

namespace switchboard::services {

namespace asio = boost::asio;
using nlohmann::json;
using store::id_t;

namespace {

constexpr const char* setting_name = "answer_bot";
constexpr int thread_window = 200;       // items per page the bot reads to know where the conversation stands
constexpr int thread_pages_max = 10;     // past 2,000 items the bot stays out
constexpr int candidate_articles = 3;    // searched; the passages a language model gets
constexpr std::size_t quote_max = 700;   // bytes of a quoted passage
constexpr std::size_t generated_max = 2000, generated_sms_max = 900;  // bytes of a model's answer (SMS: with links, one message)
constexpr int llm_concurrency_max = 8;   // requests to the language model at once, per process

const std::vector<std::string>& handoff_reasons() {
  static const std::vector<std::string> all = {"asked_for_human", "not_helpful",  "low_confidence", "no_source",
                                               "llm_unavailable", "llm_declined", "llm_uncited"};
  return all;
}


// Cuts at a word boundary before `max` bytes (never inside a UTF-8 sequence).
std::string cut(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t at = max;
  while (at > 0 && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  auto space = text.rfind(' ', at);
  if (space != std::string::npos && space > max / 2) at = space;
  return text.substr(0, at) + "…";
}

std::string article_url(const std::string& help_base, const std::string& slug) {
  return help_base + "/articles/" + slug;
}

// Field by field: a stored value this version refuses keeps that field's default
// and no other (one bad field never turns the bot off).
answer_bot_settings parse_stored(answer_bot_settings base, const std::string& text) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return base;  // unreadable: the defaults
  for (auto& [k, v] : j.items())
    if (auto next = patched(base, json{{k, v}})) base = std::move(*next);
  return base;
}

// What a run learns in one read: where the conversation stands, the customer's
// message, and the retrieval of its question.
struct bot_read {
  bool found = false;
  help_center_settings help;  // where the articles' public pages are
  std::string channel;
  routing::bot_facts facts;
  std::optional<id_t> message_id;  // the customer's message
  std::string question;
  struct source {
    id_t article_id = 0;
    std::string title, slug;
    kb::passage best;
  };
  std::vector<source> sources;  // best article first
};

bot_read read_conversation(store::unit_of_work& uow, id_t ws, id_t cid, const std::vector<std::string>& channels) {
  bot_read out;
  auto c = uow.conversations().find(ws, cid);
  if (!c) return out;
  out.found = true;
  out.channel = c->channel;
  // A channel the bot does not answer on: nothing more to read.
  auto bot_channel = c->channel == "chat" ? std::string("widget") : c->channel;
  if (std::find(channels.begin(), channels.end(), bot_channel) == channels.end()) return out;
  out.help = parse_help_center_settings(uow.workspaces().setting(ws, "help_center"));
  // The whole thread, page by page (forward from a cursor), for whether a teammate
  // answered or the bot handed over; the last two items for where it stands now.
  auto& f = out.facts;
  std::optional<store::message> last, before_last;
  std::optional<id_t> after;
  for (int pages = 0;; ++pages) {
    // A very long conversation is the team's: bounded work per message.
    if (pages == thread_pages_max) return out;
    auto page = uow.messages().thread(ws, cid, after, thread_window, false);
    for (auto& m : page) {
      if (m.sender_kind == "teammate" && !m.is_private && m.direction == "outbound") f.human_replied = true;
      if (bot_step(m) == "handoff") f.handed_off = true;
      before_last = std::move(last);
      last = std::move(m);
    }
    if (static_cast<int>(page.size()) < thread_window) break;
    after = last->id;
  }
  if (!last || last->sender_kind != "contact" || last->kind != "text" || last->body.empty())
    return out;  // the newest item is not a customer's words: nothing to answer
  out.message_id = last->id;
  out.question = last->body;
  f.text = last->body;
  f.short_message = kb::question_terms(last->body).size() <= 3 &&
                    std::count(last->body.begin(), last->body.end(), ' ') < 3;
  // Asked "did that answer?" just before this message.
  f.awaiting_feedback = before_last && bot_step(*before_last) == "answer";
  auto reply = routing::classify_bot_reply(last->body);
  if (f.human_replied || f.handed_off || reply != routing::bot_reply::other)
    return out;  // no question to look up
  // Retrieval: the question's content words, any of them, ranked by the store.
  store::kb::article_query q;
  q.words = kb::question_terms(last->body);
  q.match_all = false;
  q.limit = candidate_articles;
  if (q.words.empty()) return out;
  auto hits = uow.articles().search(ws, q);
  double best_score = 0, runner_up = 0, coverage = 0;
  for (std::size_t i = 0; i < hits.size(); ++i) {
    auto a = uow.articles().find(ws, hits[i].a.id);
    if (!a) continue;
    auto ranked = kb::rank_passages(a->body, q.words);
    if (ranked.empty()) continue;
    if (out.sources.empty()) {
      best_score = hits[i].score;
      coverage = ranked.front().coverage;
    } else if (runner_up == 0) {
      runner_up = hits[i].score;
    }
    out.sources.push_back({a->id, a->title, a->slug, ranked.front().p});
  }
  f.has_source = !out.sources.empty();
  f.confidence = f.has_source ? kb::confidence(coverage, best_score, runner_up) : 0;
  return out;
}

// What the bot writes: its items, the conversation resolved or not.
struct bot_write {
  std::string text;
  json metadata;
  bool resolve = false;
};

// The bot's items and, when it resolved the conversation, its CSAT survey.
struct bot_written {
  reply_result reply;
  std::optional<csat_sent> csat;
};

bot_written store_bot_items(store::unit_of_work& uow, id_t ws, id_t cid, id_t customer_message, const bot_write& w,
                            const std::string& at) {
  // Another item since the read (a teammate answered, the customer wrote again):
  // the bot stays out of it; the run after it decides anew.
  auto newest = uow.messages().thread(ws, cid, customer_message, 1, false);
  if (!newest.empty()) throw store::job_error("CONFLICT_STATE", "the conversation moved on");
  bot_written out{queue_bot_message(uow, ws, cid, w.text, w.metadata, at), std::nullopt};
  auto& r = out.reply;
  if (w.resolve) {
    store::conversations::patch p;
    p.status = "resolved";
    auto before = r.conversation;
    update_conversation(uow, ws, cid, p, at);
    r.conversation = *uow.conversations().find(ws, cid);
    emit_conversation_change(uow, before, r.conversation, at, false);  // queue_bot_message sent .updated
    out.csat = send_csat_survey(uow, before, r.conversation, at);
  }
  return out;
}

asio::awaitable<result<bot_written>> write_bot_items(context& ctx, id_t ws, id_t cid, id_t customer_message,
                                                      bot_write w) {
  auto at = now_text(ctx);
  auto job = [ws, cid, customer_message, w = std::move(w), at](store::unit_of_work& uow) {
    return store_bot_items(uow, ws, cid, customer_message, w, at);
  };
  co_return co_await ctx.db.write(std::move(job));
}

// Asks the language model. nullopt when it did not answer in time or usably.
asio::awaitable<std::optional<kb::generated_answer>> ask_model(context& ctx, const std::string& question,
                                                                const std::vector<kb::source_passage>& sources) {
  auto& bot = *ctx.answer_bot;
  http::outbound_request req;
  req.method = "POST";
  req.url = kb::completions_url(bot.llm_url);
  req.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
  if (!bot.llm_api_key.empty()) req.headers.emplace_back("Authorization", "Bearer " + bot.llm_api_key);
  // Invalid UTF-8 in a customer's text (an SMS body is taken as it came) is replaced, not thrown.
  req.body = kb::chat_request(bot.llm_model, question, sources).dump(-1, ' ', false, json::error_handler_t::replace);
  req.timeout = bot.llm_timeout;
  req.max_body = 256 * 1024;
  // A burst of questions must not bury a small model server: past the cap, hand over.
  if (bot.llm_in_flight >= llm_concurrency_max) {
    spdlog::warn("answer bot: {} requests to the language model already in flight; handing over", bot.llm_in_flight);
    co_return std::nullopt;
  }
  ++bot.llm_in_flight;
  auto res = co_await bot.client->request(req);
  --bot.llm_in_flight;
  if (!res) {
    spdlog::warn("answer bot: the language model at {} did not answer: {}", req.url, res.err().message);
    co_return std::nullopt;
  }
  if (res->status != 200) {
    spdlog::warn("answer bot: the language model at {} answered HTTP {}", req.url, res->status);
    co_return std::nullopt;
  }
  auto g = kb::read_chat_completion(res->body, sources.size());
  if (!g.parsed) co_return std::nullopt;
  co_return g;
}

asio::awaitable<void> run_until_settled(context& ctx, id_t ws, id_t cid) {
  auto& running = ctx.answer_bot->running;
  for (;;) {
    bot_outcome o;
    try {
      o = co_await run_answer_bot(ctx, ws, cid);
    } catch (const std::exception& e) {
      // Never leaves the conversation marked as running: the next message runs again.
      spdlog::error("answer bot: conversation {}: {}", cid, e.what());
    }
    if (o.action != "none")
      spdlog::info("answer bot: conversation {} {} ({})", cid, o.action, o.reason);
    auto it = running.find(cid);
    if (it == running.end() || !it->second) break;
    it->second = false;  // a message came during the run: once more for it
  }
  running.erase(cid);
}

}  // namespace

std::string bot_step(const store::message& m) {
  if (m.sender_kind != "bot" || !m.metadata.is_object()) return {};
  auto it = m.metadata.find("answer_bot");
  if (it == m.metadata.end() || !it->is_object()) return {};
  return it->value("step", std::string());
}

json to_json(const answer_bot_settings& s) {
  return {{"enabled", s.enabled},
          {"threshold", s.threshold},
          {"channels", s.channels},
          {"business_hours", s.business_hours},
          {"schedule", s.schedule},
          {"handoff_message", s.handoff_message}};
}

result<answer_bot_settings> patched(answer_bot_settings s, const json& body) {
  if (!body.is_object()) return error{"INVALID_INPUT", "the body must be a JSON object"};
  static const std::vector<std::string> known = {"enabled", "threshold", "channels", "business_hours", "schedule",
                                                 "handoff_message"};
  for (auto& [k, v] : body.items())
    if (std::find(known.begin(), known.end(), k) == known.end())
      return error{"INVALID_INPUT", k + ": unknown field"};
  if (auto it = body.find("enabled"); it != body.end()) {
    if (!it->is_boolean()) return error{"INVALID_INPUT", "enabled: must be true or false"};
    s.enabled = it->get<bool>();
  }
  if (auto it = body.find("threshold"); it != body.end()) {
    if (!it->is_number() || it->get<double>() < 0 || it->get<double>() > 1)
      return error{"INVALID_INPUT", "threshold: must be a number from 0 to 1"};
    s.threshold = it->get<double>();
  }
  if (auto it = body.find("channels"); it != body.end()) {
    if (!it->is_array() || it->size() > 2) return error{"INVALID_INPUT", "channels: must be a list of widget and sms"};
    std::vector<std::string> channels;
    for (auto& c : *it) {
      if (!c.is_string() || (c != "widget" && c != "sms"))
        return error{"INVALID_INPUT", "channels: each must be widget or sms"};
      if (std::find(channels.begin(), channels.end(), c.get<std::string>()) == channels.end())
        channels.push_back(c.get<std::string>());
    }
    s.channels = std::move(channels);
  }
  if (auto it = body.find("business_hours"); it != body.end()) {
    if (!it->is_string() || (*it != "always" && *it != "outside"))
      return error{"INVALID_INPUT", "business_hours: must be always or outside"};
    s.business_hours = it->get<std::string>();
  }
  if (auto it = body.find("schedule"); it != body.end()) {
    auto h = routing::parse_business_hours(*it);
    if (!h) return error{"INVALID_INPUT", "schedule: " + h.err().message};
    s.schedule = *h ? routing::to_json(**h) : json(nullptr);
  }
  if (auto it = body.find("handoff_message"); it != body.end()) {
    if (!it->is_string() || it->get<std::string>().empty() || it->get<std::string>().size() > handoff_message_max)
      return error{"INVALID_INPUT", "handoff_message: must be text of 1 to 1000 bytes"};
    s.handoff_message = it->get<std::string>();
  }
  return s;
}

answer_bot_runtime::answer_bot_runtime() {
  for (auto& r : handoff_reasons()) handoffs.try_emplace(r, 0);
}

void answer_bot_runtime::count(const bot_outcome& o) {
  if (o.action == "answer") {
    answers.fetch_add(1, std::memory_order_relaxed);
    if (o.reason == "llm_answer") generated.fetch_add(1, std::memory_order_relaxed);
  } else if (o.action == "resolve") {
    resolutions.fetch_add(1, std::memory_order_relaxed);
  } else if (o.action == "handoff") {
    if (auto it = handoffs.find(o.reason); it != handoffs.end()) it->second.fetch_add(1, std::memory_order_relaxed);
  }
}

std::string answer_bot_runtime::render_metrics() const {
  std::string out;
  out += "# HELP switchboard_answer_bot_answers_total Answers the answer bot gave (generated: written by the language model).\n";
  out += "# TYPE switchboard_answer_bot_answers_total counter\n";
  auto extractive = answers.load() - std::min(answers.load(), generated.load());
  out += "switchboard_answer_bot_answers_total{source=\"extractive\"} " + std::to_string(extractive) + "\n";
  out += "switchboard_answer_bot_answers_total{source=\"generated\"} " + std::to_string(generated.load()) + "\n";
  out += "# HELP switchboard_answer_bot_resolutions_total Conversations the customer said the bot's answer resolved.\n";
  out += "# TYPE switchboard_answer_bot_resolutions_total counter\n";
  out += "switchboard_answer_bot_resolutions_total " + std::to_string(resolutions.load()) + "\n";
  out += "# HELP switchboard_answer_bot_handoffs_total Conversations the bot handed to the team, by reason.\n";
  out += "# TYPE switchboard_answer_bot_handoffs_total counter\n";
  for (auto& [reason, n] : handoffs)
    out += "switchboard_answer_bot_handoffs_total{reason=\"" + reason + "\"} " + std::to_string(n.load()) + "\n";
  return out;
}

asio::awaitable<result<answer_bot_settings>> answer_bot_settings_of(context& ctx, id_t ws) {
  answer_bot_settings defaults = ctx.answer_bot ? ctx.answer_bot->defaults : answer_bot_settings{};
  if (ctx.answer_bot) {
    auto it = ctx.answer_bot->settings_cache.find(ws);
    if (it != ctx.answer_bot->settings_cache.end() &&
        std::chrono::steady_clock::now() - it->second.at < ctx.answer_bot->settings_ttl)
      co_return it->second.settings;
  }
  auto job = [ws](store::unit_of_work& uow) { return uow.workspaces().setting(ws, setting_name); };
  auto stored = co_await ctx.db.read(std::move(job));
  if (!stored) co_return stored.err();
  auto s = *stored ? parse_stored(defaults, **stored) : defaults;
  if (ctx.answer_bot) ctx.answer_bot->settings_cache[ws] = {s, std::chrono::steady_clock::now()};
  co_return s;
}

asio::awaitable<result<answer_bot_settings>> update_answer_bot_settings(context& ctx, store::principal who,
                                                                       std::string ip, json body) {
  auto ws = who.workspace_id;
  if (ctx.answer_bot) ctx.answer_bot->settings_cache.erase(ws);
  auto current = co_await answer_bot_settings_of(ctx, ws);
  if (!current) co_return current.err();
  auto next = patched(*current, body);
  if (!next) co_return next.err();
  auto at = now_text(ctx);
  auto value = to_json(*next).dump();
  auto job = [ws, who, ip, value, body, at](store::unit_of_work& uow) {
    uow.workspaces().put_setting(ws, setting_name, value, at);
    uow.auth().audit(ws, who.teammate_id, "answer_bot.updated", "workspace", ws, body, ip, at);
  };
  auto w = co_await ctx.db.write(std::move(job));
  if (!w) co_return w.err();
  if (ctx.answer_bot) ctx.answer_bot->settings_cache[ws] = {*next, std::chrono::steady_clock::now()};
  co_return *next;
}

asio::awaitable<bot_outcome> run_answer_bot(context& ctx, id_t ws, id_t cid) {
  bot_outcome out;
  auto settings = co_await answer_bot_settings_of(ctx, ws);
  if (!settings || !settings->enabled) co_return out;
  auto channels = settings->channels;
  auto job = [ws, cid, channels](store::unit_of_work& uow) { return read_conversation(uow, ws, cid, channels); };
  auto read = co_await ctx.db.read(std::move(job));
  if (!read || !read->found || !read->message_id) co_return out;
  auto& r = *read;
  auto& f = r.facts;
  f.enabled = true;
  auto channel = r.channel == "chat" ? std::string("widget") : r.channel;
  f.channel_on = std::find(settings->channels.begin(), settings->channels.end(), channel) != settings->channels.end();
  f.threshold = settings->threshold;
  f.answer_outside_hours_only = settings->business_hours == "outside";
  if (f.answer_outside_hours_only) {
    auto h = routing::parse_business_hours(settings->schedule);
    f.in_business_hours = !h || !*h || routing::is_open(**h, ctx.now());
  }
  auto plan = routing::plan_bot(f);
  using action = routing::bot_plan::action;
  if (plan.what == action::none) co_return out;

  bot_write w;
  out.reason = plan.reason;
  auto help_base = help_center_url(ctx.carriers.public_url, r.help);
  if (plan.what == action::answer) {
    auto& best = r.sources.front();
    auto url = article_url(help_base, best.slug);
    json article = {{"id", std::to_string(best.article_id)}, {"title", best.title}, {"url", url}};
    w.metadata = {{"answer_bot",
                   {{"step", "answer"}, {"confidence", f.confidence}, {"article", article}, {"generated", false}}}};
    w.text = cut(best.best.text, quote_max) + "\n\nFrom \u201c" + best.title + "\u201d: " + url;
    if (ctx.answer_bot && !ctx.answer_bot->llm_url.empty() && ctx.answer_bot->client) {
      std::vector<kb::source_passage> sources;
      for (auto& s : r.sources)
        sources.push_back({s.title, article_url(help_base, s.slug), s.best.text});
      auto g = co_await ask_model(ctx, r.question, sources);
      routing::llm_outcome o;
      o.answered = g.has_value();
      o.declined = g && g->declined;
      o.cites = g && !g->cited.empty();
      auto after = routing::plan_after_llm(o);
      out.reason = after.reason;
      if (after.what == action::answer) {
        // The cited articles, in the order cited, as links under the answer.
        json cited = json::array();
        std::string links;
        for (int n : g->cited) {
          auto& s = sources[static_cast<std::size_t>(n - 1)];
          auto& src = r.sources[static_cast<std::size_t>(n - 1)];
          links += "\n[" + std::to_string(n) + "] " + s.title + ": " + s.url;
          cited.push_back({{"id", std::to_string(src.article_id)}, {"title", s.title}, {"url", s.url}, {"n", n}});
        }
        auto& first = cited.front();
        w.text = cut(g->text, r.channel == "sms" ? generated_sms_max : generated_max) + "\n" + links;
        w.metadata = {{"answer_bot",
                       {{"step", "answer"},
                        {"confidence", f.confidence},
                        {"article", {{"id", first["id"]}, {"title", first["title"]}, {"url", first["url"]}}},
                        {"sources", cited},
                        {"generated", true}}}};
      } else {
        plan = after;
      }
    }
    if (plan.what == action::answer) w.text += "\n\nDid that answer your question?";
  }
  if (plan.what == action::resolve) {
    w.text = "Great, glad that helped! I've closed this conversation; write here again any time.";
    w.metadata = {{"answer_bot", {{"step", "resolved"}}}};
    w.resolve = true;
  } else if (plan.what == action::handoff) {
    w.text = settings->handoff_message;
    w.metadata = {{"answer_bot", {{"step", "handoff"}, {"reason", plan.reason}}}};
  }
  auto wrote = co_await write_bot_items(ctx, ws, cid, *r.message_id, std::move(w));
  if (!wrote) {
    // The conversation moved on (the next run answers that), or nothing can carry
    // the bot's text (an opted-out phone): nothing was written.
    if (wrote.err().code == "CONFLICT_STATE" || wrote.err().code == "OPTED_OUT")
      spdlog::info("answer bot: conversation {}: nothing written: {}", cid, wrote.err().message);
    else
      spdlog::warn("answer bot: conversation {}: {}", cid, wrote.err().message);
    co_return out;
  }
  publish_reply(ctx, wrote->reply);
  if (wrote->csat) publish_csat_sent(ctx, *wrote->csat, wrote->reply.conversation, wrote->reply.widget_starter);
  out.action = plan.what == action::answer ? "answer" : plan.what == action::resolve ? "resolve" : "handoff";
  out.reason = plan.what == action::handoff ? plan.reason : out.reason;
  out.message_id = wrote->reply.message.id;
  if (plan.what == action::handoff)
    ctx.hub.publish(ws, agents_topic, "conversation.handoff",
                    {{"conversation_id", std::to_string(cid)}, {"reason", plan.reason}});
  if (ctx.answer_bot) ctx.answer_bot->count(out);
  co_return out;
}

void after_customer_message(context& ctx, id_t ws, id_t cid) {
  if (!ctx.answer_bot || !ctx.answer_bot->executor) return;
  auto& running = ctx.answer_bot->running;
  if (auto it = running.find(cid); it != running.end()) {
    it->second = true;  // the run in progress goes once more when it ends
    return;
  }
  running[cid] = false;
  asio::co_spawn(ctx.answer_bot->executor, run_until_settled(ctx, ws, cid), asio::detached);
}

}  // namespace switchboard::services
