#include "daemon/token.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>

namespace jobwire::daemon {
namespace {

std::string random_token() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device device;  // /dev/urandom on Linux
  std::string token;
  for (int i = 0; i < 32; ++i) token.push_back(kHex[device() & 15]);
  return token;
}

}  // namespace

Result<StoredToken> load_or_create_token(const std::string& db_path) {
  StoredToken stored;
  stored.file = db_path + ".token";
  if (std::ifstream in(stored.file); in) {
    std::getline(in, stored.token);
    if (!stored.token.empty()) return stored;
  }
  stored.token = random_token();
  stored.generated = true;
  int fd = ::open(stored.file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return Status(Code::io_error, "cannot write " + stored.file + ": " + std::strerror(errno));
  std::string line = stored.token + "\n";
  bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  if (!written) return Status(Code::io_error, "cannot write " + stored.file);
  return stored;
}

}  // namespace jobwire::daemon
