// ModelView: the "Model" tab — summary panel and op-count chart on top, the filterable, sortable
// layer table below (with format and sensitivity once a run gives them); a hint while no model
// is loaded. Selecting a row emits layerSelected, so other views follow.
#pragma once

#include <QWidget>

#include <memory>

class QLabel;
class QLineEdit;
class QStackedWidget;
class QTableView;

namespace qwb {
class Model;
}

namespace qwb::ui {

class LayerFilterProxyModel;
class LayerTableModel;
class ModelSummaryPanel;
class OpCountModel;

class ModelView : public QWidget {
  Q_OBJECT

 public:
  explicit ModelView(QWidget* parent = nullptr);

  void setModel(std::shared_ptr<const Model> model);  // null clears the view
  const std::shared_ptr<const Model>& model() const { return model_; }

  LayerTableModel* layerModel() const { return layers_; }
  LayerFilterProxyModel* layerProxy() const { return proxy_; }
  QLineEdit* filterEdit() const { return filter_; }
  QTableView* layerTable() const { return table_; }
  ModelSummaryPanel* summaryPanel() const { return summary_; }
  OpCountModel* opCountModel() const { return opCounts_; }
  // Selects (and scrolls to) the layer's row; the filter is cleared if it hides the layer.
  void selectLayer(const QString& name);

 signals:
  void layerSelected(const QString& name);
  // The table's context menu: start a run that keeps these layers in float.
  void keepInFloatRequested(const QStringList& layers);

 private:
  void updateRowCount();

  std::shared_ptr<const Model> model_;
  LayerTableModel* layers_;
  LayerFilterProxyModel* proxy_;
  OpCountModel* opCounts_;
  ModelSummaryPanel* summary_;
  QLineEdit* filter_;
  QLabel* rowCount_;
  QTableView* table_;
  QStackedWidget* pages_;  // "no model" hint, then the view
};

}  // namespace qwb::ui
