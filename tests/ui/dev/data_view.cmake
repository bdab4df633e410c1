# Data view (under development): datasets of a project, loading with preview, calibration-data
# validation. Compiled from its sources until it moves into qwb_ui.
add_executable(qwb_ui_data_view_test
  ${PROJECT_SOURCE_DIR}/ui/include/qwb/ui/data_view.h
  ${PROJECT_SOURCE_DIR}/ui/src/data_view.cpp
  ${PROJECT_SOURCE_DIR}/ui/include/qwb/ui/data_sample_grid.h
  ${PROJECT_SOURCE_DIR}/ui/src/data_sample_grid.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/ui_test_main.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/data_view_test.cpp)
set_target_properties(qwb_ui_data_view_test PROPERTIES AUTOMOC ON)
target_link_libraries(qwb_ui_data_view_test PRIVATE qwb::ui Qt6::Concurrent Qt6::Test GTest::gtest)
target_compile_definitions(qwb_ui_data_view_test PRIVATE QT_NO_CAST_FROM_ASCII
  QWB_UI_TEST_MODEL="${QWB_UI_TEST_MODEL}")
target_compile_options(qwb_ui_data_view_test PRIVATE -Wall -Wextra)
gtest_discover_tests(qwb_ui_data_view_test PROPERTIES ENVIRONMENT "${QWB_UI_TEST_ENV}" LABELS ui)
