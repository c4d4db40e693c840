#pragma once
// A small typed builder for call/message instructions. Twilio (TwiML) and SignalWire
// (LaML/cXML) accept the same XML for every verb here, so one renderer serves both.
//
// Each verb is an aggregate; set what you need with designated initializers:
//   response r;
//   r.add(gather{.input = gather_input::dtmf, .action = "/ivr", .num_digits = 1u}
//             .add(say{.text = "Press 1 for sales"}))
//    .add(redirect{.url = "/ivr"});
//   std::string xml = render(r);
//
// Attributes render in the order the fields are declared below (stable output for
// golden tests and caches); unset optionals are omitted so the carrier's default applies.
// Every member has a `{}` initializer so designated initializers that skip fields don't
// trip GCC 12's -Wmissing-field-initializers.
// SSML inside <Say> is not supported: all text is escaped and sent as plain text.
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "switchboard/core/result.hpp"

namespace switchboard::carriers::twiml {

enum class http_method { get, post };                   // "GET" / "POST"
enum class gather_input { dtmf, speech, dtmf_speech };  // "dtmf" / "speech" / "dtmf speech"
enum class record_trim { trim_silence, do_not_trim };   // "trim-silence" / "do-not-trim"
enum class call_event { initiated, ringing, answered, completed };
// <Dial record="...">: which legs and from when; the *_dual forms record each leg on its own
// channel.
enum class dial_record {
  do_not_record,
  record_from_answer,
  record_from_ringing,
  record_from_answer_dual,
  record_from_ringing_dual,
};

// <Say voice language loop>text</Say>
struct say {
  std::string text{};
  std::optional<std::string>
      voice{};  // "man", "woman", "Polly.Amy", "Google.en-GB-Standard-A", ...
  std::optional<std::string> language{};  // e.g. "en-GB"; must suit the voice
  std::optional<unsigned> loop{};         // 0 repeats until the call ends
};

// <Play loop digits>url</Play>. With digits and no url it plays DTMF tones instead.
struct play {
  std::string url{};
  std::optional<unsigned> loop{};       // 0 repeats until the call ends
  std::optional<std::string> digits{};  // 0-9 A-D # * and w/W (half-second pause)
};

// <Pause length/>
struct pause {
  std::optional<unsigned> length{};  // seconds, > 0 (carrier default 1)
};

// Only these may be nested in <Gather>; anything else does not compile.
using gather_child = std::variant<say, play, pause>;

// <Gather input action method timeout speechTimeout finishOnKey numDigits language hints
//         actionOnEmptyResult>Say|Play|Pause...</Gather>
struct gather {
  std::optional<gather_input> input{};
  std::optional<std::string> action{};
  std::optional<http_method> method{};
  std::optional<unsigned> timeout{};            // seconds of silence, > 0
  std::optional<std::string> speech_timeout{};  // "auto" or whole seconds
  std::optional<std::string> finish_on_key{};   // one of 0-9 # *, or "" to disable
  std::optional<unsigned> num_digits{};         // > 0
  std::optional<std::string> language{};        // speech recognition language, e.g. "en-US"
  std::optional<std::string> hints{};           // comma-separated words/phrases for speech
  std::optional<bool> action_on_empty_result{};
  std::vector<gather_child> children{};

  gather& add(gather_child c) {
    children.push_back(std::move(c));
    return *this;
  }
};

// <Number sendDigits url method statusCallbackEvent statusCallback statusCallbackMethod>
//   +14155550123</Number>; a noun of <Dial>.
struct number {
  std::string phone_number{};
  std::optional<std::string> send_digits{};  // DTMF after answer: 0-9 # * w W
  std::optional<std::string> url{};          // whisper/screening TwiML for the callee, pre-bridge
  std::optional<http_method> method{};       // for url
  std::vector<call_event> status_callback_event{};  // rendered space-separated; empty = omitted
  std::optional<std::string> status_callback{};
  std::optional<http_method> status_callback_method{};
};

// <Dial action method timeout callerId answerOnBridge record ringTone timeLimit hangupOnStar>
// Either a plain number as text (phone_number) or up to 10 <Number> nouns, not both.
struct dial {
  std::optional<std::string> action{};
  std::optional<http_method> method{};
  std::optional<unsigned> timeout{};  // seconds to ring, > 0
  std::optional<std::string> caller_id{};
  std::optional<bool> answer_on_bridge{};
  std::optional<dial_record> record{};
  std::optional<std::string> ring_tone{};  // country code of the ringback cadence, e.g. "us", "uk"
  std::optional<unsigned> time_limit{};    // seconds, > 0
  std::optional<bool> hangup_on_star{};
  std::optional<std::string> phone_number{};
  std::vector<number> numbers{};

  dial& add(number n) {
    numbers.push_back(std::move(n));
    return *this;
  }
};

// <Record action method maxLength timeout playBeep finishOnKey transcribe transcribeCallback
//         recordingStatusCallback trim/>
struct record {
  std::optional<std::string> action{};
  std::optional<http_method> method{};
  std::optional<unsigned> max_length{};  // seconds, > 0
  std::optional<unsigned> timeout{};     // seconds of silence that end the recording
  std::optional<bool> play_beep{};
  std::optional<std::string> finish_on_key{};  // any of 0-9 # *, e.g. "1234567890*#"
  std::optional<bool> transcribe{};
  std::optional<std::string> transcribe_callback{};
  std::optional<std::string> recording_status_callback{};
  std::optional<record_trim> trim{};
};

// <Hangup/>
struct hangup {};

// <Redirect method>url</Redirect>; valid in voice and messaging responses.
struct redirect {
  std::string url{};
  std::optional<http_method> method{};
};

// <Message to from action method statusCallback>body</Message>, or with media
// <Message ...><Body>body</Body><Media>url</Media>...</Message>.
struct message {
  std::optional<std::string> body{};
  std::optional<std::string> to{};
  std::optional<std::string> from{};
  std::optional<std::string> action{};
  std::optional<http_method> method{};
  std::optional<std::string> status_callback{};
  std::vector<std::string> media{};  // at most 10 URLs
};

using verb = std::variant<say, play, pause, gather, dial, record, hangup, redirect, message>;

struct response {
  std::vector<verb> verbs{};

  response& add(verb v) {
    verbs.push_back(std::move(v));
    return *this;
  }
};

// Always well-formed XML: every text and attribute value is escaped and stripped of
// characters XML 1.0 forbids, so caller-supplied strings can't inject markup. It does not
// check semantics; use validate() or render_checked() for that.
std::string render(const response& r);

// Semantic checks the type system can't express (error code "INVALID_TWIML"):
// Dial needs exactly one of phone_number / numbers (at most 10); Message needs a body or
// media (at most 10) and can't share a response with voice verbs; non-empty Say text,
// Redirect url, Play url-or-digits; allowed characters in digits/finishOnKey/sendDigits;
// counts and durations that must be > 0.
result<void> validate(const response& r);

// validate() then render().
result<std::string> render_checked(const response& r);

// Escapes &, <, >, ", ' (and CR/TAB/LF as character references so attribute values
// survive parsing unchanged), drops code points XML 1.0 forbids (C0 controls other than
// TAB/LF/CR, U+FFFE, U+FFFF) and replaces invalid UTF-8, including encoded surrogates,
// with U+FFFD. Exposed for tests and other XML emitters.
std::string escape_xml(std::string_view s);

}  // namespace switchboard::carriers::twiml
