#include "qwb/ui/compare_view.h"

#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QListWidget>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QHorizontalBarSeries>
#include <QtCharts/QBarSet>
#include <QtCharts/QChartView>
#include <QtCharts/QValueAxis>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>

#include "qwb/jobs.h"
#include "qwb/store.h"
#include "qwb/ui/compare_confusion_matrix.h"
#include "qwb/ui/charts.h"
#include "qwb/ui/data_sample_grid.h"
#include "qwb/ui/format.h"

namespace qwb::ui {

namespace {

using json = nlohmann::json;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr int kIconPixels = 84;  // 28x28 samples scaled 3x, pixels kept sharp
const QStringList kMetricKeys = {QStringLiteral("top1"),     QStringLiteral("top5"),      QStringLiteral("macro_f1"),
                                 QStringLiteral("ece"),      QStringLiteral("agreement"), QStringLiteral("output_sqnr_db")};

// A number from a document: null / missing (not measured) is NaN; "inf" strings are infinities.
double number(const json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) return j.get<std::string>() == "-inf" ? -INFINITY : INFINITY;
  return kNaN;
}

double field(const json& j, const char* key) { return j.is_object() && j.contains(key) ? number(j[key]) : kNaN; }

// Class names by label, as the dataset names them (read from its first sample); none when the
// data cannot be read here.
QStringList datasetClassNames(const std::string& spec) {
  DatasetOptions one;
  one.limit = 1;
  QStringList names;
  if (auto ds = load_dataset(spec, one)) {
    for (const auto& n : ds->class_names()) names << QString::fromStdString(n);
  }
  return names;
}

// Paths in a project are as the job was given them (often relative to where it ran): try them as
// they are, then next to the project file.
QString resolvePath(const std::string& stored, const std::string& project_path) {
  if (stored.empty()) return {};
  const QString p = QString::fromStdString(stored);
  if (QFileInfo::exists(p)) return QFileInfo(p).absoluteFilePath();
  if (QFileInfo(p).isRelative()) {
    const QString near = QFileInfo(QString::fromStdString(project_path)).absoluteDir().filePath(p);
    if (QFileInfo::exists(near)) return near;
  }
  return {};
}

QString percent(double v) { return std::isfinite(v) ? QStringLiteral("%1 %").arg(QLocale().toString(100.0 * v, 'f', 2)) : QString(); }

// Draws the SQNR column as a bar behind the number (longer is better).
class BarDelegate final : public QStyledItemDelegate {
 public:
  using QStyledItemDelegate::QStyledItemDelegate;
  double max = 0;
  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override {
    const double v = index.data(Qt::UserRole).toDouble();
    if (max > 0 && std::isfinite(v) && v > 0) {
      QRect bar = option.rect.adjusted(2, 3, -2, -3);
      bar.setWidth(static_cast<int>(bar.width() * std::min(1.0, v / max)));
      painter->fillRect(bar, QColor(253, 174, 97, 170));
    }
    QStyledItemDelegate::paint(painter, option, index);
  }
};

}  // namespace

struct SideInfo {
  QString title;
  double top1 = kNaN, top5 = kNaN, macro_f1 = kNaN, ece = kNaN;
  QList<double> f1;
  QList<QList<qint64>> confusion;
  qint64 run = 0;
  std::string latency_metric;  // where a measured latency is stored on `run`
  double latency_ms = kNaN;
  QString model_path;  // what is benchmarked; empty when the file is not found
  QString model_note;  // why there is none
  qint64 bytes = -1;
};

struct CompareView::Data {
  QString error, summary;
  SideInfo side[2];
  double agreement = kNaN, sqnr = kNaN;
  QStringList class_names;
  struct Flip {
    qint64 index = 0, label = -1, a = 0, b = 0;
    double ca = kNaN, cb = kNaN;
  };
  QList<Flip> flips;
  qint64 flipped_total = 0;
  json eval_source;       // DataSource JSON of the data the flips index into; null: no gallery
  QString gallery_model;  // its preprocessing (for image folders) comes from this model
  QString gallery_note;
  struct Layer {
    QString name;
    double sqnr = kNaN, cosine = kNaN;
  };
  QList<Layer> layers;
  QString layers_note;
};

struct CompareView::Gallery {
  QList<QImage> images;
  QString error;
};

namespace {

void readMetrics(const json& m, SideInfo& s) {
  s.top1 = field(m, "top1");
  s.top5 = field(m, "top5");
  s.macro_f1 = field(m, "macro_f1");
  s.ece = field(m, "ece");
  for (const auto& c : m.value("per_class", json::array())) s.f1 << field(c, "f1");
  for (const auto& row : m.value("confusion", json::array())) {
    QList<qint64> r;
    for (const auto& v : row) r << v.get<qint64>();
    s.confusion << r;
  }
}

// The run's exported QDQ model (the quantized side's file) and its size.
void readArtifact(const Project& p, const RunRecord& run, SideInfo& s) {
  if (auto arts = p.artifacts(run.id)) {
    for (const auto& a : *arts) {
      const bool onnx = a.path.size() > 5 && a.path.compare(a.path.size() - 5, 5, ".onnx") == 0;
      if (a.kind != "qdq" && !onnx) continue;  // caches and reports are not runnable models
      s.bytes = a.bytes;
      s.model_path = resolvePath(a.path, p.path());
      if (s.model_path.isEmpty()) s.model_note = CompareView::tr("%1 not found").arg(QString::fromStdString(a.path));
      return;
    }
  }
  if (auto it = run.metrics.find("exported.bytes"); it != run.metrics.end()) s.bytes = static_cast<qint64>(it->second);
  s.model_note = CompareView::tr("run %1 exported no model").arg(run.id);
}

void readModel(const Project& p, const RunRecord& run, SideInfo& s) {
  auto m = p.get_model(run.model_id);
  if (!m) {
    s.model_note = CompareView::tr("run %1 names no model").arg(run.id);
    return;
  }
  s.model_path = resolvePath(m->path, p.path());
  if (s.model_path.isEmpty()) {
    s.model_note = CompareView::tr("%1 not found").arg(QString::fromStdString(m->path));
    return;
  }
  s.bytes = QFileInfo(s.model_path).size();
}

double metric(const RunRecord& r, const std::string& name) {
  const auto it = r.metrics.find(name);
  return it == r.metrics.end() ? kNaN : it->second;
}

// The comparison of a quantize run's report: flattened into the report today, or under
// "comparison" (as evaluate runs with a reference store it).
const json& comparisonOf(const json& doc) {
  return doc.contains("comparison") && doc["comparison"].is_object() ? doc["comparison"] : doc;
}

// One side of setRuns: an evaluate run's result, or a quantize run's quantized side.
Status readSide(const Project& p, const RunRecord& run, SideInfo& s) {
  auto doc = p.document(run.id, "report");
  if (!doc) return doc.status();
  s.run = run.id;
  s.title = CompareView::tr("run %1 (%2)").arg(run.id).arg(runKindName(run.kind));
  const json& cmp = comparisonOf(*doc);
  if (run.kind != "evaluate" && cmp.contains("quantized")) {
    readMetrics(cmp["quantized"], s);
    s.latency_metric = "latency.quantized_ms";
    readArtifact(p, run, s);
  } else if (doc->contains("top1")) {
    readMetrics(*doc, s);
    s.latency_metric = "latency.ms";
    readModel(p, run, s);
  } else {
    return invalid_argument("run " + std::to_string(run.id) + " (" + run.kind + ") has no classification metrics");
  }
  s.latency_ms = metric(run, s.latency_metric);
  return Status::ok();
}

json evalSource(const RunRecord& run) {
  const json& c = run.config;
  if (c.contains("eval") && c["eval"].is_object()) return c["eval"];
  if (c.contains("data") && c["data"].is_object()) return c["data"];  // evaluate runs
  return nullptr;
}

void readLayers(const Project& p, qint64 run, CompareView::Data& d) {
  auto rows = p.layer_results(run);
  if (!rows) {
    d.layers_note = QString::fromStdString(rows.status().message());
    return;
  }
  for (const auto& r : *rows) {
    const double s = field(r.values, "output_sqnr_db"), c = field(r.values, "output_cosine");
    if (std::isnan(s) && std::isnan(c)) continue;
    d.layers << CompareView::Data::Layer{QString::fromStdString(r.layer), s, c};
  }
}

// Everything the view shows from the project (small rows and documents; no model runs).
std::unique_ptr<CompareView::Data> readCompare(const Project& p, qint64 a, qint64 b, bool single) {
  auto d = std::make_unique<CompareView::Data>();
  try {
    auto ra = p.get_run(a);
    if (!ra) {
      d->error = QString::fromStdString(ra.status().message());
      return d;
    }
    std::string spec;
    if (single) {
      auto doc = p.document(a, "report");
      if (!doc) {
        d->error = CompareView::tr("Run %1 has no report: %2").arg(a).arg(QString::fromStdString(doc.status().message()));
        return d;
      }
      const json& cmp = comparisonOf(*doc);
      if (!cmp.contains("fp32") || !cmp.contains("quantized")) {
        d->error = CompareView::tr("Run %1 (%2) holds no FP32/quantized comparison with labels; "
                                   "it needs an evaluation on labelled data.")
                       .arg(a)
                       .arg(QString::fromStdString(ra->kind));
        return d;
      }
      SideInfo& sa = d->side[0];
      SideInfo& sb = d->side[1];
      sa.title = CompareView::tr("FP32");
      sb.title = CompareView::tr("Quantized");
      readMetrics(cmp["fp32"], sa);
      readMetrics(cmp["quantized"], sb);
      sa.run = sb.run = a;
      sa.latency_metric = "latency.fp32_ms";
      sb.latency_metric = "latency.quantized_ms";
      sa.latency_ms = metric(*ra, sa.latency_metric);
      sb.latency_ms = metric(*ra, sb.latency_metric);
      readModel(p, *ra, sa);
      readArtifact(p, *ra, sb);
      d->agreement = field(cmp, "agreement");
      d->sqnr = cmp.contains("output_error") ? field(cmp["output_error"], "sqnr_db") : kNaN;
      for (const auto& f : cmp.value("flipped", json::array())) {
        d->flips << CompareView::Data::Flip{f.value("index", qint64{0}), f.value("label", qint64{-1}),
                                            f.value("fp32", qint64{0}),  f.value("quantized", qint64{0}),
                                            field(f, "fp32_confidence"), field(f, "quantized_confidence")};
      }
      d->flipped_total = cmp.value("flipped_count", static_cast<qint64>(d->flips.size()));
      d->eval_source = evalSource(*ra);
      d->gallery_model = sa.model_path;
      if (d->eval_source.is_null()) d->gallery_note = CompareView::tr("The run names no evaluation data.");
      readLayers(p, a, *d);
      const QString samples = formatInteger(cmp.value("fp32", json::object()).value("samples", int64_t{0}));
      d->summary = CompareView::tr("Run %1 (%2): FP32 against quantized on %3 samples of %4.")
                       .arg(a)
                       .arg(QString::fromStdString(ra->kind), samples,
                            QString::fromStdString(d->eval_source.is_object() ? d->eval_source.value("spec", "") : ""));
    } else {
      auto rb = p.get_run(b);
      if (!rb) {
        d->error = QString::fromStdString(rb.status().message());
        return d;
      }
      for (const auto& [run, side] : {std::pair{&*ra, &d->side[0]}, std::pair{&*rb, &d->side[1]}}) {
        if (Status st = readSide(p, *run, *side); !st) {
          d->error = QString::fromStdString(st.message());
          return d;
        }
      }
      d->gallery_note = CompareView::tr("Flipped samples are recorded by a quantize run (FP32 against quantized), "
                                        "not between two separate runs.");
      d->eval_source = evalSource(*rb);
      readLayers(p, b, *d);
      if (d->layers.isEmpty()) readLayers(p, a, *d);
      d->summary = CompareView::tr("A: %1, B: %2.").arg(d->side[0].title, d->side[1].title);
      json sa = evalSource(*ra), sb = d->eval_source;
      if (sa.is_object() && sb.is_object() && (sa.value("spec", "") != sb.value("spec", "") ||
                                               sa.value("limit", int64_t{-1}) != sb.value("limit", int64_t{-1}))) {
        d->summary += QLatin1Char(' ') + CompareView::tr("The two runs were evaluated on different data.");
      }
      d->eval_source = nullptr;  // no gallery
    }
    if (d->layers.isEmpty() && d->layers_note.isEmpty()) {
      d->layers_note = CompareView::tr("Per-layer output error is not recorded for this run.");
    }
    const json src = single ? d->eval_source : evalSource(*ra);
    if (src.is_object()) spec = src.value("spec", "");
    if (!spec.empty()) d->class_names = datasetClassNames(spec);
  } catch (const std::exception& e) {
    // A hand-edited or damaged document: shown as text, the view stays usable.
    d = std::make_unique<CompareView::Data>();
    d->error = CompareView::tr("The run's documents are damaged: %1").arg(QString::fromUtf8(e.what()));
  }
  return d;
}


CompareView::Gallery loadGallery(const QString& model_path, const json& source, const QList<qint64>& indices) {
  CompareView::Gallery g;
  try {
    const DataSource src = data_source_from_json(source);
    Result<Dataset> ds = invalid_argument("no data");
    if (!model_path.isEmpty()) {
      if (auto m = Model::load(model_path.toStdString(), {.run_checker = false, .measure_shapes = false})) {
        ds = load_for_model(*m, src);
      }
    }
    if (!ds) {  // without the model: the data as stored (enough to look at)
      DatasetOptions opt;
      opt.limit = src.limit;
      ds = load_dataset(src.spec, opt);
    }
    if (!ds) {
      g.error = QString::fromStdString(ds.status().message());
      return g;
    }
    for (qint64 i : indices) {
      QImage img;
      if (i >= 0 && i < ds->size()) {
        if (auto t = ds->batch(i, i + 1); t) img = sampleToImage(t->data<float>(), ds->sample_shape(), ds->preprocess().layout);
      }
      g.images << img;
    }
  } catch (const std::exception& e) {
    g.error = QString::fromUtf8(e.what());
  }
  return g;
}

QTableWidget* newTable(int rows, const QStringList& columns) {
  auto* t = new QTableWidget(rows, static_cast<int>(columns.size()));
  t->setHorizontalHeaderLabels(columns);
  t->setEditTriggers(QAbstractItemView::NoEditTriggers);
  t->setSelectionMode(QAbstractItemView::NoSelection);
  t->setFocusPolicy(Qt::NoFocus);
  t->setWordWrap(false);
  t->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  t->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  return t;
}

// A table exactly as tall as its rows (no scroll bar in the metrics panel).
void fitHeight(QTableWidget* t) {
  int h = t->horizontalHeader()->height() + 2 * t->frameWidth();
  for (int r = 0; r < t->rowCount(); ++r) h += t->rowHeight(r);
  t->setFixedHeight(h);
}

QTableWidgetItem* cell(const QString& text, Qt::Alignment align = Qt::AlignRight | Qt::AlignVCenter) {
  auto* item = new QTableWidgetItem(text);
  item->setTextAlignment(align);
  return item;
}

QGroupBox* group(const QString& title, QWidget* content) {
  auto* box = new QGroupBox(title);
  auto* l = new QVBoxLayout(box);
  l->setContentsMargins(6, 6, 6, 6);
  l->addWidget(content);
  return box;
}

}  // namespace

CompareView::CompareView(QWidget* parent)
    : QWidget(parent),
      data_(std::make_unique<Data>()),
      summary_(new QLabel),
      metrics_(newTable(6, {tr("A"), tr("B"), tr("B − A")})),
      sizes_(newTable(2, {tr("A"), tr("B"), tr("B / A")})),
      measure_(new QPushButton(tr("Measure latency"))),
      busy_(new QProgressBar),
      latency_status_(new QLabel),
      f1_chart_(new QChartView),
      gallery_(new QListWidget),
      gallery_note_(new QLabel),
      layers_(newTable(0, {tr("Layer"), tr("Output SQNR (dB)"), tr("Output cosine")})),
      layers_note_(new QLabel) {
  summary_->setWordWrap(true);
  metrics_->setVerticalHeaderLabels({tr("Top-1"), tr("Top-5"), tr("Macro-F1"), tr("ECE (lower is better)"),
                                     tr("Agreement (A vs B)"), tr("Output SQNR (B vs A)")});
  sizes_->setVerticalHeaderLabels({tr("Size"), tr("Latency (median)")});
  sizes_->verticalHeaderItem(1)->setToolTip(tr("Median of 20 runs at batch 1 after 3 warm-up runs"));
  // One label width for both tables so their value columns line up.
  const int labels = std::max(metrics_->verticalHeader()->sizeHint().width(), sizes_->verticalHeader()->sizeHint().width());
  metrics_->verticalHeader()->setFixedWidth(labels);
  sizes_->verticalHeader()->setFixedWidth(labels);
  fitHeight(metrics_);
  fitHeight(sizes_);
  busy_->setRange(0, 0);  // indeterminate: run_bench reports no useful progress for 2 models
  busy_->setMaximumWidth(120);
  busy_->setTextVisible(false);
  busy_->hide();
  latency_status_->setWordWrap(true);
  connect(measure_, &QPushButton::clicked, this, &CompareView::measureLatency);

  auto* metricsPanel = new QWidget;
  auto* ml = new QVBoxLayout(metricsPanel);
  ml->setContentsMargins(0, 0, 0, 0);
  ml->addWidget(metrics_);
  ml->addWidget(sizes_);
  auto* bench = new QHBoxLayout;
  bench->addWidget(measure_);
  bench->addWidget(busy_);
  bench->addWidget(latency_status_, 1);
  ml->addLayout(bench);
  ml->addStretch();

  f1_chart_->setRenderHint(QPainter::Antialiasing);
  f1_chart_->setMinimumHeight(280);
  f1_chart_->setMaximumHeight(360);  // room for the matrices below on a laptop screen

  for (int i = 0; i < 3; ++i) {
    confusion_[i] = new ConfusionMatrixWidget;
    confusion_[i]->setEmptyText(tr("No confusion matrix"));
  }

  gallery_->setViewMode(QListView::IconMode);
  gallery_->setIconSize(QSize(kIconPixels, kIconPixels));
  gallery_->setGridSize(QSize(kIconPixels + 64, kIconPixels + 64));
  gallery_->setResizeMode(QListView::Adjust);
  gallery_->setMovement(QListView::Static);
  gallery_->setWordWrap(true);
  gallery_->setSelectionMode(QAbstractItemView::NoSelection);
  gallery_->setMinimumHeight(2 * (kIconPixels + 64) + 8);
  gallery_note_->setWordWrap(true);
  auto* galleryPanel = new QWidget;
  auto* gl = new QVBoxLayout(galleryPanel);
  gl->setContentsMargins(0, 0, 0, 0);
  gl->addWidget(gallery_note_);
  gl->addWidget(gallery_, 1);

  layers_->setSelectionBehavior(QAbstractItemView::SelectRows);
  layers_->setSelectionMode(QAbstractItemView::SingleSelection);
  layers_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
  layers_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
  layers_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
  layers_->verticalHeader()->hide();
  layers_->setItemDelegateForColumn(1, new BarDelegate(layers_));
  layers_note_->setWordWrap(true);
  connect(layers_, &QTableWidget::cellClicked, this, [this](int row, int) {
    if (QTableWidgetItem* item = layers_->item(row, 0)) emit layerSelected(item->data(Qt::UserRole).toString());
  });
  auto* layersPanel = new QWidget;
  auto* ll = new QVBoxLayout(layersPanel);
  ll->setContentsMargins(0, 0, 0, 0);
  ll->addWidget(layers_note_);
  ll->addWidget(layers_, 1);

  auto* content = new QWidget;
  auto* grid = new QGridLayout(content);
  grid->addWidget(summary_, 0, 0, 1, 3);
  // The metrics need more width than a third (two tables of four columns), the chart less.
  auto* top = new QHBoxLayout;
  top->addWidget(group(tr("Metrics, size and latency"), metricsPanel), 4);
  top->addWidget(group(tr("Per-class F1"), f1_chart_), 5);
  grid->addLayout(top, 1, 0, 1, 3);
  for (int i = 0; i < 3; ++i) grid->addWidget(confusion_[i], 2, i);
  grid->addWidget(group(tr("Flipped samples"), galleryPanel), 3, 0, 1, 2);
  grid->addWidget(group(tr("Per-layer error"), layersPanel), 3, 2);
  grid->setRowStretch(1, 0);
  grid->setRowStretch(2, 1);
  grid->setRowStretch(3, 1);
  for (int c = 0; c < 3; ++c) grid->setColumnStretch(c, 1);
  grid->setRowMinimumHeight(2, 330);

  auto* scroll = new QScrollArea;
  scroll->setWidget(content);
  scroll->setWidgetResizable(true);
  scroll->setFrameShape(QFrame::NoFrame);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(scroll);
  apply();
}

CompareView::~CompareView() = default;

void CompareView::setRun(std::shared_ptr<qwb::Project> project, qint64 run) { load(std::move(project), run, run, true); }

void CompareView::setRuns(std::shared_ptr<qwb::Project> project, qint64 a, qint64 b) {
  load(std::move(project), a, b, false);
}

void CompareView::load(std::shared_ptr<qwb::Project> project, qint64 a, qint64 b, bool single) {
  project_ = std::move(project);
  const int gen = ++generation_;
  loading_ = true;
  measuring_ = false;
  images_.clear();
  latency_status_->clear();
  data_ = std::make_unique<Data>();
  data_->summary = tr("Loading run %1 …").arg(a);
  apply();
  if (!project_) {
    data_->error = tr("No project.");
    loading_ = false;
    apply();
    emit loaded();
    return;
  }
  auto* watcher = new QFutureWatcher<std::shared_ptr<Data>>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, gen] {
    watcher->deleteLater();
    if (gen != generation_) return;
    data_ = std::make_unique<Data>(*watcher->result());
    loading_ = false;
    apply();
    emit loaded();
    startGallery();
  });
  std::shared_ptr<Project> p = project_;
  watcher->setFuture(QtConcurrent::run([p, a, b, single]() -> std::shared_ptr<Data> {
    return std::shared_ptr<Data>(readCompare(*p, a, b, single).release());
  }));
}

void CompareView::startGallery() {
  const int gen = generation_;
  if (data_->flips.isEmpty() || !data_->eval_source.is_object()) {
    emit galleryLoaded();
    return;
  }
  QList<qint64> indices;
  for (int i = 0; i < data_->flips.size() && i < kGalleryCap; ++i) indices << data_->flips[i].index;
  gallery_note_->setText(tr("Loading the evaluation data …"));
  auto* watcher = new QFutureWatcher<Gallery>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, gen] {
    watcher->deleteLater();
    if (gen != generation_) return;
    applyGallery(watcher->result());
    emit galleryLoaded();
  });
  watcher->setFuture(QtConcurrent::run(loadGallery, data_->gallery_model, data_->eval_source, indices));
}

void CompareView::apply() {
  summary_->setText(data_->error.isEmpty() ? data_->summary
                                           : QStringLiteral("<span style='color:#b2182b'>%1</span>")
                                                 .arg(data_->error.toHtmlEscaped()));
  showMetrics();
  showF1Chart();
  showConfusion();
  showLayers();
  showSizeLatency();
  gallery_->clear();
  const bool none = data_->flips.isEmpty();
  if (!data_->gallery_note.isEmpty()) {
    gallery_note_->setText(data_->gallery_note);
  } else if (loading_ || !data_->error.isEmpty()) {
    gallery_note_->clear();
  } else if (none) {
    gallery_note_->setText(tr("No sample changed its prediction."));
  }
}

void CompareView::showMetrics() {
  const SideInfo& a = data_->side[0];
  const SideInfo& b = data_->side[1];
  metrics_->clearSpans();
  metrics_->setHorizontalHeaderLabels({a.title.isEmpty() ? tr("A") : tr("A: %1").arg(a.title),
                                       b.title.isEmpty() ? tr("B") : tr("B: %1").arg(b.title), tr("B − A")});
  auto row = [this](int r, double va, double vb, bool pct) {
    const auto fmt = [pct](double v) { return pct ? percent(v) : std::isfinite(v) ? QLocale().toString(v, 'f', 4) : QString(); };
    const double d = vb - va;
    metrics_->setItem(r, 0, cell(fmt(va)));
    metrics_->setItem(r, 1, cell(fmt(vb)));
    QString delta;
    if (std::isfinite(d)) {
      delta = pct ? tr("%1 pts").arg(QLocale().toString(100.0 * d, 'f', 2)) : QLocale().toString(d, 'f', 4);
      if (d > 0) delta.prepend(QLatin1Char('+'));
    }
    metrics_->setItem(r, 2, cell(delta));
  };
  row(0, a.top1, b.top1, true);
  row(1, a.top5, b.top5, true);
  row(2, a.macro_f1, b.macro_f1, false);
  row(3, a.ece, b.ece, false);
  // Pair metrics: one value across the columns.
  const double sq = data_->sqnr;
  metrics_->setItem(4, 0, cell(std::isfinite(data_->agreement) ? percent(data_->agreement) : tr("not measured between these runs"),
                               Qt::AlignCenter));
  metrics_->setItem(5, 0, cell(std::isnan(sq) ? tr("not measured between these runs")
                               : std::isinf(sq) ? tr("identical outputs")
                                                : tr("%1 dB").arg(QLocale().toString(sq, 'f', 2)),
                               Qt::AlignCenter));
  metrics_->setSpan(4, 0, 1, 3);
  metrics_->setSpan(5, 0, 1, 3);
}

void CompareView::showF1Chart() {
  auto* chart = newChart();
  // Horizontal bars: class names ("T-shirt/top", "Ankle boot") stay readable on the left axis.
  auto* series = new QHorizontalBarSeries;
  int n = 0;
  for (int s = 0; s < 2; ++s) n = std::max(n, static_cast<int>(data_->side[s].f1.size()));
  for (int s = 0; s < 2; ++s) {
    const SideInfo& side = data_->side[s];
    if (side.f1.isEmpty()) continue;
    auto* set = new QBarSet(s == 0 ? tr("A: %1").arg(side.title) : tr("B: %1").arg(side.title));
    set->setColor(s == 0 ? QColor(146, 197, 222) : QColor(244, 165, 130));
    set->setBorderColor(set->color().darker(130));
    // Bars run bottom-up: class 0 is added last so it sits on top.
    for (int i = n - 1; i >= 0; --i) *set << (i < side.f1.size() && std::isfinite(side.f1[i]) ? side.f1[i] : 0.0);
    series->append(set);
  }
  auto* categories = new QBarCategoryAxis;
  for (int i = n - 1; i >= 0; --i) categories->append(i < data_->class_names.size() ? data_->class_names[i] : QString::number(i));
  if (n == 0) categories->append(QStringLiteral(" "));  // a valid empty axis
  categories->setTruncateLabels(false);
  chart->addSeries(series);
  chart->addAxis(categories, Qt::AlignLeft);
  auto* values = new QValueAxis;
  values->setTitleText(tr("F1"));
  // The interesting part is near the top; start at a round value below the lowest bar.
  double lo = 1;
  for (const auto& side : data_->side) {
    for (double v : side.f1) {
      if (std::isfinite(v)) lo = std::min(lo, v);
    }
  }
  const double floor = std::max(0.0, std::floor(lo * 10 - 0.5) / 10);
  values->setRange(floor, 1.0);
  values->setTickCount(static_cast<int>(std::lround((1.0 - floor) * 10)) + 1);  // one tick per 0.1
  values->setLabelFormat(QStringLiteral("%.1f"));
  chart->addAxis(values, Qt::AlignBottom);
  series->attachAxis(categories);
  series->attachAxis(values);
  chart->legend()->setAlignment(Qt::AlignTop);
  chart->legend()->setVisible(n > 0);
  QChart* old = f1_chart_->chart();
  f1_chart_->setChart(chart);
  delete old;
}

void CompareView::showConfusion() {
  const SideInfo& a = data_->side[0];
  const SideInfo& b = data_->side[1];
  confusion_[0]->setTitle(tr("A: %1 (rows: true, columns: predicted)").arg(a.title));
  confusion_[1]->setTitle(tr("B: %1").arg(b.title));
  confusion_[2]->setTitle(tr("B − A (blue: more in B, red: fewer)"));
  confusion_[0]->setMatrix(a.confusion, false);
  confusion_[1]->setMatrix(b.confusion, false);
  const QList<QList<qint64>> diff = confusion(kDelta);
  confusion_[2]->setMatrix(diff, true);
  confusion_[2]->setEmptyText(a.confusion.isEmpty() || b.confusion.isEmpty()
                                  ? tr("No confusion matrix")
                                  : tr("The two matrices have different classes"));
  for (auto* c : confusion_) c->setClassNames(data_->class_names);
}

void CompareView::showLayers() {
  layers_->setRowCount(0);
  layers_->setRowCount(static_cast<int>(data_->layers.size()));
  double top = 0;
  for (const auto& l : data_->layers) {
    if (std::isfinite(l.sqnr)) top = std::max(top, l.sqnr);
  }
  static_cast<BarDelegate*>(layers_->itemDelegateForColumn(1))->max = top;
  for (int r = 0; r < data_->layers.size(); ++r) {
    const auto& l = data_->layers[r];
    const QStringList parts = l.name.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    auto* name = cell(parts.size() > 2 ? parts.mid(parts.size() - 2).join(QLatin1Char('/')) : l.name,
                      Qt::AlignLeft | Qt::AlignVCenter);
    name->setData(Qt::UserRole, l.name);
    name->setToolTip(l.name);
    layers_->setItem(r, 0, name);
    auto* sq = cell(std::isnan(l.sqnr) ? QString() : std::isinf(l.sqnr) ? tr("exact") : QLocale().toString(l.sqnr, 'f', 2));
    sq->setData(Qt::UserRole, std::isinf(l.sqnr) ? top : l.sqnr);
    layers_->setItem(r, 1, sq);
    layers_->setItem(r, 2, cell(std::isfinite(l.cosine) ? QLocale().toString(l.cosine, 'f', 5) : QString()));
  }
  layers_->setVisible(!data_->layers.isEmpty());
  layers_note_->setText(data_->layers_note);
  layers_note_->setVisible(!data_->layers_note.isEmpty());
}

void CompareView::showSizeLatency() {
  const SideInfo* s = data_->side;
  const auto size = [](qint64 b) { return b >= 0 ? formatBytes(b) : QString(); };
  const auto ms = [](double v) { return std::isfinite(v) ? tr("%1 ms").arg(QLocale().toString(v, 'f', 3)) : QString(); };
  const auto ratio = [](double a, double b) {
    return std::isfinite(a) && std::isfinite(b) && a > 0 ? QStringLiteral("%1×").arg(QLocale().toString(b / a, 'f', 2)) : QString();
  };
  sizes_->setHorizontalHeaderLabels({s[0].title.isEmpty() ? tr("A") : tr("A: %1").arg(s[0].title),
                                     s[1].title.isEmpty() ? tr("B") : tr("B: %1").arg(s[1].title), tr("B / A")});
  for (int i = 0; i < 2; ++i) {
    auto* item = cell(size(s[i].bytes));
    item->setToolTip(s[i].model_path.isEmpty() ? s[i].model_note : s[i].model_path);
    sizes_->setItem(0, i, item);
    sizes_->setItem(1, i, cell(ms(s[i].latency_ms)));
  }
  sizes_->setItem(0, 2, cell(ratio(static_cast<double>(s[0].bytes), s[1].bytes >= 0 ? static_cast<double>(s[1].bytes) : kNaN)));
  sizes_->setItem(1, 2, cell(ratio(s[0].latency_ms, s[1].latency_ms)));
  const bool can = !loading_ && data_->error.isEmpty() && (!s[0].model_path.isEmpty() || !s[1].model_path.isEmpty());
  measure_->setEnabled(can && !measuring_);
  busy_->setVisible(measuring_);
  if (!measuring_ && latency_status_->text().isEmpty()) {
    QStringList notes;
    for (int i = 0; i < 2; ++i) {
      if (s[i].model_path.isEmpty() && !s[i].model_note.isEmpty()) notes << (i == 0 ? tr("A: %1") : tr("B: %1")).arg(s[i].model_note);
    }
    latency_status_->setText(notes.join(QLatin1Char('\n')));
  }
}

void CompareView::applyGallery(const Gallery& g) {
  const auto name = [this](qint64 c) {
    return c >= 0 && c < data_->class_names.size() ? data_->class_names[static_cast<int>(c)] : QString::number(c);
  };
  const auto conf = [](double v) { return std::isfinite(v) ? QStringLiteral(" %1%").arg(QLocale().toString(100.0 * v, 'f', 0)) : QString(); };
  gallery_->clear();
  images_ = g.images;
  for (int i = 0; i < data_->flips.size() && i < kGalleryCap; ++i) {
    const auto& f = data_->flips[i];
    const QImage img = i < images_.size() ? images_[i] : QImage();
    QPixmap pix;
    if (!img.isNull()) {
      pix = QPixmap::fromImage(img.scaled(kIconPixels, kIconPixels, Qt::KeepAspectRatio, Qt::FastTransformation));
    } else {
      pix = QPixmap(kIconPixels, kIconPixels);
      pix.fill(Qt::lightGray);
    }
    auto* item = new QListWidgetItem(QIcon(pix), tr("%1\nA: %2%3\nB: %4%5")
                                                     .arg(name(f.label), name(f.a), conf(f.ca), name(f.b), conf(f.cb)));
    item->setToolTip(tr("sample %1, true class %2\nA predicts %3 (confidence %4)\nB predicts %5 (confidence %6)")
                         .arg(f.index)
                         .arg(name(f.label), name(f.a), conf(f.ca).trimmed(), name(f.b), conf(f.cb).trimmed()));
    // Which side got it right, at a glance.
    if (f.b == f.label) item->setForeground(QColor(27, 120, 55));
    else if (f.a == f.label) item->setForeground(QColor(178, 24, 43));
    gallery_->addItem(item);
  }
  QString note = tr("%n sample(s) changed their prediction (true class, A's and B's prediction with confidence; "
                    "green: B is right, red: B is wrong where A was right).",
                    nullptr, static_cast<int>(data_->flipped_total));
  if (data_->flipped_total > gallery_->count()) {
    note += QLatin1Char(' ') + tr("Showing the first %1; %2 more not shown.").arg(gallery_->count()).arg(data_->flipped_total - gallery_->count());
  }
  if (!g.error.isEmpty()) note += QLatin1Char(' ') + tr("Images unavailable: %1").arg(g.error);
  gallery_note_->setText(note);
}

void CompareView::measureLatency() {
  if (measuring_ || loading_ || !project_) return;
  const SideInfo* s = data_->side;
  if (s[0].model_path.isEmpty() && s[1].model_path.isEmpty()) return;
  measuring_ = true;
  latency_status_->setText(tr("Measuring (batch 1, 20 runs each) …"));
  showSizeLatency();
  struct Job {
    QString path;
    qint64 run;
    std::string metric;
  };
  const std::array<Job, 2> jobs{Job{s[0].model_path, s[0].run, s[0].latency_metric},
                                Job{s[1].model_path, s[1].run, s[1].latency_metric}};
  struct Out {
    double ms[2] = {kNaN, kNaN};
    QString error;
  };
  const int gen = generation_;
  auto* watcher = new QFutureWatcher<Out>(this);
  connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, gen] {
    watcher->deleteLater();
    if (gen != generation_) return;
    const Out out = watcher->result();
    measuring_ = false;
    for (int i = 0; i < 2; ++i) {
      if (std::isfinite(out.ms[i])) data_->side[i].latency_ms = out.ms[i];
    }
    latency_status_->setText(out.error.isEmpty() ? tr("Measured and stored with the run.") : out.error);
    showSizeLatency();
    emit latencyMeasured();
  });
  std::shared_ptr<Project> p = project_;
  watcher->setFuture(QtConcurrent::run([p, jobs]() {
    Out out;
    QStringList errors;
    std::map<qint64, std::map<std::string, double>> store;
    try {
      // Both sides timed in turn (qwb::measure_latencies), as a report measures them.
      std::vector<size_t> sides;
      std::vector<std::string> paths;
      for (size_t i = 0; i < jobs.size(); ++i) {
        if (jobs[i].path.isEmpty()) continue;
        sides.push_back(i);
        paths.push_back(jobs[i].path.toStdString());
      }
      NullProgress quiet;
      auto ms = measure_latencies(paths, quiet);
      if (!ms) errors << QString::fromStdString(ms.status().message());
      for (size_t k = 0; ms && k < sides.size(); ++k) {
        out.ms[sides[k]] = (*ms)[k];
        store[jobs[sides[k]].run][jobs[sides[k]].metric] = (*ms)[k];
      }
      // Stored so the numbers persist with the run (a later open shows them without measuring).
      for (const auto& [run, m] : store) {
        if (Status st = p->add_metrics(run, m); !st) errors << QString::fromStdString(st.message());
      }
    } catch (const std::exception& e) {
      errors << QString::fromUtf8(e.what());
    }
    out.error = errors.join(QLatin1Char('\n'));
    return out;
  }));
}

bool CompareView::isLoading() const { return loading_; }
bool CompareView::isMeasuring() const { return measuring_; }
QString CompareView::errorText() const { return data_->error; }
QString CompareView::sideTitle(int side) const { return side == kA || side == kB ? data_->side[side].title : QString(); }

double CompareView::metricValue(const QString& key, int column) const {
  if (key == QStringLiteral("agreement")) return data_->agreement;
  if (key == QStringLiteral("output_sqnr_db")) return data_->sqnr;
  const auto get = [&key](const SideInfo& s) {
    return key == QStringLiteral("top1")       ? s.top1
           : key == QStringLiteral("top5")     ? s.top5
           : key == QStringLiteral("macro_f1") ? s.macro_f1
           : key == QStringLiteral("ece")      ? s.ece
                                               : kNaN;
  };
  if (column == kA || column == kB) return get(data_->side[column]);
  if (column == kDelta) return get(data_->side[1]) - get(data_->side[0]);
  return kNaN;
}

QStringList CompareView::classNames() const { return data_->class_names; }
QList<double> CompareView::perClassF1(int side) const { return side == kA || side == kB ? data_->side[side].f1 : QList<double>{}; }

QList<QList<qint64>> CompareView::confusion(int which) const {
  if (which == kA || which == kB) return data_->side[which].confusion;
  const auto& a = data_->side[0].confusion;
  const auto& b = data_->side[1].confusion;
  if (a.size() != b.size()) return {};
  QList<QList<qint64>> d;
  for (int r = 0; r < a.size(); ++r) {
    if (a[r].size() != b[r].size()) return {};
    QList<qint64> row;
    for (int c = 0; c < a[r].size(); ++c) row << b[r][c] - a[r][c];
    d << row;
  }
  return d;
}

int CompareView::galleryCount() const { return gallery_->count(); }
int CompareView::flippedCount() const { return static_cast<int>(data_->flipped_total); }
QImage CompareView::galleryImage(int index) const { return index >= 0 && index < images_.size() ? images_[index] : QImage(); }
QString CompareView::galleryNote() const { return gallery_note_->text(); }

QStringList CompareView::layerNames() const {
  QStringList out;
  for (const auto& l : data_->layers) out << l.name;
  return out;
}

QList<double> CompareView::layerSqnr() const {
  QList<double> out;
  for (const auto& l : data_->layers) out << l.sqnr;
  return out;
}

QList<double> CompareView::layerCosine() const {
  QList<double> out;
  for (const auto& l : data_->layers) out << l.cosine;
  return out;
}

qint64 CompareView::sizeBytes(int side) const { return side == kA || side == kB ? data_->side[side].bytes : -1; }
double CompareView::latencyMs(int side) const { return side == kA || side == kB ? data_->side[side].latency_ms : kNaN; }
QString CompareView::latencyStatus() const { return latency_status_->text(); }

}  // namespace qwb::ui
