// qwb: the Quantization Workbench GUI.
//
//   qwb [MODEL.onnx | PROJECT.qwb] [--screenshot FILE.png]
//   qwb --demo                      the demo project (sample models, Fashion-MNIST attached)
//   qwb --screenshot-tour DIR       fills every view from real runs, one PNG per view
//
// --screenshot renders the main window to FILE.png once the model or project has loaded (or
// right away without one) and exits: 0 when the PNG was written, 1 when it could not be written,
// 2 when the model or project failed to load. Used for documentation and tests (QT_QPA_PLATFORM=offscreen works).
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>

#include "qwb/ui/application.h"
#include "qwb/ui/main_window.h"
#include "qwb/ui/screenshot_tour.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  qwb::ui::initApplication(app);

  QCommandLineParser parser;
  parser.setApplicationDescription(QCoreApplication::translate("main", "Quantization Workbench"));
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addPositionalArgument(QStringLiteral("model"), QCoreApplication::translate("main", "ONNX model or project file (*.qwb) to open."),
                               QStringLiteral("[MODEL.onnx | PROJECT.qwb]"));
  const QCommandLineOption screenshotOption(
      QStringLiteral("screenshot"),
      QCoreApplication::translate("main", "Render the main window to <file> (PNG) after the model loaded, then exit."),
      QCoreApplication::translate("main", "file"));
  parser.addOption(screenshotOption);
  const QCommandLineOption demoOption(
      QStringLiteral("demo"),
      QCoreApplication::translate("main", "Open the demo project (created on first use with the sample models and Fashion-MNIST)."));
  parser.addOption(demoOption);
  const QCommandLineOption tourOption(
      QStringLiteral("screenshot-tour"),
      QCoreApplication::translate("main", "Create a demo project in <dir>, run a quantization and a sensitivity sweep, "
                                          "write one PNG per view to <dir>, then exit."),
      QCoreApplication::translate("main", "dir"));
  parser.addOption(tourOption);
  parser.process(app);

  const QStringList args = parser.positionalArguments();
  if (args.size() > 1) {
    std::fprintf(stderr, "%s\n", qPrintable(QCoreApplication::translate("main", "Only one model can be opened.")));
    return 2;
  }
  const QString model = args.value(0);
  const QString screenshot = parser.value(screenshotOption);

  qwb::ui::MainWindow window;
  window.show();

  if (parser.isSet(tourOption)) {
    QTimer::singleShot(0, &window, [&window, dir = parser.value(tourOption)] {
      QCoreApplication::exit(qwb::ui::runScreenshotTour(window, dir));
    });
    return app.exec();
  }
  if (parser.isSet(demoOption)) {
    window.openDemoProject();
    return app.exec();
  }

  if (!screenshot.isEmpty()) {
    auto shoot = [&window, screenshot] {
      // Let pending layout and paint events settle before grabbing.
      QTimer::singleShot(100, &window, [&window, screenshot] {
        const bool saved = window.grab().save(screenshot, "PNG");
        if (!saved) {
          std::fprintf(stderr, "%s\n",
                       qPrintable(QCoreApplication::translate("main", "Could not write %1").arg(screenshot)));
        }
        QCoreApplication::exit(saved ? 0 : 1);
      });
    };
    auto failed = [](const QString&, const QString& message) {
      std::fprintf(stderr, "%s\n", qPrintable(message));
      QCoreApplication::exit(2);
    };
    if (model.isEmpty()) {
      shoot();
    } else {
      QObject::connect(&window, &qwb::ui::MainWindow::modelLoaded, &window, shoot);
      QObject::connect(&window, &qwb::ui::MainWindow::projectOpened, &window, shoot);
      QObject::connect(&window, &qwb::ui::MainWindow::modelLoadFailed, &window, failed);
      QObject::connect(&window, &qwb::ui::MainWindow::projectOpenFailed, &window, failed);
    }
  }
  if (model.endsWith(QStringLiteral(".qwb"), Qt::CaseInsensitive)) {
    window.openProject(model);
  } else if (!model.isEmpty()) {
    window.openModel(model);
  }
  return app.exec();
}
