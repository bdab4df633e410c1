#include "qwb/ui/model_view.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

#include "qwb/model.h"
#include "qwb/ui/layer_table_model.h"
#include "qwb/ui/model_summary_panel.h"
#include "qwb/ui/op_count_chart.h"
#include "qwb/ui/op_count_model.h"

namespace qwb::ui {

ModelView::ModelView(QWidget* parent)
    : QWidget(parent),
      layers_(new LayerTableModel(this)),
      proxy_(new LayerFilterProxyModel(this)),
      opCounts_(new OpCountModel(this)),
      summary_(new ModelSummaryPanel),
      filter_(new QLineEdit),
      rowCount_(new QLabel),
      table_(new QTableView),
      pages_(new QStackedWidget) {
  proxy_->setSourceModel(layers_);

  // Top: summary and op-count chart side by side.
  auto* summaryArea = new QScrollArea;
  summaryArea->setWidget(summary_);
  summaryArea->setWidgetResizable(true);
  summaryArea->setFrameShape(QFrame::NoFrame);
  summaryArea->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);  // the fields wrap instead
  auto* top = new QSplitter(Qt::Horizontal);
  top->addWidget(summaryArea);
  top->addWidget(new OpCountChart(opCounts_));
  top->setSizes({550, 450});

  // Bottom: filter and layer table.
  filter_->setPlaceholderText(tr("Filter layers by name or op type"));
  filter_->setClearButtonEnabled(true);
  connect(filter_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
  connect(proxy_, &QAbstractItemModel::rowsInserted, this, &ModelView::updateRowCount);
  connect(proxy_, &QAbstractItemModel::rowsRemoved, this, &ModelView::updateRowCount);
  connect(proxy_, &QAbstractItemModel::modelReset, this, &ModelView::updateRowCount);
  connect(proxy_, &QAbstractItemModel::layoutChanged, this, &ModelView::updateRowCount);

  table_->setModel(proxy_);
  table_->setSortingEnabled(true);
  table_->sortByColumn(LayerTableModel::kIndex, Qt::AscendingOrder);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setAlternatingRowColors(true);
  table_->setWordWrap(false);
  table_->setTextElideMode(Qt::ElideMiddle);
  table_->verticalHeader()->hide();
  table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
  // The name column takes the remaining width; the others fit their contents (see setModel).
  table_->horizontalHeader()->setSectionResizeMode(LayerTableModel::kName, QHeaderView::Stretch);
  table_->horizontalHeader()->setHighlightSections(false);

  auto* filterRow = new QHBoxLayout;
  auto* filterLabel = new QLabel(tr("Fi&lter:"));
  filterLabel->setBuddy(filter_);
  filterRow->addWidget(filterLabel);
  filterRow->addWidget(filter_, 1);
  filterRow->addWidget(rowCount_);

  auto* bottom = new QWidget;
  auto* bottomLayout = new QVBoxLayout(bottom);
  bottomLayout->setContentsMargins(0, 0, 0, 0);
  bottomLayout->addLayout(filterRow);
  bottomLayout->addWidget(table_);

  auto* split = new QSplitter(Qt::Vertical);
  split->addWidget(top);
  split->addWidget(bottom);
  split->setStretchFactor(1, 1);  // the table takes extra height
  split->setSizes({300, 600});

  auto* empty = new QLabel(tr("No model loaded.\nUse File > Open Model or drop an .onnx file on the window."));
  empty->setAlignment(Qt::AlignCenter);
  empty->setEnabled(false);  // greyed out
  pages_->addWidget(empty);
  pages_->addWidget(split);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(pages_);
  updateRowCount();
  table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  table_->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(table_, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
    QStringList layers;
    for (const QModelIndex& row : table_->selectionModel()->selectedRows(LayerTableModel::kName)) layers << row.data().toString();
    if (layers.isEmpty()) return;
    QMenu menu(this);
    menu.addAction(tr("New Run Keeping %n Layer(s) in Float...", nullptr, static_cast<int>(layers.size())), this,
                   [this, layers] { emit keepInFloatRequested(layers); });
    menu.exec(table_->viewport()->mapToGlobal(pos));
  });
  connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& current) {
    if (current.isValid()) emit layerSelected(proxy_->index(current.row(), LayerTableModel::kName).data().toString());
  });
}

void ModelView::setModel(std::shared_ptr<const Model> model) {
  model_ = std::move(model);
  pages_->setCurrentIndex(model_ ? 1 : 0);
  if (!model_) {
    summary_->clear();
    layers_->setNodes({});
    opCounts_->setOpCounts({});
    return;
  }
  const ModelSummary& s = model_->summary();
  summary_->setSummary(s);
  layers_->setNodes(s.nodes);
  opCounts_->setOpCounts(s.op_counts);

  // Fit the columns to their contents (Qt samples at most 1000 rows), but keep long shape lists
  // from pushing the numbers off screen; the full text is in the tooltip.
  table_->resizeColumnsToContents();
  const int maxWidth = std::max(160, table_->fontMetrics().horizontalAdvance(QLatin1Char('m')) * 24);
  for (int c : {LayerTableModel::kInputShapes, LayerTableModel::kOutputShapes}) {
    table_->setColumnWidth(c, std::min(table_->columnWidth(c), maxWidth));
  }
}

void ModelView::selectLayer(const QString& name) {
  for (int row = 0; row < layers_->rowCount(); ++row) {
    const QModelIndex source = layers_->index(row, LayerTableModel::kName);
    if (source.data().toString() != name) continue;
    QModelIndex shown = proxy_->mapFromSource(source);
    if (!shown.isValid()) {
      filter_->clear();
      shown = proxy_->mapFromSource(source);
    }
    const QSignalBlocker block(table_->selectionModel());  // no echo back to the sender
    table_->selectRow(shown.row());
    table_->scrollTo(shown);
    return;
  }
}

void ModelView::updateRowCount() {
  const int total = layers_->rowCount();
  const int shown = proxy_->rowCount();
  rowCount_->setText(shown == total ? tr("%n layer(s)", nullptr, total)
                                    : tr("%1 of %n layer(s)", nullptr, total).arg(shown));
}

}  // namespace qwb::ui
