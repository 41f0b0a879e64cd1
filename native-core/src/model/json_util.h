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

inline std::string dump_json(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// A stored JSON text (already validated) embedded as a value.
inline json stored_json(const std::string& text) {
  auto value = parse_json(text);
  return value ? std::move(*value) : json();
}

}  // namespace jobwire
