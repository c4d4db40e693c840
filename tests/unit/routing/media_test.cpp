// Attachment rules without sockets or files: the allow-list, what a visitor may
// attach, safe names and dispositions, where carrier credentials may go, and the
// signature of outbound media URLs.
#include "switchboard/routing/media.hpp"

#include <gtest/gtest.h>

namespace r = switchboard::routing;

TEST(routing_media, the_allow_list_takes_images_audio_video_pdf_and_vcard_and_nothing_that_runs) {
  struct row {
    const char* declared;
    std::optional<std::string> canonical;
  };
  const row rows[] = {
      {"image/png", "image/png"},
      {"IMAGE/JPEG; charset=binary", "image/jpeg"},
      {" image/jpg ", "image/jpeg"},
      {"image/gif", "image/gif"},
      {"audio/amr", "audio/amr"},
      {"video/mp4", "video/mp4"},
      {"video/3gpp", "video/3gpp"},
      {"application/pdf", "application/pdf"},
      {"text/vcard", "text/vcard"},
      {"text/x-vcard", "text/x-vcard"},
      {"text/html", std::nullopt},
      {"image/svg+xml", std::nullopt},
      {"application/javascript", std::nullopt},
      {"application/xhtml+xml", std::nullopt},
      {"application/octet-stream", std::nullopt},
      {"", std::nullopt},
      {"image", std::nullopt},
  };
  for (auto& c : rows) EXPECT_EQ(r::allowed_media_type(c.declared), c.canonical) << c.declared;
}

TEST(routing_media, visitors_attach_images_and_pdfs_only) {
  EXPECT_TRUE(r::visitor_may_attach("image/png"));
  EXPECT_TRUE(r::visitor_may_attach("application/pdf"));
  EXPECT_FALSE(r::visitor_may_attach("video/mp4"));
  EXPECT_FALSE(r::visitor_may_attach("text/vcard"));
}

TEST(routing_media, names_are_safe_for_headers_and_disks) {
  EXPECT_EQ(r::safe_media_name("photo.png", "image/png"), "photo.png");
  EXPECT_EQ(r::safe_media_name("../../etc/passwd", "image/png"), "passwd.png");
  EXPECT_EQ(r::safe_media_name("C:\\Users\\me\\scan.pdf", "application/pdf"), "scan.pdf");
  EXPECT_EQ(r::safe_media_name("a\"b\r\nc.jpg", "image/jpeg"), "a_b__c.jpg");
  EXPECT_EQ(r::safe_media_name(".hidden", "image/png"), "hidden.png");
  // The type decides the extension: a client's own never reaches a download.
  EXPECT_EQ(r::safe_media_name("invoice.hta", "application/pdf"), "invoice.pdf");
  EXPECT_EQ(r::safe_media_name("statement.html", "application/pdf"), "statement.pdf");
  EXPECT_EQ(r::safe_media_name("photo.jpeg", "image/jpeg"), "photo.jpg");
  EXPECT_EQ(r::safe_media_name("a.b.c.png", "image/png"), "a.b.c.png");
  EXPECT_EQ(r::safe_media_name("...", "image/png"), "attachment.png");
  EXPECT_EQ(r::safe_media_name("", "video/mp4"), "attachment.mp4");
  EXPECT_EQ(r::safe_media_name("\xE2\x9C\x93", "image/png"), "attachment.png");
  EXPECT_LE(r::safe_media_name(std::string(300, 'x'), "image/png").size(), 100u);
  EXPECT_EQ(r::safe_media_name(std::string(300, 'x'), "image/png").substr(96), ".png");
}

TEST(routing_media, images_audio_and_video_show_in_place_and_documents_download) {
  EXPECT_EQ(r::media_disposition("image/png", "a.png"), "inline; filename=\"a.png\"");
  EXPECT_EQ(r::media_disposition("audio/mpeg", "a.mp3"), "inline; filename=\"a.mp3\"");
  EXPECT_EQ(r::media_disposition("application/pdf", "a.pdf"), "attachment; filename=\"a.pdf\"");
  EXPECT_EQ(r::media_disposition("text/vcard", "a.vcf"), "attachment; filename=\"a.vcf\"");
}

TEST(routing_media, carrier_credentials_go_only_to_the_carrier_or_its_configured_api) {
  struct row {
    const char* url;
    const char* carrier;
    const char* base;
    bool credentials;
  };
  const row rows[] = {
      {"https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", "twilio", "https://api.twilio.com", true},
      {"https://media.twiliocdn.com/x", "twilio", "https://api.twilio.com", false},
      {"https://evil.example/steal", "twilio", "https://api.twilio.com", false},
      {"https://api.twilio.com.evil.example/x", "twilio", "https://api.twilio.com", false},
      {"http://api.twilio.com/x", "twilio", "https://api.twilio.com", false},
      {"https://api.twilio.com:8443/x", "twilio", "https://api.twilio.com", false},
      {"https://acme.signalwire.com/api/laml/x", "signalwire", "https://acme.signalwire.com", true},
      {"https://api.twilio.com/x", "signalwire", "https://acme.signalwire.com", false},
      {"https://other.signalwire.com/api/laml/x", "signalwire", "https://acme.signalwire.com", false},
      {"http://127.0.0.1:4100/media/1", "twilio", "http://127.0.0.1:4100", true},
      {"http://127.0.0.1:4101/media/1", "twilio", "http://127.0.0.1:4100", false},
      {"not a url", "twilio", "https://api.twilio.com", false},
  };
  for (auto& c : rows)
    EXPECT_EQ(r::credentials_for_media_url(c.url, c.carrier, c.base), c.credentials) << c.url << " " << c.carrier;
}

TEST(routing_media, a_signed_media_url_is_valid_for_its_workspace_and_id_until_it_expires) {
  const std::string key = "k3y";
  auto query = r::media_url_query(key, 7, 42, 1000);
  ASSERT_EQ(query.rfind("workspace=7&expires=1000&signature=", 0), 0u) << query;
  auto signature = query.substr(query.find("signature=") + 10);
  EXPECT_EQ(signature.size(), 64u);
  EXPECT_TRUE(r::media_signature_valid(key, 7, 42, "1000", signature, 999));
  EXPECT_TRUE(r::media_signature_valid(key, 7, 42, "1000", signature, 1000));
  EXPECT_FALSE(r::media_signature_valid(key, 7, 42, "1000", signature, 1001));  // expired
  EXPECT_FALSE(r::media_signature_valid(key, 7, 43, "1000", signature, 0));     // another id
  EXPECT_FALSE(r::media_signature_valid(key, 8, 42, "1000", signature, 0));     // another workspace
  EXPECT_FALSE(r::media_signature_valid(key, 7, 42, "2000", signature, 0));     // a later expiry
  EXPECT_FALSE(r::media_signature_valid("other", 7, 42, "1000", signature, 0));
  EXPECT_FALSE(r::media_signature_valid(key, 7, 42, "1000x", signature, 0));
  EXPECT_FALSE(r::media_signature_valid(key, 7, 42, "", signature, 0));
  EXPECT_FALSE(r::media_signature_valid("", 7, 42, "1000", r::media_url_query("", 7, 42, 1000).substr(35), 0));
}
