// Application-wide setup shared by the `qwb` executable and the UI tests: names used by
// QSettings, the window icon, embedded resources and translators.
//
//   QApplication app(argc, argv);
//   qwb::ui::initApplication(app);   // QWB_LANG=de or the system locale picks the language
//   qwb::ui::MainWindow w;
#pragma once

#include <QLocale>
#include <QString>

class QApplication;
class QCoreApplication;

namespace qwb::ui {

// "0.1.0 (abc1234)": the project version and git commit baked in at build time.
QString versionString();

// The UI language: $QWB_LANG ("de", "en_US", ...) when set, else the language chosen in
// Settings > Language, else the system locale.
QLocale uiLocale();

// Loads the embedded qwb_<lang>.qm and Qt's own qtbase_<lang>.qm (standard dialogs) for
// `locale` and installs them on `app`; falls back to qwb_en.qm (English plural forms). Returns
// whether a qwb catalogue for `locale` was found.
bool installTranslators(QCoreApplication& app, const QLocale& locale);

// The bundled sample models: $QWB_SAMPLES_DIR, else <prefix>/share/qwb/samples beside an
// installed binary, else the source tree's resources/samples (a build-tree binary).
QString samplesDir();

// Organisation/application names and version (QSettings location), window icon, resources,
// and translators for uiLocale(). Also makes uiLocale() the default locale for number formats.
void initApplication(QApplication& app);

}  // namespace qwb::ui
