// The RFC 6455 codec behind the WebSocket sessions: server frame headers,
// UTF-8 and close payload rules, and the incremental client-frame decoder fed
// whole, byte by byte and in odd chunks.
#include "switchboard/http/ws_frame.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ws = switchboard::http::ws;
using kind = ws::event::kind;

namespace {

// A client frame: masked unless told otherwise, with a fixed key.
std::string client_frame(std::uint8_t op, std::string_view payload, bool fin = true,
                         bool masked = true, std::uint8_t rsv = 0) {
  const std::uint8_t key[4] = {0x37, 0xfa, 0x21, 0x3d};
  std::string f;
  f.push_back(static_cast<char>((fin ? 0x80 : 0) | rsv | op));
  std::uint8_t m = masked ? 0x80 : 0;
  if (payload.size() < 126) {
    f.push_back(static_cast<char>(m | payload.size()));
  } else if (payload.size() <= 0xFFFF) {
    f.push_back(static_cast<char>(m | 126));
    f.push_back(static_cast<char>(payload.size() >> 8));
    f.push_back(static_cast<char>(payload.size() & 0xFF));
  } else {
    f.push_back(static_cast<char>(m | 127));
    for (int i = 7; i >= 0; --i) f.push_back(static_cast<char>(payload.size() >> (8 * i)));
  }
  if (masked) f.append(reinterpret_cast<const char*>(key), 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    f.push_back(masked ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i]);
  return f;
}

std::string text_frame(std::string_view payload, bool fin = true) {
  return client_frame(0x1, payload, fin);
}

struct seen {
  kind what;
  std::string data;
  std::uint16_t code;
  bool operator==(const seen&) const = default;
};

std::ostream& operator<<(std::ostream& os, const seen& s) {
  return os << "{" << static_cast<int>(s.what) << ", \"" << s.data << "\", " << s.code << "}";
}

// Feeds `wire` in chunks of `chunk` bytes and collects every event.
std::vector<seen> decode(std::string wire, std::size_t chunk = 0, std::size_t max = 1 << 20) {
  ws::decoder d(max);
  std::vector<seen> out;
  if (chunk == 0) chunk = wire.size();
  for (std::size_t at = 0; at < wire.size(); at += chunk) {
    std::span<char> in(wire.data() + at, std::min(chunk, wire.size() - at));
    while (!in.empty()) {
      auto e = d.next(in);
      if (e.what != kind::need_more) out.push_back({e.what, std::string(e.data), e.code});
    }
  }
  return out;
}

seen text(std::string s) { return {kind::text, std::move(s), 0}; }
seen fail(std::uint16_t code) { return {kind::fail, "", code}; }

// Only the kind and code of a failure matter, not its wording.
std::vector<seen> without_reasons(std::vector<seen> v) {
  for (auto& s : v)
    if (s.what == kind::fail) s.data.clear();
  return v;
}

}  // namespace

TEST(ws_frame, encode_header_uses_the_shortest_length_form) {
  std::uint8_t h[ws::max_header_size];
  ASSERT_EQ(ws::encode_header(ws::opcode::text, 0, h), 2u);
  EXPECT_EQ(h[0], 0x81);
  EXPECT_EQ(h[1], 0x00);
  ASSERT_EQ(ws::encode_header(ws::opcode::text, 125, h), 2u);
  EXPECT_EQ(h[1], 125);
  ASSERT_EQ(ws::encode_header(ws::opcode::text, 126, h), 4u);
  EXPECT_EQ(h[1], 126);
  EXPECT_EQ(h[2], 0x00);
  EXPECT_EQ(h[3], 126);
  ASSERT_EQ(ws::encode_header(ws::opcode::ping, 0xFFFF, h), 4u);
  EXPECT_EQ(h[0], 0x89);
  EXPECT_EQ(h[2], 0xFF);
  EXPECT_EQ(h[3], 0xFF);
  ASSERT_EQ(ws::encode_header(ws::opcode::close, 0x10000, h), 10u);
  EXPECT_EQ(h[0], 0x88);
  EXPECT_EQ(h[1], 127);
  const std::uint8_t len[8] = {0, 0, 0, 0, 0, 1, 0, 0};
  for (int i = 0; i < 8; ++i) EXPECT_EQ(h[2 + i], len[i]) << i;
  ASSERT_EQ(ws::encode_header(ws::opcode::pong, 0x0102030405060708ull, h), 10u);
  EXPECT_EQ(h[0], 0x8A);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(h[2 + i], i + 1) << i;
}

TEST(ws_frame, encode_frame_is_header_then_payload_unmasked) {
  auto f = ws::encode_frame(ws::opcode::text, "hi");
  EXPECT_EQ(f, std::string("\x81\x02hi", 4));
  auto big = ws::encode_frame(ws::opcode::text, std::string(300, 'x'));
  ASSERT_EQ(big.size(), 304u);
  EXPECT_EQ(big.substr(0, 4), std::string("\x81\x7e\x01\x2c", 4));
}

TEST(ws_frame, close_payload_carries_the_code_and_a_reason_cut_at_a_character) {
  EXPECT_EQ(ws::close_payload(1008, "slow consumer"), std::string("\x03\xf0slow consumer", 15));
  EXPECT_EQ(ws::close_payload(1000, ""), std::string("\x03\xe8", 2));
  // 122 ASCII bytes, then a two-byte character that would end past 125 bytes.
  std::string reason(122, 'r');
  reason += "\xc3\xa9tail";
  auto p = ws::close_payload(1001, reason);
  EXPECT_LE(p.size(), ws::max_control_payload);
  EXPECT_EQ(p.substr(2), std::string(122, 'r'));
  EXPECT_TRUE(ws::valid_utf8(p.substr(2)));
}

TEST(ws_frame, close_codes_the_peer_may_send) {
  for (std::uint16_t c : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 4999})
    EXPECT_TRUE(ws::valid_close_code(c)) << c;
  for (std::uint16_t c : {0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000})
    EXPECT_FALSE(ws::valid_close_code(c)) << c;
}

TEST(ws_frame, utf8_validation) {
  EXPECT_TRUE(ws::valid_utf8(""));
  EXPECT_TRUE(ws::valid_utf8("plain ascii, longer than eight bytes"));
  EXPECT_TRUE(ws::valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf"));
  EXPECT_TRUE(ws::valid_utf8("\xed\x9f\xbf"));       // U+D7FF, just below the surrogates
  EXPECT_FALSE(ws::valid_utf8("\xc0\x80"));          // overlong NUL
  EXPECT_FALSE(ws::valid_utf8("\xe0\x80\xaf"));      // overlong '/'
  EXPECT_FALSE(ws::valid_utf8("\xf0\x8f\xbf\xbf"));  // overlong U+FFFF
  EXPECT_FALSE(ws::valid_utf8("\xed\xa0\x80"));      // surrogate U+D800
  EXPECT_FALSE(ws::valid_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(ws::valid_utf8("\xf5\x80\x80\x80"));
  EXPECT_FALSE(ws::valid_utf8("\x80"));               // stray continuation
  EXPECT_FALSE(ws::valid_utf8("abcdefgh\xc3"));       // truncated at the end
  EXPECT_FALSE(ws::valid_utf8("\xe2\x82 and more"));  // truncated in the middle
  EXPECT_FALSE(ws::valid_utf8(std::string("ok\xff", 3)));
}

TEST(ws_frame, decodes_a_masked_text_frame_in_place) {
  std::string wire = text_frame("hello");
  ws::decoder d(1024);
  std::span<char> in(wire);
  auto e = d.next(in);
  ASSERT_EQ(e.what, kind::text);
  EXPECT_EQ(e.data, "hello");
  EXPECT_TRUE(in.empty());
  // A message lying whole in the input is a view into it, not a copy.
  EXPECT_GE(e.data.data(), wire.data());
  EXPECT_LT(e.data.data(), wire.data() + wire.size());
  EXPECT_FALSE(d.mid_message());
}

TEST(ws_frame, several_frames_in_one_read_come_out_one_event_at_a_time) {
  std::string wire = text_frame("a") + client_frame(0x9, "p") + text_frame("") + text_frame("b");
  EXPECT_EQ(decode(wire),
            (std::vector<seen>{text("a"), {kind::ping, "p", 0}, text(""), text("b")}));
}

TEST(ws_frame, lengths_of_every_size_form) {
  std::string mid(300, 'm'), big(70000, 'b');
  for (std::size_t chunk : {0u, 1u, 7u, 4096u}) {
    auto out = decode(text_frame(mid) + text_frame(big), chunk);
    EXPECT_EQ(out, (std::vector<seen>{text(mid), text(big)})) << "chunk " << chunk;
  }
}

TEST(ws_frame, fragmented_message_with_interleaved_control_frames) {
  std::string wire = client_frame(0x1, "frag", false) + client_frame(0x9, "ping!") +
                     client_frame(0x0, "men", false) + client_frame(0xA, "") +
                     client_frame(0x0, "ted") + text_frame("next");
  std::vector<seen> want{
      {kind::ping, "ping!", 0}, {kind::pong, "", 0}, text("fragmented"), text("next")};
  // Whole, byte by byte and in odd chunks: the same events.
  for (std::size_t chunk : {0u, 1u, 2u, 3u, 5u, 11u}) EXPECT_EQ(decode(wire, chunk), want) << chunk;
}

TEST(ws_frame, a_character_split_across_fragments_is_valid) {
  std::string wire = client_frame(0x1, "caf\xc3", false) + client_frame(0x0, "\xa9");
  EXPECT_EQ(decode(wire), (std::vector<seen>{text("caf\xc3\xa9")}));
}

TEST(ws_frame, mid_message_and_shrink) {
  ws::decoder d(1024);
  std::string wire = client_frame(0x1, "part", false);
  std::span<char> in(wire);
  EXPECT_EQ(d.next(in).what, kind::need_more);
  EXPECT_TRUE(d.mid_message());
  d.shrink();  // keeps what the message still needs
  std::string rest = client_frame(0x0, "ial");
  std::span<char> in2(rest);
  auto e = d.next(in2);
  ASSERT_EQ(e.what, kind::text);
  EXPECT_EQ(e.data, "partial");
  EXPECT_FALSE(d.mid_message());

  std::string half = text_frame("split");
  std::span<char> first(half.data(), 3);
  EXPECT_EQ(d.next(first).what, kind::need_more);
  EXPECT_TRUE(d.mid_message());
}

TEST(ws_frame, close_frames) {
  EXPECT_EQ(decode(client_frame(0x8, "")), (std::vector<seen>{{kind::close, "", 1005}}));
  EXPECT_EQ(decode(client_frame(0x8, std::string("\x03\xe8", 2))),
            (std::vector<seen>{{kind::close, "", 1000}}));
  EXPECT_EQ(decode(client_frame(0x8, std::string("\x0f\xa0", 2) + "bye")),
            (std::vector<seen>{{kind::close, "bye", 4000}}));
  EXPECT_EQ(without_reasons(decode(client_frame(0x8, "\x03"))), std::vector<seen>{fail(1002)});
  EXPECT_EQ(without_reasons(decode(client_frame(0x8, std::string("\x03\xed", 2)))),  // 1005
            std::vector<seen>{fail(1002)});
  EXPECT_EQ(without_reasons(decode(client_frame(0x8, std::string("\x03\xe7", 2)))),  // 999
            std::vector<seen>{fail(1002)});
  EXPECT_EQ(without_reasons(decode(client_frame(0x8, std::string("\x03\xe8\xc0\x80", 4)))),
            std::vector<seen>{fail(1007)});
}

TEST(ws_frame, protocol_violations_are_1002) {
  auto violation = [](const std::string& wire) { return without_reasons(decode(wire)); };
  std::vector<seen> want{fail(1002)};
  EXPECT_EQ(violation(client_frame(0x1, "x", true, false)), want) << "unmasked";
  EXPECT_EQ(violation(client_frame(0x1, "x", true, true, 0x40)), want) << "rsv1";
  EXPECT_EQ(violation(client_frame(0x1, "x", true, true, 0x10)), want) << "rsv3";
  for (std::uint8_t op : {0x3, 0x7, 0xB, 0xF})
    EXPECT_EQ(violation(client_frame(op, "x")), want) << "opcode " << int(op);
  EXPECT_EQ(violation(client_frame(0x9, std::string(126, 'p'))), want) << "long ping";
  EXPECT_EQ(violation(client_frame(0x9, "p", false)), want) << "fragmented ping";
  EXPECT_EQ(violation(client_frame(0x0, "x")), want) << "continuation first";
  EXPECT_EQ(violation(client_frame(0x1, "a", false) + text_frame("b")), want)
      << "new message inside a fragmented one";
  // A 64-bit length with its top bit set.
  std::string huge("\x81\xff\x80\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04", 14);
  EXPECT_EQ(violation(huge), want);
}

TEST(ws_frame, binary_is_1003_and_invalid_utf8_is_1007) {
  EXPECT_EQ(without_reasons(decode(client_frame(0x2, "\x01\x02"))), std::vector<seen>{fail(1003)});
  EXPECT_EQ(without_reasons(decode(text_frame("bad \xc0\x80"))), std::vector<seen>{fail(1007)});
  EXPECT_EQ(
      without_reasons(decode(client_frame(0x1, "bad \xed", false) + client_frame(0x0, "\xa0\x80"))),
      std::vector<seen>{fail(1007)});
  // Split across reads: the buffered path checks too.
  EXPECT_EQ(without_reasons(decode(text_frame("bad \xc0\x80"), 3)), std::vector<seen>{fail(1007)});
}

TEST(ws_frame, message_size_cap_is_1009_before_the_payload_arrives) {
  // Only the header: the decoder must not wait for (or buffer) 2,000 bytes.
  std::string wire = text_frame(std::string(2000, 'a')).substr(0, 8);
  EXPECT_EQ(without_reasons(decode(wire, 0, 1024)), std::vector<seen>{fail(1009)});
  // Exactly at the cap is fine; one fragment past it is not.
  EXPECT_EQ(decode(text_frame(std::string(1024, 'a')), 0, 1024),
            std::vector<seen>{text(std::string(1024, 'a'))});
  std::string frags =
      client_frame(0x1, std::string(600, 'a'), false) + client_frame(0x0, std::string(600, 'b'));
  EXPECT_EQ(without_reasons(decode(frags, 0, 1024)), std::vector<seen>{fail(1009)});
}

TEST(ws_frame, after_a_failure_input_is_ignored) {
  std::string wire = client_frame(0x2, "bin") + text_frame("never seen") + client_frame(0x8, "");
  ws::decoder d(1024);
  std::span<char> in(wire);
  EXPECT_EQ(d.next(in).what, kind::fail);
  EXPECT_TRUE(d.failed());
  EXPECT_EQ(d.next(in).what, kind::need_more);
  EXPECT_TRUE(in.empty());
}
