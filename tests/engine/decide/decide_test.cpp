// Decision table, decision tree, learning and accuracy gate (qwb/decide.h). Expected values are
// hand computed from the small tables written here (stated next to each check); the learning
// tests record runs through the Project API with chosen metrics (stated), except RealQuantizeRun,
// which runs run_quantize on the sample CNN and checks the row against the run's own metrics.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "scratch_dir.h"
#include "qwb/decide.h"
#include "qwb/jobs.h"

using namespace qwb;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

DecisionRow row(const std::string& format, double loss, double compression, double speedup, bool supported = true,
                const std::string& arch = "cnn") {
  DecisionRow r;
  r.architecture = arch;
  r.hardware = "x86-vnni";
  r.format = format;
  r.scheme = format + " scheme";
  r.calibration = "percentile";
  r.cli = "quantize --weights " + format;
  r.expected_loss_pts = loss;
  r.compression = compression;
  r.speedup = speedup;
  r.supported = supported;
  return r;
}

// Balanced scores (compression x speed-up): int8 10.0, int4-block 8.52, int8-mixed 7.0, fp16 1.8
// (not native), int16 1.6 (not native).
std::vector<DecisionRow> small_table() {
  return {row("int8", 0.30, 4.0, 2.5), row("int4-block", 1.80, 7.1, 1.2), row("int8-mixed", 0.10, 3.5, 2.0),
          row("fp16", 0.02, 2.0, 0.9, false), row("int16", 0.05, 2.0, 0.8, false)};
}

RecommendInputs cnn(double max_drop, Goal goal = Goal::kBalanced) {
  RecommendInputs in;
  in.architecture = "cnn";
  in.architecture_reason = "given";
  in.hardware = Hardware::kX86Vnni;
  in.max_drop = max_drop;
  in.goal = goal;
  return in;
}

bool path_has(const Recommendation& r, const std::string& text) {
  return std::any_of(r.path.begin(), r.path.end(), [&](const std::string& s) { return s.find(text) != std::string::npos; });
}

std::string joined(const Recommendation& r) {
  std::string s;
  for (const auto& p : r.path) s += p + "\n";
  return s;
}

class DecideProjectTest : public qwb::testing::ScratchDirTest {
 protected:

  // A succeeded quantize run of the sample CNN (file size 1879686 bytes) with the given metrics and
  // a default QuantizeConfig (int8 weights per channel, uint8 activations: format "int8").
  int64_t recorded_run(Project& p, const std::map<std::string, double>& metrics, RunStatus status = RunStatus::kSucceeded) {
    const std::string model = std::string(QWB_SOURCE_DIR) + "/resources/samples/fmnist_cnn.onnx";
    const int64_t m = *p.add_model(model, std::string(64, 'a'), {{"architecture", "cnn"}});
    QuantizeConfig c;
    c.model = model;
    const int64_t run = *p.create_run({.kind = "quantize", .model_id = m, .config = to_json(c)});
    EXPECT_TRUE(p.start_run(run));
    EXPECT_TRUE(p.add_metrics(run, metrics));
    EXPECT_TRUE(p.finish_run(run, status));
    return run;
  }
  fs::path dir_;
};

const DecisionRow* find_row(const std::vector<DecisionRow>& rows, const std::string& key) {
  for (const auto& r : rows)
    if (r.key() == key) return &r;
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Table

TEST(DecideTable, SeedHasOneRowPerArchitectureHardwareFormat) {
  const auto& seed = seed_decision_table();
  ASSERT_EQ(seed.size(), 5u * 6u * 7u);  // the detector's 5 families x 6 hardware classes x 7 formats
  for (const char* a : {"cnn", "transformer", "rnn", "mlp", "other"})
    for (const char* h : {"nvidia-gpu", "amd-gpu", "x86-vnni", "x86", "arm", "npu"})
      for (const char* f : {"int8", "int8-mixed", "int4-block", "int16", "fp16", "bf16", "fp8"}) {
        const DecisionRow* r = find_row(seed, std::string(a) + "/" + h + "/" + f);
        ASSERT_TRUE(r) << a << "/" << h << "/" << f;
        EXPECT_EQ(r->source, "seed");
        EXPECT_EQ(r->count, 0);
        EXPECT_EQ(r->notes.rfind("prior:", 0), 0u) << r->key();
        EXPECT_FALSE(r->scheme.empty());
      }
  // Formats have their own losses (not the preferred format's): cnn on x86-vnni per the seed file.
  EXPECT_DOUBLE_EQ(find_row(seed, "cnn/x86-vnni/int8")->expected_loss_pts, 0.5);
  EXPECT_DOUBLE_EQ(find_row(seed, "cnn/x86-vnni/int4-block")->expected_loss_pts, 3.0);
  EXPECT_DOUBLE_EQ(find_row(seed, "cnn/x86/int8")->expected_loss_pts, 0.75);  // 0.5 x 1.5 for reduce_range
}

TEST(DecideTable, JsonRoundTripAndStrictValidation) {
  auto back = decision_rows_from_json(decision_table_json(seed_decision_table()));
  ASSERT_TRUE(back) << back.status().message();
  ASSERT_EQ(back->size(), seed_decision_table().size());
  for (size_t i = 0; i < back->size(); ++i) EXPECT_EQ(to_json((*back)[i]), to_json(seed_decision_table()[i]));

  json doc = decision_table_json(small_table());
  doc["rows"][3]["compression"] = -1;
  auto bad = decision_rows_from_json(doc);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("row 3 (cnn/x86-vnni/fp16)"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("'compression' must be a number > 0"), std::string::npos) << bad.status().message();

  doc = decision_table_json(small_table());
  doc["rows"][1]["expected_loss"] = 1;  // a typo of expected_loss_pts
  bad = decision_rows_from_json(doc);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("row 1 (cnn/x86-vnni/int4-block): unknown field 'expected_loss'"), std::string::npos)
      << bad.status().message();

  doc = decision_table_json(small_table());
  doc["rows"][2]["hardware"] = "tpu";
  EXPECT_NE(decision_rows_from_json(doc).status().message().find("unknown hardware 'tpu'"), std::string::npos);
  doc = decision_table_json(small_table());
  doc["rows"][4] = doc["rows"][0];
  EXPECT_NE(decision_rows_from_json(doc).status().message().find("row 4 repeats cnn/x86-vnni/int8 (row 0)"), std::string::npos);
  doc = decision_table_json(small_table());
  doc["rows"][0].erase("expected_loss_pts");
  EXPECT_NE(decision_rows_from_json(doc).status().message().find("field 'expected_loss_pts' is missing"), std::string::npos);
}

TEST(DecideTable, DecisionFormatOfQuantizeConfigs) {
  QuantizeConfig c;
  EXPECT_EQ(*decision_format(to_json(c)), "int8");
  c.quant.exclude = {"conv1"};
  EXPECT_EQ(*decision_format(to_json(c)), "int8-mixed");
  c.quant.exclude.clear();
  c.quant.activations = QuantSpec{};
  EXPECT_EQ(*decision_format(to_json(c)), "int8-weight-only");
  c.quant.weights = QuantSpec{DType::kInt4, true, Granularity::kBlock, 32, false};
  EXPECT_EQ(*decision_format(to_json(c)), "int4-block");
  c.quant.weights = QuantSpec{DType::kFloat16, true, Granularity::kTensor, 0, false};
  EXPECT_EQ(*decision_format(to_json(c)), "fp16");
  c.quant.weights = QuantSpec{DType::kFloat8E4M3FN, true, Granularity::kTensor, 0, false};
  EXPECT_EQ(*decision_format(to_json(c)), "fp8");
}

TEST(DecideTable, RunningMean) {
  // Hand computed: after 1.0, 2.0, 4.5 the means are 1.0, 1.5, (1 + 2 + 4.5) / 3 = 2.5; the prior
  // (0.3, count 0) is replaced, not averaged in.
  double mean = 0.3;
  int64_t count = 0;
  add_measurement(1.0, mean, count);
  EXPECT_DOUBLE_EQ(mean, 1.0);
  add_measurement(2.0, mean, count);
  EXPECT_DOUBLE_EQ(mean, 1.5);
  add_measurement(4.5, mean, count);
  EXPECT_DOUBLE_EQ(mean, 2.5);
  EXPECT_EQ(count, 3);
}

// ---------------------------------------------------------------------------------------------
// Decision tree

TEST(DecideRecommend, BudgetFitsPicksBestBalancedAndAlternativesKeepTheirOwnRows) {
  auto r = recommend(cnn(0.5), small_table());
  ASSERT_TRUE(r) << r.status().message();
  // Fit 0.5: int8 (0.30), int8-mixed (0.10), fp16 (0.02), int16 (0.05); native: int8 (10.0) > int8-mixed (7.0).
  EXPECT_EQ(r->format, "int8");
  EXPECT_TRUE(r->budget_met);
  EXPECT_DOUBLE_EQ(r->expected_loss_pts, 0.30);
  EXPECT_EQ(r->scheme, "int8 scheme");
  EXPECT_EQ(r->row, "cnn/x86-vnni/int8");
  ASSERT_EQ(r->alternatives.size(), 4u);
  for (const auto& a : r->alternatives) {
    const DecisionRow* own = nullptr;
    for (const auto& t : small_table())
      if (t.format == a.format) own = &t;
    ASSERT_TRUE(own);
    EXPECT_EQ(a.row, own->key());
    EXPECT_DOUBLE_EQ(a.expected_loss_pts, own->expected_loss_pts) << a.format;  // not int8's 0.30
    EXPECT_DOUBLE_EQ(a.compression, own->compression);
    EXPECT_EQ(a.fits, own->expected_loss_pts <= 0.5) << a.format;
  }
  EXPECT_EQ(r->alternatives[0].format, "int4-block");  // ranked 8.52, does not fit
  EXPECT_FALSE(r->alternatives[0].fits);
  // The reasoning names every row it read.
  ASSERT_EQ(r->rows_used.size(), 5u);
  for (const auto& key : r->rows_used) EXPECT_TRUE(path_has(*r, "row " + key + ":")) << key << "\n" << joined(*r);
  EXPECT_TRUE(path_has(*r, "budget = 0.50 pts")) << joined(*r);
  EXPECT_TRUE(path_has(*r, "chosen: int8: fits (0.30 <= 0.50 pts)")) << joined(*r);
}

TEST(DecideRecommend, GoalsRankWhatFits) {
  // Budget 2.0: everything fits. Balanced: int8 (10.0 > 8.52); size: int4-block (7.1x); latency: int8 (2.5x).
  EXPECT_EQ(recommend(cnn(2.0), small_table())->format, "int8");
  EXPECT_EQ(recommend(cnn(2.0, Goal::kSize), small_table())->format, "int4-block");
  EXPECT_EQ(recommend(cnn(2.0, Goal::kLatency), small_table())->format, "int8");
  // A size goal of 5x leaves int4-block only.
  auto in = cnn(2.0);
  in.min_compression = 5;
  EXPECT_EQ(recommend(in, small_table())->format, "int4-block");
}

TEST(DecideRecommend, TighterBudgetsAndNoFit) {
  // 0.2: int8 (0.30) no longer fits; the best native format that does is int8-mixed (0.10).
  EXPECT_EQ(recommend(cnn(0.2), small_table())->format, "int8-mixed");
  // 0.04: only fp16 (0.02) fits, and it is not native: chosen as emulated, budget met.
  auto e = recommend(cnn(0.04), small_table());
  EXPECT_EQ(e->format, "fp16");
  EXPECT_TRUE(e->budget_met);
  EXPECT_TRUE(path_has(*e, "no native format fits")) << joined(*e);
  // 0.01: nothing fits: the lowest loss (fp16, 0.02) with the budget not met and mixed precision suggested.
  auto n = recommend(cnn(0.01), small_table());
  EXPECT_EQ(n->format, "fp16");
  EXPECT_FALSE(n->budget_met);
  EXPECT_TRUE(path_has(*n, "the budget is NOT met")) << joined(*n);
  EXPECT_TRUE(path_has(*n, "Mixed precision")) << joined(*n);
}

TEST(DecideRecommend, RelativeBudget) {
  auto in = cnn(0.5);
  in.relative = true;
  EXPECT_FALSE(recommend(in, small_table()));  // no baseline
  in.baseline_pct = 80.0;
  auto r = recommend(in, small_table());
  ASSERT_TRUE(r);
  EXPECT_NEAR(r->budget_pts, 0.4, 1e-12);  // 0.5% of 80% = 0.4 pts: int8 (0.30) fits
  EXPECT_EQ(r->format, "int8");
  in.max_drop = 0.25;  // 0.25% of 80% = 0.2 pts: int8 does not fit
  EXPECT_EQ(recommend(in, small_table())->format, "int8-mixed");
}

TEST(DecideRecommend, UnknownArchitectureAndWildcardRows) {
  auto in = cnn(0.5);
  in.architecture = "depthwise-cnn";
  auto r = recommend(in, small_table());
  ASSERT_FALSE(r);
  EXPECT_NE(r.status().message().find("architectures with rows there: cnn"), std::string::npos) << r.status().message();
  auto table = small_table();
  table.push_back(row("int8", 0.9, 4.0, 2.5, true, "*"));
  r = recommend(in, table);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->row, "*/x86-vnni/int8");
  EXPECT_DOUBLE_EQ(r->expected_loss_pts, 0.9);
  in.architecture = "cnn";  // its own row beats the wildcard
  EXPECT_EQ(recommend(in, table)->row, "cnn/x86-vnni/int8");
}

TEST(DecideRecommend, SensitivityRefinesIntoMixedPlan) {
  // Measured deltas: conv1 -0.4, conv2 -0.3, fc -0.1 (sum 0.8 pts, assumed additive).
  auto sens = sensitivity_summary_from_json({{"format", "int8"},
                                     {"layers", {{{"layer", "fc"}, {"op", "Gemm"}, {"harm", 0.1}, {"delta_top1_pts", -0.1}},
                                                 {{"layer", "conv1"}, {"op", "Conv"}, {"harm", 0.5}, {"delta_top1_pts", -0.4}},
                                                 {{"layer", "conv2"}, {"op", "Conv"}, {"harm", 0.3}, {"delta_top1_pts", -0.3}}}}});
  ASSERT_TRUE(sens);
  EXPECT_EQ(sens->layers[0].layer, "conv1");  // sorted by harm
  // Budget 0.5: the int8 row (0.30) fits, but the measured sum 0.8 does not: keep conv1 -> 0.4 fits.
  auto r = recommend(cnn(0.5), small_table(), &*sens);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->format, "int8-mixed");
  ASSERT_TRUE(r->mixed_plan);
  EXPECT_EQ(r->mixed_plan->summary, "int8; keep layer conv1 in fp16");
  EXPECT_NEAR(r->expected_loss_pts, 0.4, 1e-12);
  EXPECT_NE(r->cli.find("--override conv1=fp16/fp16"), std::string::npos);
  // Budget 0.2: keep conv1 and conv2 -> 0.1 fits.
  r = recommend(cnn(0.2), small_table(), &*sens);
  EXPECT_EQ(r->mixed_plan->summary, "int8; keep layers conv1, conv2 in fp16");
  EXPECT_NEAR(r->mixed_plan->expected_loss_pts, 0.1, 1e-12);
  // Budget 1.0: the measured 0.8 fits: plain int8, no layer kept.
  r = recommend(cnn(1.0), small_table(), &*sens);
  EXPECT_EQ(r->format, "int8");
  EXPECT_EQ(r->mixed_plan->summary, "int8; no layer needs fp16");

  // With the whole-model loss measured (fp32 94.2%, all layers quantized 93.8%: 0.4 pts) the
  // per-layer losses are scaled to it: conv1 0.2, conv2 0.15, fc 0.05. Budget 0.5: nothing kept;
  // budget 0.2: keep conv1 -> 0.2 left.
  json doc = {{"format", "int8"}, {"fp32_top1", 0.942}, {"all_top1", 0.938},
              {"layers", {{{"layer", "conv1"}, {"harm", 0.5}, {"delta_top1_pts", -0.4}},
                          {{"layer", "conv2"}, {"harm", 0.3}, {"delta_top1_pts", -0.3}},
                          {{"layer", "fc"}, {"harm", 0.1}, {"delta_top1_pts", -0.1}}}}};
  auto whole = sensitivity_summary_from_json(doc);
  ASSERT_TRUE(whole && whole->all_loss_pts);
  EXPECT_NEAR(*whole->all_loss_pts, 0.4, 1e-9);
  r = recommend(cnn(0.5), small_table(), &*whole);
  EXPECT_EQ(r->format, "int8");
  EXPECT_EQ(r->mixed_plan->summary, "int8; no layer needs fp16");
  r = recommend(cnn(0.2), small_table(), &*whole);
  EXPECT_EQ(r->mixed_plan->summary, "int8; keep layer conv1 in fp16");
  EXPECT_NEAR(r->mixed_plan->expected_loss_pts, 0.2, 1e-9);
  EXPECT_NE(r->mixed_plan->rule.find("measured loss with every layer quantized"), std::string::npos) << r->mixed_plan->rule;

  // Without deltas the int8 row's 0.30 pts is shared by harm: a 3/4 -> 0.225, b 1/4 -> 0.075; budget
  // 0.2 keeps a (0.075 left).
  auto by_harm = sensitivity_summary_from_json({{"layers", {{{"layer", "a"}, {"harm", 3.0}}, {{"layer", "b"}, {"harm", 1.0}}}}});
  r = recommend(cnn(0.2), small_table(), &*by_harm);
  EXPECT_EQ(r->mixed_plan->summary, "int8; keep layer a in fp16");
  EXPECT_NEAR(r->mixed_plan->expected_loss_pts, 0.075, 1e-12);
  EXPECT_FALSE(sensitivity_summary_from_json({{"layers", {{{"layer", "a"}}}}}));  // no harm
}

// ---------------------------------------------------------------------------------------------
// Learning

TEST_F(DecideProjectTest, MeasuredRunsChangeTheRecommendation) {
  auto p = Project::create(path("p.qwb"));
  ASSERT_TRUE(p);
  const Hardware hw = this_machine_hardware();
  const std::string key = std::string("cnn/") + hardware_name(hw) + "/int8";
  RecommendInputs in = cnn(1.0);
  in.hardware = hw;
  // Seed: cnn int8 loses 0.5 (x86-vnni) or 0.75 (x86, arm 0.5) pts: fits 1.0 and wins.
  auto table = decision_table(*p);
  ASSERT_TRUE(table);
  EXPECT_EQ(table->size(), seed_decision_table().size());  // seeded on first use
  auto before = recommend(in, *table);
  ASSERT_TRUE(before);
  EXPECT_EQ(before->format, "int8");

  // A run measured 90.0% -> 88.0%: delta -2.0 pts; its QDQ file 500000 bytes.
  const int64_t run = recorded_run(*p, {{"fp32.top1", 0.90}, {"quantized.top1", 0.88}, {"delta_top1_pts", -2.0},
                                        {"exported.bytes", 500000}});
  auto learned = learn_from_run(*p, run, hw);
  ASSERT_TRUE(learned) << learned.status().message();
  ASSERT_TRUE(learned->has_value());
  table = decision_table(*p);
  const DecisionRow* r = find_row(*table, key);
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(r->expected_loss_pts, 2.0);
  EXPECT_EQ(r->count, 1);
  EXPECT_EQ(r->source, "measured");
  EXPECT_DOUBLE_EQ(r->compression, 1879686.0 / 500000.0);  // sample file bytes / exported bytes
  EXPECT_EQ(r->compression_count, 1);
  EXPECT_EQ(r->prior["expected_loss_pts"], find_row(seed_decision_table(), key)->expected_loss_pts);

  auto after = recommend(in, *table);
  ASSERT_TRUE(after);
  EXPECT_NE(after->format, before->format);  // int8 (2.0 pts) no longer fits 1.0
  EXPECT_EQ(after->format, "int8-mixed");
  EXPECT_TRUE(path_has(*after, "row " + key + ": expected loss 2.00 pts")) << joined(*after);
  EXPECT_TRUE(path_has(*after, "measured, mean of 1 run")) << joined(*after);
  const auto alt = std::find_if(after->alternatives.begin(), after->alternatives.end(), [](const auto& a) { return a.format == "int8"; });
  ASSERT_NE(alt, after->alternatives.end());
  EXPECT_DOUBLE_EQ(alt->expected_loss_pts, 2.0);

  // A second run measured -1.0 pts: running mean (2.0 + 1.0) / 2 = 1.5, count 2.
  const int64_t run2 = recorded_run(*p, {{"fp32.top1", 0.90}, {"quantized.top1", 0.89}, {"delta_top1_pts", -1.0}});
  ASSERT_TRUE(learn_from_run(*p, run2, hw));
  table = decision_table(*p);
  r = find_row(*table, key);
  EXPECT_DOUBLE_EQ(r->expected_loss_pts, 1.5);
  EXPECT_EQ(r->count, 2);
  EXPECT_EQ(r->compression_count, 1);  // run2 exported nothing

  // Nothing measured: no update; a failed run: an error.
  const int64_t calib = recorded_run(*p, {{"seconds", 1.0}});
  auto none = learn_from_run(*p, calib, hw);
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  const int64_t failed = recorded_run(*p, {{"delta_top1_pts", -5.0}}, RunStatus::kFailed);
  EXPECT_FALSE(learn_from_run(*p, failed, hw));
  EXPECT_EQ(find_row(*decision_table(*p), key)->count, 2);
}

TEST_F(DecideProjectTest, ImportExportRoundTripAndBadRow) {
  auto p = Project::create(path("a.qwb"));
  ASSERT_TRUE(p);
  auto rows = decision_table(*p);
  ASSERT_TRUE(rows);
  json doc = decision_table_json(*rows);
  doc["rows"][0]["expected_loss_pts"] = 9.25;
  doc["rows"][0]["source"] = "edited";
  auto q = Project::create(path("b.qwb"));
  ASSERT_TRUE(q);
  auto n = import_decision_table(*q, doc);
  ASSERT_TRUE(n) << n.status().message();
  EXPECT_EQ(*n, static_cast<int64_t>(rows->size()));
  EXPECT_EQ(decision_table_json(*decision_table(*q)), doc);  // exported again: identical

  json bad = doc;
  bad["rows"][7]["speedup"] = "fast";
  auto e = import_decision_table(*q, bad);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(e.status().message().find("decision table row 7"), std::string::npos) << e.status().message();
  EXPECT_NE(e.status().message().find("'speedup'"), std::string::npos) << e.status().message();
  EXPECT_EQ(decision_table_json(*decision_table(*q)), doc);  // validated before anything was written
}

TEST_F(DecideProjectTest, RealQuantizeRunUpdatesItsRow) {
  if (!fs::exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")) GTEST_SKIP() << "Fashion-MNIST not installed";
  auto p = Project::create(path("q.qwb"));
  ASSERT_TRUE(p);
  QuantizeConfig c;
  c.model = std::string(QWB_SOURCE_DIR) + "/resources/samples/fmnist_cnn.onnx";
  c.calib = {.data = {.spec = "fashion-mnist:train"}, .samples = 32};
  c.eval = {.spec = "fashion-mnist:test", .limit = 200};
  c.out = path("q.onnx");
  NullProgress progress;
  int64_t run = 0;
  auto r = run_quantize(*p, c, progress, &run);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_TRUE(r->notices.empty() || r->notices.back().find("decision table") == std::string::npos) << r->notices.back();
  auto rec = p->get_run(run);
  ASSERT_TRUE(rec);
  const DecisionRow* row = nullptr;
  auto table = decision_table(*p);
  row = find_row(*table, std::string("cnn/") + hardware_name(this_machine_hardware()) + "/int8");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->count, 1);
  EXPECT_DOUBLE_EQ(row->expected_loss_pts, -rec->metrics.at("delta_top1_pts"));
  EXPECT_DOUBLE_EQ(row->compression, static_cast<double>(fs::file_size(c.model)) / rec->metrics.at("exported.bytes"));
}

// ---------------------------------------------------------------------------------------------
// Gate

TEST(DecideGate, PassReviewFailHandComputed) {
  // fp32 90.0%, quantized 88.5%: drop 1.5 pts.
  auto g = decide_gate(0.90, 0.885, {.max_drop = 2.0});
  ASSERT_TRUE(g);
  EXPECT_EQ(g->outcome, GateOutcome::kPass);
  EXPECT_NEAR(g->drop_pts, 1.5, 1e-9);
  EXPECT_EQ(decide_gate(0.90, 0.885, {.max_drop = 1.0})->outcome, GateOutcome::kFail);  // 1.5 > 1.0
  EXPECT_EQ(decide_gate(0.90, 0.885, {.max_drop = 1.5})->outcome, GateOutcome::kPass);  // equal: within
  // Band 0.5 below 1.6: pass needs <= 1.1; 1.1 < 1.5 <= 1.6 -> review.
  auto rv = decide_gate(0.90, 0.885, {.max_drop = 1.6, .review_band = 0.5});
  EXPECT_EQ(rv->outcome, GateOutcome::kReview);
  EXPECT_NE(rv->message.find("review band"), std::string::npos) << rv->message;
  EXPECT_EQ(decide_gate(0.90, 0.885, {.max_drop = 2.1, .review_band = 0.5})->outcome, GateOutcome::kPass);  // 1.5 <= 1.6
  EXPECT_EQ(decide_gate(0.90, 0.885, {.max_drop = 1.4, .review_band = 0.5})->outcome, GateOutcome::kFail);  // never review above
  // Relative: 2% of 90 = 1.8 -> pass; 1.5% of 90 = 1.35 -> fail; 1.8% of 90 = 1.62 with band 0.5 -> review.
  auto rel = decide_gate(0.90, 0.885, {.max_drop = 2.0, .relative = true});
  EXPECT_EQ(rel->outcome, GateOutcome::kPass);
  EXPECT_NEAR(rel->threshold_pts, 1.8, 1e-12);
  EXPECT_EQ(decide_gate(0.90, 0.885, {.max_drop = 1.5, .relative = true})->outcome, GateOutcome::kFail);
  EXPECT_EQ(decide_gate(0.90, 0.885, {.max_drop = 1.8, .relative = true, .review_band = 0.5})->outcome, GateOutcome::kReview);
  EXPECT_EQ(decide_gate(0.90, 0.91, {.max_drop = 0})->outcome, GateOutcome::kPass);  // improved
  EXPECT_FALSE(decide_gate(0.90, 0.885, {.max_drop = -1}));
  EXPECT_FALSE(decide_gate(0.90, 0.885, {.max_drop = 1, .review_band = -0.1}));
  EXPECT_FALSE(decide_gate(90.0, 88.5, {.max_drop = 1}));  // percent, not a fraction
}

TEST_F(DecideProjectTest, GateReadsAndStoresOnTheRun) {
  auto p = Project::create(path("g.qwb"));
  ASSERT_TRUE(p);
  const int64_t run = recorded_run(*p, {{"fp32.top1", 0.90}, {"quantized.top1", 0.885}, {"delta_top1_pts", -1.5}});
  auto g = gate(*p, run, {.max_drop = 1.6, .review_band = 0.5});
  ASSERT_TRUE(g) << g.status().message();
  EXPECT_EQ(g->outcome, GateOutcome::kReview);
  auto stored = p->get_run(run);
  EXPECT_EQ(stored->metrics.at("gate.outcome"), 3);  // the exit code of review
  EXPECT_NEAR(stored->metrics.at("gate.drop_pts"), 1.5, 1e-9);
  EXPECT_DOUBLE_EQ(stored->metrics.at("gate.threshold_pts"), 1.6);
  EXPECT_DOUBLE_EQ(stored->metrics.at("gate.review_band_pts"), 0.5);
  auto doc = p->document(run, "gate");
  ASSERT_TRUE(doc);
  EXPECT_EQ((*doc)["outcome"], "review");
  EXPECT_EQ((*doc)["options"]["max_drop"], 1.6);
  ASSERT_TRUE(gate(*p, run, {.max_drop = 1.0}));
  EXPECT_EQ(p->get_run(run)->metrics.at("gate.outcome"), 1);  // the latest gate replaces it

  const int64_t no_eval = recorded_run(*p, {{"fp32.top1", 0.90}});
  auto e = gate(*p, no_eval, {.max_drop = 1.0});
  ASSERT_FALSE(e);
  EXPECT_NE(e.status().message().find("no metric 'quantized.top1'"), std::string::npos) << e.status().message();
  const int64_t failed = recorded_run(*p, {{"fp32.top1", 0.9}, {"quantized.top1", 0.9}}, RunStatus::kFailed);
  EXPECT_NE(gate(*p, failed, {.max_drop = 1.0}).status().message().find("is failed"), std::string::npos);
  EXPECT_EQ(gate(*p, 999, {.max_drop = 1.0}).status().code(), StatusCode::kNotFound);
}

}  // namespace
