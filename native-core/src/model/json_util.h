// nlohmann::json helpers shared by the model and the store: parse without exceptions and
// dump without throwing on bad UTF-8 (input is validated before it gets here).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace jobwire {

// ordered_json keeps the documented key order (seq first) in every envelope and record.
using json = nlohmann::ordered_json;

inline std::optional<json> parse_json(const std::string& text) {
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

// json::dump() makes a serializer per call, which allocates a 512-byte indent string and
// an output adapter: more than the text of a small value costs. Each thread keeps one
// serializer writing into one buffer instead (the same nlohmann serializer dump() uses).
inline std::string dump_json(const json& value) {
  struct ThreadSerializer {
    std::string buffer;
    nlohmann::detail::serializer<json> serializer{nlohmann::detail::output_adapter<char>(buffer), ' ',
                                                  json::error_handler_t::replace};
  };
  constexpr size_t kKeptBuffer = 4096;  // a longer text is handed out, not copied
  thread_local ThreadSerializer local;
  local.buffer.clear();
  local.serializer.dump(value, /*pretty_print=*/false, /*ensure_ascii=*/false, /*indent_step=*/0);
  if (local.buffer.size() > kKeptBuffer) return std::move(local.buffer);
  return local.buffer;
}

// A stored JSON text (already validated) embedded as a value.
inline json stored_json(const std::string& text) {
  auto value = parse_json(text);
  return value ? std::move(*value) : json();
}

}  // namespace jobwire
