# Warnings, sanitizers and the helpers every module uses.
set(LEAKGUARD_WARNINGS -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor)
if(LEAKGUARD_WERROR)
  list(APPEND LEAKGUARD_WARNINGS -Werror)
endif()
if(LEAKGUARD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# leakguard_add_module(NAME SOURCES ... DEPS ...): one static library leakguard_<NAME>.
function(leakguard_add_module name)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS" ${ARGN})
  add_library(leakguard_${name} STATIC ${M_SOURCES})
  target_include_directories(leakguard_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src
                                                    ${PROJECT_SOURCE_DIR}/include)
  target_compile_options(leakguard_${name} PRIVATE ${LEAKGUARD_WARNINGS})
  target_link_libraries(leakguard_${name} PUBLIC ${M_DEPS})
endfunction()

# leakguard_add_test(NAME SOURCES ... DEPS ...): one GoogleTest binary registered with CTest.
function(leakguard_add_test name)
  if(NOT LEAKGUARD_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_compile_options(${name} PRIVATE ${LEAKGUARD_WARNINGS})
  target_link_libraries(${name} PRIVATE ${T_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE LEAKGUARD_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                              LEAKGUARD_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 TEST_PREFIX "${name}."
                       PROPERTIES TIMEOUT 600 ENVIRONMENT "${LEAKGUARD_TEST_ENV}")
endfunction()
