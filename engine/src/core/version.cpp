#include "qwb/version.h"

#include <google/protobuf/stubs/common.h>
#include <oneapi/dnnl/dnnl.h>
#include <sqlite3.h>
#include <Eigen/Core>

namespace qwb {

const char* version() { return QWB_VERSION; }

std::string library_versions() {
  return "ONNX 1.12 (libonnx, checker and shape inference up to opset 17)\n"
         "protobuf " + google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION) + "\n" +
         "Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." + std::to_string(EIGEN_MAJOR_VERSION) + "." +
         std::to_string(EIGEN_MINOR_VERSION) + "\n" + "oneDNN " + std::to_string(dnnl_version()->major) + "." +
         std::to_string(dnnl_version()->minor) + "." + std::to_string(dnnl_version()->patch) + "\n" + "SQLite " +
         sqlite3_libversion() + "\n";
}

bool cpu_has_vnni() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512vnni") || __builtin_cpu_supports("avxvnni");
}

}  // namespace qwb
