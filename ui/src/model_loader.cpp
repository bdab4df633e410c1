#include "qwb/ui/model_loader.h"

#include <QElapsedTimer>
#include <QFile>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace qwb::ui {

namespace {

LoadOutcome loadModel(const QString& path) {
  LoadOutcome out;
  out.path = path;
  QElapsedTimer timer;
  timer.start();
  // The engine reports bad input as a Status; the catch is a last line of defence so that a
  // library exception (e.g. std::bad_alloc on a huge file) cannot take the UI down.
  try {
    auto model = Model::load(QFile::encodeName(path).toStdString());
    if (model) {
      out.model = std::make_shared<const Model>(std::move(*model));
    } else {
      out.error = QString::fromStdString(model.status().message());
    }
  } catch (const std::exception& e) {
    out.error = QStringLiteral("%1: %2").arg(path, QString::fromLocal8Bit(e.what()));
  }
  out.elapsed_ms = timer.elapsed();
  return out;
}

}  // namespace

ModelLoader::ModelLoader(QObject* parent) : QObject(parent) {}

// A load still running keeps going on the pool; its watcher dies with the loader and the result
// is dropped (the thread pool waits for the task at application exit).
ModelLoader::~ModelLoader() = default;

void ModelLoader::load(const QString& path) {
  if (watcher_) {
    watcher_->disconnect(this);  // superseded: drop its result
    watcher_->deleteLater();
  }
  auto* watcher = new QFutureWatcher<LoadOutcome>(this);
  watcher_ = watcher;
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
    const LoadOutcome outcome = watcher->result();
    watcher_ = nullptr;
    watcher->deleteLater();
    if (outcome.model) {
      emit loaded(outcome);
    } else {
      emit failed(outcome);
    }
  });
  emit started(path);
  watcher->setFuture(QtConcurrent::run(loadModel, path));
}

}  // namespace qwb::ui
