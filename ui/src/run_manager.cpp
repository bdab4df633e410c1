#include "qwb/ui/run_manager.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <exception>
#include <mutex>

#include "qwb/ui/format.h"

namespace qwb::ui {

namespace {

constexpr int kLogLines = 200;
constexpr int kPollMs = 100;

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

QString fileName(const std::string& path) { return QFileInfo(qstr(path)).fileName(); }

QString pct(double fraction) { return QString::number(100.0 * fraction, 'f', 2) + QLatin1Char('%'); }

// What a finished job says in its log: the numbers a user looks for first.
struct Outcome {
  int64_t run = 0;
  Status status;
  QStringList lines;
};

}  // namespace

QString jobKind(const JobConfig& config) {
  return std::visit(Overloaded{[](const QuantizeConfig&) { return QStringLiteral("quantize"); },
                               [](const AutoquantConfig&) { return QStringLiteral("autoquant"); },
                               [](const SensitivityConfig&) { return QStringLiteral("sensitivity"); },
                               [](const EvaluateConfig&) { return QStringLiteral("evaluate"); }},
                    config);
}

QString jobTitle(const JobConfig& config) {
  auto scheme = [](const QuantizeConfig& c) {
    return specDescription(c.quant.weights.describe()) + QStringLiteral(", ") + QString::fromLatin1(calib_method_name(c.method.method));
  };
  return std::visit(
      Overloaded{[&](const QuantizeConfig& c) {
                   return RunManager::tr("Quantize %1 (%2)").arg(fileName(c.model), scheme(c));
                 },
                 [&](const AutoquantConfig& c) {
                   return RunManager::tr("Mixed precision %1 (budget %2 %3)")
                       .arg(fileName(c.base.model))
                       .arg(c.max_drop)
                       .arg(c.relative ? QStringLiteral("%") : RunManager::tr("points"));
                 },
                 [&](const SensitivityConfig& c) {
                   return RunManager::tr("Sensitivity %1 (%2)").arg(fileName(c.base.model), scheme(c.base));
                 },
                 [&](const EvaluateConfig& c) {
                   return RunManager::tr("Evaluate %1 on %2").arg(fileName(c.model), qstr(c.data.spec));
                 }},
      config);
}

QString jobStateName(JobState s) {
  switch (s) {
    case JobState::kQueued: return RunManager::tr("queued");
    case JobState::kRunning: return RunManager::tr("running");
    case JobState::kSucceeded: return RunManager::tr("succeeded");
    case JobState::kFailed: return RunManager::tr("failed");
    case JobState::kCancelled: return RunManager::tr("cancelled");
  }
  return {};
}

// Shared between the worker thread (writes through report()) and the UI thread (poll()).
struct RunManager::Live : ProgressSink {
  std::mutex mu;
  int64_t done = 0, total = 0;
  std::string message;
  int64_t run = 0;      // what the UI thread reads, under mu
  int64_t job_run = 0;  // the job writes its run id here (worker thread) before its first report
  std::atomic<bool> cancel{false};
  int ticket = 0;
  QFutureWatcher<Outcome>* watcher = nullptr;

  bool report(int64_t d, int64_t t, const std::string& m) override {
    std::lock_guard lock(mu);
    run = job_run;
    done = d;
    total = t;
    if (!m.empty()) message = m;
    return !cancel.load();
  }
};

RunManager::RunManager(QObject* parent) : QObject(parent), timer_(new QTimer(this)) {
  clock_.start();
  timer_->setInterval(kPollMs);
  connect(timer_, &QTimer::timeout, this, &RunManager::poll);
}

RunManager::~RunManager() {
  // A job still running is asked to stop; the thread pool waits for it at exit.
  if (live_) live_->cancel = true;
  if (live_ && live_->watcher) live_->watcher->waitForFinished();
}

int RunManager::enqueue(const JobConfig& config) {
  JobEntry e;
  e.ticket = nextTicket_++;
  e.config = config;
  e.title = jobTitle(config);
  entries_.append(e);
  appendLog(entries_.last(), tr("queued"));
  emit entryAdded(e.ticket);
  startNext();
  return e.ticket;
}

JobEntry* RunManager::find(int ticket) {
  for (auto& e : entries_) {
    if (e.ticket == ticket) return &e;
  }
  return nullptr;
}

const JobEntry* RunManager::entry(int ticket) const {
  for (const auto& e : entries_) {
    if (e.ticket == ticket) return &e;
  }
  return nullptr;
}

bool RunManager::isBusy() const {
  for (const auto& e : entries_) {
    if (!e.finished()) return true;
  }
  return false;
}

void RunManager::appendLog(JobEntry& e, const QString& line) {
  const qint64 s = e.elapsedMs / 1000;
  e.log.append(QStringLiteral("[%1:%2] %3").arg(s / 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0')).arg(line));
  while (e.log.size() > kLogLines) e.log.removeFirst();
}

void RunManager::cancel(int ticket) {
  JobEntry* e = find(ticket);
  if (!e || e->finished()) return;
  e->cancelRequested = true;
  if (e->state == JobState::kQueued) {
    e->state = JobState::kCancelled;
    appendLog(*e, tr("cancelled before it started"));
    emit entryChanged(ticket);
    emit jobFinished(ticket, 0, jobKind(e->config), e->state);
    return;
  }
  if (live_ && live_->ticket == ticket) live_->cancel = true;
  appendLog(*e, tr("cancelling..."));
  emit entryChanged(ticket);
}

void RunManager::startNext() {
  if (live_) return;
  JobEntry* next = nullptr;
  for (auto& e : entries_) {
    if (e.state == JobState::kQueued) {
      next = &e;
      break;
    }
  }
  if (!next) return;
  next->state = JobState::kRunning;
  auto live = std::make_shared<Live>();
  live->ticket = next->ticket;
  live_ = live;
  next->startedAt = clock_.elapsed();
  next->elapsedMs = 0;
  appendLog(*next, tr("started"));
  emit entryChanged(next->ticket);

  const std::string project = QFile::encodeName(projectPath_).toStdString();
  const JobConfig config = next->config;
  auto* watcher = new QFutureWatcher<Outcome>(this);
  live->watcher = watcher;
  const int ticket = next->ticket;
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, ticket] {
    const Outcome out = watcher->result();
    watcher->deleteLater();
    poll();
    live_.reset();
    if (JobEntry* e = find(ticket)) {
      e->elapsedMs = clock_.elapsed() - e->startedAt;
      if (out.run) e->run = out.run;
      if (out.status) {
        e->state = JobState::kSucceeded;
        e->fraction = 1;
      } else {
        e->state = out.status.code() == StatusCode::kCancelled ? JobState::kCancelled : JobState::kFailed;
        e->error = qstr(out.status.message());
        appendLog(*e, e->state == JobState::kCancelled ? tr("cancelled") : tr("failed: %1").arg(e->error));
      }
      for (const QString& l : out.lines) appendLog(*e, l);
      if (e->state == JobState::kSucceeded) appendLog(*e, tr("finished in %1").arg(formatDuration(e->elapsedMs)));
      emit entryChanged(ticket);
      emit jobFinished(ticket, e->run, jobKind(e->config), e->state);
    }
    startNext();
  });
  watcher->setFuture(QtConcurrent::run([live, project, config]() -> Outcome {
    Outcome out;
    try {
      Result<Project> opened = project.empty() ? Result<Project>(invalid_argument("no project is open"))
                                               : Project::open_or_create(project);
      if (!opened) {
        out.status = opened.status();
        return out;
      }
      Project& p = *opened;
      ProgressSink& sink = *live;
      int64_t* run = &live->job_run;
      std::visit(
          Overloaded{
              [&](const QuantizeConfig& c) {
                auto r = run_quantize(p, c, sink, run);
                out.status = r.status();
                if (!r) return;
                if (r->comparison && r->comparison->has_labels) {
                  const auto& cmp = *r->comparison;
                  out.lines << tr("FP32 top-1 %1, quantized %2 (%3 points), agreement %4")
                                   .arg(pct(cmp.reference.metrics.top1), pct(cmp.candidate.metrics.top1))
                                   .arg(100.0 * (cmp.candidate.metrics.top1 - cmp.reference.metrics.top1), 0, 'f', 2)
                                   .arg(pct(cmp.agreement));
                }
                if (r->exported) out.lines << tr("wrote %1 (%2)").arg(qstr(r->exported->path), formatBytes(r->exported->bytes));
                for (const auto& n : r->notices) out.lines << tr("notice: %1").arg(qstr(n));
              },
              [&](const AutoquantConfig& c) {
                auto r = run_autoquant(p, c, sink, run);
                out.status = r.status();
                if (r) out.lines << qstr(r->statement);
              },
              [&](const SensitivityConfig& c) {
                auto r = run_sensitivity(p, c, sink, run);
                out.status = r.status();
                if (r && r->report.cancelled) out.status = cancelled("sensitivity sweep cancelled (partial results kept)");
                if (r) out.lines << tr("%n layer(s) ranked", nullptr, static_cast<int>(r->report.layers.size()));
              },
              [&](const EvaluateConfig& c) {
                auto r = run_evaluate(p, c, sink, run);
                out.status = r.status();
                if (r) out.lines << tr("top-1 %1, top-5 %2").arg(pct(r->result.metrics.top1), pct(r->result.metrics.top5));
              }},
          config);
      out.run = *run;
    } catch (const std::exception& e) {
      out.status = internal_error(std::string("job failed: ") + e.what());
    }
    return out;
  }));
  timer_->start();
}

void RunManager::poll() {
  if (!live_) {
    timer_->stop();
    return;
  }
  JobEntry* e = find(live_->ticket);
  if (!e) return;
  std::string message;
  {
    std::lock_guard lock(live_->mu);
    e->fraction = live_->total > 0 ? static_cast<double>(live_->done) / static_cast<double>(live_->total) : 0.0;
    if (live_->run) e->run = live_->run;
    message = live_->message;
  }
  e->elapsedMs = clock_.elapsed() - e->startedAt;
  const QString m = qstr(message);
  if (!m.isEmpty() && m != e->message) {
    e->message = m;
    appendLog(*e, m);
  }
  emit entryChanged(e->ticket);
}

bool RunManager::waitIdle(int timeoutMs) {
  QElapsedTimer t;
  t.start();
  while (isBusy() && t.elapsed() < timeoutMs) {
    QEventLoop loop;
    QTimer::singleShot(50, &loop, &QEventLoop::quit);
    loop.exec();
  }
  return !isBusy();
}

}  // namespace qwb::ui
