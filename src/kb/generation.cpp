#include "switchboard/kb/generation.hpp"

#include <algorithm>
#include <cctype>

namespace switchboard::kb {

namespace {

constexpr std::size_t passage_max = 2000;  // bytes of one passage in the prompt

std::string trimmed(std::string_view s) {
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

}  // namespace

nlohmann::json chat_request(const std::string& model, std::string_view question,
                            const std::vector<source_passage>& sources, int max_tokens) {
  std::string system =
      "You answer customers' questions for a support team, using only the numbered passages from its help "
      "center that the user message gives. Cite every passage you use by its number in square brackets, "
      "like [1]. Keep the answer short and plain. If the passages do not answer the question, reply with "
      "exactly ";
  system += decline_marker;
  system += " and nothing else. Never use other knowledge and never invent steps, prices or links.";
  std::string user = "Passages:\n";
  for (std::size_t i = 0; i < sources.size(); ++i) {
    // Each passage bounded: one long table or code block must not fill the model's context.
    auto text = sources[i].text.size() > passage_max ? sources[i].text.substr(0, passage_max) : sources[i].text;
    user += "[" + std::to_string(i + 1) + "] " + sources[i].title + "\n" + text + "\n\n";
  }
  user += "Question: ";
  user += question;
  return {{"model", model},
          {"messages", nlohmann::json::array({{{"role", "system"}, {"content", system}},
                                              {{"role", "user"}, {"content", user}}})},
          {"temperature", 0},
          {"max_tokens", max_tokens},
          {"stream", false}};
}

generated_answer read_chat_completion(std::string_view body, std::size_t source_count) {
  generated_answer out;
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return out;
  auto choices = j.find("choices");
  if (choices == j.end() || !choices->is_array() || choices->empty() || !(*choices)[0].is_object()) return out;
  auto& first = (*choices)[0];
  auto msg = first.find("message");
  if (msg == first.end() || !msg->is_object()) return out;
  auto content = msg->find("content");
  if (content == msg->end() || !content->is_string()) return out;
  out.parsed = true;
  out.text = trimmed(content->get<std::string>());
  if (out.text.empty() || out.text.find(decline_marker) != std::string::npos) {
    out.declined = true;
    return out;
  }
  // [n] marks, also "[1][2]" and "[1, 2]".
  for (std::size_t at = out.text.find('['); at != std::string::npos; at = out.text.find('[', at + 1)) {
    auto close = out.text.find(']', at);
    if (close == std::string::npos || close - at > 24) continue;
    std::string inside = out.text.substr(at + 1, close - at - 1);
    std::size_t i = 0;
    bool any = false, clean = true;
    std::vector<int> numbers;
    while (i < inside.size()) {
      if (std::isdigit(static_cast<unsigned char>(inside[i]))) {
        int n = 0;
        while (i < inside.size() && std::isdigit(static_cast<unsigned char>(inside[i])) && n < 1000)
          n = n * 10 + (inside[i++] - '0');
        numbers.push_back(n);
        any = true;
      } else if (inside[i] == ',' || inside[i] == ' ') {
        ++i;
      } else {
        clean = false;
        break;
      }
    }
    if (!any || !clean) continue;
    for (int n : numbers)
      if (n >= 1 && static_cast<std::size_t>(n) <= source_count &&
          std::find(out.cited.begin(), out.cited.end(), n) == out.cited.end())
        out.cited.push_back(n);
  }
  return out;
}

std::string completions_url(std::string_view base) {
  std::string url(base);
  while (!url.empty() && url.back() == '/') url.pop_back();
  static constexpr std::string_view suffix = "/chat/completions";
  if (url.size() >= suffix.size() && url.compare(url.size() - suffix.size(), suffix.size(), suffix) == 0) return url;
  return url + std::string(suffix);
}

}  // namespace switchboard::kb
