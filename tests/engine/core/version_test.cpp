// The versions `qwb-cli --version` and the About box show: one line per library, read from the
// libraries themselves (oneDNN and SQLite report the loaded version).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "qwb/version.h"

TEST(Version, NamesEveryLibrary) {
  const std::string v = qwb::library_versions();
  for (const char* lib : {"ONNX ", "protobuf ", "Eigen ", "oneDNN ", "SQLite "}) {
    EXPECT_NE(v.find(lib), std::string::npos) << lib << " missing from:\n" << v;
  }
  EXPECT_NE(v.find(std::string("SQLite ") + sqlite3_libversion()), std::string::npos) << v;
}
