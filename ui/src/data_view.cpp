#include "qwb/ui/data_view.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QProgressBar>
#include <QRegularExpression>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

#include "qwb/model.h"
#include "qwb/store.h"
#include "qwb/ui/data_sample_grid.h"
#include "qwb/ui/format.h"

namespace qwb::ui {

namespace {

constexpr int kPreviewSamples = 16;

// Source kinds of the form: the spec prefix, or the whole spec for the built-in sets.
const char* const kFashionTrain = "fashion-mnist:train";
const char* const kFashionTest = "fashion-mnist:test";

// load_for_model without a model: the same overrides on the engine's default preprocessing.
Result<Dataset> loadSource(const Model* model, const DataSource& s) {
  if (model) return load_for_model(*model, s);
  DatasetOptions opt;
  Preprocess& p = opt.preprocess;
  if (!s.mean.empty()) p.mean = s.mean, p.apply_to_float = true;
  if (!s.stddev.empty()) p.stddev = s.stddev, p.apply_to_float = true;
  if (s.resize > 0) p.resize = s.resize;
  if (s.crop_height > 0) p.crop_height = s.crop_height, p.crop_width = s.crop_width;
  if (s.channels > 0) p.channels = s.channels;
  if (!s.layout.empty()) p.layout = s.layout;
  opt.limit = s.limit;
  return load_dataset(s.spec, opt);
}

// Class names by label: the dataset's own (image folders), else the model's qwb.labels when it
// names at least every class of the dataset (a classifier trained on this data).
std::vector<std::string> classNames(const Dataset& ds, const Model* model) {
  if (!ds.class_names().empty() || !model) return ds.class_names();
  const auto& md = model->summary().metadata;
  auto it = md.find("qwb.labels");
  if (it == md.end()) return {};
  std::vector<std::string> names;
  for (const QString& n : QString::fromStdString(it->second).split(QLatin1Char(','))) names.push_back(n.trimmed().toStdString());
  return static_cast<int64_t>(names.size()) >= ds.num_classes() ? names : std::vector<std::string>{};
}

DataView::Loaded loadWorker(std::shared_ptr<const Model> model, DataSource source) {
  DataView::Loaded r;
  r.source = source;
  auto ds = loadSource(model.get(), source);
  if (!ds) {
    r.error = QString::fromStdString(ds.status().message());
    return r;
  }
  const int64_t n = std::min<int64_t>(kPreviewSamples, ds->size());
  if (n > 0) {
    auto batch = ds->batch(0, n);
    if (!batch) {
      r.error = QString::fromStdString(batch.status().message());
      return r;
    }
    const Shape shape = ds->sample_shape();
    const int64_t per = shape_numel(shape);
    const std::vector<std::string> names = classNames(*ds, model.get());
    for (int64_t i = 0; i < n; ++i) {
      r.images << sampleToImage(batch->data<float>() + i * per, shape, ds->preprocess().layout);
      const int64_t label = ds->has_labels() ? ds->labels()[static_cast<size_t>(i)] : -1;
      r.labels << label;
      if (label < 0) {
        r.captions << QStringLiteral("#%1").arg(i);
      } else if (label < static_cast<int64_t>(names.size())) {
        r.captions << QStringLiteral("%1 %2").arg(label).arg(QString::fromStdString(names[static_cast<size_t>(label)]));
      } else {
        r.captions << QString::number(label);
      }
    }
  }
  r.dataset = std::make_shared<const Dataset>(std::move(*ds));
  return r;
}

bool samePreprocess(const DataSource& a, const DataSource& b) {
  return a.mean == b.mean && a.stddev == b.stddev && a.limit == b.limit && a.resize == b.resize &&
         a.crop_height == b.crop_height && a.crop_width == b.crop_width && a.channels == b.channels && a.layout == b.layout;
}

DataView::Validated validateWorker(std::shared_ptr<const Model> model, DataSource calib, DataSource reference,
                                   int64_t samples, Sampling sampling) {
  DataView::Validated r;
  auto all = loadSource(model.get(), calib);
  if (!all) {
    r.error = QString::fromStdString(all.status().message());
    return r;
  }
  auto ids = sample_ids(*all, samples, sampling, /*seed=*/0);
  if (!ids) {
    r.error = QString::fromStdString(ids.status().message());
    return r;
  }
  const Dataset chosen = all->subset(*ids);
  // The reference is often the very set the sample came from: load it once.
  Result<Dataset> other = invalid_argument("unset");
  const Dataset* ref = &*all;
  if (reference.spec != calib.spec || !samePreprocess(reference, calib)) {
    other = loadSource(model.get(), reference);
    if (!other) {
      r.error = QString::fromStdString(other.status().message());
      return r;
    }
    ref = &*other;
  }
  auto report = validate_calibration(chosen, ref, ValidationOptions{});
  if (!report) {
    r.error = QString::fromStdString(report.status().message());
    return r;
  }
  for (const ValidationCheck& c : report->checks) {
    r.rows << DataView::ValidationRow{QString::fromStdString(c.name), QString::fromLatin1(check_status_name(c.status)),
                                      c.value, c.threshold, QString::fromStdString(c.message)};
  }
  for (const std::string& n : report->notes) r.notes << QString::fromStdString(n);
  return r;
}

QIcon statusIcon(const QColor& colour) {
  QPixmap pm(14, 14);
  pm.fill(Qt::transparent);
  QPainter p(&pm);
  p.setRenderHint(QPainter::Antialiasing);
  p.setPen(Qt::NoPen);
  p.setBrush(colour);
  p.drawEllipse(QRectF(1, 1, 12, 12));
  return QIcon(pm);
}

// A comma or space separated list of numbers; false if any part is not one.
bool parseFloats(const QString& text, std::vector<float>* out) {
  out->clear();
  const QStringList parts = text.split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts);
  for (const QString& p : parts) {
    bool ok = false;
    const float v = p.toFloat(&ok);
    if (!ok || !std::isfinite(v)) return false;
    out->push_back(v);
  }
  return true;
}

QString floatList(const std::vector<float>& v, float fallback) {
  if (v.empty()) return QString::number(fallback);
  QStringList parts;
  for (float x : v) parts << QString::number(x, 'g', 4);
  return parts.join(QLatin1Char(','));
}

}  // namespace

DataView::DataView(QWidget* parent) : QWidget(parent) {
  buildUi();
  connect(&load_watcher_, &QFutureWatcherBase::finished, this, &DataView::onLoaded);
  connect(&validate_watcher_, &QFutureWatcherBase::finished, this, &DataView::onValidated);
  updateKindFields();
  refreshDefaults();
  refreshDatasets();
}

DataView::~DataView() = default;

void DataView::buildUi() {
  // --- Load form ---
  kind_ = new QComboBox;
  kind_->addItem(tr("Fashion-MNIST, training set"), QLatin1String(kFashionTrain));
  kind_->addItem(tr("Fashion-MNIST, test set"), QLatin1String(kFashionTest));
  kind_->addItem(tr("IDX files (MNIST format)"), QStringLiteral("idx"));
  kind_->addItem(tr("NumPy array (.npy)"), QStringLiteral("npy"));
  kind_->addItem(tr("NumPy archive (.npz)"), QStringLiteral("npz"));
  kind_->addItem(tr("Image folder (one subfolder per class)"), QStringLiteral("images"));
  kind_->addItem(tr("ONNX test data (.pb folder)"), QStringLiteral("pb"));
  path_label_ = new QLabel;
  path_ = new QLineEdit;
  browse_ = new QPushButton(tr("Browse..."));
  extra_label_ = new QLabel;
  extra_ = new QLineEdit;
  auto* extraBrowse = new QPushButton(tr("Browse..."));
  extraBrowse->setObjectName(QStringLiteral("extraBrowse"));
  mean_ = new QLineEdit;
  std_ = new QLineEdit;
  resize_ = new QLineEdit;
  crop_ = new QLineEdit;
  channels_ = new QComboBox;
  channels_->addItem(tr("model default"), 0);
  channels_->addItem(tr("1 (grayscale)"), 1);
  channels_->addItem(tr("3 (RGB)"), 3);
  layout_ = new QComboBox;
  layout_->addItem(tr("model default"), QString());
  layout_->addItem(QStringLiteral("NCHW"), QStringLiteral("NCHW"));
  layout_->addItem(QStringLiteral("NHWC"), QStringLiteral("NHWC"));
  mean_->setToolTip(tr("Per-channel mean after scaling to [0, 1], e.g. 0.485,0.456,0.406. Empty: the model's."));
  std_->setToolTip(tr("Per-channel standard deviation, e.g. 0.229,0.224,0.225. Empty: the model's."));
  resize_->setToolTip(tr("Images: resize the shorter side to this many pixels. Empty: the model's."));
  crop_->setToolTip(tr("Images: center crop H,W or N. Empty: the model's."));
  channels_->setToolTip(tr("Images: decode as grayscale or RGB."));
  layout_->setToolTip(tr("Where the channels are: NCHW (channels first) or NHWC (channels last)."));
  load_ = new QPushButton(tr("Load"));
  load_busy_ = new QProgressBar;
  load_busy_->setRange(0, 0);  // indeterminate: loading reports no progress
  load_busy_->setMaximumWidth(120);
  load_busy_->setTextVisible(false);
  load_busy_->hide();
  message_ = new QLabel;
  message_->setWordWrap(true);
  message_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto* pathRow = new QHBoxLayout;
  pathRow->addWidget(path_);
  pathRow->addWidget(browse_);
  auto* extraRow = new QHBoxLayout;
  extraRow->addWidget(extra_);
  extraRow->addWidget(extraBrowse);
  auto* loadRow = new QHBoxLayout;
  loadRow->addWidget(load_);
  loadRow->addWidget(load_busy_);
  loadRow->addStretch();
  auto* form = new QFormLayout;
  form->addRow(tr("Source:"), kind_);
  form->addRow(path_label_, pathRow);
  form->addRow(extra_label_, extraRow);
  form->addRow(tr("Mean:"), mean_);
  form->addRow(tr("Std:"), std_);
  form->addRow(tr("Resize:"), resize_);
  form->addRow(tr("Crop:"), crop_);
  form->addRow(tr("Channels:"), channels_);
  form->addRow(tr("Layout:"), layout_);
  auto* loadBox = new QGroupBox(tr("Load a dataset"));
  auto* loadLayout = new QVBoxLayout(loadBox);
  loadLayout->addLayout(form);
  loadLayout->addLayout(loadRow);
  loadLayout->addWidget(message_);
  loadLayout->addStretch();

  // --- Preview ---
  summary_ = new QLabel(tr("No dataset loaded."));
  summary_->setWordWrap(true);
  summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  grid_ = new DataSampleGrid(8);
  attach_ = new QPushButton(tr("Attach to project"));
  attach_->setEnabled(false);
  auto* previewBox = new QGroupBox(tr("Loaded dataset"));
  auto* previewLayout = new QVBoxLayout(previewBox);
  previewLayout->addWidget(summary_);
  previewLayout->addWidget(grid_);
  previewLayout->addStretch();
  auto* attachRow = new QHBoxLayout;
  attachRow->addWidget(attach_);
  attachRow->addStretch();
  previewLayout->addLayout(attachRow);

  // --- Attached datasets ---
  datasets_ = new QTableWidget(0, 5);
  datasets_->setHorizontalHeaderLabels({tr("ID"), tr("Spec"), tr("Samples"), tr("Classes"), tr("Preprocessing")});
  datasets_->verticalHeader()->hide();
  datasets_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  datasets_->setSelectionBehavior(QAbstractItemView::SelectRows);
  datasets_->horizontalHeader()->setStretchLastSection(true);
  datasets_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  auto* datasetsBox = new QGroupBox(tr("Datasets of the project"));
  (new QVBoxLayout(datasetsBox))->addWidget(datasets_);

  // --- Validation ---
  calib_ = new QComboBox;
  reference_ = new QComboBox;
  for (QComboBox* c : {calib_, reference_}) {
    c->setEditable(true);  // any spec may be typed
    c->setMinimumContentsLength(18);
    c->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  }
  samples_ = new QSpinBox;
  samples_->setRange(1, 1000000);
  samples_->setValue(256);
  validate_ = new QPushButton(tr("Validate"));
  validate_busy_ = new QProgressBar;
  validate_busy_->setRange(0, 0);
  validate_busy_->setMaximumWidth(80);
  validate_busy_->setTextVisible(false);
  validate_busy_->hide();
  checks_ = new QTableWidget(0, 5);
  checks_->setHorizontalHeaderLabels({tr("Status"), tr("Check"), tr("Value"), tr("Limit"), tr("Message")});
  checks_->verticalHeader()->hide();
  checks_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  checks_->setWordWrap(true);
  checks_->setTextElideMode(Qt::ElideNone);
  // Rows grow with wrapped messages whenever the columns change width.
  checks_->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  checks_->horizontalHeader()->setStretchLastSection(true);
  notes_ = new QLabel;
  notes_->setWordWrap(true);
  auto* validateRow = new QHBoxLayout;
  validateRow->addWidget(new QLabel(tr("Calibration:")));
  validateRow->addWidget(calib_, 1);
  validateRow->addWidget(new QLabel(tr("first")));
  validateRow->addWidget(samples_);
  validateRow->addWidget(new QLabel(tr("Reference:")));
  validateRow->addWidget(reference_, 1);
  validateRow->addWidget(validate_);
  validateRow->addWidget(validate_busy_);
  auto* validateBox = new QGroupBox(tr("Calibration data validation"));
  auto* validateLayout = new QVBoxLayout(validateBox);
  validateLayout->addLayout(validateRow);
  validateLayout->addWidget(checks_, 1);
  validateLayout->addWidget(notes_);

  auto* top = new QHBoxLayout;
  top->addWidget(loadBox, 2);
  top->addWidget(previewBox, 5);
  auto* bottom = new QHBoxLayout;
  bottom->addWidget(datasetsBox, 2);
  bottom->addWidget(validateBox, 3);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(top, 1);
  layout->addLayout(bottom, 1);

  connect(kind_, &QComboBox::currentIndexChanged, this, [this] { updateKindFields(); });
  connect(browse_, &QPushButton::clicked, this, [this] { browse(); });
  connect(extraBrowse, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, tr("Labels file"), path_->text());
    if (!f.isEmpty()) extra_->setText(f);
  });
  connect(load_, &QPushButton::clicked, this, [this] { load(); });
  connect(path_, &QLineEdit::returnPressed, this, [this] { load(); });
  connect(attach_, &QPushButton::clicked, this, [this] { attach(); });
  connect(validate_, &QPushButton::clicked, this,
          [this] { validateCalibration(calib_->currentText(), reference_->currentText(), samples_->value()); });
}

void DataView::setProject(std::shared_ptr<qwb::Project> project) {
  project_ = std::move(project);
  refreshDatasets();
}

void DataView::setModel(std::shared_ptr<const qwb::Model> model) {
  model_ = std::move(model);
  refreshDefaults();
}

void DataView::refreshDefaults() {
  // An empty field means "the model's value" (or the engine's default): its hint text shows that value.
  const Preprocess p = model_ ? Preprocess::from_metadata(model_->summary().metadata) : Preprocess{};
  const QString suffix = model_ ? tr(" (model)") : tr(" (default)");
  mean_->setPlaceholderText(floatList(p.mean, 0) + suffix);
  std_->setPlaceholderText(floatList(p.stddev, 1) + suffix);
  resize_->setPlaceholderText((p.resize > 0 ? QString::number(p.resize) : tr("keep")) + suffix);
  crop_->setPlaceholderText((p.crop_height > 0 ? QStringLiteral("%1,%2").arg(p.crop_height).arg(p.crop_width) : tr("none")) + suffix);
  // Without qwb.channels the model's own 4-d input says how many channels it takes.
  int64_t channels = p.channels;
  if (model_ && !model_->summary().metadata.count("qwb.channels") && !model_->graph().inputs.empty()) {
    const auto& in = model_->graph().inputs.front();
    const size_t axis = p.layout == "NHWC" ? 3 : 1;
    if (in.dims.size() == 4 && in.dims[axis].known()) channels = in.dims[axis].value;
  }
  channels_->setItemText(0, tr("%1 (model default)").arg(channels));
  layout_->setItemText(0, tr("%1 (model default)").arg(QString::fromStdString(p.layout)));
}

void DataView::refreshDatasets() {
  records_.clear();
  datasets_->setRowCount(0);
  if (project_) {
    auto list = project_->list_datasets();
    if (list) {
      records_ = std::move(*list);
    } else {
      showError(tr("Could not read the project's datasets: %1").arg(QString::fromStdString(list.status().message())));
    }
  }
  datasets_->setRowCount(static_cast<int>(records_.size()));
  for (int r = 0; r < static_cast<int>(records_.size()); ++r) {
    const DatasetRecord& d = records_[static_cast<size_t>(r)];
    QString pre;
    if (d.preprocess.is_object() && d.preprocess.contains("describe") && d.preprocess["describe"].is_string()) {
      pre = QString::fromStdString(d.preprocess["describe"].get<std::string>());
    } else {
      pre = QString::fromStdString(d.preprocess.dump());
    }
    const QStringList cells = {QString::number(d.id), QString::fromStdString(d.spec), formatInteger(d.samples),
                               d.num_classes > 0 ? QString::number(d.num_classes) : tr("no labels"), pre};
    for (int c = 0; c < cells.size(); ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      item->setToolTip(cells[c]);
      if (c == 0 || c == 2 || c == 3) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      datasets_->setItem(r, c, item);
    }
  }
  for (int c = 0; c < 4; ++c) datasets_->resizeColumnToContents(c);

  // Validation choices: the attached datasets (a limited or differently preprocessed record of
  // the same spec gets its id in the label, so every label means one record), then the
  // built-in sets.
  choices_.clear();
  QStringList labels;
  for (int i = 0; i < static_cast<int>(records_.size()); ++i) {
    const DatasetRecord& d = records_[static_cast<size_t>(i)];
    const QString spec = QString::fromStdString(d.spec);
    int64_t limit = -1;
    if (d.preprocess.is_object()) {
      auto it = d.preprocess.find("limit");
      if (it != d.preprocess.end() && it->is_number_integer()) limit = it->get<int64_t>();
    }
    QString label = spec;
    if (limit >= 0) label = tr("%1 (first %2, dataset %3)").arg(spec).arg(limit).arg(d.id);
    else if (labels.contains(spec)) label = tr("%1 (dataset %2)").arg(spec).arg(d.id);
    labels << label;
    choices_.append({label, i});
  }
  for (const char* s : {kFashionTrain, kFashionTest}) {
    if (!labels.contains(QLatin1String(s))) labels << QLatin1String(s);
  }
  for (QComboBox* c : {calib_, reference_}) {
    const QString current = c->currentText();
    c->clear();
    c->addItems(labels);
    if (!current.isEmpty()) c->setCurrentText(current);
  }
  if (calib_->currentText().isEmpty() || reference_->currentText() == calib_->currentText()) {
    calib_->setCurrentText(QLatin1String(kFashionTrain));
    reference_->setCurrentText(QLatin1String(kFashionTest));
  }
}

void DataView::updateKindFields() {
  const QString kind = kind_->currentData().toString();
  const bool builtIn = kind.startsWith(QStringLiteral("fashion-mnist"));
  const bool folder = kind == QStringLiteral("images") || kind == QStringLiteral("pb");
  path_label_->setText(folder ? tr("Folder:") : kind == QStringLiteral("npz") ? tr("Archive:") : tr("Samples file:"));
  if (kind == QStringLiteral("npz")) {
    extra_label_->setText(tr("Keys:"));
    extra_->setPlaceholderText(tr("optional: KEY[,LABELKEY]"));
  } else if (kind == QStringLiteral("pb")) {
    extra_label_->setText(tr("Input index:"));
    extra_->setPlaceholderText(tr("optional, default 0"));
  } else {
    extra_label_->setText(tr("Labels file:"));
    extra_->setPlaceholderText(tr("optional"));
  }
  const bool hasExtra = !builtIn && kind != QStringLiteral("images");
  for (QWidget* w : {static_cast<QWidget*>(path_label_), static_cast<QWidget*>(path_), static_cast<QWidget*>(browse_)}) {
    w->setEnabled(!builtIn);
  }
  extra_label_->setEnabled(hasExtra);
  extra_->setEnabled(hasExtra);
  findChild<QPushButton*>(QStringLiteral("extraBrowse"))
      ->setEnabled(kind == QStringLiteral("idx") || kind == QStringLiteral("npy"));
}

void DataView::browse() {
  const QString kind = kind_->currentData().toString();
  QString chosen;
  if (kind == QStringLiteral("images") || kind == QStringLiteral("pb")) {
    chosen = QFileDialog::getExistingDirectory(this, tr("Dataset folder"), path_->text());
  } else {
    const QString filter = kind == QStringLiteral("idx")   ? tr("IDX files (*-ubyte *-ubyte.gz *.idx *.gz);;All files (*)")
                           : kind == QStringLiteral("npy") ? tr("NumPy arrays (*.npy);;All files (*)")
                                                           : tr("NumPy archives (*.npz);;All files (*)");
    chosen = QFileDialog::getOpenFileName(this, tr("Dataset file"), path_->text(), filter);
  }
  if (!chosen.isEmpty()) path_->setText(chosen);
}

QString DataView::spec() const {
  const QString kind = kind_->currentData().toString();
  if (kind.startsWith(QStringLiteral("fashion-mnist"))) return kind;
  QString s = kind + QLatin1Char(':') + path_->text().trimmed();
  if (kind != QStringLiteral("images") && !extra_->text().trimmed().isEmpty()) s += QLatin1Char(',') + extra_->text().trimmed();
  return s;
}

void DataView::setSpec(const QString& spec) {
  const int builtIn = kind_->findData(spec);
  if (builtIn >= 0) {
    kind_->setCurrentIndex(builtIn);
    path_->clear();
    extra_->clear();
    return;
  }
  const QString kind = spec.section(QLatin1Char(':'), 0, 0), rest = spec.section(QLatin1Char(':'), 1);
  kind_->setCurrentIndex(std::max(0, kind_->findData(kind)));
  if (kind == QStringLiteral("images")) {
    path_->setText(rest);
    extra_->clear();
  } else {
    path_->setText(rest.section(QLatin1Char(','), 0, 0));
    extra_->setText(rest.section(QLatin1Char(','), 1));
  }
}

bool DataView::sourceFromForm(DataSource* out, QString* error) const {
  DataSource s;
  const QString kind = kind_->currentData().toString();
  if (!kind.startsWith(QStringLiteral("fashion-mnist")) && path_->text().trimmed().isEmpty()) {
    *error = tr("%1 is empty: choose the dataset's %2.")
                 .arg(path_label_->text().chopped(1),
                      kind == QStringLiteral("images") || kind == QStringLiteral("pb") ? tr("folder") : tr("file"));
    return false;
  }
  s.spec = spec().toStdString();
  if (!parseFloats(mean_->text(), &s.mean)) {
    *error = tr("Mean: '%1' is not a list of numbers (e.g. 0.485,0.456,0.406).").arg(mean_->text());
    return false;
  }
  if (!parseFloats(std_->text(), &s.stddev) ||
      std::any_of(s.stddev.begin(), s.stddev.end(), [](float v) { return v <= 0; })) {
    *error = tr("Std: '%1' is not a list of positive numbers (e.g. 0.229,0.224,0.225).").arg(std_->text());
    return false;
  }
  if (!resize_->text().trimmed().isEmpty()) {
    bool ok = false;
    s.resize = resize_->text().trimmed().toLongLong(&ok);
    if (!ok || s.resize < 1) {
      *error = tr("Resize: '%1' is not a positive number of pixels.").arg(resize_->text());
      return false;
    }
  }
  if (!crop_->text().trimmed().isEmpty()) {
    const QStringList parts = crop_->text().split(QLatin1Char(','), Qt::KeepEmptyParts);
    bool ok1 = false, ok2 = true;
    s.crop_height = parts.value(0).trimmed().toLongLong(&ok1);
    s.crop_width = parts.size() > 1 ? parts.value(1).trimmed().toLongLong(&ok2) : s.crop_height;
    if (parts.size() > 2 || !ok1 || !ok2 || s.crop_height < 1 || s.crop_width < 1) {
      *error = tr("Crop: '%1' is not H,W or N (positive pixel counts).").arg(crop_->text());
      return false;
    }
  }
  s.channels = channels_->currentData().toLongLong();
  s.layout = layout_->currentData().toString().toStdString();
  *out = std::move(s);
  return true;
}

DataSource DataView::sourceForSpec(const QString& text) const {
  // An attached dataset keeps the preprocessing it was attached with: the record a label names,
  // else the full-set record of that spec.
  const DatasetRecord* record = nullptr;
  for (const auto& [label, index] : choices_) {
    if (label == text) record = &records_[static_cast<size_t>(index)];
  }
  for (size_t i = 0; !record && i < records_.size(); ++i) {
    const DatasetRecord& d = records_[i];
    if (QString::fromStdString(d.spec) != text.trimmed()) continue;
    try {
      if (data_source_from_json(d.preprocess).limit < 0) record = &d;
    } catch (const nlohmann::json::exception&) {
    }
  }
  if (record) {
    try {
      DataSource s = data_source_from_json(record->preprocess);
      s.spec = record->spec;
      return s;
    } catch (const nlohmann::json::exception&) {
      // A hand-edited record: fall back to the form.
    }
  }
  DataSource s;
  QString ignored;
  if (!sourceFromForm(&s, &ignored)) s = DataSource{};
  s.spec = text.trimmed().toStdString();
  return s;
}

void DataView::showError(const QString& message) {
  last_error_ = message;
  message_->setStyleSheet(QStringLiteral("color: #b71c1c;"));
  message_->setText(message);
}

bool DataView::isLoading() const { return load_watcher_.isRunning(); }
bool DataView::isValidating() const { return validate_watcher_.isRunning(); }

bool DataView::load() {
  if (isLoading()) return false;
  DataSource source;
  QString error;
  if (!sourceFromForm(&source, &error)) {
    showError(error);
    emit loadFailed(error);
    return false;
  }
  last_error_.clear();
  message_->setStyleSheet(QString());
  message_->setText(tr("Loading %1 ...").arg(QString::fromStdString(source.spec)));
  load_->setEnabled(false);
  attach_->setEnabled(false);
  load_busy_->show();
  load_watcher_.setFuture(QtConcurrent::run(loadWorker, model_, source));
  return true;
}

void DataView::onLoaded() {
  Loaded r = load_watcher_.result();
  load_->setEnabled(true);
  load_busy_->hide();
  if (!r.error.isEmpty()) {
    // The previous preview stays: a failed load does not take away what was shown.
    const QString msg = tr("Could not load %1: %2").arg(QString::fromStdString(r.source.spec), r.error);
    showError(msg);
    attach_->setEnabled(loaded_.dataset != nullptr);
    emit loadFailed(msg);
    return;
  }
  loaded_ = std::move(r);
  message_->setStyleSheet(QString());
  message_->setText(tr("Loaded %1.").arg(QString::fromStdString(loaded_.source.spec)));
  summary_->setText(loadedSummary());
  grid_->setSamples(loaded_.images, loaded_.captions);
  attach_->setEnabled(project_ != nullptr);
  emit datasetLoaded();
}

QString DataView::loadedSummary() const {
  if (!loaded_.dataset) return tr("No dataset loaded.");
  const Dataset& ds = *loaded_.dataset;
  const QString classes = ds.has_labels() ? QString::number(ds.num_classes()) : tr("no labels");
  return tr("<b>%1</b><br>Samples: %2 &nbsp; Classes: %3 &nbsp; Sample shape: %4<br>Preprocessing: %5")
      .arg(QString::fromStdString(loaded_.source.spec).toHtmlEscaped(), formatInteger(ds.size()), classes,
           QString::fromStdString(shape_str(ds.sample_shape())),
           QString::fromStdString(ds.preprocess().describe()).toHtmlEscaped());
}

bool DataView::attach() {
  if (!loaded_.dataset) {
    showError(tr("Load a dataset before attaching it."));
    return false;
  }
  if (!project_) {
    showError(tr("No project is open: open or create one to attach datasets."));
    return false;
  }
  const Dataset& ds = *loaded_.dataset;
  // The same record as a recorded run writes (engine/src/jobs/recorded.cpp), so the project
  // deduplicates a dataset attached here and later used by a run.
  nlohmann::json pre = to_json(loaded_.source);
  pre["describe"] = ds.preprocess().describe();
  auto id = project_->add_dataset(loaded_.source.spec, pre, ds.size(), ds.has_labels() ? ds.num_classes() : 0);
  if (!id) {
    showError(tr("Could not attach %1: %2").arg(QString::fromStdString(loaded_.source.spec),
                                                QString::fromStdString(id.status().message())));
    return false;
  }
  message_->setStyleSheet(QString());
  message_->setText(tr("Attached %1 to the project (dataset %2).").arg(QString::fromStdString(loaded_.source.spec)).arg(*id));
  refreshDatasets();
  emit datasetAttached(static_cast<qint64>(*id));
  return true;
}

bool DataView::validateCalibration(const QString& calibration, const QString& reference, int samples) {
  if (isValidating()) return false;
  if (calibration.trimmed().isEmpty() || reference.trimmed().isEmpty()) {
    notes_->setStyleSheet(QStringLiteral("color: #b71c1c;"));
    notes_->setText(tr("Choose a calibration set and a reference set."));
    return false;
  }
  calib_->setCurrentText(calibration);
  reference_->setCurrentText(reference);
  samples_->setValue(samples);
  validate_->setEnabled(false);
  validate_busy_->show();
  notes_->setStyleSheet(QString());
  notes_->setText(tr("Validating %1 samples of %2 against %3 ...").arg(samples).arg(calibration, reference));
  validate_watcher_.setFuture(QtConcurrent::run(validateWorker, model_, sourceForSpec(calibration),
                                                sourceForSpec(reference), static_cast<int64_t>(samples), Sampling::kFirst));
  return true;
}

void DataView::onValidated() {
  validation_ = validate_watcher_.result();
  validate_->setEnabled(true);
  validate_busy_->hide();
  checks_->setRowCount(static_cast<int>(validation_.rows.size()));
  struct Look {
    QColor icon, background;
    QString text;
  };
  const Look ok{QColor(0x2e, 0x7d, 0x32), QColor(0xe8, 0xf5, 0xe9), tr("ok")};
  const Look warning{QColor(0xef, 0x6c, 0x00), QColor(0xff, 0xf3, 0xe0), tr("warning")};
  const Look error{QColor(0xc6, 0x28, 0x28), QColor(0xff, 0xeb, 0xee), tr("error")};
  for (int r = 0; r < validation_.rows.size(); ++r) {
    const ValidationRow& v = validation_.rows[r];
    const Look& look = v.status == QStringLiteral("ok") ? ok : v.status == QStringLiteral("warning") ? warning : error;
    const QStringList cells = {look.text, v.name, QString::number(v.value, 'g', 4), QString::number(v.threshold, 'g', 4), v.message};
    for (int c = 0; c < cells.size(); ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      item->setToolTip(v.message);
      item->setBackground(look.background);
      if (c == 0) item->setIcon(statusIcon(look.icon));
      if (c == 2 || c == 3) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
      checks_->setItem(r, c, item);
    }
  }
  // Size the short columns to their contents; the message takes the rest and wraps.
  for (int c = 0; c < 4; ++c) checks_->resizeColumnToContents(c);
  if (!validation_.error.isEmpty()) {
    last_error_ = tr("Validation failed: %1").arg(validation_.error);
    notes_->setStyleSheet(QStringLiteral("color: #b71c1c;"));
    notes_->setText(last_error_);
  } else {
    int warnings = 0, errors = 0;
    for (const ValidationRow& v : validation_.rows) {
      warnings += v.status == QStringLiteral("warning");
      errors += v.status == QStringLiteral("error");
    }
    QString text = tr("%1 check(s): %2 warning(s), %3 error(s).").arg(validation_.rows.size()).arg(warnings).arg(errors);
    for (const QString& n : validation_.notes) text += QLatin1Char('\n') + n;
    notes_->setStyleSheet(QString());
    notes_->setText(text);
  }
  emit validationFinished();
}

int DataView::datasetRowCount() const { return datasets_->rowCount(); }

QString DataView::datasetCell(int row, int column) const {
  const QTableWidgetItem* item = datasets_->item(row, column);
  return item ? item->text() : QString();
}

}  // namespace qwb::ui
