# Warnings and sanitizers travel through a private interface target so that
# consumers of governance::governance never inherit them.
add_library(governance_warnings INTERFACE)
target_compile_options(governance_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Woverloaded-virtual -Wimplicit-fallthrough)
if(GOV_WERROR)
  target_compile_options(governance_warnings INTERFACE -Werror)
endif()
if(GOV_SANITIZE)
  target_compile_options(governance_warnings INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(governance_warnings INTERFACE -fsanitize=address,undefined)
endif()
