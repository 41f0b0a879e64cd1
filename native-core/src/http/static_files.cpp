// GET / and the dashboard's files, from ServerOptions::static_dir; without one, a plain page
// that says where the API is. Files are found and read off the loop thread (off_loop.h): a
// cold disk must not stall the streams.
#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "http/connection.h"
#include "http/handlers.h"
#include "http/off_loop.h"
#include "http/server_loop.h"

namespace jobwire::http {
namespace {

constexpr const char* kPlainPage =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>jobwired</title></head>"
    "<body><h1>jobwired</h1><p>The jobwire server is running. The dashboard is not installed here "
    "(start jobwired with <code>--static DIR</code>).</p><ul>"
    "<li><a href=\"/api/jobs\">/api/jobs</a></li><li><a href=\"/api/events\">/api/events</a></li>"
    "<li><a href=\"/healthz\">/healthz</a></li><li><a href=\"/metrics\">/metrics</a></li></ul></body></html>";

const char* content_type(const std::string& path) {
  auto ends = [&](const char* suffix) { return path.ends_with(suffix); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json") || ends(".map")) return "application/json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".woff2")) return "font/woff2";
  if (ends(".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

// The file under `root` that `path` names, or "" when it escapes the root or does not exist.
std::string resolve(const std::string& root, const std::string& path) {
  if (path.find("..") != std::string::npos || path.find('\0') != std::string::npos) return {};
  std::string wanted = root + (path == "/" ? std::string("/index.html") : path);
  char real_root[PATH_MAX];
  char real_file[PATH_MAX];
  if (!realpath(root.c_str(), real_root) || !realpath(wanted.c_str(), real_file)) return {};
  std::string file(real_file);
  std::string base(real_root);
  if (file.size() <= base.size() || !file.starts_with(base) || file[base.size()] != '/') return {};
  struct stat info {};
  if (stat(real_file, &info) != 0 || !S_ISREG(info.st_mode)) return {};
  return file;
}

}  // namespace

void get_static(RouteContext& ctx) {
  const std::string& root = ctx.server.options().static_dir;
  if (root.empty()) {
    if (ctx.request.path != "/") {
      ctx.conn.respond(error_response(Code::not_found, "no such page: " + ctx.request.path));
      return;
    }
    Response page;
    page.content_type = "text/html; charset=utf-8";
    page.body = kPlainPage;
    ctx.conn.respond(std::move(page));
    return;
  }
  auto header = ctx.request.header("if-none-match");
  answer_off_loop(ctx, [root, path = ctx.request.path,
                        if_none_match = header ? std::optional<std::string>(*header) : std::nullopt] {
    std::string file = resolve(root, path);
    if (file.empty()) return error_response(Code::not_found, "no such file: " + path);
    struct stat info {};
    stat(file.c_str(), &info);
    std::string etag = "\"f" + std::to_string(static_cast<long long>(info.st_mtime)) + "-" +
                       std::to_string(static_cast<long long>(info.st_size)) + "\"";
    if (api::etag_matches(if_none_match, etag)) return to_response(api::not_modified(std::move(etag)));
    std::ifstream in(file, std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    Response response;
    response.content_type = content_type(file);
    response.body = contents.str();
    response.headers.emplace_back("ETag", std::move(etag));
    response.headers.emplace_back("Cache-Control", "no-cache");
    return response;
  });
}

}  // namespace jobwire::http
