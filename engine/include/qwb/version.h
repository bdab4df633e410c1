// Version information for `qwb-cli --version` and the About box.
#pragma once

#include <string>

namespace qwb {

const char* version();     // "0.1.0"
const char* git_commit();  // short hash of the build's source, or "unknown"
// One line per library the engine links: ONNX, protobuf, Eigen, oneDNN, SQLite (the versions
// loaded at run time where the library reports them).
std::string library_versions();

// Whether this CPU has VNNI (AVX512-VNNI or AVX-VNNI) for 8-bit dot products without int16
// saturation; ONNX Runtime's int8 kernels need 7-bit weights (reduce_range) without it.
bool cpu_has_vnni();

}  // namespace qwb
