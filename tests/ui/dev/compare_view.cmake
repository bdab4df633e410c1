# Compare view (under development): FP32 vs quantized side by side, tested on a real recorded
# quantize run of the sample CNN.
find_package(Qt6 REQUIRED COMPONENTS Concurrent Charts)
add_executable(qwb_ui_compare_view_test
  ${PROJECT_SOURCE_DIR}/ui/include/qwb/ui/compare_view.h
  ${PROJECT_SOURCE_DIR}/ui/include/qwb/ui/compare_confusion_matrix.h
  ${PROJECT_SOURCE_DIR}/ui/src/compare_view.cpp
  ${PROJECT_SOURCE_DIR}/ui/src/compare_confusion_matrix.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/ui_test_main.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/compare_view_test.cpp)
set_target_properties(qwb_ui_compare_view_test PROPERTIES AUTOMOC ON)
target_link_libraries(qwb_ui_compare_view_test PRIVATE qwb::ui Qt6::Charts Qt6::Concurrent Qt6::Test GTest::gtest)
target_compile_definitions(qwb_ui_compare_view_test PRIVATE QT_NO_CAST_FROM_ASCII
  QWB_UI_TEST_MODEL="${QWB_UI_TEST_MODEL}")
target_compile_options(qwb_ui_compare_view_test PRIVATE -Wall -Wextra)
gtest_discover_tests(qwb_ui_compare_view_test PROPERTIES ENVIRONMENT "${QWB_UI_TEST_ENV}" LABELS ui)
