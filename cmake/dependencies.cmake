# The third-party libraries, as targets the rest of the build links by name:
#   jobwire::sqlite3  jobwire::uv  jobwire::zlib  jobwire::wslay  (and the llhttp target,
#   compiled from its C sources in native-core/).
#
# JOBWIRE_BUNDLE_DEPS (default ON) links SQLite, libuv and zlib from their static archives,
# so jobwire.node and jobwired need none of them on the user's machine (an Electron app's
# users have none). The addon keeps those symbols private (--exclude-libs in addon/), so its
# libuv is its own and never binds to the host's. OFF links the system's shared libraries,
# for a distribution that packages them.
option(JOBWIRE_BUNDLE_DEPS "Link SQLite, libuv and zlib statically into the binaries" ON)

find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_path(NLOHMANN_JSON_INCLUDE nlohmann/json.hpp REQUIRED)

# One dependency: the static archive (bundled) or the pkg-config module (system).
function(jobwire_dependency name pkg_module archive)
  pkg_check_modules(${name}_PC REQUIRED IMPORTED_TARGET ${pkg_module})
  add_library(jobwire::${name} INTERFACE IMPORTED GLOBAL)
  if(JOBWIRE_BUNDLE_DEPS)
    find_library(${name}_ARCHIVE NAMES ${archive} HINTS ${${name}_PC_LIBRARY_DIRS})
    if(NOT ${name}_ARCHIVE)
      message(FATAL_ERROR "jobwire: ${archive} (the static ${pkg_module} library) was not found; "
        "install the -dev package that ships it, or configure with -DJOBWIRE_BUNDLE_DEPS=OFF")
    endif()
    target_include_directories(jobwire::${name} INTERFACE ${${name}_PC_INCLUDE_DIRS})
    target_link_libraries(jobwire::${name} INTERFACE ${${name}_ARCHIVE} ${ARGN})
  else()
    target_link_libraries(jobwire::${name} INTERFACE PkgConfig::${name}_PC)
  endif()
endfunction()

jobwire_dependency(sqlite3 sqlite3 libsqlite3.a m ${CMAKE_DL_LIBS} Threads::Threads)
jobwire_dependency(uv libuv libuv_a.a ${CMAKE_DL_LIBS} Threads::Threads)
if(JOBWIRE_BUNDLE_DEPS)
  # Debian's libuv_a.a cannot go into a shared object as it is: three of its references to
  # C library variables assume an executable (libuv_private.c says which and why). The
  # binaries link a copy with those references renamed, plus the file that defines them,
  # in one archive so the linker finds both wherever the archive sits on its command line.
  add_library(jobwire_uv_symbols OBJECT ${PROJECT_SOURCE_DIR}/cmake/libuv_private.c)
  set(uv_private_archive ${CMAKE_BINARY_DIR}/libuv_private.a)
  add_custom_command(OUTPUT ${uv_private_archive}
    COMMAND ${CMAKE_COMMAND} -E remove -f ${uv_private_archive}
    COMMAND ${CMAKE_OBJCOPY} --redefine-sym environ=jobwire_uv_environ --redefine-sym stderr=jobwire_uv_stderr
            --redefine-sym in6addr_any=jobwire_uv_in6addr_any ${uv_ARCHIVE} ${uv_private_archive}
    COMMAND ${CMAKE_AR} q ${uv_private_archive} $<TARGET_OBJECTS:jobwire_uv_symbols>
    COMMAND ${CMAKE_RANLIB} ${uv_private_archive}
    DEPENDS ${uv_ARCHIVE} jobwire_uv_symbols $<TARGET_OBJECTS:jobwire_uv_symbols>
    COMMENT "Making the private libuv archive" VERBATIM)
  add_custom_target(jobwire_uv_private_archive DEPENDS ${uv_private_archive})
  add_library(jobwire_uv_private STATIC IMPORTED GLOBAL)
  set_target_properties(jobwire_uv_private PROPERTIES IMPORTED_LOCATION ${uv_private_archive})
  add_dependencies(jobwire_uv_private jobwire_uv_private_archive)
  set_target_properties(jobwire::uv PROPERTIES INTERFACE_LINK_LIBRARIES
    "jobwire_uv_private;${CMAKE_DL_LIBS};Threads::Threads")
endif()
jobwire_dependency(zlib zlib libz.a)

# Debian ships wslay as a shared object only. The binaries find it through $ORIGIN first
# (JOBWIRE_RUNPATH below), so a package carries its copy beside them; a build from source
# finds the system's.
find_path(WSLAY_INCLUDE wslay/wslay.h REQUIRED)
find_library(WSLAY_LIBRARY NAMES wslay REQUIRED)
add_library(jobwire::wslay INTERFACE IMPORTED GLOBAL)
target_include_directories(jobwire::wslay INTERFACE ${WSLAY_INCLUDE})
target_link_libraries(jobwire::wslay INTERFACE ${WSLAY_LIBRARY})

# The shipped binaries look beside themselves first for the shared objects they carry.
set(JOBWIRE_RUNPATH "\$ORIGIN")
