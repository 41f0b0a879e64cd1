#include "api/query.h"

#include <charconv>

namespace jobwire::api {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = hex_value(text[i + 1]);
      int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      c = static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    // A NUL, escaped or raw, would cut a name short wherever it is used as a C string.
    if (c == '\0') return std::nullopt;
    out.push_back(c);
  }
  return out;
}

bool parse_target(std::string_view target, std::string& path, Query& query) {
  if (target.empty() || target.front() != '/') return false;
  size_t mark = target.find('?');
  auto decoded_path = percent_decode(target.substr(0, mark), false);
  if (!decoded_path) return false;
  path = std::move(*decoded_path);
  query.clear();
  if (mark == std::string_view::npos) return true;
  std::string_view rest = target.substr(mark + 1);
  size_t hash = rest.find('#');
  if (hash != std::string_view::npos) rest = rest.substr(0, hash);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!key || !value) return false;
    query.emplace_back(std::move(*key), std::move(*value));
  }
  return true;
}

bool match_path(std::string_view pattern, std::string_view path, std::string& id) {
  while (!pattern.empty() && !path.empty()) {
    if (pattern.front() != '/' || path.front() != '/') return false;
    pattern.remove_prefix(1);
    path.remove_prefix(1);
    size_t pattern_end = pattern.find('/');
    size_t path_end = path.find('/');
    std::string_view want = pattern.substr(0, pattern_end);
    std::string_view have = path.substr(0, path_end);
    if (want == "{id}") {
      if (have.empty()) return false;
      id.assign(have);
    } else if (want != have) {
      return false;
    }
    pattern = pattern_end == std::string_view::npos ? std::string_view{} : pattern.substr(pattern_end);
    path = path_end == std::string_view::npos ? std::string_view{} : path.substr(path_end);
  }
  return pattern.empty() && path.empty();
}

std::optional<std::string_view> param(const Query& query, std::string_view name) {
  for (const auto& [key, value] : query)
    if (key == name) return std::string_view(value);
  return std::nullopt;
}

Result<int64_t> int_param(const Query& query, std::string_view name, int64_t fallback, int64_t min, int64_t max) {
  auto text = param(query, name);
  if (!text || text->empty()) return fallback;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size() || value < min || value > max)
    return Status(Code::invalid_argument, std::string(name) + " must be an integer from " +
                                              std::to_string(min) + " to " + std::to_string(max));
  return value;
}

std::vector<std::string> comma_list(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

EventFilter event_filter(const Query& query) {
  EventFilter filter;
  if (auto project = param(query, "project"); project && !project->empty()) filter.project = std::string(*project);
  if (auto job = param(query, "job"); job && !job->empty()) filter.job = std::string(*job);
  if (auto types = param(query, "types"); types && !types->empty()) filter.types = comma_list(*types);
  return filter;
}

}  // namespace jobwire::api
