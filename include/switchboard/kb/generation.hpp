#pragma once
// The answer bot's optional generation (issue 20): the chat-completions request
// an OpenAI-compatible server (llama.cpp's server, Ollama, vLLM, a hosted one)
// gets, carrying only the retrieved passages, and the reading of its answer —
// which must cite the passages by number, or decline. Pure: the caller sends the
// request and hands the body back.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace switchboard::kb {

struct source_passage {
  std::string title;  // the article's
  std::string url;    // its public page
  std::string text;   // the passage (heading included)
};

// What the model must write when the passages do not answer the question.
inline constexpr std::string_view decline_marker = "NO_ANSWER";

// {"model", "messages": [system, user], "temperature": 0, "max_tokens"}: the system
// message sets the rules (answer only from the numbered passages, cite them as
// [1], or write NO_ANSWER), the user message the passages and the question.
nlohmann::json chat_request(const std::string& model, std::string_view question,
                            const std::vector<source_passage>& sources, int max_tokens = 400);

struct generated_answer {
  bool parsed = false;    // a completion with text came back
  bool declined = false;  // NO_ANSWER, or nothing but whitespace
  std::vector<int> cited;  // 1-based numbers of the passages cited ([n] within 1..count), each once
  std::string text;        // the answer with its citation marks, trimmed
};
// Reads choices[0].message.content of a chat-completions response body. A body
// that is not JSON, has no choices or no text is not parsed (the caller hands over).
generated_answer read_chat_completion(std::string_view body, std::size_t source_count);

// The chat-completions URL of answer_bot.llm.url: used as given when it ends in
// /chat/completions, else "/chat/completions" is added ("…/v1" → "…/v1/chat/completions").
std::string completions_url(std::string_view base);

}  // namespace switchboard::kb
