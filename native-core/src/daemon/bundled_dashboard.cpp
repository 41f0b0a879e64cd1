#include "daemon/bundled_dashboard.h"

#include <filesystem>
#include <system_error>

namespace jobwire::daemon {

std::string bundled_dashboard_dir() {
  namespace fs = std::filesystem;
  std::error_code error;
  // /proc/self/exe, not argv[0]: the npm bin wrapper and PATH lookups both hide where the
  // binary really is.
  fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (error) return {};
  const fs::path here = exe.parent_path();
  for (const fs::path& dir : {here / "dashboard", here / ".." / ".." / "dist" / "dashboard"}) {
    if (fs::is_regular_file(dir / "index.html", error)) return fs::weakly_canonical(dir, error).string();
  }
  return {};
}

}  // namespace jobwire::daemon
