// GraphView: the graph of a loaded model, laid out with Graphviz dot (top to bottom) and drawn
// in a QGraphicsView. Nodes are rounded boxes with the op type and a short name; edges are dot's
// splines with arrow heads, one per (producer, consumer, tensor) link; initializers are not
// nodes (they are listed as weights in the selected node's details). The layout runs on the
// global thread pool (dot is not thread-safe: layouts are serialized by a mutex), so big graphs
// never freeze the UI.
//
// Pan by dragging, zoom with the wheel or +/-, "Fit" shows the whole graph; the search box
// (name or op type) jumps to the next match on Enter. Selecting a node shows its name, op,
// attributes, inputs/outputs with shapes and dtypes and its weights in the side panel.
//
//   auto* graph = new qwb::ui::GraphView(this);
//   graph->setModel(model);                                    // std::shared_ptr<const qwb::Model>
//   graph->setNodeValues(harmByLayer, tr("Harm"), true);       // colours + legend
//   connect(graph, &qwb::ui::GraphView::nodeSelected, this, &Foo::showLayer);
#pragma once

#include <QColor>
#include <QFutureWatcher>
#include <QList>
#include <QMap>
#include <QPointer>
#include <QRectF>
#include <QString>
#include <QWidget>

#include <memory>
#include <vector>

#include "qwb/model.h"

class QGraphicsScene;
class QGraphicsView;
class QLabel;
class QLineEdit;
class QTextBrowser;

namespace qwb::ui {

class GraphLegend;
class GraphNodeItem;

// What dot computed, in scene coordinates (points, y down). Built off the UI thread.
struct GraphLayoutResult {
  struct Edge {
    int from = -1;  // node indices (topological order)
    int to = -1;
    QString tensor;
    QList<QPolygonF> beziers;  // cubic pieces: start, (c1, c2, end)*
    QPointF start;              // where the line leaves the tail box
    QPointF end;                // the arrow tip on the head box
    QPointF arrowBase;          // where the arrow head starts (== end without a head)
  };
  int generation = 0;
  QList<QRectF> nodes;  // box per node index
  QList<Edge> edges;
  QRectF bounds;
  QString error;  // non-empty when the layout failed
  qint64 elapsed_ms = 0;
};

class GraphView : public QWidget {
  Q_OBJECT

 public:
  explicit GraphView(QWidget* parent = nullptr);
  ~GraphView() override;

  // Lays out and draws the graph (in the background); null clears the view.
  void setModel(std::shared_ptr<const Model> model);
  // Colours nodes by a value per node name (sensitivity harm, quantization error); nodes without
  // a value stay neutral. `higherIsWorse` puts red at the high end. An empty map clears it.
  void setNodeValues(const QMap<QString, double>& values, const QString& label, bool higherIsWorse);
  // Selects, centers and details the node (applied after the layout when one is running).
  void selectNode(const QString& name);

  // For tests and the main window.
  bool isLayoutRunning() const { return !watcher_.isNull(); }
  qint64 layoutMilliseconds() const { return layout_ms_; }
  int nodeCount() const { return static_cast<int>(items_.size()); }
  int edgeCount() const { return edge_count_; }
  QRectF nodeRect(const QString& name) const;  // scene coordinates; null rect if not drawn
  QPointF nodePosition(const QString& name) const { return nodeRect(name).center(); }
  QList<GraphLayoutResult::Edge> drawnEdges() const { return layout_.edges; }
  QString selectedNode() const;
  QColor nodeColor(const QString& name) const;  // fill colour; invalid if not drawn
  QString statusText() const;
  QGraphicsView* graphicsView() const { return view_; }

 public slots:
  void zoomIn();
  void zoomOut();
  void fitToView();
  // Selects the next node after the current one whose name or op type contains `text`
  // (case-insensitive), wrapping around; false when nothing matches.
  bool findNext(const QString& text);

 signals:
  void nodeSelected(const QString& name);
  void layoutFinished(bool ok);

 private:
  void startLayout();
  void onLayoutDone(const GraphLayoutResult& result);
  void applyColours();
  void onSceneSelectionChanged();
  void showDetails(int index);
  void scaleBy(double factor);
  bool eventFilter(QObject* watched, QEvent* event) override;

  QGraphicsScene* scene_;
  QGraphicsView* view_;
  QLineEdit* search_;
  QLabel* status_;
  QTextBrowser* details_;
  GraphLegend* legend_;

  std::shared_ptr<const Model> model_;
  std::vector<GraphNodeItem*> items_;  // by node index
  QMap<QString, int> index_by_name_;
  GraphLayoutResult layout_;
  int edge_count_ = 0;
  int generation_ = 0;
  qint64 layout_ms_ = 0;
  QString pending_select_;
  QMap<QString, double> values_;
  QString values_label_;
  bool higher_is_worse_ = true;
  QPointer<QFutureWatcher<GraphLayoutResult>> watcher_;
};

}  // namespace qwb::ui
