#pragma once
// The answer bot (issue 20): after a customer writes in a conversation no teammate
// has answered, it looks for the answer in the published articles and, when sure
// enough, quotes the best passage with a link (or, with answer_bot.llm.* set, an
// answer a language model wrote from those passages only, citing them) and asks
// whether that answered the question. "Yes" resolves the conversation; "no", a
// request for a person, a low confidence or any failure hands it to the team
// (the handoff message, agents notified). Decisions are routing/answer_bot.hpp's;
// retrieval is kb/retrieval.hpp's. The bot's items are messages with sender kind
// `bot`, in the thread for everyone to see.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include "switchboard/core/result.hpp"
#include "switchboard/services/context.hpp"
#include "switchboard/store/models.hpp"

namespace switchboard::http {
class outbound_client;
}

namespace switchboard::services {

// A workspace's answer bot: the configuration's answer_bot.* with what its admins
// changed in the app (stored as the workspace setting "answer_bot").
struct answer_bot_settings {
  bool enabled = false;
  double threshold = 0.5;                        // confidence 0..1 needed to answer
  std::vector<std::string> channels{"widget"};   // widget, sms
  std::string business_hours = "always";         // always | outside (only while closed)
  nlohmann::json schedule = nullptr;             // business hours (routing/hours.hpp); null: always open
  std::string handoff_message;
};
nlohmann::json to_json(const answer_bot_settings& s);
// A PATCH body over `base`: absent fields stay. INVALID_INPUT names the field.
result<answer_bot_settings> patched(answer_bot_settings base, const nlohmann::json& body);

inline constexpr std::size_t handoff_message_max = 1000;

// What one run of the bot did, for the counters, the logs and the tests.
struct bot_outcome {
  std::string action = "none";  // none, answer, resolve, handoff
  std::string reason;           // routing::bot_plan's reasons, llm_* ones included
  std::optional<store::id_t> message_id;  // the bot's item
};

// The bot's process-wide state: defaults, the language model, the counters, and
// the conversations it is answering now (one run at a time per conversation; a
// message arriving meanwhile runs the bot again after it). io_context thread only,
// but the counters, which /metrics reads.
struct answer_bot_runtime {
  answer_bot_settings defaults;
  std::string llm_url, llm_model, llm_api_key;  // llm_url "": extractive answers
  std::chrono::milliseconds llm_timeout{10'000};
  http::outbound_client* client = nullptr;      // for the language model
  boost::asio::any_io_executor executor;        // where runs go (the io_context)
  std::chrono::seconds settings_ttl{5};         // how long another instance's change may take to apply

  std::atomic<std::uint64_t> answers{0}, generated{0}, resolutions{0};
  std::map<std::string, std::atomic<std::uint64_t>> handoffs;  // by reason; keys made at start
  std::unordered_map<store::id_t, bool> running;               // conversation -> run again after
  int llm_in_flight = 0;                                        // requests to the language model now
  struct cached {
    answer_bot_settings settings;
    std::chrono::steady_clock::time_point at;
  };
  std::unordered_map<store::id_t, cached> settings_cache;

  answer_bot_runtime();
  void count(const bot_outcome& o);
  // Prometheus text: switchboard_answer_bot_{answers,resolutions}_total and
  // switchboard_answer_bot_handoffs_total{reason}.
  std::string render_metrics() const;
};

// The step a bot item records in its metadata: answer | resolved | handoff, or ""
// for any other item (the reports count bot answers, resolutions and handoffs by it).
std::string bot_step(const store::message& m);

// The workspace's effective settings.
boost::asio::awaitable<result<answer_bot_settings>> answer_bot_settings_of(context& ctx, store::id_t ws);
// Stores the changed settings (audited as answer_bot.updated) and returns them.
boost::asio::awaitable<result<answer_bot_settings>> update_answer_bot_settings(context& ctx, store::principal who,
                                                                              std::string ip,
                                                                              nlohmann::json body);

// One run for the conversation's newest customer message. Nothing happens (action
// none) unless the bot is on for the channel, no teammate has replied, it has not
// handed over, and that message is the newest item.
boost::asio::awaitable<bot_outcome> run_answer_bot(context& ctx, store::id_t ws, store::id_t conversation_id);

// After a customer's message committed: runs the bot in the background when the
// context has one (ctx.answer_bot); the caller does not wait for it.
void after_customer_message(context& ctx, store::id_t ws, store::id_t conversation_id);

}  // namespace switchboard::services
