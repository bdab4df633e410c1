// GoogleTest main for the UI tests: one QApplication for all tests, on the offscreen platform
// unless QT_QPA_PLATFORM says otherwise (test discovery runs this binary without the CTest
// environment).
#include <QApplication>
#include <QStandardPaths>

#include <gtest/gtest.h>

#include "qwb/ui/application.h"

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  if (qEnvironmentVariableIsEmpty("QWB_LANG")) qputenv("QWB_LANG", "en");
  QStandardPaths::setTestModeEnabled(true);
  QApplication app(argc, argv);
  qwb::ui::initApplication(app);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
