#include "qwb/ui/application.h"

#include <QApplication>
#include <QFileInfo>
#include <QIcon>
#include <QLibraryInfo>
#include <QSettings>
#include <QTranslator>

#include "qwb/version.h"

// Q_INIT_RESOURCE must be used outside a namespace. qwb.qrc is compiled into the static qwb_ui
// library, whose resource initialiser the linker would otherwise drop.
static void initQwbResources() { Q_INIT_RESOURCE(qwb); }

namespace qwb::ui {

QString versionString() {
  return QStringLiteral("%1 (%2)").arg(QStringLiteral(QWB_VERSION), QString::fromLatin1(git_commit()));
}

QLocale uiLocale() {
  QString lang = qEnvironmentVariable("QWB_LANG");
  if (lang.isEmpty()) lang = QSettings().value(QStringLiteral("language")).toString();
  return lang.isEmpty() ? QLocale::system() : QLocale(lang);
}

bool installTranslators(QCoreApplication& app, const QLocale& locale) {
  // Qt's own strings (standard buttons, file dialog), when the system has them.
  auto* qt = new QTranslator(&app);
  if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
               QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
    QCoreApplication::installTranslator(qt);
  } else {
    delete qt;
  }
  // Without a catalogue for the locale (or for the "C" locale) use English, the source language,
  // whose catalogue holds the plural forms ("1 layer", "2 layers").
  auto* qwb = new QTranslator(&app);
  const QString dir = QStringLiteral(":/i18n");
  const bool found = qwb->load(locale, QStringLiteral("qwb"), QStringLiteral("_"), dir);
  if (found || qwb->load(QStringLiteral("qwb_en"), dir)) {
    QCoreApplication::installTranslator(qwb);
  } else {
    delete qwb;
  }
  return found;
}

QString samplesDir() {
  const QString env = qEnvironmentVariable("QWB_SAMPLES_DIR");
  if (!env.isEmpty()) return env;
  const QString installed = QCoreApplication::applicationDirPath() + QStringLiteral("/../share/qwb/samples");
  if (QFileInfo::exists(installed + QStringLiteral("/fmnist_cnn.onnx"))) return QFileInfo(installed).canonicalFilePath();
  return QStringLiteral(QWB_SOURCE_DIR "/resources/samples");
}

void initApplication(QApplication& app) {
  initQwbResources();
  QCoreApplication::setOrganizationName(QStringLiteral("qwb"));
  QCoreApplication::setApplicationName(QStringLiteral("qwb"));
  QCoreApplication::setApplicationVersion(versionString());
  QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/qwb.svg")));
  const QLocale locale = uiLocale();
  QLocale::setDefault(locale);
  installTranslators(app, locale);
  // Appended to window titles by the platform ("model.onnx — Quantization Workbench").
  QGuiApplication::setApplicationDisplayName(QCoreApplication::translate("qwb::ui", "Quantization Workbench"));
}

}  // namespace qwb::ui
