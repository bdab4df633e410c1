#include "qwb/ui/application.h"

#include <QApplication>
#include <QIcon>
#include <QLibraryInfo>
#include <QTranslator>

// Q_INIT_RESOURCE must be used outside a namespace. qwb.qrc is compiled into the static qwb_ui
// library, whose resource initialiser the linker would otherwise drop.
static void initQwbResources() { Q_INIT_RESOURCE(qwb); }

namespace qwb::ui {

QString versionString() {
  return QStringLiteral("%1 (%2)").arg(QStringLiteral(QWB_VERSION), QStringLiteral(QWB_GIT_COMMIT));
}

QLocale uiLocale() {
  const QString lang = qEnvironmentVariable("QWB_LANG");
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
  auto* qwb = new QTranslator(&app);
  if (qwb->load(locale, QStringLiteral("qwb"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
    QCoreApplication::installTranslator(qwb);
    return true;
  }
  delete qwb;
  return false;
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
