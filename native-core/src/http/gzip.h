// gzip (RFC 1952) with zlib, for responses to clients that send Accept-Encoding: gzip.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace jobwire::http {

// The gzip member of `data`; nullopt if zlib fails.
std::optional<std::string> gzip(std::string_view data);

// True when an Accept-Encoding value accepts gzip (a q=0 refuses it).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace jobwire::http
