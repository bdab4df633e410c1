# GraphView (the model graph laid out with Graphviz dot) under development; folded into qwb_ui /
# qwb_ui_tests when it lands (the lead moves the pkg-config lookup into ui/CMakeLists.txt and links
# PkgConfig::QWB_GRAPHVIZ privately to qwb_ui).
find_package(PkgConfig REQUIRED)
pkg_check_modules(QWB_GRAPHVIZ REQUIRED IMPORTED_TARGET libgvc libcgraph)
find_package(Qt6 REQUIRED COMPONENTS Concurrent)

add_executable(qwb_ui_graph_view_test
  ${PROJECT_SOURCE_DIR}/ui/include/qwb/ui/graph_view.h
  ${PROJECT_SOURCE_DIR}/ui/src/graph_view.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/ui_test_main.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/graph_view_test.cpp)
set_target_properties(qwb_ui_graph_view_test PROPERTIES AUTOMOC ON)
target_link_libraries(qwb_ui_graph_view_test PRIVATE
  qwb::ui Qt6::Concurrent Qt6::Test GTest::gtest PkgConfig::QWB_GRAPHVIZ)
target_compile_definitions(qwb_ui_graph_view_test PRIVATE
  QT_NO_CAST_FROM_ASCII
  QWB_UI_TEST_MODEL="${QWB_UI_TEST_MODEL}"
  QWB_UI_TEST_SAMPLES="${PROJECT_SOURCE_DIR}/resources/samples"
  QWB_UI_TEST_INTEROP_MODELS="${PROJECT_BINARY_DIR}/interop-models/opset17")
target_compile_options(qwb_ui_graph_view_test PRIVATE -Wall -Wextra)
gtest_discover_tests(qwb_ui_graph_view_test PROPERTIES ENVIRONMENT "${QWB_UI_TEST_ENV}" LABELS ui)
