#include "qwb/ui/sensitivity_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSet>
#include <QtCharts/QChartView>
#include <QtCharts/QHorizontalBarSeries>
#include <QtCharts/QLineSeries>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>

#include <algorithm>
#include <cmath>

#include "qwb/ui/charts.h"

namespace qwb::ui {

namespace {

constexpr int kMaxBars = 20;  // more would not leave a readable line per layer

// A number from the document: null (not measured) and "inf" strings become NaN / infinity.
double number(const nlohmann::json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) return j.get<std::string>() == "-inf" ? -INFINITY : INFINITY;
  return NAN;
}

// The tail of an ONNX node path ("/model/layer1/layer1.0/conv1/Conv" -> "layer1/layer1.0/conv1/Conv").
QString shortName(const std::string& name) {
  const QStringList parts = QString::fromStdString(name).split(QLatin1Char('/'), Qt::SkipEmptyParts);
  return parts.size() > 4 ? parts.mid(parts.size() - 4).join(QLatin1Char('/')) : parts.join(QLatin1Char('/'));
}

}  // namespace

SensitivityView::SensitivityView(QWidget* parent)
    : QWidget(parent), metric_(new QComboBox), summary_(new QLabel), bars_(new QChartView), propagation_(new QChartView) {
  metric_->addItem(tr("Output SQNR (dB, lower is worse)"), QStringLiteral("output_sqnr_db"));
  metric_->addItem(tr("Top-1 change (points)"), QStringLiteral("delta_top1_pts"));
  metric_->addItem(tr("Logits KL divergence"), QStringLiteral("logits_kl"));
  metric_->addItem(tr("Local SQNR of the layer output (dB)"), QStringLiteral("local_sqnr_db"));
  summary_->setWordWrap(true);
  auto* top = new QHBoxLayout;
  top->addWidget(new QLabel(tr("Metric:")));
  top->addWidget(metric_);
  top->addStretch();
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top);
  layout->addWidget(summary_);
  layout->addWidget(bars_, 3);
  layout->addWidget(propagation_, 2);
  for (QChartView* v : {bars_, propagation_}) v->setRenderHint(QPainter::Antialiasing);
  connect(metric_, &QComboBox::currentIndexChanged, this, [this] { rebuild(); });
  rebuild();
}

void SensitivityView::rebuild() {
  try {
    rebuildBars();
    rebuildPropagation();
  } catch (const nlohmann::json::exception& e) {
    // A damaged document (hand-edited project file) shows as such; the view stays usable.
    doc_ = nlohmann::json::object();
    summary_->setText(tr("The sensitivity document of this run is damaged: %1").arg(QString::fromUtf8(e.what())));
    rebuildBars();
    rebuildPropagation();
  }
}

QString SensitivityView::metric() const { return metric_->currentData().toString(); }

void SensitivityView::setMetric(const QString& key) { metric_->setCurrentIndex(std::max(0, metric_->findData(key))); }

void SensitivityView::setDocument(const nlohmann::json& doc) {
  doc_ = doc.is_object() ? doc : nlohmann::json::object();
  const int layers = doc_.contains("layers") ? static_cast<int>(doc_["layers"].size()) : 0;
  summary_->setText(doc_.is_object()
                        ? tr("%1: %2 layers, %3 of %4 samples%5")
                              .arg(QString::fromStdString(doc_.value("scheme", doc_.value("format", std::string()))))
                              .arg(layers)
                              .arg(doc_.value("samples", 0))
                              .arg(doc_.value("planned_samples", 0))
                              .arg(doc_.value("partial", false) ? tr(" (cancelled: partial results)") : QString())
                        : QString());
  rebuild();
}

QString SensitivityView::variantLabel(const QString& key) {
  const QString part = key.section(QLatin1Char('.'), 1);
  const QString what = part == QStringLiteral("weights")       ? tr("weights")
                       : part == QStringLiteral("activations") ? tr("activations")
                                                               : tr("weights and activations");
  return key.startsWith(QStringLiteral("all_but")) ? tr("all but this layer: %1").arg(what) : tr("only %1").arg(what);
}

void SensitivityView::rebuildBars() {
  const std::string key = metric().toStdString();
  auto* chart = newChart(tr("Layers, most harmful first"));
  layers_.clear();
  values_.clear();
  // Weights against activations when both were swept, else whatever variants the run has.
  QStringList variants;
  for (const auto& v : doc_.value("variants", nlohmann::json::array())) variants << QString::fromStdString(v.get<std::string>());
  QStringList shown;
  const QString weights = QStringLiteral("only.weights"), activations = QStringLiteral("only.activations");
  for (const QString& want : {weights, activations}) {
    if (variants.contains(want)) shown << want;
  }
  if (shown.isEmpty()) shown = variants;
  auto* series = new QHorizontalBarSeries;
  const auto& rows = doc_.value("layers", nlohmann::json::array());
  const int n = std::min<int>(kMaxBars, static_cast<int>(rows.size()));
  for (const QString& variant : shown) {
    auto* set = new QBarSet(variantLabel(variant));
    QList<double>& vals = values_[variant];
    double top = 0;
    for (int i = 0; i < n; ++i) {
      const auto& m = rows[static_cast<size_t>(i)]["metrics"];
      vals << (m.contains(variant.toStdString()) ? number(m[variant.toStdString()][key]) : NAN);
      if (std::isfinite(vals.back())) top = std::max(top, vals.back());
    }
    // Bars run bottom-up: the most harmful layer is added last so it sits on top. An infinite
    // SQNR (no error at all) is drawn as long as the longest finite bar; an unmeasured one as 0.
    for (int i = n - 1; i >= 0; --i) {
      const double v = vals[i];
      *set << (std::isfinite(v) ? v : v > 0 ? top : 0.0);
    }
    connect(set, &QBarSet::clicked, this, [this, n](int index) {
      const int row = n - 1 - index;
      emit layerSelected(QString::fromStdString(doc_["layers"][static_cast<size_t>(row)].value("layer", std::string())));
    });
    series->append(set);
  }
  auto* categories = new QBarCategoryAxis;
  // The rank keeps categories unique where the path tails repeat (block.3/Conv in every block).
  for (int i = n - 1; i >= 0; --i) {
    categories->append(QStringLiteral("%1. %2").arg(i + 1).arg(shortName(rows[static_cast<size_t>(i)].value("layer", std::string()))));
  }
  for (int i = 0; i < n; ++i) layers_ << QString::fromStdString(rows[static_cast<size_t>(i)].value("layer", std::string()));
  categories->setTruncateLabels(false);
  chart->addSeries(series);
  chart->addAxis(categories, Qt::AlignLeft);
  auto* values = new QValueAxis;
  values->setTitleText(metric_->currentText());
  chart->addAxis(values, Qt::AlignBottom);
  series->attachAxis(categories);
  series->attachAxis(values);
  if (n > 0 && !shown.isEmpty()) {
    values->applyNiceNumbers();
  } else {
    values->setRange(0, 1);  // nothing to show: a valid empty axis rather than NaN bounds
  }
  chart->legend()->setAlignment(Qt::AlignBottom);
  chart->legend()->setVisible(!shown.isEmpty());
  QChart* old = bars_->chart();
  bars_->setChart(chart);
  delete old;
}

void SensitivityView::rebuildPropagation() {
  auto* chart = newChart(tr("Error along the graph"));
  auto* accumulated = new QLineSeries;
  accumulated->setName(tr("accumulated (whole model quantized)"));
  auto* local = new QScatterSeries;
  local->setName(tr("local (only the producing layer quantized)"));
  local->setMarkerSize(7);
  propagation_points_ = 0;
  double lo = INFINITY, hi = -INFINITY;
  int x = 0;
  for (const auto& t : doc_.value("propagation", nlohmann::json::array())) {
    const double a = number(t["accumulated_sqnr_db"]), l = number(t["local_sqnr_db"]);
    if (std::isfinite(a)) {
      accumulated->append(x, a);
      lo = std::min(lo, a), hi = std::max(hi, a);
      ++propagation_points_;
    }
    if (std::isfinite(l)) {
      local->append(x, l);
      lo = std::min(lo, l), hi = std::max(hi, l);
    }
    ++x;
  }
  chart->addSeries(accumulated);
  chart->addSeries(local);
  auto* ax = new QValueAxis;
  ax->setTitleText(tr("tensor in graph order"));
  ax->setLabelFormat(QStringLiteral("%d"));
  ax->setRange(0, std::max(1, x - 1));
  auto* ay = new QValueAxis;
  ay->setTitleText(tr("SQNR (dB)"));
  if (std::isfinite(lo)) ay->setRange(std::floor(lo - 2), std::ceil(hi + 2));
  chart->addAxis(ax, Qt::AlignBottom);
  chart->addAxis(ay, Qt::AlignLeft);
  for (QAbstractSeries* s : {static_cast<QAbstractSeries*>(accumulated), static_cast<QAbstractSeries*>(local)}) {
    s->attachAxis(ax);
    s->attachAxis(ay);
  }
  chart->legend()->setAlignment(Qt::AlignBottom);
  propagation_->setVisible(propagation_points_ > 0);  // runs swept with --no-propagation have none
  QChart* old = propagation_->chart();
  propagation_->setChart(chart);
  delete old;
}

}  // namespace qwb::ui
