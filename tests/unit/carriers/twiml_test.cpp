#include "switchboard/carriers/twiml.hpp"

#include <gtest/gtest.h>

#include <string>
#include <type_traits>

// Inside the namespace so `pause` means the verb, not POSIX ::pause().
namespace switchboard::carriers::twiml {
namespace {

constexpr std::string_view xml_decl = R"(<?xml version="1.0" encoding="UTF-8"?>)";

// Renders one verb and strips the fixed prologue so expectations stay readable.
std::string one(verb v) {
  response r;
  r.add(std::move(v));
  std::string xml = render(r);
  EXPECT_EQ(xml.substr(0, xml_decl.size()), xml_decl);
  const std::string body = xml.substr(xml_decl.size());
  const std::string open = "<Response>", close = "</Response>";
  EXPECT_TRUE(body.starts_with(open) && body.ends_with(close)) << body;
  return body.substr(open.size(), body.size() - open.size() - close.size());
}

std::string error_message(const response& r) {
  auto v = validate(r);
  EXPECT_FALSE(v.ok());
  if (v.ok()) return {};
  EXPECT_EQ(v.err().code, "INVALID_TWIML");
  return v.err().message;
}

}  // namespace

// ---- document shape ---------------------------------------------------------------------

TEST(twiml, empty_response_is_self_closing) {
  EXPECT_EQ(render(response{}), R"(<?xml version="1.0" encoding="UTF-8"?><Response/>)");
  EXPECT_TRUE(validate(response{}).ok());
}

TEST(twiml, golden_ivr_menu) {
  response r;
  r.add(say{.text = "Welcome to Acme.", .voice = "Polly.Amy", .language = "en-GB"})
      .add(gather{.input = gather_input::dtmf_speech,
                  .action = "https://sb.example/ivr?step=1&lang=en",
                  .method = http_method::post,
                  .timeout = 5u,
                  .finish_on_key = "#",
                  .num_digits = 1u,
                  .action_on_empty_result = true}
               .add(say{.text = "Press 1 for sales, 2 for support."})
               .add(pause{.length = 1u})
               .add(play{.url = "https://sb.example/hold.mp3", .loop = 2u}))
      .add(say{.text = "We didn't get that."})
      .add(redirect{.url = "https://sb.example/ivr", .method = http_method::get});
  EXPECT_EQ(render(r),
            R"(<?xml version="1.0" encoding="UTF-8"?><Response>)"
            R"(<Say voice="Polly.Amy" language="en-GB">Welcome to Acme.</Say>)"
            R"(<Gather input="dtmf speech" action="https://sb.example/ivr?step=1&amp;lang=en" )"
            R"(method="POST" timeout="5" finishOnKey="#" numDigits="1" actionOnEmptyResult="true">)"
            R"(<Say>Press 1 for sales, 2 for support.</Say><Pause length="1"/>)"
            R"(<Play loop="2">https://sb.example/hold.mp3</Play></Gather>)"
            R"(<Say>We didn&apos;t get that.</Say>)"
            R"(<Redirect method="GET">https://sb.example/ivr</Redirect></Response>)");
  EXPECT_TRUE(validate(r).ok());
}

TEST(twiml, golden_forward_to_agents) {
  response r;
  r.add(dial{.action = "/dial-done",
             .method = http_method::post,
             .timeout = 20u,
             .caller_id = "+14155550100",
             .answer_on_bridge = true,
             .record = dial_record::record_from_answer_dual,
             .ring_tone = "uk",
             .time_limit = 3600u}
            .add(number{.phone_number = "+14155550123",
                        .url = "/whisper?agent=7",
                        .method = http_method::get,
                        .status_callback_event = {call_event::initiated, call_event::ringing,
                                                  call_event::answered, call_event::completed},
                        .status_callback = "/status"})
            .add(number{.phone_number = "+442079460958", .send_digits = "ww123#"}))
      .add(hangup{});
  EXPECT_EQ(
      render(r),
      R"(<?xml version="1.0" encoding="UTF-8"?><Response>)"
      R"(<Dial action="/dial-done" method="POST" timeout="20" callerId="+14155550100" )"
      R"(answerOnBridge="true" record="record-from-answer-dual" ringTone="uk" timeLimit="3600">)"
      R"(<Number url="/whisper?agent=7" method="GET" )"
      R"(statusCallbackEvent="initiated ringing answered completed" statusCallback="/status">)"
      R"(+14155550123</Number>)"
      R"(<Number sendDigits="ww123#">+442079460958</Number></Dial><Hangup/></Response>)");
  EXPECT_TRUE(validate(r).ok());
}

// ---- each verb and attribute ------------------------------------------------------------

TEST(twiml, say_attributes) {
  EXPECT_EQ(one(say{.text = "Hello"}), "<Say>Hello</Say>");
  EXPECT_EQ(one(say{.text = "Hola", .voice = "woman", .language = "es-MX", .loop = 3u}),
            R"(<Say voice="woman" language="es-MX" loop="3">Hola</Say>)");
  EXPECT_EQ(one(say{.text = "again", .loop = 0u}), R"(<Say loop="0">again</Say>)");
}

TEST(twiml, play_attributes) {
  EXPECT_EQ(one(play{.url = "https://x.test/a.mp3"}), "<Play>https://x.test/a.mp3</Play>");
  EXPECT_EQ(one(play{.url = "https://x.test/a.mp3", .loop = 10u}),
            R"(<Play loop="10">https://x.test/a.mp3</Play>)");
  EXPECT_EQ(one(play{.digits = "wwww3"}), R"(<Play digits="wwww3"/>)");
}

TEST(twiml, pause_attributes) {
  EXPECT_EQ(one(pause{}), "<Pause/>");
  EXPECT_EQ(one(pause{.length = 10u}), R"(<Pause length="10"/>)");
}

TEST(twiml, gather_attributes) {
  EXPECT_EQ(one(gather{}), "<Gather/>");
  EXPECT_EQ(one(gather{.input = gather_input::dtmf}), R"(<Gather input="dtmf"/>)");
  EXPECT_EQ(one(gather{.input = gather_input::speech}), R"(<Gather input="speech"/>)");
  EXPECT_EQ(
      one(gather{.speech_timeout = "auto",
                 .finish_on_key = "",
                 .language = "en-US",
                 .hints = "sales, support",
                 .action_on_empty_result = false}),
      R"(<Gather speechTimeout="auto" finishOnKey="" language="en-US" hints="sales, support" )"
      R"(actionOnEmptyResult="false"/>)");
}

TEST(twiml, gather_nests_only_say_play_pause) {
  // Invalid nesting is a compile error rather than a runtime one.
  static_assert(std::is_constructible_v<gather_child, say>);
  static_assert(std::is_constructible_v<gather_child, play>);
  static_assert(std::is_constructible_v<gather_child, pause>);
  static_assert(!std::is_constructible_v<gather_child, dial>);
  static_assert(!std::is_constructible_v<gather_child, gather>);
  static_assert(!std::is_constructible_v<gather_child, record>);
  static_assert(!std::is_constructible_v<gather_child, hangup>);
  static_assert(!std::is_constructible_v<gather_child, redirect>);
  static_assert(!std::is_constructible_v<gather_child, message>);
  EXPECT_EQ(one(gather{.num_digits = 4u}.add(play{.url = "/pin.mp3"}).add(say{.text = "PIN?"})),
            R"(<Gather numDigits="4"><Play>/pin.mp3</Play><Say>PIN?</Say></Gather>)");
}

TEST(twiml, dial_plain_number) {
  EXPECT_EQ(one(dial{.phone_number = "415-123-4567"}), "<Dial>415-123-4567</Dial>");
  EXPECT_EQ(one(dial{.hangup_on_star = true, .phone_number = "+14155550123"}),
            R"(<Dial hangupOnStar="true">+14155550123</Dial>)");
}

TEST(twiml, dial_record_values) {
  const std::pair<dial_record, const char*> cases[] = {
      {dial_record::do_not_record, "do-not-record"},
      {dial_record::record_from_answer, "record-from-answer"},
      {dial_record::record_from_ringing, "record-from-ringing"},
      {dial_record::record_from_answer_dual, "record-from-answer-dual"},
      {dial_record::record_from_ringing_dual, "record-from-ringing-dual"},
  };
  for (const auto& [value, text] : cases)
    EXPECT_EQ(one(dial{.record = value, .phone_number = "+14155550123"}),
              std::string(R"(<Dial record=")") + text + R"(">+14155550123</Dial>)");
}

TEST(twiml, number_attributes) {
  EXPECT_EQ(one(dial{}.add(number{.phone_number = "+14155550123",
                                  .status_callback_event = {call_event::answered},
                                  .status_callback_method = http_method::get})),
            R"(<Dial><Number statusCallbackEvent="answered" statusCallbackMethod="GET">)"
            R"(+14155550123</Number></Dial>)");
}

TEST(twiml, record_attributes) {
  EXPECT_EQ(one(record{}), "<Record/>");
  EXPECT_EQ(
      one(record{.action = "/voicemail",
                 .method = http_method::post,
                 .max_length = 120u,
                 .timeout = 10u,
                 .play_beep = false,
                 .finish_on_key = "*#",
                 .transcribe = true,
                 .transcribe_callback = "/transcribed",
                 .recording_status_callback = "/rec-status",
                 .trim = record_trim::do_not_trim}),
      R"(<Record action="/voicemail" method="POST" maxLength="120" timeout="10" playBeep="false" )"
      R"(finishOnKey="*#" transcribe="true" transcribeCallback="/transcribed" )"
      R"(recordingStatusCallback="/rec-status" trim="do-not-trim"/>)");
  EXPECT_EQ(one(record{.trim = record_trim::trim_silence}), R"(<Record trim="trim-silence"/>)");
}

TEST(twiml, hangup_and_redirect) {
  EXPECT_EQ(one(hangup{}), "<Hangup/>");
  EXPECT_EQ(one(redirect{.url = "/next"}), "<Redirect>/next</Redirect>");
  EXPECT_EQ(one(redirect{.url = "/next", .method = http_method::post}),
            R"(<Redirect method="POST">/next</Redirect>)");
}

TEST(twiml, message_text_only) {
  EXPECT_EQ(one(message{.body = "Thanks, we got it."}), "<Message>Thanks, we got it.</Message>");
  EXPECT_EQ(one(message{.body = "Hi",
                        .to = "+14155550123",
                        .from = "+14155550100",
                        .action = "/sms-done",
                        .method = http_method::get,
                        .status_callback = "/sms-status"}),
            R"(<Message to="+14155550123" from="+14155550100" action="/sms-done" method="GET" )"
            R"(statusCallback="/sms-status">Hi</Message>)");
}

TEST(twiml, message_with_media_uses_body_and_media_nouns) {
  response r;
  r.add(message{.body = "Your receipt", .media = {"https://x.test/r.png", "https://x.test/r.pdf"}});
  EXPECT_EQ(
      render(r),
      R"(<?xml version="1.0" encoding="UTF-8"?><Response><Message><Body>Your receipt</Body>)"
      R"(<Media>https://x.test/r.png</Media><Media>https://x.test/r.pdf</Media></Message></Response>)");
  EXPECT_TRUE(validate(r).ok());
  EXPECT_EQ(one(message{.media = {"https://x.test/cat.gif?a=1&b=2"}}),
            "<Message><Media>https://x.test/cat.gif?a=1&amp;b=2</Media></Message>");
}

TEST(twiml, messaging_redirect_is_allowed) {
  response r;
  r.add(message{.body = "one"}).add(redirect{.url = "/more"});
  EXPECT_TRUE(validate(r).ok());
}

// ---- escaping ---------------------------------------------------------------------------

TEST(twiml, escapes_markup_characters_in_text_and_attributes) {
  EXPECT_EQ(one(say{.text = R"(Tom & Jerry <3 "quotes" 'apos' >)"}),
            "<Say>Tom &amp; Jerry &lt;3 &quot;quotes&quot; &apos;apos&apos; &gt;</Say>");
  EXPECT_EQ(one(redirect{.url = R"(/x?a=1&b="2"&c='<3>')"}),
            "<Redirect>/x?a=1&amp;b=&quot;2&quot;&amp;c=&apos;&lt;3&gt;&apos;</Redirect>");
  EXPECT_EQ(one(say{.text = "x", .voice = R"(a"b'c<d>e&f)"}),
            R"(<Say voice="a&quot;b&apos;c&lt;d&gt;e&amp;f">x</Say>)");
}

TEST(twiml, injection_in_caller_name_stays_text) {
  const std::string caller_name = "Mallory</Say><Dial>+19005550100</Dial><Say>";
  const std::string xml = render(response{}.add(say{.text = "Call from " + caller_name}));
  EXPECT_EQ(xml,
            R"(<?xml version="1.0" encoding="UTF-8"?><Response><Say>Call from Mallory&lt;/Say&gt;)"
            R"(&lt;Dial&gt;+19005550100&lt;/Dial&gt;&lt;Say&gt;</Say></Response>)");
  EXPECT_EQ(xml.find("<Dial"), std::string::npos);
  // Attribute break-out attempt.
  const std::string attr =
      one(dial{.caller_id = R"(+1" action="https://evil.test)", .phone_number = "+14155550123"});
  EXPECT_EQ(attr,
            R"(<Dial callerId="+1&quot; action=&quot;https://evil.test">+14155550123</Dial>)");
}

TEST(twiml, strips_characters_xml_forbids) {
  // NUL, BEL, ESC, VT and FF are not XML 1.0 characters.
  EXPECT_EQ(escape_xml(std::string("a\0b\x07"
                                   "c\x1b"
                                   "d\x0b\x0c"
                                   "e",
                                   10)),
            "abcde");
  EXPECT_EQ(escape_xml("\xEF\xBF\xBE\xEF\xBF\xBFz"), "z");  // U+FFFE, U+FFFF
  // Whitespace survives, as references so parsers don't normalise it away.
  EXPECT_EQ(escape_xml("a\tb\nc\rd"), "a&#9;b&#10;c&#13;d");
  EXPECT_EQ(one(say{.text = std::string("beep\x07!", 6)}), "<Say>beep!</Say>");
}

TEST(twiml, keeps_valid_utf8) {
  const std::string s = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\x9E \xE4\xB8\xAD";  // café € 📞 中
  EXPECT_EQ(escape_xml(s), s);
  EXPECT_EQ(escape_xml("\xEF\xBF\xBD"), "\xEF\xBF\xBD");          // U+FFFD itself is fine
  EXPECT_EQ(escape_xml("\xF4\x8F\xBF\xBF"), "\xF4\x8F\xBF\xBF");  // U+10FFFF
}

TEST(twiml, replaces_invalid_utf8) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(escape_xml("a\xFF"
                       "b"),
            "a" + r + "b");  // never valid
  EXPECT_EQ(escape_xml("a\x80"
                       "b"),
            "a" + r + "b");                 // stray continuation
  EXPECT_EQ(escape_xml("a\xC3"), "a" + r);  // truncated at end
  EXPECT_EQ(escape_xml("\xE2\x82"
                       "x"),
            r + "x");                                // truncated, one U+FFFD
  EXPECT_EQ(escape_xml("\xC0\xAF"), r + r);          // overlong '/'
  EXPECT_EQ(escape_xml("\xED\xA0\x80"), r + r + r);  // lone surrogate U+D800
  EXPECT_EQ(escape_xml("\xED\xB0\x80"
                       "ok"),
            r + r + r + "ok");                               // lone surrogate U+DC00
  EXPECT_EQ(escape_xml("\xF4\x90\x80\x80"), r + r + r + r);  // above U+10FFFF
  EXPECT_EQ(one(say{.text = "x\xED\xA0\x80y"}), "<Say>x" + r + r + r + "y</Say>");
}

// ---- validation -------------------------------------------------------------------------

TEST(twiml, validation_errors) {
  struct c {
    verb v;
    std::string message;
  };
  const c cases[] = {
      {say{}, "verbs[0] <Say>: text is empty"},
      {play{}, "verbs[0] <Play>: needs a url or digits"},
      {play{.digits = "12x"}, "verbs[0] <Play>: digits may contain only 0-9, A-D, #, * and w/W"},
      {pause{.length = 0u}, "verbs[0] <Pause>: length must be at least 1 second"},
      {gather{.num_digits = 0u}, "verbs[0] <Gather>: numDigits must be at least 1"},
      {gather{.timeout = 0u}, "verbs[0] <Gather>: timeout must be at least 1 second"},
      {gather{.finish_on_key = "##"},
       "verbs[0] <Gather>: finishOnKey must be one of 0-9, #, * or empty"},
      {gather{.finish_on_key = "a"},
       "verbs[0] <Gather>: finishOnKey must be one of 0-9, #, * or empty"},
      {gather{.speech_timeout = "soon"},
       "verbs[0] <Gather>: speechTimeout must be \"auto\" or whole seconds"},
      {gather{}.add(say{.text = "ok"}).add(say{}),
       "verbs[0] <Gather> child[1] <Say>: text is empty"},
      {dial{}, "verbs[0] <Dial>: nothing to dial"},
      {dial{.phone_number = "+14155550123"}.add(number{.phone_number = "+14155550124"}),
       "verbs[0] <Dial>: use either a plain phone_number or <Number> nouns, not both"},
      {dial{.phone_number = ""}, "verbs[0] <Dial>: phone_number is empty"},
      {dial{.timeout = 0u, .phone_number = "1"},
       "verbs[0] <Dial>: timeout must be at least 1 second"},
      {dial{.time_limit = 0u, .phone_number = "1"},
       "verbs[0] <Dial>: timeLimit must be at least 1 second"},
      {dial{.ring_tone = "US", .phone_number = "1"},
       "verbs[0] <Dial>: ringTone must be a lower-case country code such as \"us\" or \"uk\""},
      {dial{}.add(number{}), "verbs[0] <Dial> number[0]: phone_number is empty"},
      {dial{}.add(number{.phone_number = "+1", .send_digits = "12;3"}),
       "verbs[0] <Dial> number[0]: sendDigits may contain only 0-9, #, * and w/W"},
      {record{.max_length = 0u}, "verbs[0] <Record>: maxLength must be at least 1 second"},
      {record{.finish_on_key = "1a"},
       "verbs[0] <Record>: finishOnKey may contain only 0-9, # and *"},
      {redirect{}, "verbs[0] <Redirect>: url is empty"},
      {message{}, "verbs[0] <Message>: needs a body or media"},
      {message{.body = ""}, "verbs[0] <Message>: needs a body or media"},
      {message{.media = {""}}, "verbs[0] <Message>: a media URL is empty"},
  };
  for (const auto& tc : cases) {
    response r;
    r.add(tc.v);
    SCOPED_TRACE(tc.message);
    EXPECT_EQ(error_message(r), tc.message);
    auto checked = render_checked(r);
    ASSERT_FALSE(checked.ok());
    EXPECT_EQ(checked.err().message, tc.message);
  }
}

TEST(twiml, dial_allows_at_most_ten_numbers) {
  dial d;
  for (int i = 0; i < 10; ++i) d.add(number{.phone_number = "+1415555010" + std::to_string(i)});
  EXPECT_TRUE(validate(response{}.add(d)).ok());
  d.add(number{.phone_number = "+14155550110"});
  EXPECT_EQ(error_message(response{}.add(d)),
            "verbs[0] <Dial>: at most 10 <Number> nouns may ring at once");
}

TEST(twiml, message_allows_at_most_ten_media) {
  message m{.body = "pics"};
  for (int i = 0; i < 10; ++i) m.media.push_back("https://x.test/" + std::to_string(i) + ".jpg");
  EXPECT_TRUE(validate(response{}.add(m)).ok());
  m.media.push_back("https://x.test/10.jpg");
  EXPECT_EQ(error_message(response{}.add(m)),
            "verbs[0] <Message>: at most 10 media URLs per message");
}

TEST(twiml, message_cannot_mix_with_voice_verbs) {
  response r;
  r.add(say{.text = "hi"}).add(message{.body = "hi"});
  EXPECT_EQ(error_message(r), "response mixes <Message> with voice verbs");
}

TEST(twiml, error_names_the_failing_verb_index) {
  response r;
  r.add(say{.text = "ok"}).add(pause{}).add(redirect{});
  EXPECT_EQ(error_message(r), "verbs[2] <Redirect>: url is empty");
}

TEST(twiml, render_checked_returns_xml_when_valid) {
  auto x = render_checked(response{}.add(hangup{}));
  ASSERT_TRUE(x.ok());
  EXPECT_EQ(*x, R"(<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>)");
}

}  // namespace switchboard::carriers::twiml
