#include "qwb/ui/runs_panel.h"

#include <QHeaderView>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "qwb/ui/format.h"
#include "qwb/ui/project_explorer.h"
#include "qwb/ui/run_manager.h"

namespace qwb::ui {

namespace {

enum Column { kTitle, kState, kProgress, kElapsed, kRun, kCancel, kColumns };
constexpr int kTicketRole = Qt::UserRole + 1;

}  // namespace

RunsPanel::RunsPanel(RunManager* manager, QWidget* parent)
    : QWidget(parent), manager_(manager), tree_(new QTreeWidget), log_(new QPlainTextEdit) {
  tree_->setColumnCount(kColumns);
  tree_->setHeaderLabels({tr("Job"), tr("State"), tr("Progress"), tr("Elapsed"), tr("Run"), QString()});
  tree_->setRootIsDecorated(false);
  tree_->setUniformRowHeights(true);
  tree_->header()->setStretchLastSection(false);
  tree_->header()->setSectionResizeMode(kTitle, QHeaderView::Stretch);
  tree_->header()->setSectionResizeMode(kProgress, QHeaderView::Fixed);
  tree_->header()->resizeSection(kProgress, 220);
  for (int c : {kState, kElapsed, kRun, kCancel}) tree_->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
  log_->setReadOnly(true);
  log_->setMaximumBlockCount(500);
  log_->setPlaceholderText(tr("Select a job to see its log."));

  auto* newRun = new QPushButton(tr("New Run..."));
  newRun->setToolTip(tr("Calibrate, quantize, evaluate and export in the background"));
  connect(newRun, &QPushButton::clicked, this, &RunsPanel::newRunRequested);

  auto* split = new QSplitter(Qt::Horizontal);
  split->addWidget(tree_);
  split->addWidget(log_);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 2);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->addWidget(split, 1);
  layout->addWidget(newRun, 0, Qt::AlignLeft);

  connect(manager_, &RunManager::entryAdded, this, &RunsPanel::addEntry);
  connect(manager_, &RunManager::entryChanged, this, &RunsPanel::updateEntry);
  connect(tree_, &QTreeWidget::currentItemChanged, this, &RunsPanel::showLog);
  connect(tree_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
    const JobEntry* e = manager_->entry(item->data(kTitle, kTicketRole).toInt());
    if (e && e->run && e->state != JobState::kFailed) emit runActivated(e->run, jobKind(e->config));
  });
  for (const auto& e : manager_->entries()) addEntry(e.ticket);
}

QTreeWidgetItem* RunsPanel::itemFor(int ticket) const {
  for (int i = 0; i < tree_->topLevelItemCount(); ++i) {
    QTreeWidgetItem* item = tree_->topLevelItem(i);
    if (item->data(kTitle, kTicketRole).toInt() == ticket) return item;
  }
  return nullptr;
}

void RunsPanel::addEntry(int ticket) {
  auto* item = new QTreeWidgetItem;
  item->setData(kTitle, kTicketRole, ticket);
  tree_->insertTopLevelItem(0, item);  // newest first
  auto* bar = new QProgressBar;
  bar->setRange(0, 1000);
  bar->setMaximumHeight(18);
  tree_->setItemWidget(item, kProgress, bar);
  auto* cancel = new QToolButton;
  cancel->setText(tr("Cancel"));
  cancel->setToolTip(tr("Stop this job; what it has stored so far is kept"));
  connect(cancel, &QToolButton::clicked, this, [this, ticket] { manager_->cancel(ticket); });
  tree_->setItemWidget(item, kCancel, cancel);
  tree_->setCurrentItem(item);
  updateEntry(ticket);
}

void RunsPanel::updateEntry(int ticket) {
  const JobEntry* e = manager_->entry(ticket);
  QTreeWidgetItem* item = itemFor(ticket);
  if (!e || !item) return;
  item->setText(kTitle, e->title);
  item->setToolTip(kTitle, e->title);
  item->setText(kState, jobStateName(e->state));
  item->setToolTip(kState, e->error);
  item->setText(kElapsed, e->state == JobState::kQueued ? QString() : formatDuration(e->elapsedMs));
  item->setText(kRun, e->run ? QString::number(e->run) : QString());
  static const QMap<JobState, RunStatus> status{{JobState::kQueued, RunStatus::kQueued},
                                               {JobState::kRunning, RunStatus::kRunning},
                                               {JobState::kSucceeded, RunStatus::kSucceeded},
                                               {JobState::kFailed, RunStatus::kFailed},
                                               {JobState::kCancelled, RunStatus::kCancelled}};
  item->setIcon(kState, runStatusIcon(status.value(e->state)));
  if (auto* bar = qobject_cast<QProgressBar*>(tree_->itemWidget(item, kProgress))) {
    bar->setValue(static_cast<int>(1000 * e->fraction));
    bar->setFormat(e->state == JobState::kRunning && !e->message.isEmpty() ? e->message + QStringLiteral("  %p%")
                                                                           : QStringLiteral("%p%"));
  }
  if (auto* cancel = tree_->itemWidget(item, kCancel)) cancel->setEnabled(!e->finished() && !e->cancelRequested);
  if (tree_->currentItem() == item) showLog();
}

QString RunsPanel::logText() const { return log_->toPlainText(); }

void RunsPanel::showLog() {
  QTreeWidgetItem* item = tree_->currentItem();
  const JobEntry* e = item ? manager_->entry(item->data(kTitle, kTicketRole).toInt()) : nullptr;
  const QString text = e ? e->log.join(QLatin1Char('\n')) : QString();
  if (text == log_->toPlainText()) return;
  log_->setPlainText(text);
  log_->verticalScrollBar()->setValue(log_->verticalScrollBar()->maximum());  // the tail
}

}  // namespace qwb::ui
