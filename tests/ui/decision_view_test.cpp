// DecisionView on real projects: a fresh project (Project::create; the seed table is added on
// first use) with the sample CNN's architecture as Model::load detects it, and a project holding a
// real sensitivity run of the CNN (Fashion-MNIST, 64 calibration and 500 evaluation samples).
// Expected values come from the engine called directly: qwb::decision_table() re-read from the
// project and qwb::recommend() with the same inputs; the seed numbers quoted in comments are
// those of resources/decision_table.json (cnn/x86/int8: 0.75 pts, int8-mixed: 0.30 pts).
// With QWB_UI_SNAPSHOT_DIR set it renders decision_view.png and decision_view_sensitivity.png.
#include <QAbstractItemModel>
#include <QDoubleSpinBox>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include "qt_printers.h"
#include "sample_runs.h"
#include "qwb/decide.h"
#include "qwb/jobs.h"
#include "qwb/model.h"
#include "qwb/ui/decision_table_model.h"
#include "qwb/ui/decision_tree_view.h"
#include "qwb/ui/decision_view.h"

namespace qwb::ui {
namespace {

constexpr int kTimeoutMs = 60000;

std::string detectedArchitecture() {
  auto m = Model::load(QWB_UI_TEST_MODEL, {.run_checker = false, .measure_shapes = false});
  EXPECT_TRUE(m) << m.status().message();
  return m ? m->summary().architecture : std::string();
}

// The inputs the view is documented to pass for "detected architecture, hardware chosen".
RecommendInputs inputsFor(const std::string& arch, Hardware h, double budget) {
  RecommendInputs in;
  in.architecture = arch;
  in.architecture_reason = "detected";
  in.hardware = h;
  in.hardware_reason = h == this_machine_hardware() ? "this machine" : "chosen in the view";
  in.max_drop = budget;
  in.goal = Goal::kBalanced;
  return in;
}

QStringList lines(const Recommendation& r) {
  QStringList out;
  for (const auto& s : r.path) out << QString::fromStdString(s);
  return out;
}

const DecisionRow& rowOf(const std::vector<DecisionRow>& rows, const std::string& key) {
  for (const auto& r : rows)
    if (r.key() == key) return r;
  ADD_FAILURE() << "no row " << key;
  static DecisionRow none;
  return none;
}

void snapshot(DecisionView& view, const char* name) {
  const QByteArray dir = qgetenv("QWB_UI_SNAPSHOT_DIR");
  if (dir.isEmpty()) return;
  view.resize(1280, 800);
  view.show();
  QTest::qWait(50);
  EXPECT_TRUE(view.grab().save(QString::fromUtf8(dir) + QLatin1Char('/') + QLatin1String(name)));
}

struct Fixture {
  QTemporaryDir dir;
  std::shared_ptr<Project> project;
  Fixture() {
    auto p = Project::create(dir.filePath(QStringLiteral("decide.qwb")).toStdString());
    EXPECT_TRUE(p) << p.status().message();
    if (p) project = std::make_shared<Project>(std::move(*p));
  }
};

void waitLoaded(DecisionView& view) { ASSERT_TRUE(QTest::qWaitFor([&] { return !view.isLoading(); }, kTimeoutMs)); }

TEST(DecisionView, FreshProjectMatchesTheEngineAndFollowsTheBudget) {
  Fixture f;
  ASSERT_TRUE(f.project);
  const std::string arch = detectedArchitecture();
  ASSERT_EQ(arch, "cnn");  // 4 Conv + 2 Gemm, no attention (ModelSummary::architecture)
  DecisionView view;
  view.setProject(f.project);
  view.setModel(QStringLiteral(QWB_UI_TEST_MODEL), QString::fromStdString(arch));
  waitLoaded(view);
  view.setHardware(QStringLiteral("x86"));
  view.setBudget(1.0);

  // The table as the project holds it now (the view's read seeded it).
  auto rows = decision_table(*f.project);
  ASSERT_TRUE(rows) << rows.status().message();
  ASSERT_EQ(rows->size(), seed_decision_table().size());
  auto direct = recommend(inputsFor(arch, Hardware::kX86, 1.0), *rows);
  ASSERT_TRUE(direct) << direct.status().message();
  EXPECT_EQ(direct->format, "int8");  // seed: 0.75 pts fits 1.0, 4.0 x 1.8 is the best native product
  EXPECT_EQ(view.recommendedFormat(), QString::fromStdString(direct->format));
  EXPECT_EQ(view.reasoningLines(), lines(*direct));
  EXPECT_EQ(view.highlightedPath(), (QStringList{QStringLiteral("fmnist_cnn.onnx"), QStringLiteral("cnn"), QStringLiteral("x86"),
                                                 QStringLiteral("int8")}));
  // Leaves: the seven cnn/x86 formats; only int4-block (3.0 pts) is over a 1.0 pt budget.
  EXPECT_EQ(view.treeView()->leafFormats().size(), 7);
  QStringList over;
  for (const auto& r : *rows)
    if (r.architecture == "cnn" && r.hardware == "x86" && r.expected_loss_pts > 1.0) over << QString::fromStdString(r.format);
  EXPECT_EQ(view.treeView()->greyedLeaves(), over);
  EXPECT_TRUE(view.recommendationText().contains(QStringLiteral("Recommendation: int8")));
  snapshot(view, "decision_view.png");

  // Just below the int8 row's loss the recommendation flips, with no other action than the spin box.
  const double int8Loss = rowOf(*rows, "cnn/x86/int8").expected_loss_pts;
  auto* spin = view.findChild<QDoubleSpinBox*>(QStringLiteral("budget"));
  ASSERT_NE(spin, nullptr);
  spin->setValue(int8Loss - 0.05);
  auto below = recommend(inputsFor(arch, Hardware::kX86, int8Loss - 0.05), *rows);
  ASSERT_TRUE(below);
  EXPECT_EQ(below->format, "int8-mixed");  // seed: 0.30 pts fits 0.70
  EXPECT_EQ(view.recommendedFormat(), QStringLiteral("int8-mixed"));
  EXPECT_EQ(view.reasoningLines(), lines(*below));
  EXPECT_TRUE(view.treeView()->greyedLeaves().contains(QStringLiteral("int8")));
  spin->setValue(int8Loss + 0.05);
  EXPECT_EQ(view.recommendedFormat(), QStringLiteral("int8"));
}

TEST(DecisionView, EditedLossIsSavedAndChangesTheRecommendation) {
  Fixture f;
  ASSERT_TRUE(f.project);
  DecisionView view;
  view.setProject(f.project);
  view.setModel(QStringLiteral(QWB_UI_TEST_MODEL), QStringLiteral("cnn"));
  waitLoaded(view);
  view.setHardware(QStringLiteral("x86"));
  view.setBudget(0.5);
  EXPECT_EQ(view.recommendedFormat(), QStringLiteral("int8-mixed"));  // int8 (0.75) is over 0.5

  // Through the table view's own model (the filter shows the cnn/x86 rows).
  QAbstractItemModel* m = view.tableView()->model();
  int row = -1;
  for (int r = 0; r < m->rowCount(); ++r)
    if (m->index(r, 0).data(DecisionTableModel::kKeyRole).toString() == QStringLiteral("cnn/x86/int8")) row = r;
  ASSERT_GE(row, 0);
  const QModelIndex loss = m->index(row, DecisionTableModel::kLoss);

  // Invalid input is rejected with a message and changes nothing.
  EXPECT_FALSE(m->setData(loss, QStringLiteral("abc")));
  EXPECT_TRUE(view.message().contains(QStringLiteral("not a number"))) << view.message();
  EXPECT_FALSE(m->setData(loss, QStringLiteral("-1")));
  EXPECT_FALSE(m->setData(m->index(row, DecisionTableModel::kSpeedup), 0.0));
  auto unchanged = decision_table(*f.project);
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(rowOf(*unchanged, "cnn/x86/int8").expected_loss_pts, 0.75);
  EXPECT_EQ(rowOf(*unchanged, "cnn/x86/int8").source, "seed");

  ASSERT_TRUE(m->setData(loss, QStringLiteral("0.4")));
  auto after = decision_table(*f.project);
  ASSERT_TRUE(after);
  EXPECT_EQ(rowOf(*after, "cnn/x86/int8").expected_loss_pts, 0.4);
  EXPECT_EQ(rowOf(*after, "cnn/x86/int8").source, "edited");
  auto direct = recommend(inputsFor("cnn", Hardware::kX86, 0.5), *after);
  ASSERT_TRUE(direct);
  EXPECT_EQ(direct->format, "int8");  // 0.4 now fits 0.5 and int8 ranks above int8-mixed
  EXPECT_EQ(view.recommendedFormat(), QStringLiteral("int8"));
  EXPECT_EQ(view.reasoningLines(), lines(*direct));
  EXPECT_TRUE(view.message().isEmpty());

  // Apply: a quantize config the engine accepts, for the recommended format.
  nlohmann::json emitted;
  QObject::connect(&view, &DecisionView::runConfigRequested, &view, [&](const nlohmann::json& j) { emitted = j; });
  view.apply();
  ASSERT_TRUE(emitted.is_object());
  auto config = quantize_config_from_json(emitted);
  ASSERT_TRUE(config) << config.status().message();
  EXPECT_EQ(config->model, QWB_UI_TEST_MODEL);
  EXPECT_EQ(config->quant.weights.dtype, DType::kInt8);
  EXPECT_TRUE(config->quant.weights.reduce_range);  // the x86 row: --reduce-range
  EXPECT_EQ(config->method.method, CalibMethod::kPercentile);
  auto format = decision_format(emitted);
  ASSERT_TRUE(format);
  EXPECT_EQ(*format, "int8");
}

TEST(DecisionView, WithoutAProjectEditsAreRejected) {
  DecisionView view;
  view.setModel(QStringLiteral(QWB_UI_TEST_MODEL), QStringLiteral("cnn"));
  view.setHardware(QStringLiteral("x86-vnni"));
  view.setBudget(1.0);
  auto direct = recommend(inputsFor("cnn", Hardware::kX86Vnni, 1.0), seed_decision_table());
  ASSERT_TRUE(direct);
  EXPECT_EQ(view.recommendedFormat(), QString::fromStdString(direct->format));
  DecisionTableModel* m = view.tableModel();
  const int row = m->rowOf(QStringLiteral("cnn/x86-vnni/int8"));
  ASSERT_GE(row, 0);
  EXPECT_FALSE(m->setData(m->index(row, DecisionTableModel::kLoss), QStringLiteral("0.1")));
  EXPECT_TRUE(view.message().contains(QStringLiteral("no project"))) << view.message();
  // A damaged sensitivity document is reported, not thrown.
  view.setSensitivityDocument({{"layers", {{{"layer", 3}}}}});
  EXPECT_FALSE(view.message().isEmpty());
  EXPECT_EQ(view.recommendedFormat(), QString::fromStdString(direct->format));
}

TEST(DecisionView, SensitivityRunRefinesIntoKeptLayers) {
  Fixture f;
  ASSERT_TRUE(f.project);
  SensitivityConfig c;
  c.base = sampleQuantizeConfig(64, 500);
  c.options.parts = {SweepPart::kBoth};
  c.options.propagation = false;
  NullProgress np;
  int64_t run = 0;
  auto report = run_sensitivity(*f.project, c, np, &run);
  ASSERT_TRUE(report) << report.status().message();
  auto doc = f.project->document(run, "sensitivity");
  ASSERT_TRUE(doc);
  auto sens = sensitivity_summary_from_json(*doc);
  ASSERT_TRUE(sens) << sens.status().message();
  sens->run = run;
  auto rows = decision_table(*f.project);
  ASSERT_TRUE(rows);

  // A budget at which the engine keeps layers in fp16: below the int8 row, above the plan's estimate.
  double budget = -1;
  std::optional<Recommendation> direct;
  for (double b = 0.74; b >= 0.0 && budget < 0; b -= 0.01) {
    auto r = recommend(inputsFor("cnn", Hardware::kX86, b), *rows, &*sens);
    ASSERT_TRUE(r);
    if (r->mixed_plan && !r->mixed_plan->keep_fp16.empty() && r->mixed_plan->fits && r->format == "int8-mixed" && r->budget_met)
      budget = b, direct = *r;
  }
  ASSERT_GE(budget, 0) << "the measured sensitivity leaves nothing to keep in fp16 at any budget";

  DecisionView view;
  view.setProject(f.project);
  view.setModel(QStringLiteral(QWB_UI_TEST_MODEL), QStringLiteral("cnn"));
  waitLoaded(view);
  view.setHardware(QStringLiteral("x86"));
  view.setBudget(budget);
  EXPECT_EQ(view.reasoningLines(), lines(*direct));  // includes "sensitivity run N ..." and "refined: ..."
  EXPECT_TRUE(view.recommendationText().contains(QString::fromStdString(direct->mixed_plan->summary)))
      << view.recommendationText();
  nlohmann::json emitted;
  QObject::connect(&view, &DecisionView::runConfigRequested, &view, [&](const nlohmann::json& j) { emitted = j; });
  view.apply();
  ASSERT_TRUE(emitted.is_object()) << view.message();
  // The kept layers are fp16 overrides; the data is that of the model's sensitivity run. The
  // engine's parser reads it all back.
  auto config = quantize_config_from_json(emitted);
  ASSERT_TRUE(config) << config.status().message();
  ASSERT_EQ(config->quant.overrides.size(), direct->mixed_plan->keep_fp16.size());
  for (const auto& l : direct->mixed_plan->keep_fp16) {
    ASSERT_TRUE(config->quant.overrides.count(l)) << l;
    EXPECT_EQ(config->quant.overrides.at(l).weights->dtype, DType::kFloat16);
    EXPECT_EQ(config->quant.overrides.at(l).activations->dtype, DType::kFloat16);
  }
  EXPECT_EQ(config->quant.weights.dtype, DType::kInt8);
  EXPECT_EQ(config->calib.data.spec, "fashion-mnist:train");
  EXPECT_EQ(config->calib.samples, 64);
  auto format = decision_format(emitted);
  ASSERT_TRUE(format);
  EXPECT_EQ(*format, "int8-mixed");
  snapshot(view, "decision_view_sensitivity.png");
}

}  // namespace
}  // namespace qwb::ui
