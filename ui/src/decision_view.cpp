#include "qwb/ui/decision_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "qwb/hash.h"
#include "qwb/jobs.h"
#include "qwb/ui/decision_table_model.h"
#include "qwb/ui/decision_tree_view.h"
#include "qwb/ui/format.h"

namespace qwb::ui {

using json = nlohmann::json;

struct DecisionView::Loaded {
  QString error;  // the table could not be read
  std::vector<qwb::DecisionRow> rows;
  std::optional<qwb::SensitivitySummary> sensitivity;
  QString factsError;  // the model's runs could not be read (the table still shows)
  json calib, eval;
};

namespace {

// Shows the rows the tree reads for the current architecture and hardware, or all of them.
class RowFilter : public QSortFilterProxyModel {
 public:
  using QSortFilterProxyModel::QSortFilterProxyModel;
  void set(const std::string& architecture, const std::string& hardware, bool all) {
    architecture_ = architecture, hardware_ = hardware, all_ = all;
    invalidateFilter();
  }

 protected:
  bool filterAcceptsRow(int row, const QModelIndex&) const override {
    if (all_) return true;
    const auto& rows = static_cast<const DecisionTableModel*>(sourceModel())->rows();
    if (row < 0 || row >= static_cast<int>(rows.size())) return false;
    const auto& r = rows[static_cast<size_t>(row)];
    return r.hardware == hardware_ && (r.architecture == architecture_ || r.architecture == "*");
  }

 private:
  std::string architecture_, hardware_;
  bool all_ = false;
};

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}


// The recommendation's qwb-cli command (the table's `cli`, with the mixed plan's --override
// options) read the way `qwb-cli quantize` reads its options, as a QuantizeConfig JSON checked by
// the engine's own parser. "export --format fp16" (a cast) becomes fp16 weights and activations.
qwb::Result<json> buildConfig(const qwb::Recommendation& rec, const std::string& model, const json& calib, const json& eval) {
  const auto t = words(rec.cli);
  if (t.empty()) return qwb::invalid_argument("row " + rec.row + " has no command");
  std::string weights = "int8", activations = "uint8", granularity = "channel", method;
  bool symmetricActivations = false, affineWeights = false, reduceRange = false;
  double percentile = 99.999;
  std::vector<std::string> overrides, exclude;
  if (t[0] == "export") {
    auto f = std::find(t.begin(), t.end(), std::string("--format"));
    const std::string type = f != t.end() && f + 1 != t.end() ? *(f + 1) : "";
    if (type != "fp16" && type != "bf16") return qwb::invalid_argument("row " + rec.row + ": '" + rec.cli + "' is no quantize run");
    weights = activations = type;
    granularity = "tensor";
  } else if (t[0] == "quantize") {
    for (size_t i = 1; i < t.size(); ++i) {
      const std::string& o = t[i];
      auto value = [&]() -> qwb::Result<std::string> {
        if (i + 1 >= t.size()) return qwb::invalid_argument("row " + rec.row + ": " + o + " needs a value");
        return t[++i];
      };
      if (o == "--symmetric-activations") symmetricActivations = true;
      else if (o == "--affine-weights") affineWeights = true;
      else if (o == "--reduce-range") reduceRange = true;
      else if (o == "--weights" || o == "-w") { QWB_ASSIGN_OR_RETURN(weights, value()); }
      else if (o == "--activations" || o == "-a") { QWB_ASSIGN_OR_RETURN(activations, value()); }
      else if (o == "--granularity" || o == "-g") { QWB_ASSIGN_OR_RETURN(granularity, value()); }
      else if (o == "--method" || o == "-m") { QWB_ASSIGN_OR_RETURN(method, value()); }
      else if (o == "--override") { QWB_ASSIGN_OR_RETURN(auto v, value()); overrides.push_back(v); }
      else if (o == "--exclude" || o == "-x") { QWB_ASSIGN_OR_RETURN(auto v, value()); exclude.push_back(v); }
      else if (o == "--percentile") {
        QWB_ASSIGN_OR_RETURN(auto v, value());
        percentile = std::atof(v.c_str());
      } else {
        return qwb::invalid_argument("row " + rec.row + ": unknown option '" + o + "' in '" + rec.cli + "'");
      }
    }
  } else {
    return qwb::invalid_argument("row " + rec.row + ": '" + rec.cli + "' is no quantize run");
  }
  if (method.empty()) method = rec.calibration == "none" || rec.calibration.empty() ? "minmax" : rec.calibration;

  qwb::QuantizeConfig c;
  c.model = model;
  const bool int8Weights = weights == "int8" || weights == "uint8";
  QWB_ASSIGN_OR_RETURN(c.quant.weights, qwb::make_quant_spec(weights, !affineWeights, granularity, reduceRange && int8Weights));
  QWB_ASSIGN_OR_RETURN(c.quant.activations, qwb::make_quant_spec(activations, symmetricActivations, "tensor", reduceRange && activations != "int16"));
  for (const auto& e : exclude) c.quant.exclude.push_back(e);
  for (const auto& o : overrides) {
    const auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0) return qwb::invalid_argument("--override '" + o + "': expected NODE=WTYPE[/ATYPE]");
    const std::string node = o.substr(0, eq), rest = o.substr(eq + 1);
    if (node == "LAYER") continue;  // the table's placeholder: the layers come from a sensitivity run
    const auto slash = rest.find('/');
    qwb::NodeOverride ov;
    QWB_ASSIGN_OR_RETURN(auto ws, qwb::make_quant_spec(rest.substr(0, slash), !affineWeights, granularity, false));
    ov.weights = ws;
    if (slash != std::string::npos) {
      QWB_ASSIGN_OR_RETURN(auto as, qwb::make_quant_spec(rest.substr(slash + 1), symmetricActivations, "tensor", false));
      ov.activations = as;
    }
    c.quant.overrides[node] = ov;
  }
  QWB_ASSIGN_OR_RETURN(c.method.method, qwb::parse_calib_method(method));
  c.method.percentile = percentile;
  // A suggestion next to the model; the run dialog may change it.
  std::filesystem::path out(model);
  out.replace_filename(out.stem().string() + "." + rec.format + ".onnx");
  c.out = out.string();
  json j = qwb::to_json(c);
  if (calib.is_object()) j["calib"] = calib;
  if (eval.is_object()) j["eval"] = eval;
  // The engine's own parser is the check.
  QWB_ASSIGN_OR_RETURN(auto checked, qwb::quantize_config_from_json(j));
  json config = qwb::to_json(checked);
  return config;
}

QString hardwareTitle(qwb::Hardware h) {
  switch (h) {
    case qwb::Hardware::kNvidiaGpu: return DecisionView::tr("NVIDIA GPU");
    case qwb::Hardware::kAmdGpu: return DecisionView::tr("AMD GPU");
    case qwb::Hardware::kX86Vnni: return DecisionView::tr("x86 CPU with VNNI");
    case qwb::Hardware::kX86: return DecisionView::tr("x86 CPU without VNNI");
    case qwb::Hardware::kArm: return DecisionView::tr("ARM CPU");
    case qwb::Hardware::kNpu: return DecisionView::tr("Mobile NPU");
  }
  return {};
}

QString esc(const std::string& s) { return qstr(s).toHtmlEscaped(); }
QString num(double v, int decimals) { return QLocale().toString(v, 'f', decimals); }

}  // namespace

// Off the UI thread: the project's table (seeding it writes up to a few hundred rows), and what
// the project knows about the model (matched by file hash or path): its newest succeeded
// sensitivity run and the data of its newest run.
DecisionView::Loaded DecisionView::loadFacts(const std::shared_ptr<qwb::Project>& project, const std::string& model) {
  Loaded out;
  auto rows = qwb::decision_table(*project);
  if (!rows) {
    out.error = qstr(rows.status().message());
    return out;
  }
  out.rows = std::move(*rows);
  if (model.empty()) return out;
  try {
    std::string sha;
    if (auto h = qwb::sha256_file(model)) sha = *h;
    auto models = project->list_models();
    auto runs = project->list_runs();  // newest first
    if (!models || !runs) {
      out.factsError = qstr((!models ? models.status() : runs.status()).message());
      return out;
    }
    std::map<int64_t, const qwb::ModelRecord*> byId;
    for (const auto& m : *models) byId[m.id] = &m;
    for (const auto& r : *runs) {
      if (r.status != qwb::RunStatus::kSucceeded) continue;
      const qwb::ModelRecord* m = byId.count(r.model_id) ? byId[r.model_id] : nullptr;
      const std::string configModel = r.config.is_object() ? r.config.value("model", std::string()) : std::string();
      const bool same = (!sha.empty() && (r.model_sha256 == sha || (m && m->sha256 == sha))) || configModel == model ||
                        (m && m->path == model);
      if (!same) continue;
      if (!out.sensitivity && r.kind == "sensitivity") {
        if (auto doc = project->document(r.id, "sensitivity")) {
          auto s = qwb::sensitivity_summary_from_json(*doc);
          if (s) {
            out.sensitivity = std::move(*s);
            out.sensitivity->run = r.id;
          } else {
            out.factsError = tr("run %1's sensitivity document is damaged: %2")
                                 .arg(r.id)
                                 .arg(qstr(s.status().message()));
          }
        }
      }
      if (out.calib.is_null() && r.config.is_object() && r.config.contains("calib") && r.config["calib"].is_object() &&
          r.config["calib"].contains("data") && !r.config["calib"]["data"].value("spec", std::string()).empty()) {
        out.calib = r.config["calib"];
        out.eval = r.config.value("eval", json::object());
      }
    }
  } catch (const json::exception& e) {
    out.factsError = QString::fromUtf8(e.what());  // a hand-damaged run config: the table still works
  }
  return out;
}

DecisionView::DecisionView(QWidget* parent)
    : QWidget(parent),
      hardware_(new QComboBox),
      budget_(new QDoubleSpinBox),
      goal_(new QComboBox),
      architecture_(new QComboBox),
      apply_(new QPushButton(tr("Apply…"))),
      tree_(new DecisionTreeView),
      text_(new QTextBrowser),
      message_(new QLabel),
      allRows_(new QCheckBox(tr("Show all rows"))),
      model_(new DecisionTableModel(this)),
      filter_(new RowFilter(this)),
      table_(new QTableView) {
  hardware_->setObjectName(QStringLiteral("hardware"));
  budget_->setObjectName(QStringLiteral("budget"));
  goal_->setObjectName(QStringLiteral("goal"));
  architecture_->setObjectName(QStringLiteral("architecture"));
  apply_->setObjectName(QStringLiteral("apply"));
  for (qwb::Hardware h : qwb::hardware_classes()) {
    hardware_->addItem(hardwareTitle(h), qstr(qwb::hardware_name(h)));
    hardware_->setItemData(hardware_->count() - 1, qstr(qwb::hardware_traits(h)), Qt::ToolTipRole);
  }
  hardware_->setCurrentIndex(hardware_->findData(qstr(qwb::hardware_name(qwb::this_machine_hardware()))));
  budget_->setRange(0, 100);
  budget_->setDecimals(2);
  budget_->setSingleStep(0.1);
  budget_->setValue(1.0);
  budget_->setSuffix(tr(" pts"));
  budget_->setToolTip(tr("Top-1 points the quantized model may lose against fp32"));
  goal_->addItem(tr("balanced (compression × speed-up)"), QStringLiteral("balanced"));
  goal_->addItem(tr("size (compression)"), QStringLiteral("size"));
  goal_->addItem(tr("latency (speed-up)"), QStringLiteral("latency"));
  goal_->setToolTip(tr("Ranks the formats that fit the budget"));
  apply_->setToolTip(tr("Open a new quantize run with the recommended format"));
  refillArchitectures();

  auto* inputs = new QHBoxLayout;
  inputs->addWidget(new QLabel(tr("Hardware:")));
  inputs->addWidget(hardware_);
  inputs->addSpacing(8);
  inputs->addWidget(new QLabel(tr("Accuracy budget:")));
  inputs->addWidget(budget_);
  inputs->addSpacing(8);
  inputs->addWidget(new QLabel(tr("Goal:")));
  inputs->addWidget(goal_);
  inputs->addSpacing(8);
  inputs->addWidget(new QLabel(tr("Architecture:")));
  inputs->addWidget(architecture_);
  inputs->addStretch();
  inputs->addWidget(apply_);

  text_->setOpenLinks(false);
  message_->setWordWrap(true);
  message_->setStyleSheet(QStringLiteral("color: #b00020"));
  message_->setVisible(false);
  filter_->setSourceModel(model_);
  table_->setModel(filter_);
  table_->setAlternatingRowColors(true);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->verticalHeader()->setVisible(false);
  table_->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setWordWrap(false);
  table_->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed | QAbstractItemView::AnyKeyPressed);

  auto* tableBox = new QWidget;
  auto* tableLayout = new QVBoxLayout(tableBox);
  tableLayout->setContentsMargins(0, 0, 0, 0);
  auto* tableTop = new QHBoxLayout;
  auto* tableTitle = new QLabel(tr("Lookup table (double-click a loss, compression, speed-up or note to edit; edits are saved to the project)"));
  tableTop->addWidget(tableTitle, 1);
  tableTop->addWidget(allRows_);
  tableLayout->addLayout(tableTop);
  tableLayout->addWidget(message_);
  tableLayout->addWidget(table_);

  auto* top = new QSplitter(Qt::Horizontal);
  top->addWidget(tree_);
  top->addWidget(text_);
  top->setStretchFactor(0, 3);
  top->setStretchFactor(1, 2);
  top->setSizes({760, 500});
  auto* split = new QSplitter(Qt::Vertical);
  split->addWidget(top);
  split->addWidget(tableBox);
  split->setStretchFactor(0, 3);
  split->setStretchFactor(1, 1);
  split->setSizes({530, 230});
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(inputs);
  layout->addWidget(split, 1);

  connect(hardware_, &QComboBox::currentIndexChanged, this, [this] { recompute(); });
  connect(goal_, &QComboBox::currentIndexChanged, this, [this] { recompute(); });
  connect(architecture_, &QComboBox::currentIndexChanged, this, [this] { recompute(); });
  connect(budget_, &QDoubleSpinBox::valueChanged, this, [this] { recompute(); });
  connect(allRows_, &QCheckBox::toggled, this, [this] { refilter(); });
  connect(apply_, &QPushButton::clicked, this, &DecisionView::apply);
  connect(model_, &DecisionTableModel::rowSaved, this, [this](const QString& key) {
    showMessage(QString());
    message_->setVisible(false);
    Q_UNUSED(key);
    recompute();
  });
  connect(model_, &DecisionTableModel::editRejected, this, [this](const QString& m) { showMessage(m); });

  // Without a project the compiled-in seed is shown (read-only).
  model_->setRows(qwb::seed_decision_table());
  table_->resizeColumnsToContents();
  recompute();
}

DecisionView::~DecisionView() = default;

void DecisionView::setProject(std::shared_ptr<qwb::Project> project) {
  project_ = std::move(project);
  model_->setProject(project_);
  projectSensitivity_.reset();
  calib_ = eval_ = json();
  if (!project_) {
    model_->setRows(qwb::seed_decision_table());
    recompute();
    return;
  }
  reload();
}

void DecisionView::setModel(const QString& modelPath, const QString& architecture) {
  modelPath_ = modelPath;
  detected_ = architecture;
  projectSensitivity_.reset();
  explicitSensitivity_.reset();
  calib_ = eval_ = json();
  refillArchitectures();
  if (project_) reload();
  recompute();
}

void DecisionView::setSensitivityDocument(const nlohmann::json& doc) {
  explicitSensitivity_.reset();
  if (doc.is_object() && !doc.empty()) {
    auto s = qwb::sensitivity_summary_from_json(doc);
    if (s) explicitSensitivity_ = std::move(*s);
    else showMessage(tr("The sensitivity document cannot be used: %1").arg(qstr(s.status().message())));
  }
  recompute();
}

void DecisionView::reload() {
  const int generation = ++generation_;
  ++pending_;
  auto* watcher = new QFutureWatcher<Loaded>(this);
  connect(watcher, &QFutureWatcher<Loaded>::finished, this, [this, watcher, generation] {
    watcher->deleteLater();
    --pending_;
    if (generation == generation_) onLoaded(watcher->result());
    if (pending_ == 0) emit loaded();
  });
  watcher->setFuture(QtConcurrent::run(&DecisionView::loadFacts, project_, modelPath_.toStdString()));
  recompute();  // shows "reading" until the rows arrive
}

void DecisionView::onLoaded(const Loaded& r) {
  if (!r.error.isEmpty()) {
    showMessage(tr("The project's decision table cannot be read: %1").arg(r.error));
    model_->setRows({});
  } else {
    if (!r.factsError.isEmpty()) showMessage(tr("The project's runs of this model cannot be read: %1").arg(r.factsError));
    // The seed's order (family, hardware, then formats from int8 down to fp8) rather than the
    // project's key order; rows the seed lacks follow by key.
    std::map<std::string, size_t> seedOrder;
    for (const auto& row : qwb::seed_decision_table()) seedOrder.emplace(row.key(), seedOrder.size());
    auto rows = r.rows;
    std::stable_sort(rows.begin(), rows.end(), [&](const qwb::DecisionRow& a, const qwb::DecisionRow& b) {
      const auto ia = seedOrder.find(a.key()), ib = seedOrder.find(b.key());
      const size_t na = ia == seedOrder.end() ? seedOrder.size() : ia->second, nb = ib == seedOrder.end() ? seedOrder.size() : ib->second;
      return na != nb ? na < nb : a.key() < b.key();
    });
    model_->setRows(std::move(rows));
    table_->resizeColumnsToContents();
    table_->setColumnWidth(DecisionTableModel::kNotes, 600);
  }
  projectSensitivity_ = r.sensitivity;
  calib_ = r.calib;
  eval_ = r.eval;
  refillArchitectures();
  recompute();
}

void DecisionView::refillArchitectures() {
  const QString current = architecture_->currentData().toString();
  std::set<std::string> families = {"cnn", "transformer", "rnn", "mlp", "other"};
  for (const auto& r : model_->rows())
    if (r.architecture != "*") families.insert(r.architecture);
  QSignalBlocker block(architecture_);
  architecture_->clear();
  architecture_->addItem(detected_.isEmpty() ? tr("none detected") : tr("detected: %1").arg(architectureName(detected_.toStdString())),
                         QString());
  for (const char* f : {"cnn", "transformer", "rnn", "mlp", "other"}) {
    architecture_->addItem(architectureName(f), QString::fromLatin1(f));
    families.erase(f);
  }
  for (const auto& f : families) architecture_->addItem(qstr(f), qstr(f));
  architecture_->setCurrentIndex(std::max(0, architecture_->findData(current)));
}

void DecisionView::refilter() {
  const qwb::RecommendInputs in = inputs();
  static_cast<RowFilter*>(filter_)->set(in.architecture, qwb::hardware_name(in.hardware), allRows_->isChecked());
}

QString DecisionView::hardware() const { return hardware_->currentData().toString(); }
void DecisionView::setHardware(const QString& name) {
  if (int i = hardware_->findData(name); i >= 0) hardware_->setCurrentIndex(i);
}
double DecisionView::budget() const { return budget_->value(); }
void DecisionView::setBudget(double points) { budget_->setValue(points); }
QString DecisionView::goal() const { return goal_->currentData().toString(); }
void DecisionView::setGoal(const QString& name) {
  if (int i = goal_->findData(name); i >= 0) goal_->setCurrentIndex(i);
}
void DecisionView::setArchitectureOverride(const QString& family) {
  const int i = architecture_->findData(family);
  if (i >= 0) architecture_->setCurrentIndex(i);
}
QString DecisionView::architecture() const {
  const QString chosen = architecture_->currentData().toString();
  return chosen.isEmpty() ? detected_ : chosen;
}

qwb::RecommendInputs DecisionView::inputs() const {
  qwb::RecommendInputs in;
  const QString chosen = architecture_->currentData().toString();
  in.architecture = architecture().toStdString();
  in.architecture_reason = chosen.isEmpty() ? tr("detected").toStdString()
                           : detected_.isEmpty() ? tr("chosen in the view").toStdString()
                                                 : tr("chosen in the view; detected %1").arg(detected_).toStdString();
  auto h = qwb::parse_hardware(hardware().toStdString());
  in.hardware = h ? *h : qwb::this_machine_hardware();
  in.hardware_reason = in.hardware == qwb::this_machine_hardware() ? tr("this machine").toStdString() : tr("chosen in the view").toStdString();
  in.max_drop = budget_->value();
  auto g = qwb::parse_goal(goal().toStdString());
  in.goal = g ? *g : qwb::Goal::kBalanced;
  return in;
}

void DecisionView::recompute() {
  const qwb::RecommendInputs in = inputs();
  const auto& rows = model_->rows();
  rec_.reset();
  error_.clear();
  const qwb::SensitivitySummary* sens = explicitSensitivity_   ? &*explicitSensitivity_
                                        : projectSensitivity_ ? &*projectSensitivity_
                                                              : nullptr;
  if (in.architecture.empty()) {
    error_ = tr("No architecture: open a model, or choose an architecture above.");
  } else if (rows.empty()) {
    error_ = isLoading() ? tr("Reading the project's decision table…") : tr("The decision table is empty.");
  } else if (auto r = qwb::recommend(in, rows, sens)) {
    rec_ = std::move(*r);
  } else {
    error_ = qstr(r.status().message());
  }

  const QString root = modelPath_.isEmpty() ? tr("model") : QFileInfo(modelPath_).fileName();
  const QString archNote = architecture_->currentData().toString().isEmpty() ? tr("detected") : tr("chosen");
  const QString hwNote = in.hardware == qwb::this_machine_hardware() ? tr("this machine") : tr("target");
  tree_->showTree(rows, in, rec_ ? &*rec_ : nullptr, root, archNote, hwNote);

  QString html;
  if (!rec_) {
    html = QStringLiteral("<p><b>%1</b></p><p>%2</p>").arg(tr("No recommendation").toHtmlEscaped(), error_.toHtmlEscaped());
  } else {
    const auto& r = *rec_;
    html += QStringLiteral("<h2 style='color:%1'>%2</h2>")
                .arg(r.budget_met ? QStringLiteral("#1b7a3a") : QStringLiteral("#b00020"),
                     tr("Recommendation: %1").arg(qstr(r.format)).toHtmlEscaped());
    html += QStringLiteral("<p>%1</p>")
                .arg((r.budget_met ? tr("Expected loss %1 pts, within the budget of %2 pts; %3× smaller, %4× faster.")
                                   : tr("Expected loss %1 pts: the budget of %2 pts is NOT met; %3× smaller, %4× faster."))
                         .arg(num(r.expected_loss_pts, 2), num(r.budget_pts, 2), num(r.compression, 1), num(r.speedup, 1))
                         .toHtmlEscaped());
    auto field = [](const QString& name, const QString& value) {
      return QStringLiteral("<tr><td valign='top'><b>%1</b>&nbsp;</td><td>%2</td></tr>").arg(name.toHtmlEscaped(), value);
    };
    html += QStringLiteral("<table cellspacing='2'>");
    html += field(tr("Scheme:"), esc(r.scheme));
    html += field(tr("Calibration:"), esc(r.calibration));
    html += field(tr("Command:"), QStringLiteral("<code>qwb-cli %1</code>").arg(esc(r.cli)));
    if (r.mixed_plan) {
      html += field(tr("Mixed plan:"), tr("%1 (estimated %2 pts)").arg(qstr(r.mixed_plan->summary), num(r.mixed_plan->expected_loss_pts, 2)).toHtmlEscaped());
    } else if (r.format.ends_with("-mixed")) {
      html += field(tr("Mixed plan:"), tr("run a sensitivity analysis of the model to choose the layers kept in fp16").toHtmlEscaped());
    }
    const QString origin = r.count ? tr("%1, %n run(s)", nullptr, static_cast<int>(r.count)).arg(qstr(r.source)) : qstr(r.source);
    html += field(tr("Row:"), QStringLiteral("%1 (%2)").arg(esc(r.row), origin.toHtmlEscaped()));
    html += QStringLiteral("</table>");
    html += QStringLiteral("<h3>%1</h3><table cellspacing='0' cellpadding='2' border='0'>").arg(tr("Alternatives").toHtmlEscaped());
    html += QStringLiteral("<tr><th align='left'>%1</th><th align='right'>%2</th><th align='right'>%3</th><th align='right'>%4</th>"
                           "<th align='left'>&nbsp;%5</th></tr>")
                .arg(tr("format"), tr("loss pts"), tr("smaller"), tr("faster"), tr("why"));
    for (const auto& a : r.alternatives) {
      const QString colour = a.fits ? QStringLiteral("#202020") : QStringLiteral("#9a9a9a");
      html += QStringLiteral("<tr style='color:%1'><td>%2</td><td align='right'>%3</td><td align='right'>%4×</td>"
                             "<td align='right'>%5×</td><td>&nbsp;%6</td></tr>")
                  .arg(colour, esc(a.format), num(a.expected_loss_pts, 2), num(a.compression, 1), num(a.speedup, 1), esc(a.why));
    }
    html += QStringLiteral("</table><h3>%1</h3><ol style='margin-left:-20px'>").arg(tr("Reasoning").toHtmlEscaped());
    for (const auto& step : r.path) html += QStringLiteral("<li>%1</li>").arg(esc(step));
    html += QStringLiteral("</ol>");
  }
  text_->setHtml(html);
  apply_->setEnabled(rec_.has_value() && !modelPath_.isEmpty());
  apply_->setToolTip(modelPath_.isEmpty() ? tr("Open a model to start a run") : tr("Open a new quantize run with the recommended format"));
  refilter();
}

void DecisionView::showMessage(const QString& text) {
  message_->setText(text);
  message_->setVisible(!text.isEmpty());
}

QString DecisionView::recommendedFormat() const { return rec_ ? qstr(rec_->format) : QString(); }

QStringList DecisionView::reasoningLines() const {
  QStringList out;
  if (rec_)
    for (const auto& s : rec_->path) out << qstr(s);
  return out;
}

QString DecisionView::recommendationText() const { return text_->toPlainText(); }

QStringList DecisionView::highlightedPath() const { return tree_->highlightedPath(); }

QString DecisionView::message() const { return message_->text(); }

nlohmann::json DecisionView::quantizeConfig() const {
  if (!rec_ || modelPath_.isEmpty()) return nullptr;
  auto j = buildConfig(*rec_, modelPath_.toStdString(), calib_, eval_);
  return j ? *j : json();
}

void DecisionView::apply() {
  if (!rec_ || modelPath_.isEmpty()) return;
  auto j = buildConfig(*rec_, modelPath_.toStdString(), calib_, eval_);
  if (!j) {
    showMessage(tr("No run configuration for %1: %2").arg(qstr(rec_->format), qstr(j.status().message())));
    return;
  }
  emit runConfigRequested(*j);
}

}  // namespace qwb::ui
