#include "switchboard/http/ws_frame.hpp"

#include <algorithm>
#include <cstring>

namespace switchboard::http::ws {

namespace {

bool is_control(opcode op) { return (static_cast<std::uint8_t>(op) & 0x8) != 0; }

bool known_opcode(std::uint8_t op) { return op <= 0x2 || (op >= 0x8 && op <= 0xA); }

// 2 fixed bytes, the extended length, the 4-byte mask (client frames are always masked).
std::size_t full_header_size(std::uint8_t second_byte) {
  auto len7 = second_byte & 0x7F;
  return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4;
}

}  // namespace

std::size_t encode_header(opcode op, std::uint64_t payload_size,
                          std::uint8_t (&out)[max_header_size]) {
  out[0] = static_cast<std::uint8_t>(0x80 | static_cast<std::uint8_t>(op));
  if (payload_size < 126) {
    out[1] = static_cast<std::uint8_t>(payload_size);
    return 2;
  }
  if (payload_size <= 0xFFFF) {
    out[1] = 126;
    out[2] = static_cast<std::uint8_t>(payload_size >> 8);
    out[3] = static_cast<std::uint8_t>(payload_size);
    return 4;
  }
  out[1] = 127;
  for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<std::uint8_t>(payload_size >> (56 - 8 * i));
  return 10;
}

std::string encode_frame(opcode op, std::string_view payload) {
  std::uint8_t header[max_header_size];
  auto n = encode_header(op, payload.size(), header);
  std::string out;
  out.reserve(n + payload.size());
  out.append(reinterpret_cast<const char*>(header), n);
  out.append(payload);
  return out;
}

std::string close_payload(std::uint16_t code, std::string_view reason) {
  constexpr std::size_t max_reason = max_control_payload - 2;
  if (reason.size() > max_reason) {
    std::size_t cut = max_reason;
    // Never split a character: back up over continuation bytes.
    while (cut > 0 && (static_cast<unsigned char>(reason[cut]) & 0xC0) == 0x80) --cut;
    reason = reason.substr(0, cut);
  }
  std::string out;
  out.reserve(2 + reason.size());
  out.push_back(static_cast<char>(code >> 8));
  out.push_back(static_cast<char>(code & 0xFF));
  out.append(reason);
  return out;
}

bool valid_close_code(std::uint16_t code) {
  // 1004-1006 and 1015 are reserved and must never appear on the wire; 1012-1014
  // were registered after RFC 6455; 3000-4999 belong to libraries and applications.
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

event decoder::fail(std::uint16_t code, std::string_view why) {
  state_ = state::failed;
  in_message_ = false;
  header_size_ = 0;
  event e;
  e.what = event::kind::fail;
  e.code = code;
  e.data = why;
  return e;
}

event decoder::start_frame() {
  const std::uint8_t* h = header_;
  std::uint64_t len = h[1] & 0x7F;
  std::size_t at = 2;
  if (len == 126) {
    len = (std::uint64_t{h[2]} << 8) | h[3];
    at = 4;
  } else if (len == 127) {
    len = 0;
    for (int i = 0; i < 8; ++i) len = (len << 8) | h[2 + i];
    at = 10;
    if (len >> 63) return fail(close_code::protocol_error, "frame length has its top bit set");
  }
  std::memcpy(mask_, h + at, 4);
  header_size_ = 0;
  if (is_control(op_)) {
    control_.clear();
  } else {
    if (op_ == opcode::text) message_.clear();
    // Decided before reading the payload: an oversized message is never buffered.
    if (len > max_message_ || message_.size() > max_message_ - len)
      return fail(close_code::too_big, "message too big");
    if (!fin_) in_message_ = true;
  }
  remaining_ = len;
  mask_pos_ = 0;
  state_ = state::payload;
  return {};
}

event decoder::finish_control(std::string_view payload) {
  event e;
  e.data = payload;
  if (op_ == opcode::ping) {
    e.what = event::kind::ping;
  } else if (op_ == opcode::pong) {
    e.what = event::kind::pong;
  } else {
    e.what = event::kind::close;
    if (payload.empty()) {
      e.code = close_code::no_status;
    } else if (payload.size() == 1) {
      return fail(close_code::protocol_error, "close payload of one byte");
    } else {
      e.code = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                          static_cast<unsigned char>(payload[1]));
      if (!valid_close_code(e.code)) return fail(close_code::protocol_error, "invalid close code");
      e.data = payload.substr(2);
      if (!valid_utf8(e.data))
        return fail(close_code::invalid_payload, "close reason is not UTF-8");
    }
  }
  return e;
}

event decoder::next(std::span<char>& in) {
  for (;;) {
    if (state_ == state::failed) {
      in = in.subspan(in.size());
      return {};
    }

    if (state_ == state::header) {
      // Header bytes are copied (at most 14): a header split across reads is then no special case.
      std::size_t want = header_size_ >= 2 ? full_header_size(header_[1]) : 2;
      while (header_size_ < want) {
        if (in.empty()) return {};
        auto take = std::min(want - header_size_, in.size());
        std::memcpy(header_ + header_size_, in.data(), take);
        header_size_ = static_cast<std::uint8_t>(header_size_ + take);
        in = in.subspan(take);
        if (header_size_ == 2 && want == 2) {
          // The first two bytes settle most violations: fail before waiting for more.
          std::uint8_t b0 = header_[0], b1 = header_[1];
          fin_ = (b0 & 0x80) != 0;
          if (b0 & 0x70) return fail(close_code::protocol_error, "reserved bits set");
          if (!known_opcode(b0 & 0x0F)) return fail(close_code::protocol_error, "unknown opcode");
          op_ = static_cast<opcode>(b0 & 0x0F);
          if (!(b1 & 0x80)) return fail(close_code::protocol_error, "client frame not masked");
          if (is_control(op_)) {
            if (!fin_) return fail(close_code::protocol_error, "fragmented control frame");
            if ((b1 & 0x7F) > max_control_payload)
              return fail(close_code::protocol_error, "control frame too long");
          } else if (op_ == opcode::continuation) {
            if (!in_message_)
              return fail(close_code::protocol_error, "continuation outside a message");
          } else if (in_message_) {
            return fail(close_code::protocol_error, "new message inside a fragmented one");
          } else if (op_ == opcode::binary) {
            return fail(close_code::unsupported_data, "text frames only");
          }
          want = full_header_size(b1);
        }
      }
      auto e = start_frame();
      if (e.what != event::kind::need_more) return e;
    }

    // state::payload
    auto k = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size()));
    char* p = in.data();
    for (std::size_t i = 0; i < k; ++i) {
      p[i] = static_cast<char>(p[i] ^ mask_[mask_pos_]);
      mask_pos_ = (mask_pos_ + 1) & 3;
    }
    in = in.subspan(k);
    bool complete = k == remaining_;
    remaining_ -= k;

    if (is_control(op_)) {
      if (complete && control_.empty()) {
        state_ = state::header;
        return finish_control(std::string_view(p, k));
      }
      control_.append(p, k);
      if (!complete) return {};
      state_ = state::header;
      return finish_control(control_);
    }

    if (complete && fin_ && message_.empty()) {
      // The whole message lies in this read: hand out a view, copy nothing.
      state_ = state::header;
      in_message_ = false;
      std::string_view text(p, k);
      if (!valid_utf8(text)) return fail(close_code::invalid_payload, "text message is not UTF-8");
      event e;
      e.what = event::kind::text;
      e.data = text;
      return e;
    }
    message_.append(p, k);
    if (!complete) return {};
    state_ = state::header;
    if (!fin_) continue;
    in_message_ = false;
    if (!valid_utf8(message_))
      return fail(close_code::invalid_payload, "text message is not UTF-8");
    event e;
    e.what = event::kind::text;
    e.data = message_;
    return e;
  }
}

void decoder::shrink() {
  if (mid_message()) return;
  std::string().swap(message_);
  std::string().swap(control_);
}

}  // namespace switchboard::http::ws
