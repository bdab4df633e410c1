// The look every chart of the workbench shares: tight margins, square corners, a title.
#pragma once

#include <QtCharts/QChart>

namespace qwb::ui {

inline QChart* newChart(const QString& title = QString()) {
  auto* chart = new QChart;
  if (!title.isEmpty()) chart->setTitle(title);
  chart->setMargins(QMargins(4, 4, 12, 4));
  chart->setBackgroundRoundness(0);
  return chart;
}

}  // namespace qwb::ui
