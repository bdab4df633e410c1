// Sensitivity of a recorded run: the layers ranked by harm as bars (weights-only against
// activations-only, for a selectable metric) and the error propagation along the graph order
// (accumulated and local SQNR per tensor). Fed with the run's "sensitivity" document
// (engine/src/jobs/sensitivity.cpp); clicking a bar selects that layer.
#pragma once

#include <QWidget>
#include <nlohmann/json.hpp>

class QComboBox;
class QChartView;
class QLabel;

namespace qwb::ui {

class SensitivityView : public QWidget {
  Q_OBJECT

 public:
  explicit SensitivityView(QWidget* parent = nullptr);

  void setDocument(const nlohmann::json& doc);
  // Metric key of the bars: output_sqnr_db, delta_top1_pts, logits_kl or local_sqnr_db.
  QString metric() const;
  void setMetric(const QString& key);
  // What the charts show, for tests: layer names top to bottom, and per bar set its values.
  QStringList barLayers() const { return layers_; }
  QMap<QString, QList<double>> barValues() const { return values_; }
  int propagationPoints() const { return propagation_points_; }

 signals:
  void layerSelected(const QString& layer);

 private:
  void rebuild();  // both charts; a damaged document is reported, not thrown
  void rebuildBars();
  static QString variantLabel(const QString& key);  // "only.weights" -> "only weights"
  void rebuildPropagation();

  QComboBox* metric_;
  QLabel* summary_;
  QChartView* bars_;
  QChartView* propagation_;
  nlohmann::json doc_ = nlohmann::json::object();
  QStringList layers_;
  QMap<QString, QList<double>> values_;
  int propagation_points_ = 0;
};

}  // namespace qwb::ui
