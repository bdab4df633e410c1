// The decision tree drawn as a layered tree, top-down: the model at the root, then the
// architecture families of the table, then the target hardware classes, then one leaf per format
// (expected loss, compression, speed-up, supported). Only the current architecture and hardware
// are expanded; their siblings are one box each (a collapsed hardware says what it would pick).
// The path of the current inputs is drawn thick, the recommended leaf stands out and leaves over
// the accuracy budget are greyed. Part of DecisionView; the positions are computed here (the tree
// has at most a few dozen boxes).
#pragma once

#include <QGraphicsView>
#include <QString>
#include <QStringList>

#include <vector>

#include "qwb/decide.h"

namespace qwb::ui {

class DecisionTreeView : public QGraphicsView {
  Q_OBJECT

 public:
  explicit DecisionTreeView(QWidget* parent = nullptr);

  // Redraws the tree for these inputs. `rec` is the recommendation for them (null: none, e.g. the
  // table has no rows there); `root` names the model; `architectureNote` and `hardwareNote` say
  // where the current choices come from ("detected", "this machine", ...).
  void showTree(const std::vector<qwb::DecisionRow>& rows, const qwb::RecommendInputs& inputs, const qwb::Recommendation* rec,
                const QString& root, const QString& architectureNote, const QString& hardwareNote);

  // What is drawn, for tests: the labels of the highlighted path from the root (root, family,
  // hardware, format), the formats of the leaves left to right, those over the budget, and the
  // recommended leaf's format (empty when none).
  QStringList highlightedPath() const { return path_; }
  QStringList leafFormats() const { return leaves_; }
  QStringList greyedLeaves() const { return greyed_; }
  QString recommendedLeaf() const { return recommended_; }

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void fit();

  QStringList path_, leaves_, greyed_;
  QString recommended_;
};

}  // namespace qwb::ui
