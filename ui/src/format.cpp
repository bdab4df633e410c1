#include "qwb/ui/format.h"

#include <QCoreApplication>
#include <QLocale>

#include <array>
#include <cstdlib>

namespace qwb::ui {

QString formatInteger(int64_t n) { return QLocale().toString(static_cast<qlonglong>(n)); }

QString formatCompact(int64_t n) {
  // SI prefixes are international symbols, not translated.
  static constexpr std::array<const char*, 5> kPrefixes = {"", "K", "M", "G", "T"};
  double v = static_cast<double>(n);
  size_t p = 0;
  while (std::abs(v) >= 999.995 && p + 1 < kPrefixes.size()) {
    v /= 1000.0;
    ++p;
  }
  if (p == 0) return formatInteger(n);
  return QLocale().toString(v, 'f', 2) + QChar(u' ') + QLatin1String(kPrefixes[p]);
}

QString formatBytes(int64_t bytes) {
  return QLocale().formattedDataSize(bytes, 2, QLocale::DataSizeIecFormat);
}

QString formatDuration(int64_t ms) {
  if (ms < 1000) return QCoreApplication::translate("qwb::ui::format", "%1 ms").arg(ms);
  return QCoreApplication::translate("qwb::ui::format", "%1 s")
      .arg(QLocale().toString(static_cast<double>(ms) / 1000.0, 'f', 2));
}

QString joinShapes(const std::vector<std::string>& shapes) {
  QStringList parts;
  parts.reserve(static_cast<qsizetype>(shapes.size()));
  for (const auto& s : shapes) parts << qstr(s);
  return parts.join(QStringLiteral(", "));
}

QString architectureName(const std::string& family) {
  if (family == "cnn") return QCoreApplication::translate("qwb::ui::format", "CNN");
  if (family == "transformer") return QCoreApplication::translate("qwb::ui::format", "Transformer");
  if (family == "rnn") return QCoreApplication::translate("qwb::ui::format", "RNN");
  if (family == "mlp") return QCoreApplication::translate("qwb::ui::format", "MLP");
  if (family == "other" || family.empty()) return QCoreApplication::translate("qwb::ui::format", "Other");
  return qstr(family);
}

}  // namespace qwb::ui
