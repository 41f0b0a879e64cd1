// Mutations for fuzzing the HTTP server: each takes a valid request (or WebSocket
// conversation) and damages it the way broken clients, proxies and attackers do — flipped
// bits, stray CR/LF/NUL/UTF-8 bytes, cut or repeated ranges, oversized runs, numbers made
// huge or negative, two requests spliced together. Seeded, so a failing case reproduces.
#pragma once

#include <cctype>
#include <random>
#include <string>
#include <vector>

namespace jobwire_test {

class RequestMutator {
 public:
  explicit RequestMutator(uint32_t seed) : rng_(seed) {}

  size_t below(size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  // Applies 1..4 mutations; `corpus` feeds the splice.
  void mutate(std::string& bytes, const std::vector<std::string>& corpus) {
    size_t rounds = 1 + below(4);
    for (size_t i = 0; i < rounds; ++i) mutate_once(bytes, corpus);
  }

 private:
  void mutate_once(std::string& bytes, const std::vector<std::string>& corpus) {
    static constexpr char kSpecialBytes[] = "\r\n\0 :\"{}[],\\%-+9eE\x7f\xc3\xff\xed\xa0\x80";
    static const std::string kSpecial(kSpecialBytes, sizeof kSpecialBytes - 1);
    size_t at = below(bytes.size() + 1);
    switch (below(9)) {
      case 0:  // flip one bit
        if (!bytes.empty()) bytes[at % bytes.size()] = static_cast<char>(bytes[at % bytes.size()] ^ (1 << below(8)));
        break;
      case 1:  // a structural or hostile byte in place of another
        if (!bytes.empty()) bytes[at % bytes.size()] = kSpecial[below(kSpecial.size())];
        break;
      case 2:  // insert a few random bytes
        bytes.insert(at, random_bytes(1 + below(16)));
        break;
      case 3:  // cut a range
        bytes.erase(at, 1 + below(32));
        break;
      case 4:  // repeat a range (duplicate headers, doubled bodies, pipelined copies)
        if (at < bytes.size()) bytes.insert(at, bytes.substr(at, 1 + below(bytes.size() - at)));
        break;
      case 5:  // truncate
        bytes.resize(at);
        break;
      case 6:  // an oversized run: past header, header-count and body limits
        bytes.insert(at, std::string(chance(0.5) ? 20'000 : 1'200'000, chance(0.5) ? 'a' : '\n'));
        break;
      case 7:  // a number made extreme
        replace_number(bytes);
        break;
      default:  // splice: the head of this request, the tail of another
        if (!corpus.empty()) {
          const std::string& other = corpus[below(corpus.size())];
          bytes = bytes.substr(0, at) + other.substr(below(other.size() + 1));
        }
        break;
    }
  }

  std::string random_bytes(size_t n) {
    std::string out(n, '\0');
    for (char& c : out) c = static_cast<char>(below(256));
    return out;
  }

  void replace_number(std::string& bytes) {
    static const std::vector<std::string> kExtremes = {
        "-1", "0", "99999999999999999999", "-9223372036854775809", "1e308", "NaN", "0x10", "4294967296", "1.5"};
    std::vector<size_t> starts;
    for (size_t i = 0; i < bytes.size(); ++i)
      if (std::isdigit(static_cast<unsigned char>(bytes[i])) && (i == 0 || !std::isdigit(static_cast<unsigned char>(bytes[i - 1]))))
        starts.push_back(i);
    if (starts.empty()) return;
    size_t start = starts[below(starts.size())];
    size_t end = start;
    while (end < bytes.size() && std::isdigit(static_cast<unsigned char>(bytes[end]))) ++end;
    bytes.replace(start, end - start, kExtremes[below(kExtremes.size())]);
  }

  std::mt19937 rng_;
};

}  // namespace jobwire_test
