#include "qwb/ui/new_run_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "qwb/ui/format.h"

namespace qwb::ui {

namespace {

const QStringList kDataSpecs{QStringLiteral("fashion-mnist:train"), QStringLiteral("fashion-mnist:test")};
const QStringList kWeightTypes{QStringLiteral("int8"), QStringLiteral("uint8"), QStringLiteral("int16"),
                               QStringLiteral("int4"), QStringLiteral("uint4"), QStringLiteral("fp16"),
                               QStringLiteral("bf16"), QStringLiteral("fp8e4m3"), QStringLiteral("fp8e5m2")};
const QStringList kActivationTypes{QStringLiteral("uint8"), QStringLiteral("int8"), QStringLiteral("int16"),
                                   QStringLiteral("fp16"), QStringLiteral("bf16")};

// Combo boxes whose items show a translated label and keep the engine's value as item data.
QComboBox* valueCombo(const QList<std::pair<QString, QString>>& items) {
  auto* c = new QComboBox;
  for (const auto& [value, label] : items) c->addItem(label, value);
  return c;
}

QString value(const QComboBox* c) {
  const QVariant v = c->currentData();
  return v.isValid() ? v.toString() : c->currentText();
}

QComboBox* combo(const QStringList& items, bool editable = false) {
  auto* c = new QComboBox;
  c->addItems(items);
  c->setEditable(editable);
  return c;
}

std::string utf8(const QString& s) { return s.trimmed().toStdString(); }


// The combo text for a stored spec: "int8" + granularity "channel" / "block:32".
QString typeOf(const nlohmann::json& j) {
  if (!j.is_object()) return QStringLiteral("none");
  const std::string dt = j.value("dtype", "none");
  if (dt == "float16") return QStringLiteral("fp16");
  if (dt == "bfloat16") return QStringLiteral("bf16");
  return qstr(dt);
}

void selectText(QComboBox* c, const QString& text) {
  const int i = c->findText(text);
  if (i >= 0) c->setCurrentIndex(i);
  else if (c->isEditable()) c->setEditText(text);
}

void selectValue(QComboBox* c, const QString& v) {
  const int i = c->findData(v);
  if (i >= 0) c->setCurrentIndex(i);
  else selectText(c, v);
}

}  // namespace

NewRunDialog::NewRunDialog(const QStringList& models, QWidget* parent)
    : QDialog(parent),
      task_(combo({tr("Quantize: calibrate, quantize, evaluate, export"), tr("Mixed precision (autoquant)"),
                   tr("Per-layer sensitivity"), tr("Evaluate FP32")})),
      model_(combo(models, true)),
      calib_(combo(kDataSpecs, true)),
      samples_(new QSpinBox),
      sampling_(valueCombo({{QStringLiteral("first"), tr("first N")},
                            {QStringLiteral("random"), tr("random")},
                            {QStringLiteral("stratified"), tr("stratified by label")}})),
      seed_(new QSpinBox),
      eval_(combo(QStringList{QStringLiteral("fashion-mnist:test"), QStringLiteral("fashion-mnist:train"), QString()}, true)),
      evalLimit_(new QSpinBox),
      weights_(combo(kWeightTypes)),
      granularity_(valueCombo({{QStringLiteral("channel"), tr("per channel")},
                               {QStringLiteral("tensor"), tr("per tensor")},
                               {QStringLiteral("block:32"), tr("blocks of 32")},
                               {QStringLiteral("block:64"), tr("blocks of 64")},
                               {QStringLiteral("block:128"), tr("blocks of 128")}})),
      activations_(combo(kActivationTypes)),
      method_(valueCombo({{QStringLiteral("minmax"), tr("MinMax")},
                          {QStringLiteral("percentile"), tr("Percentile (99.999)")},
                          {QStringLiteral("entropy"), tr("Entropy (KL)")},
                          {QStringLiteral("mse"), tr("MSE")}})),
      reduceRange_(new QCheckBox(tr("7-bit ranges (reduce_range) for CPUs without VNNI"))),
      exclude_(new QLineEdit),
      out_(new QLineEdit),
      autoquant_(new QGroupBox(tr("Mixed precision"))),
      maxDrop_(new QDoubleSpinBox),
      relative_(new QCheckBox(tr("relative (% of FP32 top-1)"))),
      objective_(valueCombo({{QStringLiteral("size"), tr("model size")},
                             {QStringLiteral("bitops"), tr("bit operations")},
                             {QStringLiteral("latency"), tr("measured latency")}})),
      timeBudget_(new QSpinBox),
      message_(new QLabel),
      buttons_(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel)) {
  setWindowTitle(tr("New Run"));
  activations_->addItem(tr("none (weight-only)"), QStringLiteral("none"));
  samples_->setRange(1, 1000000);
  samples_->setValue(256);
  samples_->setToolTip(tr("Calibration samples (256 is enough for most CNNs)"));
  seed_->setRange(0, 1000000000);
  evalLimit_->setRange(0, 10000000);
  evalLimit_->setSpecialValueText(tr("all"));
  evalLimit_->setToolTip(tr("Use only the first N evaluation samples (0: all)"));
  calib_->setToolTip(tr("fashion-mnist:train | idx:IMAGES[,LABELS] | npy:FILE | npz:FILE | images:DIR | pb:DIR"));
  eval_->setToolTip(tr("Labelled data for FP32 vs quantized accuracy; empty: no evaluation"));
  method_->setToolTip(tr("How activation ranges are chosen from the calibration histograms"));
  exclude_->setPlaceholderText(tr("node names kept in float, comma-separated"));
  out_->setPlaceholderText(tr("no export"));
  maxDrop_->setRange(0, 100);
  maxDrop_->setDecimals(2);
  maxDrop_->setValue(0.5);
  maxDrop_->setSuffix(tr(" points"));
  timeBudget_->setRange(10, 86400);
  timeBudget_->setValue(300);
  timeBudget_->setSuffix(tr(" s"));
  message_->setWordWrap(true);
  message_->setStyleSheet(QStringLiteral("color: #b00020"));

  auto* browseModel = new QPushButton(tr("Browse..."));
  connect(browseModel, &QPushButton::clicked, this, &NewRunDialog::browseModel);
  auto* modelRow = new QHBoxLayout;
  modelRow->addWidget(model_, 1);
  modelRow->addWidget(browseModel);
  model_->setMinimumContentsLength(40);

  auto* calibRow = new QHBoxLayout;
  calibRow->addWidget(calib_, 1);
  calibRow->addWidget(new QLabel(tr("samples")));
  calibRow->addWidget(samples_);
  calibRow->addWidget(sampling_);
  calibRow->addWidget(new QLabel(tr("seed")));
  calibRow->addWidget(seed_);

  auto* evalRow = new QHBoxLayout;
  evalRow->addWidget(eval_, 1);
  evalRow->addWidget(new QLabel(tr("limit")));
  evalRow->addWidget(evalLimit_);

  auto* weightRow = new QHBoxLayout;
  weightRow->addWidget(weights_);
  weightRow->addWidget(granularity_);
  weightRow->addStretch(1);

  auto* pick = new QPushButton(tr("Pick..."));
  pick->setToolTip(tr("Choose layers to keep in float from the model's quantizable layers"));
  connect(pick, &QPushButton::clicked, this, &NewRunDialog::pickExclusions);
  auto* excludeRow = new QHBoxLayout;
  excludeRow->addWidget(exclude_, 1);
  excludeRow->addWidget(pick);

  auto* browseOut = new QPushButton(tr("Browse..."));
  connect(browseOut, &QPushButton::clicked, this, &NewRunDialog::browseOutput);
  auto* outRow = new QHBoxLayout;
  outRow->addWidget(out_, 1);
  outRow->addWidget(browseOut);

  auto* form = new QFormLayout;
  form->addRow(tr("Task:"), task_);
  form->addRow(tr("Model:"), modelRow);
  form->addRow(tr("Calibration data:"), calibRow);
  form->addRow(tr("Evaluation data:"), evalRow);
  form->addRow(tr("Weights:"), weightRow);
  form->addRow(tr("Activations:"), activations_);
  form->addRow(tr("Calibration method:"), method_);
  form->addRow(QString(), reduceRange_);
  form->addRow(tr("Keep in float:"), excludeRow);
  form->addRow(tr("Export to:"), outRow);

  auto* aq = new QFormLayout(autoquant_);
  auto* budgetRow = new QHBoxLayout;
  budgetRow->addWidget(maxDrop_);
  budgetRow->addWidget(relative_);
  budgetRow->addStretch(1);
  aq->addRow(tr("Accuracy budget (top-1 drop):"), budgetRow);
  aq->addRow(tr("Objective:"), objective_);
  aq->addRow(tr("Time budget:"), timeBudget_);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(autoquant_);
  layout->addWidget(message_);
  layout->addWidget(buttons_);
  connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);

  connect(task_, &QComboBox::currentIndexChanged, this, [this](int i) {
    if (static_cast<Task>(i) == Task::kAutoquant && weights_->currentText() == QStringLiteral("int8")) {
      // The search starts from the cheapest format and moves harmful layers up.
      selectText(weights_, QStringLiteral("int4"));
      selectValue(granularity_, QStringLiteral("block:32"));
      selectValue(activations_, QStringLiteral("none"));
    }
    suggestOutput();
    updateEnabled();
  });
  for (QComboBox* c : {model_, calib_, eval_, weights_, granularity_, activations_, method_}) {
    connect(c, &QComboBox::currentTextChanged, this, [this] {
      suggestOutput();
      updateEnabled();
    });
  }
  connect(out_, &QLineEdit::textEdited, this, [this] { outEdited_ = true; });
  connect(exclude_, &QLineEdit::textChanged, this, &NewRunDialog::updateEnabled);
  suggestOutput();
  updateEnabled();
}

void NewRunDialog::setTask(Task t) { task_->setCurrentIndex(static_cast<int>(t)); }

void NewRunDialog::setModel(const QString& path) { selectText(model_, path); }

void NewRunDialog::setLayers(const QStringList& layers) { layers_ = layers; }

void NewRunDialog::setExclusions(const QStringList& nodes) { exclude_->setText(nodes.join(QStringLiteral(", "))); }

void NewRunDialog::applyQuantizeConfig(const nlohmann::json& c) {
  if (!c.is_object()) return;
  setTask(Task::kQuantize);
  if (c.contains("model")) setModel(qstr(c.value("model", "")));
  if (c.contains("calib")) {
    const auto& cal = c.at("calib");
    if (cal.contains("data")) selectText(calib_, qstr(cal.at("data").value("spec", "")));
    samples_->setValue(static_cast<int>(cal.value("samples", int64_t{256})));
    selectValue(sampling_, qstr(cal.value("sampling", "first")));
    seed_->setValue(static_cast<int>(cal.value("seed", uint64_t{0})));
  }
  if (c.contains("eval")) {
    selectText(eval_, qstr(c.at("eval").value("spec", "")));
    evalLimit_->setValue(static_cast<int>(std::max<int64_t>(0, c.at("eval").value("limit", int64_t{-1}))));
  }
  if (c.contains("weights")) {
    const auto& w = c.at("weights");
    selectText(weights_, typeOf(w));
    if (w.is_object()) {
      const std::string g = w.value("granularity", "tensor");
      selectValue(granularity_, g == "block" ? QStringLiteral("block:%1").arg(w.value("block_size", 32)) : qstr(g));
      reduceRange_->setChecked(w.value("reduce_range", false));
    }
  }
  if (c.contains("activations")) selectValue(activations_, typeOf(c.at("activations")));
  if (c.contains("method")) selectValue(method_, qstr(c.value("method", "minmax")));
  if (c.contains("exclude")) {
    QStringList ex;
    for (const auto& n : c.at("exclude")) ex << qstr(n.get<std::string>());
    setExclusions(ex);
  }
  if (c.contains("out") && !c.value("out", "").empty()) {
    out_->setText(qstr(c.value("out", "")));
    outEdited_ = true;
  }
  updateEnabled();
}

void NewRunDialog::suggestOutput() {
  if (outEdited_) return;
  const auto t = static_cast<Task>(task_->currentIndex());
  const QFileInfo model(model_->currentText().trimmed());
  if (model_->currentText().trimmed().isEmpty() || t == Task::kSensitivity || t == Task::kEvaluate) {
    out_->clear();
    return;
  }
  // model.int8.onnx beside the model, or model.mixed.onnx for a mixed-precision search.
  const QString suffix = t == Task::kAutoquant ? QStringLiteral("mixed") : weights_->currentText();
  out_->setText(model.dir().filePath(model.completeBaseName() + QLatin1Char('.') + suffix + QStringLiteral(".onnx")));
}

void NewRunDialog::updateEnabled() {
  const auto t = static_cast<Task>(task_->currentIndex());
  const bool quantizing = t != Task::kEvaluate;
  for (QWidget* w : std::initializer_list<QWidget*>{calib_, samples_, sampling_, seed_, weights_, granularity_,
                                                    activations_, method_, reduceRange_, exclude_}) {
    w->setEnabled(quantizing);
  }
  out_->setEnabled(t == Task::kQuantize || t == Task::kAutoquant);
  autoquant_->setVisible(t == Task::kAutoquant);
  const QString problem = validationMessage();
  message_->setText(problem);
  message_->setVisible(!problem.isEmpty());
  buttons_->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
  adjustSize();
}

QString NewRunDialog::validationMessage() const {
  auto c = config();
  return c ? QString() : qstr(c.status().message());
}

Result<JobConfig> NewRunDialog::config() const {
  const auto t = static_cast<Task>(task_->currentIndex());
  const std::string model = utf8(model_->currentText());
  if (model.empty()) return invalid_argument(tr("Choose a model.").toStdString());
  if (!QFileInfo(model_->currentText().trimmed()).isFile()) {
    return not_found(tr("Model: %1 does not exist.").arg(model_->currentText().trimmed()).toStdString());
  }
  DataSource eval;
  eval.spec = utf8(eval_->currentText());
  eval.limit = evalLimit_->value() > 0 ? evalLimit_->value() : -1;
  if (t == Task::kEvaluate) {
    if (eval.spec.empty()) return invalid_argument(tr("Evaluation data: choose a labelled dataset.").toStdString());
    EvaluateConfig e;
    e.model = model;
    e.data = eval;
    return JobConfig{e};
  }
  QuantizeConfig q;
  q.model = model;
  q.calib.data.spec = utf8(calib_->currentText());
  if (q.calib.data.spec.empty()) return invalid_argument(tr("Calibration data: choose a dataset.").toStdString());
  q.calib.samples = samples_->value();
  QWB_ASSIGN_OR_RETURN(q.calib.sampling, parse_sampling(utf8(value(sampling_))));
  q.calib.seed = static_cast<uint64_t>(seed_->value());
  q.eval = eval;
  const bool eightBit = weights_->currentText() == QStringLiteral("int8") || weights_->currentText() == QStringLiteral("uint8");
  auto w = make_quant_spec(utf8(weights_->currentText()), true, utf8(value(granularity_)), reduceRange_->isChecked() && eightBit);
  if (!w) return invalid_argument(tr("Weights: %1").arg(qstr(w.status().message())).toStdString());
  q.quant.weights = *w;
  const QString acts = value(activations_);
  const bool eightBitActs = acts == QStringLiteral("uint8") || acts == QStringLiteral("int8");
  auto a = make_quant_spec(utf8(acts), false, "tensor", reduceRange_->isChecked() && eightBitActs);
  if (!a) return invalid_argument(tr("Activations: %1").arg(qstr(a.status().message())).toStdString());
  q.quant.activations = *a;
  for (const QString& n : exclude_->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
    const QString node = n.trimmed();
    if (node.isEmpty()) continue;
    if (!layers_.isEmpty() && !layers_.contains(node)) {
      return invalid_argument(tr("Keep in float: the model has no quantizable layer '%1'.").arg(node).toStdString());
    }
    q.quant.exclude.push_back(utf8(node));
  }
  QWB_ASSIGN_OR_RETURN(q.method.method, parse_calib_method(utf8(value(method_))));
  if (t == Task::kSensitivity) {
    if (q.eval.spec.empty()) return invalid_argument(tr("Evaluation data: the sweep needs data to measure on.").toStdString());
    SensitivityConfig s;
    s.base = q;
    return JobConfig{s};
  }
  q.out = utf8(out_->text());
  if (!q.out.empty() && !QFileInfo(QFileInfo(out_->text().trimmed()).absolutePath()).isDir()) {
    return not_found(tr("Export to: the folder of %1 does not exist.").arg(out_->text().trimmed()).toStdString());
  }
  if (t == Task::kQuantize) return JobConfig{q};
  if (q.eval.spec.empty()) return invalid_argument(tr("Evaluation data: the search needs data to measure the budget on.").toStdString());
  AutoquantConfig aq;
  aq.base = q;
  aq.max_drop = maxDrop_->value();
  aq.relative = relative_->isChecked();
  QWB_ASSIGN_OR_RETURN(aq.objective, parse_objective(utf8(value(objective_))));
  aq.time_budget_seconds = timeBudget_->value();
  return JobConfig{aq};
}

void NewRunDialog::pickExclusions() {
  QDialog pick(this);
  pick.setWindowTitle(tr("Keep Layers in Float"));
  auto* list = new QListWidget;
  const QStringList current = exclude_->text().split(QLatin1Char(','), Qt::SkipEmptyParts);
  QStringList chosen;
  for (const QString& c : current) chosen << c.trimmed();
  for (const QString& l : layers_) {
    auto* item = new QListWidgetItem(l, list);
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(chosen.contains(l) ? Qt::Checked : Qt::Unchecked);
  }
  auto* hint = new QLabel(layers_.isEmpty() ? tr("Open the model first to list its layers.")
                                            : tr("Checked layers keep float weights and inputs."));
  auto* box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  connect(box, &QDialogButtonBox::accepted, &pick, &QDialog::accept);
  connect(box, &QDialogButtonBox::rejected, &pick, &QDialog::reject);
  auto* layout = new QVBoxLayout(&pick);
  layout->addWidget(hint);
  layout->addWidget(list);
  layout->addWidget(box);
  pick.resize(420, 480);
  if (pick.exec() != QDialog::Accepted) return;
  QStringList out;
  for (int i = 0; i < list->count(); ++i) {
    if (list->item(i)->checkState() == Qt::Checked) out << list->item(i)->text();
  }
  setExclusions(out);
}

void NewRunDialog::browseModel() {
  const QString path = QFileDialog::getOpenFileName(this, tr("Model"), QFileInfo(model_->currentText()).absolutePath(),
                                                    tr("ONNX models (*.onnx);;All files (*)"));
  if (!path.isEmpty()) setModel(path);
}

void NewRunDialog::browseOutput() {
  const QString path = QFileDialog::getSaveFileName(this, tr("Export to"), out_->text(), tr("ONNX models (*.onnx)"));
  if (path.isEmpty()) return;
  out_->setText(path);
  outEdited_ = true;
  updateEnabled();
}

}  // namespace qwb::ui
