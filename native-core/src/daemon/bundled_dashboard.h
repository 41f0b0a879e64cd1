// Where jobwired finds the dashboard bundle when no --static DIR is given.
#pragma once

#include <string>

namespace jobwire::daemon {

// The first folder holding an index.html among, relative to this executable's own folder:
//   dashboard/           a build tree (build/jobwired beside build/dashboard)
//   ../../dist/dashboard a package (prebuilds/<platform>-<arch>/jobwired; the bundle in dist/)
// Empty when there is none; the server then answers / with a plain page.
std::string bundled_dashboard_dir();

}  // namespace jobwire::daemon
