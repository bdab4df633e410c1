# Tensors view (under development): histograms, calibrator thresholds and per-channel ranges of a
# quantize run's tensors. Sources compiled directly until the view moves into qwb_ui.
add_executable(qwb_ui_tensors_view_test
  ${PROJECT_SOURCE_DIR}/ui/include/qwb/ui/tensors_math.h
  ${PROJECT_SOURCE_DIR}/ui/src/tensors_math.cpp
  ${PROJECT_SOURCE_DIR}/ui/include/qwb/ui/tensors_view.h
  ${PROJECT_SOURCE_DIR}/ui/src/tensors_view.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/ui_test_main.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/tensors_view_test.cpp)
set_target_properties(qwb_ui_tensors_view_test PROPERTIES AUTOMOC ON)
target_link_libraries(qwb_ui_tensors_view_test PRIVATE qwb::ui Qt6::Charts Qt6::Concurrent Qt6::Test GTest::gtest)
target_compile_definitions(qwb_ui_tensors_view_test PRIVATE QT_NO_CAST_FROM_ASCII
  QWB_UI_TEST_MODEL="${QWB_UI_TEST_MODEL}")
target_compile_options(qwb_ui_tensors_view_test PRIVATE -Wall -Wextra)
gtest_discover_tests(qwb_ui_tensors_view_test PROPERTIES ENVIRONMENT "${QWB_UI_TEST_ENV}" LABELS ui)
