// LayerTableModel / LayerFilterProxyModel / OpCountModel on hand-written engine structs.
// Expected values are hand computed from the rows below.
#include <QSignalSpy>
#include <QSortFilterProxyModel>

#include <gtest/gtest.h>

#include "qwb/ui/layer_table_model.h"
#include "qwb/ui/op_count_model.h"
#include "qt_printers.h"

namespace qwb::ui {
namespace {

NodeSummary node(std::string name, std::string op, int64_t params, int64_t macs) {
  NodeSummary n;
  n.name = std::move(name);
  n.op_type = std::move(op);
  n.input_shapes = {"[1, 3, 8, 8]", "[4, 3, 3, 3]"};
  n.output_shapes = {"[1, 4, 8, 8]"};
  n.parameters = params;
  n.macs = macs;
  return n;
}

std::vector<NodeSummary> sampleNodes() {
  // MACs chosen so that text order ("10", "1000", "9") differs from numeric order (9, 10, 1000).
  return {node("conv1", "Conv", 112, 9), node("relu1", "Relu", 0, 0), node("fc", "Gemm", 1010, 1000),
          node("Conv_7", "Conv", 40, 10)};
}

QStringList column(const QAbstractItemModel& m, int col) {
  QStringList out;
  for (int r = 0; r < m.rowCount(); ++r) out << m.index(r, col).data().toString();
  return out;
}

TEST(LayerTableModel, OneRowPerNodeInTopologicalOrder) {
  LayerTableModel model;
  model.setNodes(sampleNodes());
  ASSERT_EQ(model.rowCount(), 4);
  ASSERT_EQ(model.columnCount(), LayerTableModel::kColumnCount);
  EXPECT_EQ(column(model, LayerTableModel::kName), (QStringList{"conv1", "relu1", "fc", "Conv_7"}));
  EXPECT_EQ(model.index(0, LayerTableModel::kIndex).data().toString(), "0");
  EXPECT_EQ(model.index(0, LayerTableModel::kOpType).data().toString(), "Conv");
  EXPECT_EQ(model.index(0, LayerTableModel::kInputShapes).data().toString(), "[1, 3, 8, 8], [4, 3, 3, 3]");
  EXPECT_EQ(model.index(0, LayerTableModel::kOutputShapes).data().toString(), "[1, 4, 8, 8]");
  EXPECT_EQ(model.index(2, LayerTableModel::kParameters).data().toString(), "1.01 K");
  EXPECT_EQ(model.index(2, LayerTableModel::kParameters).data(Qt::ToolTipRole).toString(), "1,010");
  EXPECT_EQ(model.index(2, LayerTableModel::kMacs).data(LayerTableModel::kSortRole).toLongLong(), 1000);
  // Zero MACs (not a MAC op) shows as an empty cell but still sorts as 0.
  EXPECT_EQ(model.index(1, LayerTableModel::kMacs).data().toString(), "");
  EXPECT_EQ(model.index(1, LayerTableModel::kMacs).data(LayerTableModel::kSortRole).toLongLong(), 0);
}

TEST(LayerFilterProxyModel, SortsNumericColumnsNumerically) {
  LayerTableModel model;
  model.setNodes(sampleNodes());
  LayerFilterProxyModel proxy;
  proxy.setSourceModel(&model);

  proxy.sort(LayerTableModel::kMacs, Qt::AscendingOrder);
  EXPECT_EQ(column(proxy, LayerTableModel::kName), (QStringList{"relu1", "conv1", "Conv_7", "fc"}));
  proxy.sort(LayerTableModel::kMacs, Qt::DescendingOrder);
  EXPECT_EQ(column(proxy, LayerTableModel::kName), (QStringList{"fc", "Conv_7", "conv1", "relu1"}));
  proxy.sort(LayerTableModel::kParameters, Qt::DescendingOrder);
  EXPECT_EQ(column(proxy, LayerTableModel::kName), (QStringList{"fc", "conv1", "Conv_7", "relu1"}));
  proxy.sort(LayerTableModel::kOpType, Qt::AscendingOrder);
  EXPECT_EQ(column(proxy, LayerTableModel::kOpType), (QStringList{"Conv", "Conv", "Gemm", "Relu"}));
}

TEST(LayerFilterProxyModel, FiltersOnNameOrOpTypeIgnoringCase) {
  LayerTableModel model;
  model.setNodes(sampleNodes());
  LayerFilterProxyModel proxy;
  proxy.setSourceModel(&model);

  proxy.setFilterFixedString("conv");  // op type Conv (conv1, Conv_7), names conv1 and Conv_7
  EXPECT_EQ(column(proxy, LayerTableModel::kName), (QStringList{"conv1", "Conv_7"}));
  proxy.setFilterFixedString("GEMM");  // op type only
  EXPECT_EQ(column(proxy, LayerTableModel::kName), (QStringList{"fc"}));
  proxy.setFilterFixedString("1");  // names conv1, relu1; "1" in shapes must not match
  EXPECT_EQ(column(proxy, LayerTableModel::kName), (QStringList{"conv1", "relu1"}));
  proxy.setFilterFixedString("no such layer");
  EXPECT_EQ(proxy.rowCount(), 0);
  proxy.setFilterFixedString("");
  EXPECT_EQ(proxy.rowCount(), 4);
}

TEST(LayerTableModel, FormatAndSensitivityColumnsAreBlankUntilSet) {
  LayerTableModel model;
  model.setNodes(sampleNodes());
  EXPECT_EQ(model.headerData(LayerTableModel::kFormat, Qt::Horizontal).toString(), "Format");
  EXPECT_EQ(model.headerData(LayerTableModel::kSensitivity, Qt::Horizontal).toString(), "Sensitivity");
  EXPECT_EQ(column(model, LayerTableModel::kFormat), (QStringList{"", "", "", ""}));
  EXPECT_EQ(column(model, LayerTableModel::kSensitivity), (QStringList{"", "", "", ""}));

  QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
  model.setLayerFormats({{"conv1", "int8"}, {"fc", "fp16"}, {"not a layer", "int4"}});
  model.setLayerSensitivity({{"conv1", 0.25}, {"fc", 12.5}, {"Conv_7", 3.0}});
  EXPECT_EQ(changed.size(), 2);
  EXPECT_EQ(column(model, LayerTableModel::kFormat), (QStringList{"int8", "", "fp16", ""}));
  EXPECT_EQ(column(model, LayerTableModel::kSensitivity), (QStringList{"0.25", "", "12.5", "3"}));
  EXPECT_EQ(model.index(2, LayerTableModel::kSensitivity).data(LayerTableModel::kSortRole).toDouble(), 12.5);
  // Kept when the nodes are set again (e.g. the same model reloaded).
  model.setNodes(sampleNodes());
  EXPECT_EQ(model.index(0, LayerTableModel::kFormat).data().toString(), "int8");
  model.setLayerSensitivity({});
  EXPECT_EQ(column(model, LayerTableModel::kSensitivity), (QStringList{"", "", "", ""}));
}

TEST(LayerFilterProxyModel, SortsSensitivityNumericallyBlanksLast) {
  LayerTableModel model;
  model.setNodes(sampleNodes());
  // Text order would be "0.25" < "12.5" < "3"; numeric order is 0.25 < 3 < 12.5.
  model.setLayerSensitivity({{"conv1", 0.25}, {"fc", 12.5}, {"Conv_7", 3.0}});
  model.setLayerFormats({{"conv1", "int8"}, {"fc", "fp16"}, {"Conv_7", "int4"}});
  LayerFilterProxyModel proxy;
  proxy.setSourceModel(&model);
  proxy.sort(LayerTableModel::kSensitivity, Qt::DescendingOrder);
  EXPECT_EQ(column(proxy, LayerTableModel::kName), (QStringList{"fc", "Conv_7", "conv1", "relu1"}));
  proxy.sort(LayerTableModel::kSensitivity, Qt::AscendingOrder);
  EXPECT_EQ(column(proxy, LayerTableModel::kName), (QStringList{"relu1", "conv1", "Conv_7", "fc"}));
  proxy.sort(LayerTableModel::kFormat, Qt::AscendingOrder);
  EXPECT_EQ(column(proxy, LayerTableModel::kFormat), (QStringList{"", "fp16", "int4", "int8"}));
}

TEST(OpCountModel, MostFrequentFirstTiesAlphabetical) {
  OpCountModel model;
  model.setOpCounts({{"Relu", 2}, {"Conv", 3}, {"Gemm", 1}, {"Add", 2}});
  ASSERT_EQ(model.rowCount(), 4);
  EXPECT_EQ(column(model, OpCountModel::kOpType), (QStringList{"Conv", "Add", "Relu", "Gemm"}));
  EXPECT_EQ(model.index(0, OpCountModel::kCount).data().toInt(), 3);
  model.setOpCounts({});
  EXPECT_EQ(model.rowCount(), 0);
}

}  // namespace
}  // namespace qwb::ui
