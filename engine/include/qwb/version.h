// Version information for `qwb-cli --version` and the About box.
#pragma once

#include <string>

namespace qwb {

const char* version();     // "0.1.0"
const char* git_commit();  // short hash of the build's source, or "unknown"
// One line per library the engine links: ONNX, protobuf, Eigen.
std::string library_versions();

}  // namespace qwb
