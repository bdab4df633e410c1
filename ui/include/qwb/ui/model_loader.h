// ModelLoader: loads an ONNX model with qwb::Model::load on the global thread pool
// (QtConcurrent::run + QFutureWatcher), so the UI thread never blocks. Signals arrive on the
// loader's thread. When a new load starts before the previous one finished, the older result is
// discarded.
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QString>

#include <memory>

#include "qwb/model.h"

namespace qwb::ui {

struct LoadOutcome {
  QString path;
  std::shared_ptr<const Model> model;  // null on failure
  QString error;                       // the engine's Status message on failure
  qint64 elapsed_ms = 0;
};

class ModelLoader : public QObject {
  Q_OBJECT

 public:
  explicit ModelLoader(QObject* parent = nullptr);
  ~ModelLoader() override;

  void load(const QString& path);
  bool isBusy() const { return !watcher_.isNull(); }

 signals:
  void started(const QString& path);
  void loaded(const qwb::ui::LoadOutcome& outcome);
  void failed(const qwb::ui::LoadOutcome& outcome);

 private:
  QPointer<QFutureWatcher<LoadOutcome>> watcher_;  // the load whose result is wanted
};

}  // namespace qwb::ui
