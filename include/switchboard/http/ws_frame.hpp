#pragma once
// RFC 6455 framing for the server side of a WebSocket, as pure functions: no
// sockets, no Beast. The session (src/http/websocket_session.cpp) writes many
// pre-framed messages in one gathered write and feeds whatever it read to the
// decoder; keeping the codec apart makes every protocol rule unit-testable.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "switchboard/core/encoding.hpp"

namespace switchboard::http::ws {

enum class opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// Close codes (RFC 6455 section 7.4.1).
namespace close_code {
constexpr std::uint16_t normal = 1000;
constexpr std::uint16_t going_away = 1001;
constexpr std::uint16_t protocol_error = 1002;
constexpr std::uint16_t unsupported_data = 1003;
constexpr std::uint16_t no_status = 1005;  // never sent: "the close frame had no code"
constexpr std::uint16_t invalid_payload = 1007;
constexpr std::uint16_t policy_violation = 1008;
constexpr std::uint16_t too_big = 1009;
constexpr std::uint16_t internal_error = 1011;
}  // namespace close_code

constexpr std::size_t max_header_size = 10;  // server frames are never masked
constexpr std::size_t max_control_payload = 125;

// Writes the header of one unfragmented (FIN), unmasked server frame carrying
// `payload_size` bytes into `out` and returns its size: 2, 4 or 10 bytes.
std::size_t encode_header(opcode op, std::uint64_t payload_size,
                          std::uint8_t (&out)[max_header_size]);
// Header and payload in one string: control frames and tests.
std::string encode_frame(opcode op, std::string_view payload);
// A close frame's payload: the code in network order, then the reason cut to
// fit 125 bytes (at a UTF-8 character boundary).
std::string close_payload(std::uint16_t code, std::string_view reason);
// May a peer send this code in a close frame?
bool valid_close_code(std::uint16_t code);
// Well-formed UTF-8 (core/encoding.hpp): no overlong forms, no surrogates, nothing above U+10FFFF.
using switchboard::valid_utf8;

// What decoder::next found.
struct event {
  enum class kind {
    need_more,  // everything given was consumed without completing an event
    text,       // one complete text message
    ping,
    pong,
    close,  // the peer's close frame; code is no_status when it carried none
    fail,   // a protocol violation: close the connection with `code`
  };
  kind what = kind::need_more;
  // text: the message; ping/pong: the payload; close/fail: the reason.
  // Valid until the next call to next().
  std::string_view data;
  std::uint16_t code = 0;
};

// Incremental decoder of client frames for a text-only server: masking is
// required, messages may be fragmented with control frames interleaved,
// control frames are at most 125 bytes and never fragmented. Violations end
// in a `fail` event with the close code to send: reserved bits, unknown
// opcodes, bad framing or close payloads -> 1002; a binary message -> 1003;
// invalid UTF-8 in a text message or close reason -> 1007; a message over
// max_message bytes -> 1009 (decided from the header, before its payload is
// read). After a fail the decoder ignores all further input: the stream cannot
// be resynchronised.
class decoder {
 public:
  explicit decoder(std::size_t max_message) : max_message_(max_message) {}

  // Decodes from the front of `in` up to and including the first complete
  // event and advances `in` past what it used; payloads are unmasked in place.
  // A message that lies whole within `in` is returned as a view into it, so
  // nothing is copied; only frames split across reads are buffered.
  event next(std::span<char>& in);

  bool failed() const { return state_ == state::failed; }
  // A frame or a fragmented message has started and not completed.
  bool mid_message() const { return state_ == state::payload || header_size_ > 0 || in_message_; }
  // Frees buffers kept between reads (only when nothing is buffered in them).
  void shrink();

 private:
  enum class state : std::uint8_t { header, payload, failed };
  event fail(std::uint16_t code, std::string_view why);
  // Parses header_[0, header_size_) once complete; returns a fail event or need_more.
  event start_frame();
  event finish_control(std::string_view payload);

  std::size_t max_message_;
  state state_ = state::header;
  std::uint8_t header_[14] = {};  // 2 + up to 8 bytes of length + 4 of mask
  std::uint8_t header_size_ = 0;  // bytes of header_ received so far
  opcode op_ = opcode::continuation;
  bool fin_ = false;
  bool in_message_ = false;  // a text message continues in the next frame
  std::uint8_t mask_[4] = {};
  std::uint8_t mask_pos_ = 0;
  std::uint64_t remaining_ = 0;  // payload bytes of the current frame still to come
  std::string message_;          // the text message so far, when it spans frames or reads
  std::string control_;          // a control frame's payload split across reads
};

}  // namespace switchboard::http::ws
