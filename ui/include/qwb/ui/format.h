// Number and text formatting for the views (presentation only; the numbers come from the engine).
#pragma once

#include <QString>
#include <QStringList>

#include <cstdint>
#include <string>
#include <vector>

namespace qwb::ui {

inline QString qstr(const std::string& s) { return QString::fromStdString(s); }

// 1234 -> "1,234" in the default locale.
QString formatInteger(int64_t n);
// Decimal SI prefixes for counts: 999 -> "999", 11689512 -> "11.69 M", 1.8e9 -> "1.81 G".
QString formatCompact(int64_t n);
// Binary units for sizes: 46758048 -> "44.59 MiB".
QString formatBytes(int64_t bytes);
// Milliseconds below 1 s, else seconds: 42 -> "42 ms", 1520 -> "1.52 s".
QString formatDuration(int64_t ms);
// {"[1, 3]", "[3]"} -> "[1, 3], [3]".
QString joinShapes(const std::vector<std::string>& shapes);
// Display name of the engine's architecture family ("cnn" -> "CNN").
QString architectureName(const std::string& family);
// Translated names of the engine's identifiers: a run's kind ("quantize" -> "Quantisierung"),
// a run status ("succeeded"), and a spec as QuantSpec::describe() writes it ("int8 symmetric
// per-channel" -> "int8 symmetrisch pro Kanal"). Unknown words pass through.
QString runKindName(const std::string& kind);
QString runStatusName(const std::string& status);
QString specDescription(const std::string& describe);

}  // namespace qwb::ui
