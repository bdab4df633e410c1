// RunManager: the queue of engine jobs started from the GUI. Jobs run one at a time on a worker
// thread (the engine already uses every core), each recorded as a run of the open project; the
// UI thread only polls their progress (10 Hz) and never waits on them. Cancel asks the job's
// progress sink to stop; the engine then ends the run as cancelled and keeps what it stored.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QStringList>

#include <memory>
#include <variant>

#include "qwb/jobs.h"

class QTimer;

namespace qwb::ui {

// One job: calibrate -> quantize -> evaluate -> export, a mixed-precision search, a sensitivity
// sweep, or an evaluation.
using JobConfig = std::variant<QuantizeConfig, AutoquantConfig, SensitivityConfig, EvaluateConfig>;
QString jobKind(const JobConfig& config);   // "quantize", "autoquant", "sensitivity", "evaluate"
QString jobTitle(const JobConfig& config);  // "quantize fmnist_cnn.onnx (int8 per-channel, entropy)"

enum class JobState { kQueued, kRunning, kSucceeded, kFailed, kCancelled };
QString jobStateName(JobState s);  // translated: "queued", "running", ...

struct JobEntry {
  int ticket = 0;
  JobConfig config;
  QString title;
  JobState state = JobState::kQueued;
  qint64 run = 0;            // the project's run id once the job recorded it
  double fraction = 0;       // 0..1
  QString message;           // the job's current stage
  QStringList log;           // "[00:03] statistics", results and errors; last lines kept
  qint64 elapsedMs = 0;
  qint64 startedAt = 0;     // RunManager's clock when it started
  QString error;
  bool cancelRequested = false;
  bool finished() const { return state != JobState::kQueued && state != JobState::kRunning; }
};

class RunManager : public QObject {
  Q_OBJECT

 public:
  explicit RunManager(QObject* parent = nullptr);
  ~RunManager() override;

  // Project file the runs are recorded in (each job opens its own connection).
  void setProjectPath(const QString& path) { projectPath_ = path; }
  QString projectPath() const { return projectPath_; }

  // Queues a job and returns its ticket; it starts when the jobs before it have finished.
  int enqueue(const JobConfig& config);
  // Queued jobs are dropped; a running job stops at its next progress report (the engine
  // reports at least once per batch).
  void cancel(int ticket);
  const QList<JobEntry>& entries() const { return entries_; }
  const JobEntry* entry(int ticket) const;
  bool isBusy() const;
  // Blocks in a local event loop until every job has finished (tests, the screenshot tour).
  bool waitIdle(int timeoutMs);

 signals:
  void entryAdded(int ticket);
  void entryChanged(int ticket);
  void jobFinished(int ticket, qint64 run, const QString& kind, JobState state);

 private:
  struct Live;
  JobEntry* find(int ticket);
  void startNext();
  void poll();
  void appendLog(JobEntry& e, const QString& line);

  QString projectPath_;
  QList<JobEntry> entries_;
  int nextTicket_ = 1;
  std::shared_ptr<Live> live_;  // the running job's shared progress state
  QElapsedTimer clock_;
  QTimer* timer_;
};

}  // namespace qwb::ui
