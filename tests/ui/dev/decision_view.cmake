# Decision tree view (under development): the decision table's tree with the current path, the
# engine's recommendation, the editable lookup table and Apply. Tested on a fresh real project
# (seeded table) with the sample CNN's detected architecture, and a real sensitivity run of it.
find_package(Qt6 REQUIRED COMPONENTS Concurrent)
add_executable(qwb_ui_decision_view_test
  ${PROJECT_SOURCE_DIR}/ui/include/qwb/ui/decision_view.h
  ${PROJECT_SOURCE_DIR}/ui/include/qwb/ui/decision_table_model.h
  ${PROJECT_SOURCE_DIR}/ui/include/qwb/ui/decision_tree_view.h
  ${PROJECT_SOURCE_DIR}/ui/src/decision_view.cpp
  ${PROJECT_SOURCE_DIR}/ui/src/decision_table_model.cpp
  ${PROJECT_SOURCE_DIR}/ui/src/decision_tree_view.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/ui_test_main.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/decision_view_test.cpp)
set_target_properties(qwb_ui_decision_view_test PROPERTIES AUTOMOC ON)
target_link_libraries(qwb_ui_decision_view_test PRIVATE qwb::ui Qt6::Concurrent Qt6::Test GTest::gtest)
target_compile_definitions(qwb_ui_decision_view_test PRIVATE QT_NO_CAST_FROM_ASCII
  QWB_UI_TEST_MODEL="${QWB_UI_TEST_MODEL}")
target_compile_options(qwb_ui_decision_view_test PRIVATE -Wall -Wextra)
gtest_discover_tests(qwb_ui_decision_view_test PROPERTIES ENVIRONMENT "${QWB_UI_TEST_ENV}" LABELS ui)
