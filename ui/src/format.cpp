#include "qwb/ui/format.h"

#include <QCoreApplication>
#include <QLocale>

#include <array>
#include <map>
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

namespace {

// A name from `names` translated, or the engine's identifier itself when it has none.
QString translated(const std::map<std::string, const char*>& names, const std::string& key) {
  auto it = names.find(key);
  return it == names.end() ? QString::fromStdString(key) : QCoreApplication::translate("qwb::ui::Names", it->second);
}

}  // namespace

QString runKindName(const std::string& kind) {
  static const std::map<std::string, const char*> names{
      {"quantize", QT_TRANSLATE_NOOP("qwb::ui::Names", "quantize")},
      {"calibrate", QT_TRANSLATE_NOOP("qwb::ui::Names", "calibrate")},
      {"evaluate", QT_TRANSLATE_NOOP("qwb::ui::Names", "evaluate")},
      {"export", QT_TRANSLATE_NOOP("qwb::ui::Names", "export")},
      {"sensitivity", QT_TRANSLATE_NOOP("qwb::ui::Names", "sensitivity")},
      {"autoquant", QT_TRANSLATE_NOOP("qwb::ui::Names", "mixed precision")}};
  return translated(names, kind);
}

QString runStatusName(const std::string& status) {
  static const std::map<std::string, const char*> names{
      {"queued", QT_TRANSLATE_NOOP("qwb::ui::Names", "queued")},
      {"running", QT_TRANSLATE_NOOP("qwb::ui::Names", "running")},
      {"succeeded", QT_TRANSLATE_NOOP("qwb::ui::Names", "succeeded")},
      {"failed", QT_TRANSLATE_NOOP("qwb::ui::Names", "failed")},
      {"cancelled", QT_TRANSLATE_NOOP("qwb::ui::Names", "cancelled")},
      {"interrupted", QT_TRANSLATE_NOOP("qwb::ui::Names", "interrupted")}};
  return translated(names, status);
}

QString specDescription(const std::string& describe) {
  static const std::map<std::string, const char*> words{
      {"symmetric", QT_TRANSLATE_NOOP("qwb::ui::Names", "symmetric")},
      {"affine", QT_TRANSLATE_NOOP("qwb::ui::Names", "affine")},
      {"per-channel", QT_TRANSLATE_NOOP("qwb::ui::Names", "per-channel")},
      {"per-tensor", QT_TRANSLATE_NOOP("qwb::ui::Names", "per-tensor")},
      {"block", QT_TRANSLATE_NOOP("qwb::ui::Names", "block")},
      {"with", QT_TRANSLATE_NOOP("qwb::ui::Names", "with")},
      {"none", QT_TRANSLATE_NOOP("qwb::ui::Names", "none")}};
  QStringList out;
  for (const QString& w : QString::fromStdString(describe).split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
    out << translated(words, w.toStdString());
  }
  return out.join(QLatin1Char(' '));
}

}  // namespace qwb::ui
