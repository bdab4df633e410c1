#include "qwb/ui/tensors_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>
#include <QtCharts/QAreaSeries>
#include <QtCharts/QChartView>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QValueAxis>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <map>

#include "qwb/jobs.h"
#include "qwb/ui/charts.h"
#include "qwb/ui/format.h"

namespace qwb::ui {

// One listed tensor: the summary columns of its statistics and the spec its threshold row names.
struct TensorsView::Entry {
  std::string name;
  bool is_weight = false;
  Shape shape;
  int64_t count = 0;
  double min = 0, max = 0;
  QuantSpec spec;
  bool spec_known = false;  // from the tensor's threshold row (else the run's default for its role)
};

struct TensorsView::RunContents {
  std::vector<Entry> entries;
  CalibOptions calib;       // the run's calibrator options (percentile, entropy guard, ...)
  std::string error;
};

struct TensorsView::Detail {
  std::string name;
  std::string error;
  Entry entry;
  TensorStats stats;
  HistogramBars bars;
  QList<MethodRow> rows;
};

namespace {

constexpr CalibMethod kMethods[] = {CalibMethod::kMinMax, CalibMethod::kPercentile, CalibMethod::kEntropy, CalibMethod::kMse};

enum ListColumn { kName, kKind, kFormat, kCalibration, kShape, kMin, kMax, kListColumns };
enum TableColumn { kMethod, kLo, kHi, kScale, kZeroPoint, kMse, kSqnr, kTableColumns };
constexpr int kNameRole = Qt::UserRole + 1, kWeightRole = Qt::UserRole + 2;

QColor methodColor(CalibMethod m) {
  switch (m) {
    case CalibMethod::kMinMax: return QColor(0xd6, 0x27, 0x28);
    case CalibMethod::kPercentile: return QColor(0xff, 0x7f, 0x0e);
    case CalibMethod::kEntropy: return QColor(0x2c, 0xa0, 0x2c);
    case CalibMethod::kMse: return QColor(0x94, 0x67, 0xbd);
  }
  return Qt::black;
}

QString number(double v) { return std::isfinite(v) ? QString::number(v, 'g', 6) : v > 0 ? QStringLiteral("∞") : QStringLiteral("–"); }

// Ticks at multiples of 1, 2 or 5 times a power of ten (QValueAxis spreads a fixed tick count
// over the range, which gives labels like -0.3, 2.0, 4.3), labels with as many decimals as the
// step needs.
void niceTicks(QValueAxis* axis, double lo, double hi, int target = 7) {
  const double span = hi - lo;
  if (!(span > 0) || !std::isfinite(span)) return;
  const double raw = span / target, mag = std::pow(10.0, std::floor(std::log10(raw))), f = raw / mag;
  const double step = mag * (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10);
  axis->setTickType(QValueAxis::TicksDynamic);
  // Anchored a hair above 0: ticks computed as anchor + k step land at -1e-17 and print "-0.00".
  axis->setTickAnchor(step * 1e-9);
  axis->setTickInterval(step);
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  axis->setLabelFormat(QStringLiteral("%.") + QString::number(decimals) + QStringLiteral("f"));
}

Qt::PenStyle methodStyle(CalibMethod m) {
  switch (m) {
    case CalibMethod::kMinMax: return Qt::DashDotLine;
    case CalibMethod::kPercentile: return Qt::DashLine;
    case CalibMethod::kEntropy: return Qt::DashDotDotLine;
    case CalibMethod::kMse: return Qt::DotLine;
  }
  return Qt::DashLine;
}

void replaceChart(QChartView* view, QChart* chart) {
  QChart* old = view->chart();
  view->setChart(chart);
  delete old;
}

// A chart view whose double-click undoes the rubber-band zoom.
class ZoomChartView : public QChartView {
 public:
  using QChartView::QChartView;

 protected:
  void mouseDoubleClickEvent(QMouseEvent* e) override {
    if (chart()) chart()->zoomReset();
    e->accept();
  }
};

// Name filter (any part of the name) and kind filter (all / activations / weights).
class TensorFilter : public QSortFilterProxyModel {
 public:
  using QSortFilterProxyModel::QSortFilterProxyModel;
  void set(const QString& text, int kind) {
    text_ = text;
    kind_ = kind;
    invalidateFilter();
  }

 protected:
  bool filterAcceptsRow(int row, const QModelIndex& parent) const override {
    const QModelIndex i = sourceModel()->index(row, kName, parent);
    const bool weight = i.data(kWeightRole).toBool();
    if ((kind_ == 1 && weight) || (kind_ == 2 && !weight)) return false;
    return text_.isEmpty() || i.data(kNameRole).toString().contains(text_, Qt::CaseInsensitive);
  }

 private:
  QString text_;
  int kind_ = 0;
};

// The run's quantize config (an autoquant run keeps it under "base"); defaults if unreadable.
QuantizeConfig runConfig(const nlohmann::json& config) {
  for (const nlohmann::json* j : {&config, config.contains("base") ? &config["base"] : nullptr}) {
    if (j == nullptr || !j->is_object()) continue;
    try {
      if (auto c = quantize_config_from_json(*j)) return *c;
    } catch (const nlohmann::json::exception&) {
    }
  }
  return {};
}

TensorsView::RunContents loadRun(const std::shared_ptr<Project>& project, int64_t run) {
  TensorsView::RunContents out;
  auto record = project->get_run(run);
  if (!record) {
    out.error = record.status().message();
    return out;
  }
  const QuantizeConfig config = runConfig(record->config);
  out.calib = config.method;
  auto names = project->statistics_tensors(run);
  if (!names) {
    out.error = names.status().message();
    return out;
  }
  auto thresholds = project->thresholds(run);
  if (!thresholds) {
    out.error = thresholds.status().message();
    return out;
  }
  // A tensor's spec from its threshold row; the run's calibrator's row wins if several exist.
  std::map<std::string, ThresholdRecord> rows;
  const std::string method = calib_method_name(config.method.method);
  for (const ThresholdRecord& t : *thresholds) {
    auto [it, added] = rows.emplace(t.tensor, t);
    if (!added && t.method == method) it->second = t;
  }
  for (const std::string& name : *names) {
    auto s = project->tensor_statistics(run, name);
    if (!s) {
      out.error = s.status().message();
      return out;
    }
    TensorsView::Entry e;
    e.name = name;
    e.is_weight = s->is_weight;
    e.shape = s->shape;
    e.count = s->count;
    e.min = s->min;
    e.max = s->max;
    auto row = rows.find(name);
    std::optional<QuantSpec> spec;
    if (row != rows.end()) spec = specFromDescription(row->second.dtype, row->second.spec);
    e.spec_known = spec.has_value();
    e.spec = spec ? *spec : e.is_weight ? config.quant.weights : config.quant.activations;
    out.entries.push_back(std::move(e));
  }
  return out;
}

// Statistics and the four calibrations of one tensor (the slow part: Entropy and MSE search
// thousands of candidate thresholds over the 2048-bin histogram).
std::shared_ptr<const TensorsView::Detail> loadDetail(const std::shared_ptr<Project>& project, int64_t run,
                                                     const TensorsView::Entry& entry, CalibOptions calib) {
  auto d = std::make_shared<TensorsView::Detail>();
  d->name = entry.name;
  d->entry = entry;
  auto s = project->tensor_statistics(run, entry.name);
  if (!s) {
    d->error = s.status().message();
    return d;
  }
  d->stats = std::move(*s);
  const Histogram& h = d->stats.hist;
  d->bars = displayBars(h.signed_bins(), h.range());
  if (d->stats.count == 0) return d;
  const QuantSpec& spec = entry.spec;
  const std::vector<double>& bins = h.signed_bins();
  const double width = bins.empty() ? 0 : 2 * h.range() / static_cast<double>(bins.size());
  // Weights are always quantized from their data range (per channel when the spec says so);
  // the run's calibrator picks the activations' ranges.
  const CalibMethod used = entry.is_weight ? CalibMethod::kMinMax : calib.method;
  for (CalibMethod m : kMethods) {
    CalibOptions o = calib;
    o.method = m;
    const Range r = calibrate_range(d->stats, spec, o);
    TensorsView::MethodRow row;
    row.method = m;
    row.lo = r.lo;
    row.hi = r.hi;
    row.used = m == used;
    if (spec.is_integer() || spec.is_float8()) {
      const ScaleZp p = scale_zero_point(r.lo, r.hi, spec);
      row.scale = p.scale;
      row.zero_point = p.zero_point;
    }
    if (spec.is_integer()) row.error = expectedError(bins, -h.range(), width, row.scale, row.zero_point, int_range(spec));
    d->rows << row;
  }
  return d;
}

}  // namespace

TensorsView::TensorsView(QWidget* parent)
    : QWidget(parent),
      filter_(new QLineEdit),
      kind_(new QComboBox),
      list_(new QStandardItemModel(this)),
      proxy_(new TensorFilter(this)),
      listView_(new QTableView),
      info_(new QLabel),
      log_(new QCheckBox(tr("Logarithmic counts"))),
      histogramView_(new ZoomChartView),
      table_(new QStandardItemModel(this)),
      tableView_(new QTableView),
      channelView_(new ZoomChartView) {
  filter_->setPlaceholderText(tr("Filter tensors by name"));
  filter_->setClearButtonEnabled(true);
  kind_->addItem(tr("All tensors"));
  kind_->addItem(tr("Activations"));
  kind_->addItem(tr("Weights"));
  list_->setHorizontalHeaderLabels({tr("Tensor"), tr("Kind"), tr("Format"), tr("Calibration"), tr("Shape"), tr("Min"), tr("Max")});
  proxy_->setSourceModel(list_);
  proxy_->setSortRole(Qt::DisplayRole);
  listView_->setModel(proxy_);
  listView_->setSelectionBehavior(QAbstractItemView::SelectRows);
  listView_->setSelectionMode(QAbstractItemView::SingleSelection);
  listView_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  listView_->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);  // stored order until the user sorts
  listView_->setSortingEnabled(true);
  listView_->verticalHeader()->hide();
  listView_->horizontalHeader()->setStretchLastSection(true);
  listView_->setWordWrap(false);
  listView_->setTextElideMode(Qt::ElideLeft);  // the tails of long ONNX paths are what differ

  table_->setHorizontalHeaderLabels(
      {tr("Method"), tr("Low"), tr("High"), tr("Scale"), tr("Zero point"), tr("Expected MSE"), tr("Expected SQNR (dB)")});
  tableView_->setModel(table_);
  tableView_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  tableView_->setSelectionMode(QAbstractItemView::NoSelection);
  tableView_->verticalHeader()->hide();
  tableView_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  tableView_->horizontalHeader()->setStretchLastSection(true);
  tableView_->setToolTip(tr("Expected error: every value of a histogram bin taken at the bin centre, quantized with "
                            "round half to even, clamped to the integer range and dequantized"));

  info_->setWordWrap(true);
  info_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  for (QChartView* v : {histogramView_, channelView_}) {
    v->setRenderHint(QPainter::Antialiasing);
    v->setRubberBand(QChartView::RectangleRubberBand);
    v->setToolTip(tr("Drag to zoom, right-click to zoom out, double-click to reset"));
  }
  auto* reset = new QPushButton(tr("Reset zoom"));

  auto* left = new QWidget;
  auto* leftLayout = new QVBoxLayout(left);
  leftLayout->setContentsMargins(0, 0, 0, 0);
  auto* filterRow = new QHBoxLayout;
  filterRow->addWidget(filter_, 1);
  filterRow->addWidget(kind_);
  leftLayout->addLayout(filterRow);
  leftLayout->addWidget(listView_);

  auto* right = new QWidget;
  auto* rightLayout = new QVBoxLayout(right);
  rightLayout->setContentsMargins(0, 0, 0, 0);
  auto* tools = new QHBoxLayout;
  tools->addWidget(log_);
  tools->addWidget(reset);
  tools->addStretch();
  rightLayout->addWidget(info_);
  rightLayout->addLayout(tools);
  rightLayout->addWidget(histogramView_, 3);
  rightLayout->addWidget(tableView_);
  rightLayout->addWidget(channelView_, 2);

  auto* splitter = new QSplitter(Qt::Horizontal);
  splitter->addWidget(left);
  splitter->addWidget(right);
  splitter->setStretchFactor(0, 2);
  splitter->setStretchFactor(1, 5);
  splitter->setSizes({450, 830});
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(splitter);

  auto refilter = [this] { static_cast<TensorFilter*>(proxy_)->set(filter_->text(), kind_->currentIndex()); };
  connect(filter_, &QLineEdit::textChanged, this, refilter);
  connect(kind_, &QComboBox::currentIndexChanged, this, refilter);
  connect(listView_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] { onCurrentChanged(); });
  log_->setChecked(true);  // the tails, where the thresholds sit, are invisible on a linear axis
  connect(log_, &QCheckBox::toggled, this, [this] { rebuildHistogram(); });
  connect(reset, &QPushButton::clicked, this, &TensorsView::resetZoom);
  clearDetail(tr("No run loaded."));
}

TensorsView::~TensorsView() = default;

void TensorsView::setRun(std::shared_ptr<Project> project, qint64 run) {
  project_ = std::move(project);
  run_ = run;
  const quint64 generation = ++run_generation_;
  ++detail_generation_;  // a tensor of the previous run still loading is dropped
  contents_.reset();
  current_.clear();
  list_->removeRows(0, list_->rowCount());
  if (!project_) {
    clearDetail(tr("No run loaded."));
    return;
  }
  clearDetail(tr("Loading the tensors of run %1…").arg(run));
  auto* watcher = new QFutureWatcher<RunContents>(this);
  connect(watcher, &QFutureWatcher<RunContents>::finished, this, [this, watcher, generation] {
    watcher->deleteLater();
    if (generation == run_generation_) onRunLoaded(watcher->result());
  });
  watcher->setFuture(QtConcurrent::run([project = project_, run] { return loadRun(project, run); }));
}

void TensorsView::onRunLoaded(const RunContents& contents) {
  contents_ = std::make_shared<const RunContents>(contents);
  if (!contents.error.empty()) {
    clearDetail(tr("The tensors of run %1 cannot be read: %2").arg(run_).arg(QString::fromStdString(contents.error)));
    emit runLoaded();
    return;
  }
  const QString method = QString::fromLatin1(calib_method_name(contents.calib.method));
  used_ = method;
  for (const Entry& e : contents.entries) {
    const QString name = QString::fromStdString(e.name);
    auto* item = new QStandardItem(name);
    item->setData(name, kNameRole);
    item->setData(e.is_weight, kWeightRole);
    item->setToolTip(name);
    QString spec = specDescription(e.spec.describe());
    if (!e.spec_known) spec = tr("%1 (run default)").arg(spec);
    auto* mn = new QStandardItem;
    mn->setData(e.min, Qt::DisplayRole);
    auto* mx = new QStandardItem;
    mx->setData(e.max, Qt::DisplayRole);
    list_->appendRow({item, new QStandardItem(e.is_weight ? tr("weight") : tr("activation")), new QStandardItem(spec),
                      new QStandardItem(e.is_weight ? tr("min/max (weights)") : method),
                      new QStandardItem(QString::fromStdString(shape_str(e.shape))), mn, mx});
  }
  listView_->resizeColumnsToContents();
  listView_->setColumnWidth(kName, std::min(listView_->columnWidth(kName), 230));
  clearDetail(contents.entries.empty() ? tr("Run %1 has no tensor statistics (only quantize runs collect them).").arg(run_)
                                       : tr("Select a tensor to see its histogram and the thresholds of every calibrator."));
  emit runLoaded();
  const QString pending = pending_;
  pending_.clear();
  if (!pending.isEmpty()) selectTensor(pending);
}

bool TensorsView::selectTensor(const QString& name) {
  if (project_ && !contents_) {  // still loading: select when the list is there
    pending_ = name;
    return true;
  }
  const QList<QStandardItem*> found = list_->findItems(name, Qt::MatchExactly, kName);
  if (found.isEmpty()) return false;
  QModelIndex index = proxy_->mapFromSource(found.front()->index());
  if (!index.isValid()) {  // hidden by the filter
    filter_->clear();
    kind_->setCurrentIndex(0);
    index = proxy_->mapFromSource(found.front()->index());
  }
  listView_->setCurrentIndex(index);
  listView_->scrollTo(index);
  return true;
}

void TensorsView::setFilter(const QString& text) { filter_->setText(text); }

QStringList TensorsView::tensorNames() const {
  QStringList names;
  for (int r = 0; r < list_->rowCount(); ++r) names << list_->item(r, kName)->text();
  return names;
}

QString TensorsView::message() const { return info_->text(); }

bool TensorsView::logScale() const { return log_->isChecked(); }
void TensorsView::setLogScale(bool on) { log_->setChecked(on); }

void TensorsView::resetZoom() {
  for (QChartView* v : {histogramView_, channelView_})
    if (v->chart()) v->chart()->zoomReset();
}

void TensorsView::onCurrentChanged() {
  const QModelIndex index = listView_->currentIndex();
  if (!index.isValid() || !contents_) return;
  const QString name = proxy_->index(index.row(), kName).data(kNameRole).toString();
  if (name == current_) return;
  current_ = name;
  emit tensorSelected(name);
  const std::string key = name.toStdString();
  auto it = std::find_if(contents_->entries.begin(), contents_->entries.end(), [&](const Entry& e) { return e.name == key; });
  if (it == contents_->entries.end()) return;
  const quint64 generation = ++detail_generation_;
  info_->setText(tr("Calibrating %1…").arg(name));
  using Result = std::shared_ptr<const Detail>;
  auto* watcher = new QFutureWatcher<Result>(this);
  connect(watcher, &QFutureWatcher<Result>::finished, this, [this, watcher, generation] {
    watcher->deleteLater();
    if (generation == detail_generation_) showDetail(watcher->result());
  });
  watcher->setFuture(QtConcurrent::run(
      [project = project_, run = run_, entry = *it, calib = contents_->calib] { return loadDetail(project, run, entry, calib); }));
}

void TensorsView::clearDetail(const QString& text) {
  detail_.reset();
  bars_ = {};
  hist_total_ = 0;
  rows_.clear();
  info_->setText(text);
  fillTable();
  rebuildHistogram();
  rebuildChannels();
}

void TensorsView::showDetail(std::shared_ptr<const Detail> detail) {
  const Detail& d = *detail;
  const QString name = QString::fromStdString(d.name);
  if (!d.error.empty()) {
    clearDetail(tr("The statistics of %1 cannot be read: %2").arg(name, QString::fromStdString(d.error)));
    emit tensorShown(name);
    return;
  }
  detail_ = std::move(detail);
  bars_ = d.bars;
  hist_total_ = d.stats.hist.total();
  rows_ = d.rows;
  const TensorStats& s = d.stats;
  QString text = tr("<b>%1</b> — %2 %3, %4 values, min %5, max %6, mean %7, std %8. Format: %9.")
                     .arg(name.toHtmlEscaped(), d.entry.is_weight ? tr("weight") : tr("activation"),
                          QString::fromStdString(shape_str(s.shape)))
                     .arg(formatInteger(s.count))
                     .arg(number(s.min), number(s.max), number(s.mean()), number(s.stddev()),
                          specDescription(d.entry.spec.describe()));
  if (s.nonfinite > 0) text += QLatin1Char(' ') + tr("%n NaN/Inf value(s) were not binned.", nullptr, static_cast<int>(s.nonfinite));
  if (d.entry.is_weight && d.entry.spec.granularity != Granularity::kTensor) {
    text += QLatin1Char(' ') + tr("The thresholds and errors below treat the whole tensor with one scale; the run used one "
                                  "scale per channel (ranges in the lower chart).");
  }
  if (s.count == 0) text += QLatin1Char(' ') + tr("No values were recorded for this tensor.");
  info_->setText(text);
  fillTable();
  rebuildHistogram();
  rebuildChannels();
  emit tensorShown(name);
}

static QString methodLabel(CalibMethod m, const CalibOptions& o) {
  switch (m) {
    case CalibMethod::kMinMax: return TensorsView::tr("MinMax");
    case CalibMethod::kPercentile: return TensorsView::tr("Percentile %1%").arg(QLocale().toString(o.percentile, 'g', 6));
    case CalibMethod::kEntropy: return TensorsView::tr("Entropy (KL)");
    case CalibMethod::kMse: return TensorsView::tr("MSE");
  }
  return {};
}

void TensorsView::fillTable() {
  table_->removeRows(0, table_->rowCount());
  const CalibOptions calib = contents_ ? contents_->calib : CalibOptions{};
  for (const MethodRow& r : rows_) {
    QString label = methodLabel(r.method, calib);
    if (r.used) label = tr("%1 (used by the run)").arg(label);
    QList<QStandardItem*> items{new QStandardItem(label), new QStandardItem(number(r.lo)), new QStandardItem(number(r.hi)),
                                new QStandardItem(number(r.scale)),
                                new QStandardItem(std::isnan(r.scale) ? QStringLiteral("–") : QString::number(r.zero_point)),
                                new QStandardItem(number(r.error.mse)), new QStandardItem(number(r.error.sqnr_db))};
    items[0]->setForeground(methodColor(r.method).darker(130));
    for (int c = kLo; c < kTableColumns; ++c) items[c]->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    if (r.used) {
      for (QStandardItem* i : items) {
        QFont f = i->font();
        f.setBold(true);
        i->setFont(f);
      }
    }
    table_->appendRow(items);
  }
  // Exactly as tall as its rows: the charts get the rest.
  const int rows = std::max(4, table_->rowCount());
  tableView_->setFixedHeight(tableView_->horizontalHeader()->sizeHint().height() +
                             rows * tableView_->verticalHeader()->defaultSectionSize() + 2 * tableView_->frameWidth());
}

QMap<QString, QPair<double, double>> TensorsView::thresholdLines() const {
  QMap<QString, QPair<double, double>> out;
  for (auto it = lines_.begin(); it != lines_.end(); ++it) {
    const auto lo = it.value().first->points(), hi = it.value().second->points();
    if (!lo.isEmpty() && !hi.isEmpty()) out[it.key()] = {lo.front().x(), hi.front().x()};
  }
  return out;
}

void TensorsView::rebuildHistogram() {
  lines_.clear();
  const bool log = log_->isChecked();
  auto* chart = newChart(current_.isEmpty() ? tr("Histogram") : tr("Histogram of %1").arg(current_));
  QAbstractAxis* ay = nullptr;
  double base = 0, top = 1;
  double maxCount = 0;
  for (double c : bars_.counts) maxCount = std::max(maxCount, c);
  if (log) {
    // Empty bars sit on the floor of the log axis (counts are whole numbers, so 0.5 is below 1).
    base = 0.5;
    top = std::max(2.0, maxCount * 2);
    auto* a = new QLogValueAxis;
    a->setBase(10);
    a->setLabelFormat(QStringLiteral("%g"));
    a->setRange(base, top);
    a->setMinorTickCount(-1);
    ay = a;
  } else {
    top = maxCount > 0 ? maxCount * 1.08 : 1;
    auto* a = new QValueAxis;
    a->setRange(0, top);
    niceTicks(a, 0, top, 5);
    ay = a;
  }
  ay->setTitleText(tr("count"));
  auto* ax = new QValueAxis;
  ax->setTitleText(tr("value"));
  chart->addAxis(ax, Qt::AlignBottom);
  chart->addAxis(ay, Qt::AlignLeft);

  double xlo = INFINITY, xhi = -INFINITY;
  if (!bars_.counts.empty()) {
    // Bars drawn as one stepped outline filled down to the floor.
    auto* upper = new QLineSeries;
    auto* lower = new QLineSeries;
    for (size_t i = 0; i < bars_.counts.size(); ++i) {
      const double c = std::max(base, bars_.counts[i]);
      upper->append(bars_.edges[i], c);
      upper->append(bars_.edges[i + 1], c);
    }
    lower->append(bars_.edges.front(), base);
    lower->append(bars_.edges.back(), base);
    auto* area = new QAreaSeries(upper, lower);
    area->setName(bars_.merged > 1 ? tr("values (%n bars, %1 stored bins each)", nullptr, static_cast<int>(bars_.counts.size())).arg(bars_.merged)
                                   : tr("values (%n stored bins)", nullptr, static_cast<int>(bars_.counts.size())));
    area->setColor(QColor(70, 130, 180, 170));
    area->setBorderColor(QColor(40, 80, 130));
    chart->addSeries(area);
    area->attachAxis(ax);
    area->attachAxis(ay);
    xlo = bars_.edges.front();
    xhi = bars_.edges.back();
  }
  const CalibOptions calib = contents_ ? contents_->calib : CalibOptions{};
  // Unused methods first, so the run's own line is drawn on top where lines coincide.
  QList<MethodRow> order = rows_;
  std::stable_sort(order.begin(), order.end(), [](const MethodRow& a, const MethodRow& b) { return a.used < b.used; });
  for (const MethodRow& r : order) {
    QString name = methodLabel(r.method, calib);
    if (r.used) name = tr("%1 (used by the run)").arg(name);
    QLineSeries* pair[2];
    for (int k = 0; k < 2; ++k) {
      const double x = k == 0 ? r.lo : r.hi;
      auto* line = new QLineSeries;
      line->setName(name);
      line->append(x, base);
      line->append(x, top);
      QPen pen(methodColor(r.method));
      pen.setWidthF(r.used ? 3.0 : 2.0);
      pen.setStyle(r.used ? Qt::SolidLine : methodStyle(r.method));
      line->setPen(pen);
      chart->addSeries(line);
      line->attachAxis(ax);
      line->attachAxis(ay);
      // One legend entry per method.
      if (k == 1)
        for (QLegendMarker* m : chart->legend()->markers(line)) m->setVisible(false);
      pair[k] = line;
      xlo = std::min(xlo, x);
      xhi = std::max(xhi, x);
    }
    lines_[QString::fromLatin1(calib_method_name(r.method))] = {pair[0], pair[1]};
  }
  if (std::isfinite(xlo) && xhi > xlo) {
    const double pad = 0.03 * (xhi - xlo);
    ax->setRange(xlo - pad, xhi + pad);
    niceTicks(ax, xlo - pad, xhi + pad);
  } else {
    ax->setRange(-1, 1);  // nothing to show: a valid empty axis
  }
  chart->legend()->setAlignment(Qt::AlignBottom);
  chart->legend()->setVisible(!bars_.counts.empty());
  replaceChart(histogramView_, chart);
}

void TensorsView::rebuildChannels() {
  channel_points_ = 0;
  const TensorStats* s = detail_ ? &detail_->stats : nullptr;
  const bool show = s && !s->channel_min.empty() && s->channel_min.size() == s->channel_max.size();
  channelView_->setVisible(show);
  if (!show) {
    replaceChart(channelView_, newChart(QString()));
    return;
  }
  auto* chart = newChart(tr("Range of each output channel (axis %1, %n channel(s))", nullptr, static_cast<int>(s->channel_min.size()))
                             .arg(s->channel_axis));
  auto* mx = new QLineSeries;
  mx->setName(tr("max"));
  auto* mn = new QLineSeries;
  mn->setName(tr("min"));
  double lo = 0, hi = 0;
  for (size_t c = 0; c < s->channel_min.size(); ++c) {
    mx->append(static_cast<double>(c), s->channel_max[c]);
    mn->append(static_cast<double>(c), s->channel_min[c]);
    lo = std::min(lo, static_cast<double>(s->channel_min[c]));
    hi = std::max(hi, static_cast<double>(s->channel_max[c]));
  }
  channel_points_ = static_cast<int>(s->channel_min.size());
  // The band between min and max, plus both edges as lines with their own legend entries.
  auto* bandMax = new QLineSeries;
  auto* bandMin = new QLineSeries;
  bandMax->append(mx->points());
  bandMin->append(mn->points());
  auto* band = new QAreaSeries(bandMax, bandMin);
  band->setColor(QColor(70, 130, 180, 60));
  band->setBorderColor(Qt::transparent);
  mx->setPen(QPen(QColor(0xd6, 0x27, 0x28), 1.5));
  mn->setPen(QPen(QColor(0x1f, 0x77, 0xb4), 1.5));
  const bool fewPoints = channel_points_ <= 64;
  mx->setPointsVisible(fewPoints);
  mn->setPointsVisible(fewPoints);
  auto* ax = new QValueAxis;
  ax->setTitleText(tr("output channel"));
  ax->setLabelFormat(QStringLiteral("%d"));
  ax->setRange(-0.5, std::max(0.5, channel_points_ - 0.5));
  ax->setTickType(QValueAxis::TicksDynamic);
  ax->setTickAnchor(0);
  ax->setTickInterval(std::max(1.0, std::ceil(channel_points_ / 16.0)));
  auto* ay = new QValueAxis;
  ay->setTitleText(tr("value"));
  const double pad = 0.05 * std::max(1e-12, hi - lo);
  ay->setRange(lo - pad, hi + pad);
  niceTicks(ay, lo - pad, hi + pad, 4);
  chart->addAxis(ax, Qt::AlignBottom);
  chart->addAxis(ay, Qt::AlignLeft);
  for (QAbstractSeries* series : {static_cast<QAbstractSeries*>(band), static_cast<QAbstractSeries*>(mx), static_cast<QAbstractSeries*>(mn)}) {
    chart->addSeries(series);
    series->attachAxis(ax);
    series->attachAxis(ay);
  }
  for (QLegendMarker* m : chart->legend()->markers(band)) m->setVisible(false);
  chart->legend()->setAlignment(Qt::AlignBottom);
  replaceChart(channelView_, chart);
}

}  // namespace qwb::ui
