# Finds every dependency once. governanceConfig.cmake.in re-finds the ones the
# installed library needs, so consumers get them through find_package(governance).
find_package(PkgConfig REQUIRED)
pkg_check_modules(sodium REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(re2 REQUIRED IMPORTED_TARGET re2)
pkg_check_modules(pq REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(yaml REQUIRED IMPORTED_TARGET yaml-0.1)
find_package(SQLite3 REQUIRED)
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(fmt REQUIRED)
find_package(Threads REQUIRED)
# zlib inflates deflated zip members and gzip/zlib streams when the training
# plane inspects an artifact (src/training/inflate.cc).
find_package(ZLIB REQUIRED)

# Programs built in this tree (mgov, tests, benchmarks, examples) link the
# static archives Debian's -dev packages ship rather than the shared
# libraries. A process then starts without resolving ~7,000 symbols across
# eight shared objects: `mgov policy eval` spends less time in the dynamic
# loader than evaluating. The installed library still names the shared
# targets, which is what a consumer's own build expects.
option(GOV_STATIC_DEPS "Link programs of this build against static archives of the dependencies" ON)

# GOV_LIBRARY_DEPS: what the governance library links privately, one entry per
# dependency: gov_dep_<name> in the build tree, the imported target once installed.
set(GOV_LIBRARY_DEPS "")

# gov_dependency(NAME IMPORTED_TARGET ARCHIVE): gov_dep_<NAME> is ARCHIVE (a
# static library file name) with IMPORTED_TARGET's compile usage when
# GOV_STATIC_DEPS is on and the archive exists, else IMPORTED_TARGET itself.
function(gov_dependency name imported archive)
  add_library(gov_dep_${name} INTERFACE)
  set(static "")
  if(GOV_STATIC_DEPS)
    find_library(GOV_STATIC_${name} NAMES ${archive})
    set(static "${GOV_STATIC_${name}}")
  endif()
  if(static)
    target_include_directories(gov_dep_${name} SYSTEM INTERFACE
      $<TARGET_PROPERTY:${imported},INTERFACE_INCLUDE_DIRECTORIES>)
    target_compile_definitions(gov_dep_${name} INTERFACE
      $<TARGET_PROPERTY:${imported},INTERFACE_COMPILE_DEFINITIONS>)
    target_link_libraries(gov_dep_${name} INTERFACE ${static} ${ARGN})
  else()
    target_link_libraries(gov_dep_${name} INTERFACE ${imported})
  endif()
  set(GOV_LIBRARY_DEPS ${GOV_LIBRARY_DEPS}
      "$<BUILD_INTERFACE:gov_dep_${name}>" "$<INSTALL_INTERFACE:${imported}>" PARENT_SCOPE)
endfunction()

gov_dependency(sodium PkgConfig::sodium libsodium.a Threads::Threads)
gov_dependency(re2 PkgConfig::re2 libre2.a Threads::Threads)
gov_dependency(sqlite SQLite::SQLite3 libsqlite3.a Threads::Threads ${CMAKE_DL_LIBS} m)
gov_dependency(crypto OpenSSL::Crypto libcrypto.a Threads::Threads ${CMAKE_DL_LIBS})
gov_dependency(yaml PkgConfig::yaml libyaml.a)
gov_dependency(zlib ZLIB::ZLIB libz.a)

# fmt: Debian ships no static libfmt, so the build tree compiles fmt's own
# implementation (format-inl.h from libfmt-dev) once, in cmake/fmt_impl.cc.
add_library(gov_dep_fmt INTERFACE)
if(GOV_STATIC_DEPS)
  add_library(gov_fmt STATIC ${CMAKE_CURRENT_LIST_DIR}/fmt_impl.cc)
  target_include_directories(gov_fmt SYSTEM PUBLIC
    $<TARGET_PROPERTY:fmt::fmt,INTERFACE_INCLUDE_DIRECTORIES>)
  set_target_properties(gov_fmt PROPERTIES POSITION_INDEPENDENT_CODE ON)
  target_link_libraries(gov_dep_fmt INTERFACE gov_fmt)
else()
  target_link_libraries(gov_dep_fmt INTERFACE fmt::fmt)
endif()
list(APPEND GOV_LIBRARY_DEPS "$<BUILD_INTERFACE:gov_dep_fmt>" "$<INSTALL_INTERFACE:fmt::fmt>")
