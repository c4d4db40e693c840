#include "switchboard/carriers/twiml.hpp"

#include <cstdint>
#include <string>
#include <type_traits>

namespace switchboard::carriers::twiml {

namespace {

constexpr std::string_view replacement_char = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

void append_code_point_escaped(std::string& out, std::uint32_t cp, std::string_view bytes) {
  switch (cp) {
    case '&':
      out += "&amp;";
      return;
    case '<':
      out += "&lt;";
      return;
    case '>':
      out += "&gt;";
      return;
    case '"':
      out += "&quot;";
      return;
    case '\'':
      out += "&apos;";
      return;
    // Parsers normalise raw CR (and TAB/LF inside attributes); references keep them exact.
    case '\t':
      out += "&#9;";
      return;
    case '\n':
      out += "&#10;";
      return;
    case '\r':
      out += "&#13;";
      return;
    default:
      break;
  }
  // XML 1.0 Char excludes the other C0 controls and U+FFFE/U+FFFF; drop them.
  if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF) return;
  out += bytes;
}

std::string_view method_name(http_method m) { return m == http_method::get ? "GET" : "POST"; }

std::string_view input_name(gather_input i) {
  switch (i) {
    case gather_input::dtmf:
      return "dtmf";
    case gather_input::speech:
      return "speech";
    case gather_input::dtmf_speech:
      return "dtmf speech";
  }
  return "dtmf";
}

std::string_view trim_name(record_trim t) {
  return t == record_trim::trim_silence ? "trim-silence" : "do-not-trim";
}

std::string_view event_name(call_event e) {
  switch (e) {
    case call_event::initiated:
      return "initiated";
    case call_event::ringing:
      return "ringing";
    case call_event::answered:
      return "answered";
    case call_event::completed:
      return "completed";
  }
  return "completed";
}

std::string_view dial_record_name(dial_record r) {
  switch (r) {
    case dial_record::do_not_record:
      return "do-not-record";
    case dial_record::record_from_answer:
      return "record-from-answer";
    case dial_record::record_from_ringing:
      return "record-from-ringing";
    case dial_record::record_from_answer_dual:
      return "record-from-answer-dual";
    case dial_record::record_from_ringing_dual:
      return "record-from-ringing-dual";
  }
  return "do-not-record";
}

// Writes one element: construct, add attributes, then either close() or body + end().
class element {
 public:
  element(std::string& out, std::string_view name) : out_(out), name_(name) {
    out_ += '<';
    out_ += name_;
  }

  void attr(std::string_view key, std::string_view value) {
    out_ += ' ';
    out_ += key;
    out_ += "=\"";
    out_ += escape_xml(value);
    out_ += '"';
  }
  void attr(std::string_view key, const std::optional<std::string>& v) {
    if (v) attr(key, std::string_view(*v));
  }
  void attr(std::string_view key, const std::optional<unsigned>& v) {
    if (v) attr(key, std::string_view(std::to_string(*v)));
  }
  void attr(std::string_view key, const std::optional<bool>& v) {
    if (v) attr(key, std::string_view(*v ? "true" : "false"));
  }
  void attr(std::string_view key, const std::optional<http_method>& v) {
    if (v) attr(key, method_name(*v));
  }

  void close() { out_ += "/>"; }  // empty element
  void open() { out_ += '>'; }
  void text(std::string_view t) { out_ += escape_xml(t); }
  void end() {
    out_ += "</";
    out_ += name_;
    out_ += '>';
  }
  // Whole element whose only content is text; an empty text renders as <X .../>.
  void text_and_end(std::string_view t) {
    if (t.empty()) return close();
    open();
    text(t);
    end();
  }

 private:
  std::string& out_;
  std::string_view name_;
};

void write(std::string& out, const say& v) {
  element e(out, "Say");
  e.attr("voice", v.voice);
  e.attr("language", v.language);
  e.attr("loop", v.loop);
  e.text_and_end(v.text);
}

void write(std::string& out, const play& v) {
  element e(out, "Play");
  e.attr("loop", v.loop);
  e.attr("digits", v.digits);
  e.text_and_end(v.url);
}

void write(std::string& out, const pause& v) {
  element e(out, "Pause");
  e.attr("length", v.length);
  e.close();
}

void write(std::string& out, const gather& v) {
  element e(out, "Gather");
  if (v.input) e.attr("input", input_name(*v.input));
  e.attr("action", v.action);
  e.attr("method", v.method);
  e.attr("timeout", v.timeout);
  e.attr("speechTimeout", v.speech_timeout);
  e.attr("finishOnKey", v.finish_on_key);
  e.attr("numDigits", v.num_digits);
  e.attr("language", v.language);
  e.attr("hints", v.hints);
  e.attr("actionOnEmptyResult", v.action_on_empty_result);
  if (v.children.empty()) return e.close();
  e.open();
  for (const auto& c : v.children) std::visit([&](const auto& x) { write(out, x); }, c);
  e.end();
}

void write(std::string& out, const number& v) {
  element e(out, "Number");
  e.attr("sendDigits", v.send_digits);
  e.attr("url", v.url);
  e.attr("method", v.method);
  if (!v.status_callback_event.empty()) {
    std::string events;
    for (auto ev : v.status_callback_event) {
      if (!events.empty()) events += ' ';
      events += event_name(ev);
    }
    e.attr("statusCallbackEvent", std::string_view(events));
  }
  e.attr("statusCallback", v.status_callback);
  e.attr("statusCallbackMethod", v.status_callback_method);
  e.text_and_end(v.phone_number);
}

void write(std::string& out, const dial& v) {
  element e(out, "Dial");
  e.attr("action", v.action);
  e.attr("method", v.method);
  e.attr("timeout", v.timeout);
  e.attr("callerId", v.caller_id);
  e.attr("answerOnBridge", v.answer_on_bridge);
  if (v.record) e.attr("record", dial_record_name(*v.record));
  e.attr("ringTone", v.ring_tone);
  e.attr("timeLimit", v.time_limit);
  e.attr("hangupOnStar", v.hangup_on_star);
  const bool has_text = v.phone_number && !v.phone_number->empty();
  if (!has_text && v.numbers.empty()) return e.close();
  e.open();
  if (has_text) e.text(*v.phone_number);
  for (const auto& n : v.numbers) write(out, n);
  e.end();
}

void write(std::string& out, const record& v) {
  element e(out, "Record");
  e.attr("action", v.action);
  e.attr("method", v.method);
  e.attr("maxLength", v.max_length);
  e.attr("timeout", v.timeout);
  e.attr("playBeep", v.play_beep);
  e.attr("finishOnKey", v.finish_on_key);
  e.attr("transcribe", v.transcribe);
  e.attr("transcribeCallback", v.transcribe_callback);
  e.attr("recordingStatusCallback", v.recording_status_callback);
  if (v.trim) e.attr("trim", trim_name(*v.trim));
  e.close();
}

void write(std::string& out, const hangup&) { element(out, "Hangup").close(); }

void write(std::string& out, const redirect& v) {
  element e(out, "Redirect");
  e.attr("method", v.method);
  e.text_and_end(v.url);
}

void write(std::string& out, const message& v) {
  element e(out, "Message");
  e.attr("to", v.to);
  e.attr("from", v.from);
  e.attr("action", v.action);
  e.attr("method", v.method);
  e.attr("statusCallback", v.status_callback);
  if (v.media.empty()) return e.text_and_end(v.body.value_or(""));
  // With media the body must move into its own <Body> noun.
  e.open();
  if (v.body && !v.body->empty()) element(out, "Body").text_and_end(*v.body);
  for (const auto& url : v.media) element(out, "Media").text_and_end(url);
  e.end();
}

// ---- validation -------------------------------------------------------------------------

error invalid(const std::string& where, std::string_view what) {
  return error{"INVALID_TWIML", where + ": " + std::string(what)};
}

bool only_chars(std::string_view s, std::string_view allowed) {
  return s.find_first_not_of(allowed) == std::string_view::npos;
}

constexpr std::string_view dtmf_keys = "0123456789#*";

template <class T>
constexpr std::string_view verb_name() {
  if constexpr (std::is_same_v<T, say>)
    return "Say";
  else if constexpr (std::is_same_v<T, play>)
    return "Play";
  else if constexpr (std::is_same_v<T, pause>)
    return "Pause";
  else if constexpr (std::is_same_v<T, gather>)
    return "Gather";
  else if constexpr (std::is_same_v<T, dial>)
    return "Dial";
  else if constexpr (std::is_same_v<T, record>)
    return "Record";
  else if constexpr (std::is_same_v<T, hangup>)
    return "Hangup";
  else if constexpr (std::is_same_v<T, redirect>)
    return "Redirect";
  else
    return "Message";
}

std::optional<error> check(const std::string& w, const say& v) {
  if (v.text.empty()) return invalid(w, "text is empty");
  return std::nullopt;
}

std::optional<error> check(const std::string& w, const play& v) {
  if (v.url.empty() && !v.digits) return invalid(w, "needs a url or digits");
  if (v.digits && (v.digits->empty() || !only_chars(*v.digits, "0123456789ABCDwW#*")))
    return invalid(w, "digits may contain only 0-9, A-D, #, * and w/W");
  return std::nullopt;
}

std::optional<error> check(const std::string& w, const pause& v) {
  if (v.length && *v.length == 0) return invalid(w, "length must be at least 1 second");
  return std::nullopt;
}

std::optional<error> check(const std::string& w, const gather& v) {
  if (v.timeout && *v.timeout == 0) return invalid(w, "timeout must be at least 1 second");
  if (v.num_digits && *v.num_digits == 0) return invalid(w, "numDigits must be at least 1");
  if (v.finish_on_key && (v.finish_on_key->size() > 1 || !only_chars(*v.finish_on_key, dtmf_keys)))
    return invalid(w, "finishOnKey must be one of 0-9, #, * or empty");
  if (v.speech_timeout && *v.speech_timeout != "auto" &&
      (v.speech_timeout->empty() || !only_chars(*v.speech_timeout, "0123456789")))
    return invalid(w, "speechTimeout must be \"auto\" or whole seconds");
  for (std::size_t i = 0; i < v.children.size(); ++i) {
    auto err = std::visit(
        [&](const auto& c) {
          using T = std::decay_t<decltype(c)>;
          return check(
              w + " child[" + std::to_string(i) + "] <" + std::string(verb_name<T>()) + ">", c);
        },
        v.children[i]);
    if (err) return err;
  }
  return std::nullopt;
}

std::optional<error> check(const std::string& w, const dial& v) {
  const bool has_text = v.phone_number.has_value();
  if (has_text && !v.numbers.empty())
    return invalid(w, "use either a plain phone_number or <Number> nouns, not both");
  if (!has_text && v.numbers.empty()) return invalid(w, "nothing to dial");
  if (has_text && v.phone_number->empty()) return invalid(w, "phone_number is empty");
  if (v.numbers.size() > 10) return invalid(w, "at most 10 <Number> nouns may ring at once");
  if (v.timeout && *v.timeout == 0) return invalid(w, "timeout must be at least 1 second");
  if (v.time_limit && *v.time_limit == 0) return invalid(w, "timeLimit must be at least 1 second");
  if (v.ring_tone &&
      (v.ring_tone->empty() || !only_chars(*v.ring_tone, "abcdefghijklmnopqrstuvwxyz-")))
    return invalid(w, "ringTone must be a lower-case country code such as \"us\" or \"uk\"");
  for (std::size_t i = 0; i < v.numbers.size(); ++i) {
    const auto& n = v.numbers[i];
    const std::string nw = w + " number[" + std::to_string(i) + "]";
    if (n.phone_number.empty()) return invalid(nw, "phone_number is empty");
    if (n.send_digits && (n.send_digits->empty() || !only_chars(*n.send_digits, "0123456789#*wW")))
      return invalid(nw, "sendDigits may contain only 0-9, #, * and w/W");
  }
  return std::nullopt;
}

std::optional<error> check(const std::string& w, const record& v) {
  if (v.max_length && *v.max_length == 0) return invalid(w, "maxLength must be at least 1 second");
  if (v.finish_on_key && !only_chars(*v.finish_on_key, dtmf_keys))
    return invalid(w, "finishOnKey may contain only 0-9, # and *");
  return std::nullopt;
}

std::optional<error> check(const std::string&, const hangup&) { return std::nullopt; }

std::optional<error> check(const std::string& w, const redirect& v) {
  if (v.url.empty()) return invalid(w, "url is empty");
  return std::nullopt;
}

std::optional<error> check(const std::string& w, const message& v) {
  if ((!v.body || v.body->empty()) && v.media.empty()) return invalid(w, "needs a body or media");
  if (v.media.size() > 10) return invalid(w, "at most 10 media URLs per message");
  for (const auto& m : v.media)
    if (m.empty()) return invalid(w, "a media URL is empty");
  return std::nullopt;
}

}  // namespace

std::string escape_xml(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char b = p[i];
    if (b < 0x80) {
      append_code_point_escaped(out, b, s.substr(i, 1));
      ++i;
      continue;
    }
    // Expected length and the valid range of the second byte (RFC 3629 table), which
    // excludes overlongs, surrogates (ED A0..BF) and code points above U+10FFFF.
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF)
      len = 2;
    else if (b == 0xE0)
      len = 3, lo = 0xA0;
    else if (b == 0xED)
      len = 3, hi = 0x9F;
    else if (b >= 0xE1 && b <= 0xEF)
      len = 3;
    else if (b == 0xF0)
      len = 4, lo = 0x90;
    else if (b >= 0xF1 && b <= 0xF3)
      len = 4;
    else if (b == 0xF4)
      len = 4, hi = 0x8F;
    // Consume the longest valid prefix; an incomplete or invalid sequence becomes a
    // single U+FFFD (Unicode's "maximal subpart" practice).
    std::size_t j = i + 1;
    if (len > 0 && j < n && p[j] >= lo && p[j] <= hi) {
      ++j;
      while (j < i + len && j < n && is_continuation(p[j])) ++j;
    }
    if (len == 0 || j != i + len) {
      out += replacement_char;
      i = j;
      continue;
    }
    std::uint32_t cp = b & (0xFF >> (len + 1));
    for (std::size_t k = i + 1; k < j; ++k) cp = (cp << 6) | (p[k] & 0x3F);
    append_code_point_escaped(out, cp, s.substr(i, len));
    i = j;
  }
  return out;
}

std::string render(const response& r) {
  std::string out = R"(<?xml version="1.0" encoding="UTF-8"?>)";
  if (r.verbs.empty()) return out + "<Response/>";
  out += "<Response>";
  for (const auto& v : r.verbs) std::visit([&](const auto& x) { write(out, x); }, v);
  out += "</Response>";
  return out;
}

result<void> validate(const response& r) {
  bool has_message = false, has_voice = false;
  for (std::size_t i = 0; i < r.verbs.size(); ++i) {
    auto err = std::visit(
        [&](const auto& v) -> std::optional<error> {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, message>)
            has_message = true;
          else if constexpr (!std::is_same_v<T, redirect>)
            has_voice = true;
          return check("verbs[" + std::to_string(i) + "] <" + std::string(verb_name<T>()) + ">", v);
        },
        r.verbs[i]);
    if (err) return *err;
  }
  // A response answers either a call or a message webhook; carriers reject a mix.
  if (has_message && has_voice)
    return error{"INVALID_TWIML", "response mixes <Message> with voice verbs"};
  return {};
}

result<std::string> render_checked(const response& r) {
  auto ok = validate(r);
  if (!ok) return ok.err();
  return render(r);
}

}  // namespace switchboard::carriers::twiml
