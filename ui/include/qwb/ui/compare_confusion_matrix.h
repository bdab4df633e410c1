// A confusion matrix drawn as a heatmap with the count in every cell (rows: true class,
// columns: predicted class). Sequential colours shade each cell by its share of the row (so
// small off-diagonal counts stay visible next to a full diagonal); the diverging mode is for
// differences of two matrices (blue: more, red: fewer, white: equal). Part of the Compare view.
#pragma once

#include <QList>
#include <QStringList>
#include <QWidget>

namespace qwb::ui {

class ConfusionMatrixWidget : public QWidget {
  Q_OBJECT

 public:
  explicit ConfusionMatrixWidget(QWidget* parent = nullptr);

  // `cells[true][predicted]`; an empty matrix shows `emptyText` instead.
  void setMatrix(const QList<QList<qint64>>& cells, bool diverging);
  void setClassNames(const QStringList& names);
  void setTitle(const QString& title);
  void setEmptyText(const QString& text);
  const QList<QList<qint64>>& matrix() const { return cells_; }

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;
  bool event(QEvent* event) override;  // tooltips name the cell

 private:
  QString rowLabel(int i) const;
  QRect gridRect() const;
  int labelWidth() const;
  QColor cellColor(int row, int col) const;

  QList<QList<qint64>> cells_;
  QStringList names_;
  QString title_, empty_;
  bool diverging_ = false;
};

}  // namespace qwb::ui
