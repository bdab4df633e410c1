// Project file (qwb/store.h): round trips of every table, the run lifecycle, interrupted-run
// detection, open errors that leave the file byte-identical, and two writers on one file.
// Expected values are the values written (round trips) or the documented rules: WAL mode,
// application id 0x51574231, user_version = schema_version(), newest run first, NaN kept.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include "scratch_dir.h"
#include "qwb/data.h"
#include "qwb/store.h"
#include "qwb/version.h"

using namespace qwb;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

using ProjectTest = qwb::testing::ScratchDirTest;

std::string slurp(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool exists(const std::string& p) { return fs::exists(p); }

// Direct SQLite access for checks the API does not expose (pragmas, row counts, tampering).
int64_t raw_int(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  sqlite3_stmt* s = nullptr;
  int64_t v = -1;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

std::string raw_text(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  std::string v;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0)) v = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

void raw_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

// Runs `body` in a forked child and returns its exit code (or 128 + signal). The parent must not
// hold the file open across the fork: SQLite connections do not survive fork().
template <typename F>
pid_t spawn(F body) {
  fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  return pid;
}
int wait_exit(pid_t pid) {
  int st = 0;
  ::waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

TensorStats make_stats(const std::string& name, bool weight, uint32_t seed) {
  TensorStats ts;
  ts.name = name;
  ts.is_weight = weight;
  ts.shape = weight ? Shape{4, 3, 3, 3} : Shape{8, 4, 5, 5};
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd(0.5f, 2.0f);
  std::vector<float> x(500);
  for (int b = 0; b < 3; ++b) {
    for (float& v : x) v = nd(rng) * static_cast<float>(b + 1);
    if (b == 1) x[7] = std::numeric_limits<float>::quiet_NaN();
    ts.add(x.data(), static_cast<int64_t>(x.size()));
  }
  if (weight) {
    ts.channel_axis = 0;
    ts.channel_min = {-1.5f, -0.25f, -3.0f, 0.0f};
    ts.channel_max = {1.5f, 0.75f, 2.0f, 0.125f};
  }
  return ts;
}

const std::regex kIso(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");

}  // namespace

// ---------------------------------------------------------------------------------------------
// Creation and settings

TEST_F(ProjectTest, CreateSetsWalApplicationIdAndVersion) {
  const std::string f = path("a.qwb");
  {
    auto p = Project::create(f);
    ASSERT_TRUE(p) << p.status().message();
    EXPECT_EQ(p->path(), f);
    EXPECT_TRUE(p->interrupted_on_open().empty());
    auto again = Project::create(f);
    ASSERT_FALSE(again);
    EXPECT_NE(again.status().message().find("already exists"), std::string::npos) << again.status().message();
  }
  EXPECT_EQ(Project::schema_version(), 1);
  EXPECT_EQ(raw_text(f, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw_int(f, "PRAGMA application_id"), 0x51574231);
  EXPECT_EQ(raw_int(f, "PRAGMA user_version"), Project::schema_version());
  EXPECT_EQ(raw_text(f, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(raw_int(f, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'runs_created'"), 1);
  // The header identifies the file without SQLite (what open() checks first): bytes 68-71.
  const std::string bytes = slurp(f);
  ASSERT_GE(bytes.size(), 100u);
  EXPECT_EQ(bytes.substr(68, 4), "QWB1");

  auto p = Project::open(f);
  ASSERT_TRUE(p) << p.status().message();
  auto q = Project::open_or_create(f);
  ASSERT_TRUE(q) << q.status().message();
  auto r = Project::open_or_create(path("new.qwb"));
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_TRUE(exists(path("new.qwb")));
}

TEST_F(ProjectTest, CreateInMissingFolderFailsCleanly) {
  auto p = Project::create(path("no/such/dir/a.qwb"));
  ASSERT_FALSE(p);
  EXPECT_EQ(p.status().code(), StatusCode::kIoError);
  EXPECT_NE(p.status().message().find("no/such/dir/a.qwb"), std::string::npos);
}

TEST_F(ProjectTest, OpenMigratesOlderFilesAndRestoresTheApplicationId) {
  // Version 0: the application id but no tables yet (the migration list runs from the start).
  const std::string v0 = path("v0.qwb");
  raw_exec(v0, "PRAGMA application_id = " + std::to_string(0x51574231) + "; CREATE TABLE scratch (x); DROP TABLE scratch;");
  ASSERT_EQ(raw_int(v0, "PRAGMA user_version"), 0);
  {
    auto p = Project::open(v0);
    ASSERT_TRUE(p) << p.status().message();
    RunConfig rc;
    rc.kind = "evaluate";
    ASSERT_TRUE(p->create_run(rc));
  }
  EXPECT_EQ(raw_int(v0, "PRAGMA user_version"), Project::schema_version());
  EXPECT_EQ(raw_text(v0, "PRAGMA journal_mode"), "wal");

  // Project tables without the application id (a file stamped by an early build): accepted, stamped.
  const std::string noid = path("noid.qwb");
  { ASSERT_TRUE(Project::create(noid)); }
  raw_exec(noid, "PRAGMA application_id = 0");
  auto p = Project::open(noid);
  ASSERT_TRUE(p) << p.status().message();
  EXPECT_EQ(raw_int(noid, "PRAGMA application_id"), 0x51574231);
}

// ---------------------------------------------------------------------------------------------
// Round trips

TEST_F(ProjectTest, ModelsAndDatasetsRoundTripAndDeduplicate) {
  auto p = Project::create(path("a.qwb"));
  ASSERT_TRUE(p) << p.status().message();
  const json summary = {{"params", 1234}, {"opset", 13}, {"architecture", "cnn"}};
  auto m1 = p->add_model("models/a.onnx", std::string(64, '1'), summary);
  auto m2 = p->add_model("models/a.onnx", std::string(64, '1'), {{"other", true}});
  auto m3 = p->add_model("models/a.onnx", std::string(64, '2'), summary);  // same path, new content
  ASSERT_TRUE(m1 && m2 && m3);
  EXPECT_EQ(*m1, *m2);
  EXPECT_NE(*m1, *m3);
  auto m = p->get_model(*m1);
  ASSERT_TRUE(m) << m.status().message();
  EXPECT_EQ(m->path, "models/a.onnx");
  EXPECT_EQ(m->sha256, std::string(64, '1'));
  EXPECT_EQ(m->summary, summary);
  EXPECT_TRUE(std::regex_match(m->added, kIso)) << m->added;
  auto models = p->list_models();
  ASSERT_TRUE(models);
  EXPECT_EQ(models->size(), 2u);
  EXPECT_EQ(p->get_model(999).status().code(), StatusCode::kNotFound);

  const json pre = {{"scale", 255.0}, {"mean", {0.5}}, {"layout", "NCHW"}};
  const json pre_reordered = {{"layout", "NCHW"}, {"mean", {0.5}}, {"scale", 255.0}};
  auto d1 = p->add_dataset("fashion-mnist:train", pre, 60000, 10);
  auto d2 = p->add_dataset("fashion-mnist:train", pre_reordered, 60000, 10);
  auto d3 = p->add_dataset("fashion-mnist:train", {{"scale", 1.0}}, 60000, 10);
  auto d4 = p->add_dataset("images:/data", json(), 17, 0);
  ASSERT_TRUE(d1 && d2 && d3 && d4);
  EXPECT_EQ(*d1, *d2);
  EXPECT_NE(*d1, *d3);
  auto d = p->get_dataset(*d1);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->spec, "fashion-mnist:train");
  EXPECT_EQ(d->preprocess, pre);
  EXPECT_EQ(d->samples, 60000);
  EXPECT_EQ(d->num_classes, 10);
  auto d4r = p->get_dataset(*d4);
  ASSERT_TRUE(d4r);
  EXPECT_TRUE(d4r->preprocess.is_null());
  EXPECT_EQ(d4r->num_classes, 0);
  auto ds = p->list_datasets();
  ASSERT_TRUE(ds);
  EXPECT_EQ(ds->size(), 3u);
  EXPECT_EQ(p->get_dataset(999).status().code(), StatusCode::kNotFound);
}

TEST_F(ProjectTest, RunRoundTripAndLifecycle) {
  auto p = Project::create(path("a.qwb"));
  ASSERT_TRUE(p) << p.status().message();
  const int64_t model = *p->add_model("m.onnx", std::string(64, 'f'), json::object());
  const int64_t calib = *p->add_dataset("fashion-mnist:train", json::object(), 60000, 10);
  const int64_t eval = *p->add_dataset("fashion-mnist:test", json::object(), 10000, 10);

  RunConfig rc;
  rc.kind = "quantize";
  rc.model_id = model;
  rc.dataset_id = calib;
  rc.eval_dataset_id = eval;
  rc.config = {{"method", "entropy"}, {"weights", "int8"}, {"exclude", {"fc"}}, {"name", "caf\xc3\xa9"}};
  rc.seed = std::numeric_limits<uint64_t>::max();  // all 64 bits survive the signed column
  rc.sample_ids = {5, 0, std::numeric_limits<int64_t>::max(), -1, 42};
  auto run = p->create_run(rc);
  ASSERT_TRUE(run) << run.status().message();

  auto r = p->get_run(*run);
  ASSERT_TRUE(r) << r.status().message();
  EXPECT_EQ(r->kind, "quantize");
  EXPECT_EQ(r->status, RunStatus::kQueued);
  EXPECT_EQ(r->model_id, model);
  EXPECT_EQ(r->dataset_id, calib);
  EXPECT_EQ(r->eval_dataset_id, eval);
  EXPECT_EQ(r->config, rc.config);
  EXPECT_EQ(r->seed, rc.seed);
  EXPECT_EQ(r->sample_ids, rc.sample_ids);
  EXPECT_EQ(r->sample_ids_sha256, sample_ids_sha256(rc.sample_ids));  // computed when not given
  EXPECT_EQ(r->model_sha256, std::string(64, 'f'));                   // taken from the model
  EXPECT_NE(r->tool_version.find(version()), std::string::npos) << r->tool_version;
  EXPECT_TRUE(std::regex_match(r->created, kIso)) << r->created;
  EXPECT_TRUE(r->started.empty());
  EXPECT_TRUE(r->finished.empty());
  // The BLOB is int64 little-endian, 8 bytes per id.
  EXPECT_EQ(raw_int(path("a.qwb"), "SELECT length(sample_ids) FROM runs WHERE id = " + std::to_string(*run)), 40);

  // Only running runs succeed; only queued runs start.
  EXPECT_FALSE(p->finish_run(*run, RunStatus::kSucceeded));
  EXPECT_FALSE(p->finish_run(*run, RunStatus::kRunning));
  ASSERT_TRUE(p->start_run(*run));
  EXPECT_FALSE(p->start_run(*run));
  r = p->get_run(*run);
  EXPECT_EQ(r->status, RunStatus::kRunning);
  EXPECT_TRUE(std::regex_match(r->started, kIso)) << r->started;
  EXPECT_EQ(raw_int(path("a.qwb"), "SELECT pid FROM runs WHERE id = " + std::to_string(*run)), ::getpid());
  ASSERT_TRUE(p->finish_run(*run, RunStatus::kSucceeded));
  r = p->get_run(*run);
  EXPECT_EQ(r->status, RunStatus::kSucceeded);
  EXPECT_TRUE(std::regex_match(r->finished, kIso)) << r->finished;
  EXPECT_GE(r->finished, r->started);
  EXPECT_FALSE(p->finish_run(*run, RunStatus::kFailed));

  // A queued run may be cancelled or fail before starting; the error text is kept.
  RunConfig minimal;
  minimal.kind = "evaluate";
  auto r2 = p->create_run(minimal);
  ASSERT_TRUE(r2);
  ASSERT_TRUE(p->finish_run(*r2, RunStatus::kFailed, "model file vanished"));
  auto got = p->get_run(*r2);
  EXPECT_EQ(got->status, RunStatus::kFailed);
  EXPECT_EQ(got->error, "model file vanished");
  EXPECT_EQ(got->model_id, 0);
  EXPECT_TRUE(got->sample_ids.empty());
  EXPECT_TRUE(got->config.is_null());

  // Bad input is a Status naming the problem.
  RunConfig bad = minimal;
  bad.model_id = 77;
  auto b1 = p->create_run(bad);
  ASSERT_FALSE(b1);
  EXPECT_EQ(b1.status().code(), StatusCode::kNotFound);
  EXPECT_NE(b1.status().message().find("model 77"), std::string::npos) << b1.status().message();
  bad = minimal;
  bad.sample_ids = {1, 2};
  bad.sample_ids_sha256 = std::string(64, '0');
  EXPECT_EQ(p->create_run(bad).status().code(), StatusCode::kInvalidArgument);
  bad = minimal;
  bad.kind.clear();
  EXPECT_FALSE(p->create_run(bad));
  EXPECT_EQ(p->start_run(999).code(), StatusCode::kNotFound);
  EXPECT_EQ(p->get_run(999).status().code(), StatusCode::kNotFound);

  for (RunStatus s : {RunStatus::kQueued, RunStatus::kRunning, RunStatus::kSucceeded, RunStatus::kFailed,
                      RunStatus::kCancelled, RunStatus::kInterrupted}) {
    auto back = parse_run_status(run_status_name(s));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, s);
  }
  EXPECT_FALSE(parse_run_status("done"));
}

TEST_F(ProjectTest, MetricsReplaceAndKeepNaNAndInfinity) {
  auto p = Project::create(path("a.qwb"));
  ASSERT_TRUE(p);
  RunConfig rc;
  rc.kind = "evaluate";
  const int64_t run = *p->create_run(rc);
  ASSERT_TRUE(p->add_metrics(run, {{"top1", 0.5}, {"ece", std::nan("")}, {"max_err", std::numeric_limits<double>::infinity()}}));
  ASSERT_TRUE(p->add_metrics(run, {{"top1", 0.75}, {"top5", 0.99}}));
  auto r = p->get_run(run);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->metrics.size(), 4u);
  EXPECT_EQ(r->metrics.at("top1"), 0.75);
  EXPECT_EQ(r->metrics.at("top5"), 0.99);
  EXPECT_TRUE(std::isnan(r->metrics.at("ece")));
  EXPECT_EQ(r->metrics.at("max_err"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(p->add_metrics(999, {{"x", 1}}).code(), StatusCode::kNotFound);
  EXPECT_FALSE(p->add_metrics(run, {{"", 1}}));
}

TEST_F(ProjectTest, LayerResultsMergeInFirstWrittenOrder) {
  auto p = Project::create(path("a.qwb"));
  ASSERT_TRUE(p);
  RunConfig rc;
  rc.kind = "sensitivity";
  const int64_t run = *p->create_run(rc);
  ASSERT_TRUE(p->add_layer_results(run, {{"conv2", {{"sensitivity", 0.1}}}, {"conv1", {{"sensitivity", 0.3}}}}));
  ASSERT_TRUE(p->add_layer_results(run, {{"conv1", {{"error", 0.01}, {"sensitivity", 0.25}}}, {"fc", {{"format", "int8"}}}}));
  auto l = p->layer_results(run);
  ASSERT_TRUE(l) << l.status().message();
  ASSERT_EQ(l->size(), 3u);
  EXPECT_EQ((*l)[0].layer, "conv2");
  EXPECT_EQ((*l)[1].layer, "conv1");
  EXPECT_EQ((*l)[1].values, (json{{"error", 0.01}, {"sensitivity", 0.25}}));
  EXPECT_EQ((*l)[2].layer, "fc");
  EXPECT_EQ(p->layer_results(999).status().code(), StatusCode::kNotFound);
}

TEST_F(ProjectTest, StatisticsRoundTripExactly) {
  auto p = Project::create(path("a.qwb"));
  ASSERT_TRUE(p);
  RunConfig rc;
  rc.kind = "calibrate";
  const int64_t run = *p->create_run(rc);
  Statistics st;
  st.tensors["conv1.weight"] = make_stats("conv1.weight", true, 1);
  st.tensors["relu1:0"] = make_stats("relu1:0", false, 2);
  st.tensors["empty"] = TensorStats{};  // no data: range 0, zero bins
  ASSERT_TRUE(p->add_statistics(run, st));

  auto names = p->statistics_tensors(run);
  ASSERT_TRUE(names);
  EXPECT_EQ(*names, (std::vector<std::string>{"conv1.weight", "empty", "relu1:0"}));
  for (const auto& [name, want] : st.tensors) {
    SCOPED_TRACE(name);
    auto got = p->tensor_statistics(run, name);
    ASSERT_TRUE(got) << got.status().message();
    EXPECT_EQ(got->name, name);
    EXPECT_EQ(got->is_weight, want.is_weight);
    EXPECT_EQ(got->shape, want.shape);
    EXPECT_EQ(got->count, want.count);
    EXPECT_EQ(got->nonfinite, want.nonfinite);
    EXPECT_EQ(got->min, want.min);
    EXPECT_EQ(got->max, want.max);
    EXPECT_EQ(got->ma_min, want.ma_min);
    EXPECT_EQ(got->ma_max, want.ma_max);
    EXPECT_EQ(got->sum, want.sum);
    EXPECT_EQ(got->sum_sq, want.sum_sq);
    EXPECT_EQ(got->hist.range(), want.hist.range());
    EXPECT_EQ(got->hist.total(), want.hist.total());
    EXPECT_EQ(got->hist.abs_bins(), want.hist.abs_bins());
    EXPECT_EQ(got->hist.signed_bins(), want.hist.signed_bins());
    EXPECT_EQ(got->channel_axis, want.channel_axis);
    EXPECT_EQ(got->channel_min, want.channel_min);
    EXPECT_EQ(got->channel_max, want.channel_max);
  }
  EXPECT_EQ(st.tensors["relu1:0"].nonfinite, 1);  // the NaN put in by make_stats
  EXPECT_EQ(raw_int(path("a.qwb"), "SELECT length(abs_bins) FROM tensor_stats WHERE tensor = 'relu1:0'"), 2048 * 8);
  // Statistics written again replace the old row.
  st.tensors["relu1:0"] = make_stats("relu1:0", false, 3);
  ASSERT_TRUE(p->add_statistics(run, st));
  EXPECT_EQ(p->tensor_statistics(run, "relu1:0")->sum, st.tensors["relu1:0"].sum);
  EXPECT_EQ(p->tensor_statistics(run, "nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(p->tensor_statistics(999, "relu1:0").status().code(), StatusCode::kNotFound);
}

TEST_F(ProjectTest, DamagedStoredDataIsAStatusNotACrash) {
  const std::string f = path("a.qwb");
  int64_t run = 0;
  {
    auto p = Project::create(f);
    ASSERT_TRUE(p);
    RunConfig rc;
    rc.kind = "calibrate";
    run = *p->create_run(rc);
    Statistics st;
    st.tensors["t"] = make_stats("t", false, 4);
    ASSERT_TRUE(p->add_statistics(run, st));
    ASSERT_TRUE(p->put_document(run, "report", {{"a", 1}}));
  }
  raw_exec(f, "UPDATE tensor_stats SET abs_bins = x'0102'; UPDATE documents SET json = '{broken'; "
              "UPDATE runs SET config = '[1,'");
  auto p = Project::open(f);
  ASSERT_TRUE(p) << p.status().message();
  auto ts = p->tensor_statistics(run, "t");
  ASSERT_FALSE(ts);
  EXPECT_NE(ts.status().message().find("damaged"), std::string::npos) << ts.status().message();
  EXPECT_FALSE(p->document(run, "report"));
  EXPECT_FALSE(p->get_run(run));
  EXPECT_FALSE(p->list_runs());
  EXPECT_FALSE(p->export_json());
}

TEST_F(ProjectTest, ThresholdsRoundTrip) {
  auto p = Project::create(path("a.qwb"));
  ASSERT_TRUE(p);
  RunConfig rc;
  rc.kind = "quantize";
  const int64_t run = *p->create_run(rc);
  Quantization q;
  q.calib.method = CalibMethod::kEntropy;
  QuantizedTensor act;
  act.spec = QuantSpec{DType::kUInt8, false, Granularity::kTensor, 0, false};
  act.range = {-6.4f, 6.35f};
  act.scale = Tensor::scalar<float>(0.05f);
  act.zero_point = Tensor::scalar<uint8_t>(128);
  q.activations["x"] = act;
  QuantizedTensor half;
  half.spec = QuantSpec{DType::kFloat16, true, Granularity::kTensor, 0, false};
  q.activations["h"] = half;
  QuantizedTensor w;
  w.spec = QuantSpec{DType::kInt8, true, Granularity::kChannel, 0, false};
  w.axis = 0;
  w.range = {-1.0f, 1.0f};
  w.scale = Tensor::from_vector<float>({3}, {0.1f, 0.2f, 0.3f});
  w.zero_point = Tensor::from_vector<int8_t>({3}, {0, 0, 0});
  q.weights["w"] = w;
  QuantizedTensor b;
  b.spec = QuantSpec{DType::kInt32, true, Granularity::kChannel, 0, false};
  b.axis = 0;
  b.scale = Tensor::from_vector<float>({3}, {0.005f, 0.01f, 0.015f});
  b.zero_point = Tensor::from_vector<int32_t>({3}, {0, 0, 0});
  q.biases["b"] = b;
  ASSERT_TRUE(p->add_thresholds(run, q));
  q.calib.method = CalibMethod::kMinMax;  // a second method adds rows
  ASSERT_TRUE(p->add_thresholds(run, q));

  auto t = p->thresholds(run);
  ASSERT_TRUE(t) << t.status().message();
  ASSERT_EQ(t->size(), 8u);  // ordered by tensor, then method
  const ThresholdRecord& tb = (*t)[0];
  EXPECT_EQ(tb.tensor, "b");
  EXPECT_EQ(tb.method, "entropy");
  EXPECT_EQ(tb.role, "bias");
  EXPECT_EQ(tb.dtype, "int32");
  EXPECT_EQ(tb.scales, (std::vector<float>{0.005f, 0.01f, 0.015f}));
  EXPECT_EQ(tb.zero_points, (std::vector<int64_t>{0, 0, 0}));
  const ThresholdRecord& th = (*t)[2];
  EXPECT_EQ(th.tensor, "h");
  EXPECT_EQ(th.dtype, "float16");
  EXPECT_FALSE(th.has_scale);
  const ThresholdRecord& tw = (*t)[4];
  EXPECT_EQ(tw.tensor, "w");
  EXPECT_EQ(tw.role, "weight");
  EXPECT_EQ(tw.spec, "int8 symmetric per-channel");
  EXPECT_EQ(tw.axis, 0);
  EXPECT_EQ(tw.scale_shape, (Shape{3}));
  EXPECT_FLOAT_EQ(static_cast<float>(tw.scale), 0.1f);
  EXPECT_EQ(tw.scales, (std::vector<float>{0.1f, 0.2f, 0.3f}));
  const ThresholdRecord& tx = (*t)[6];
  EXPECT_EQ(tx.tensor, "x");
  EXPECT_EQ(tx.method, "entropy");
  EXPECT_EQ(tx.role, "activation");
  EXPECT_EQ(tx.dtype, "uint8");
  EXPECT_TRUE(tx.has_scale);
  EXPECT_EQ(static_cast<float>(tx.scale), 0.05f);
  EXPECT_EQ(tx.zero_point, 128);
  EXPECT_EQ(static_cast<float>(tx.lo), -6.4f);
  EXPECT_EQ(static_cast<float>(tx.hi), 6.35f);
  EXPECT_TRUE(tx.scale_shape.empty());
  EXPECT_TRUE(tx.scales.empty());
  EXPECT_EQ((*t)[7].method, "minmax");
}

TEST_F(ProjectTest, ArtifactsDocumentsAndDecisionTable) {
  auto p = Project::create(path("a.qwb"));
  ASSERT_TRUE(p);
  RunConfig rc;
  rc.kind = "export";
  const int64_t run = *p->create_run(rc);
  ASSERT_TRUE(p->add_artifact(run, {"out/model.int8.onnx", std::string(64, 'c'), 123456, "qdq"}));
  ASSERT_TRUE(p->add_artifact(run, {"out/report.html", std::string(64, 'd'), 999, "report-html"}));
  ASSERT_TRUE(p->add_artifact(run, {"out/model.int8.onnx", std::string(64, 'e'), 123457, "qdq"}));  // rewritten
  auto a = p->artifacts(run);
  ASSERT_TRUE(a);
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0].path, "out/model.int8.onnx");
  EXPECT_EQ((*a)[0].sha256, std::string(64, 'e'));
  EXPECT_EQ((*a)[0].bytes, 123457);
  EXPECT_EQ((*a)[0].kind, "qdq");
  EXPECT_EQ((*a)[1].kind, "report-html");
  EXPECT_FALSE(p->add_artifact(run, {"", "", 0, "qdq"}));

  const json report = {{"gate", "pass"}, {"flipped", json::array({1, 5, 9})}};
  ASSERT_TRUE(p->put_document(run, "report", report));
  ASSERT_TRUE(p->put_document(run, "confusion", {{"matrix", {{1, 0}, {0, 1}}}}));
  ASSERT_TRUE(p->put_document(run, "report", {{"gate", "fail"}}));
  auto doc = p->document(run, "report");
  ASSERT_TRUE(doc);
  EXPECT_EQ((*doc)["gate"], "fail");
  auto names = p->document_names(run);
  ASSERT_TRUE(names);
  EXPECT_EQ(*names, (std::vector<std::string>{"confusion", "report"}));
  EXPECT_EQ(p->document(run, "nope").status().code(), StatusCode::kNotFound);

  const json row = {{"architecture", "cnn"}, {"hardware", "x86-avx2"}, {"format", "int8"}, {"top1_drop", 0.002}};
  ASSERT_TRUE(p->put_decision_row(row));
  ASSERT_TRUE(p->put_decision_row({{"architecture", "cnn"}, {"hardware", "arm"}, {"format", "int8"}}));
  json changed = row;
  changed["top1_drop"] = 0.004;
  ASSERT_TRUE(p->put_decision_row(changed));
  auto rows = p->decision_rows();
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0]["hardware"], "arm");
  EXPECT_EQ((*rows)[1], changed);
  EXPECT_FALSE(p->put_decision_row({{"architecture", "cnn"}, {"format", "int8"}}));
  EXPECT_FALSE(p->put_decision_row(json::array()));
}

TEST_F(ProjectTest, ListRunsNewestFirstWithMetrics) {
  auto p = Project::create(path("a.qwb"));
  ASSERT_TRUE(p);
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    RunConfig rc;
    rc.kind = "evaluate";
    rc.sample_ids = {i};
    ids.push_back(*p->create_run(rc));
    ASSERT_TRUE(p->add_metrics(ids.back(), {{"i", i}, {"top1", 0.9}}));
  }
  auto runs = p->list_runs();
  ASSERT_TRUE(runs) << runs.status().message();
  ASSERT_EQ(runs->size(), 5u);
  for (int i = 0; i < 5; ++i) {
    const RunRecord& r = (*runs)[static_cast<size_t>(i)];
    EXPECT_EQ(r.id, ids[static_cast<size_t>(4 - i)]);  // equal timestamps fall back to id order
    EXPECT_EQ(r.metrics.at("i"), 4 - i);
    EXPECT_EQ(r.metrics.size(), 2u);
    EXPECT_TRUE(r.sample_ids.empty());  // list views do not load sample ids
    EXPECT_FALSE(r.sample_ids_sha256.empty());
  }
}

TEST_F(ProjectTest, DeleteRunCascadesToEveryChildTable) {
  const std::string f = path("a.qwb");
  auto p = Project::create(f);
  ASSERT_TRUE(p);
  RunConfig rc;
  rc.kind = "quantize";
  const int64_t keep = *p->create_run(rc);
  const int64_t run = *p->create_run(rc);
  for (int64_t r : {keep, run}) {
    ASSERT_TRUE(p->add_metrics(r, {{"a", 1}}));
    ASSERT_TRUE(p->add_layer_results(r, {{"l", {{"x", 1}}}}));
    Statistics st;
    st.tensors["t"] = make_stats("t", false, 5);
    ASSERT_TRUE(p->add_statistics(r, st));
    Quantization q;
    QuantizedTensor act;
    act.spec = QuantSpec{DType::kUInt8, false, Granularity::kTensor, 0, false};
    act.scale = Tensor::scalar<float>(0.1f);
    act.zero_point = Tensor::scalar<uint8_t>(3);
    q.activations["t"] = act;
    ASSERT_TRUE(p->add_thresholds(r, q));
    ASSERT_TRUE(p->add_artifact(r, {"a.onnx", "", 1, "qdq"}));
    ASSERT_TRUE(p->put_document(r, "d", json::object()));
  }
  ASSERT_TRUE(p->delete_run(run));
  EXPECT_EQ(p->delete_run(run).code(), StatusCode::kNotFound);
  for (const char* table : {"metrics", "layer_results", "tensor_stats", "thresholds", "artifacts", "documents"}) {
    SCOPED_TRACE(table);
    EXPECT_EQ(raw_int(f, std::string("SELECT count(*) FROM ") + table), 1);
    EXPECT_EQ(raw_int(f, std::string("SELECT count(*) FROM ") + table + " WHERE run_id = " + std::to_string(keep)), 1);
  }
  EXPECT_EQ(raw_int(f, "PRAGMA foreign_key_check"), -1);  // no rows: no violations
}

TEST_F(ProjectTest, ExportJsonHasEverythingButHistogramBins) {
  auto p = Project::create(path("a.qwb"));
  ASSERT_TRUE(p);
  const int64_t model = *p->add_model("m.onnx", std::string(64, 'a'), {{"params", 10}});
  const int64_t data = *p->add_dataset("fashion-mnist:train", json::object(), 100, 10);
  RunConfig rc;
  rc.kind = "quantize";
  rc.model_id = model;
  rc.dataset_id = data;
  rc.config = {{"method", "mse"}};
  rc.seed = 7;
  rc.sample_ids = {3, 1, 2};
  const int64_t run = *p->create_run(rc);
  ASSERT_TRUE(p->start_run(run));
  ASSERT_TRUE(p->add_metrics(run, {{"top1", 0.9}, {"ece", std::nan("")}}));
  ASSERT_TRUE(p->add_layer_results(run, {{"conv1", {{"error", 0.1}}}}));
  Statistics st;
  st.tensors["t"] = make_stats("t", false, 6);
  ASSERT_TRUE(p->add_statistics(run, st));
  Quantization q;
  QuantizedTensor act;
  act.spec = QuantSpec{DType::kUInt8, false, Granularity::kTensor, 0, false};
  act.scale = Tensor::scalar<float>(0.25f);
  act.zero_point = Tensor::scalar<uint8_t>(10);
  q.activations["t"] = act;
  ASSERT_TRUE(p->add_thresholds(run, q));
  ASSERT_TRUE(p->add_artifact(run, {"out.onnx", std::string(64, 'b'), 42, "qdq"}));
  ASSERT_TRUE(p->put_document(run, "report", {{"big", std::string(1000, 'x')}}));
  ASSERT_TRUE(p->finish_run(run, RunStatus::kSucceeded));
  ASSERT_TRUE(p->put_decision_row({{"architecture", "cnn"}, {"hardware", "cpu"}, {"format", "int8"}}));

  auto j = p->export_json();
  ASSERT_TRUE(j) << j.status().message();
  EXPECT_EQ((*j)["format"], "qwb-project");
  EXPECT_EQ((*j)["schema_version"], Project::schema_version());
  ASSERT_EQ((*j)["models"].size(), 1u);
  EXPECT_EQ((*j)["models"][0]["summary"]["params"], 10);
  ASSERT_EQ((*j)["datasets"].size(), 1u);
  ASSERT_EQ((*j)["runs"].size(), 1u);
  const json& r = (*j)["runs"][0];
  EXPECT_EQ(r["id"], run);
  EXPECT_EQ(r["status"], "succeeded");
  EXPECT_EQ(r["config"]["method"], "mse");
  EXPECT_EQ(r["seed"], 7);
  EXPECT_EQ(r["sample_ids"], json::array({3, 1, 2}));
  EXPECT_EQ(r["metrics"]["top1"], 0.9);
  EXPECT_EQ(r["metrics"]["ece"], "nan");
  EXPECT_EQ(r["artifacts"][0]["sha256"], std::string(64, 'b'));
  EXPECT_EQ(r["layer_results"][0]["layer"], "conv1");
  EXPECT_EQ(r["thresholds"][0]["zero_point"], 10);
  EXPECT_EQ(r["documents"], json::array({"report"}));
  const json& s = r["statistics"][0];
  EXPECT_EQ(s["tensor"], "t");
  EXPECT_EQ(s["histogram"]["range"], st.tensors["t"].hist.range());
  EXPECT_EQ(s["histogram"]["total"], st.tensors["t"].hist.total());
  EXPECT_FALSE(s["histogram"].contains("abs_bins"));
  EXPECT_LT(j->dump().size(), 10000u);  // summarised, not 2 x 2048 numbers
  EXPECT_EQ((*j)["decision_table"].size(), 1u);
}

// ---------------------------------------------------------------------------------------------
// Interrupted runs

TEST_F(ProjectTest, RunOfADeadProcessBecomesInterruptedOnOpen) {
  const std::string f = path("a.qwb");
  { ASSERT_TRUE(Project::create(f)); }
  // The child records a run, starts it and dies without finishing (no destructors, no close).
  const pid_t child = spawn([&] {
    auto p = Project::open(f);
    if (!p) return 10;
    RunConfig rc;
    rc.kind = "quantize";
    auto run = p->create_run(rc);
    if (!run || !p->add_metrics(*run, {{"partial", 1}}) || !p->start_run(*run)) return 11;
    auto done = p->create_run(rc);  // and one that finished before the crash
    if (!done || !p->start_run(*done) || !p->finish_run(*done, RunStatus::kSucceeded)) return 12;
    ::_exit(0);
  });
  ASSERT_EQ(wait_exit(child), 0);

  auto p = Project::open(f);
  ASSERT_TRUE(p) << p.status().message();
  ASSERT_EQ(p->interrupted_on_open().size(), 1u);
  const int64_t id = p->interrupted_on_open()[0];
  auto r = p->get_run(id);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, RunStatus::kInterrupted);
  EXPECT_NE(r->error.find("interrupted"), std::string::npos) << r->error;
  EXPECT_NE(r->error.find("pid " + std::to_string(child)), std::string::npos) << r->error;
  EXPECT_EQ(r->metrics.at("partial"), 1);  // what it committed is kept
  EXPECT_FALSE(p->finish_run(id, RunStatus::kSucceeded));
  auto runs = p->list_runs();
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].status, RunStatus::kSucceeded);
  EXPECT_EQ(raw_text(f, "PRAGMA integrity_check"), "ok");

  // Opening again finds nothing more to recover.
  auto again = Project::open(f);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->interrupted_on_open().empty());
}

TEST_F(ProjectTest, RunOfALiveProcessStaysRunningButAReusedPidDoesNot) {
  const std::string f = path("a.qwb");
  auto p = Project::create(f);
  ASSERT_TRUE(p);
  RunConfig rc;
  rc.kind = "calibrate";
  const int64_t live = *p->create_run(rc);
  const int64_t reused = *p->create_run(rc);
  ASSERT_TRUE(p->start_run(live));
  ASSERT_TRUE(p->start_run(reused));
  // Same pid, another start time: the pid was reused by an unrelated process.
  raw_exec(f, "UPDATE runs SET process_start = 'another-boot/12345' WHERE id = " + std::to_string(reused));
  auto q = Project::open(f);
  ASSERT_TRUE(q) << q.status().message();
  EXPECT_EQ(q->interrupted_on_open(), (std::vector<int64_t>{reused}));
  EXPECT_EQ(q->get_run(live)->status, RunStatus::kRunning);
  EXPECT_EQ(q->get_run(reused)->status, RunStatus::kInterrupted);
  EXPECT_TRUE(p->finish_run(live, RunStatus::kSucceeded));
}

// SIGKILL at random moments of a writer: the file always opens, passes integrity_check, keeps
// every finished run with its metrics and turns the killed one into interrupted.
TEST_F(ProjectTest, KilledWriterLeavesAConsistentFile) {
  const std::string f = path("a.qwb");
  { ASSERT_TRUE(Project::create(f)); }
  std::mt19937 rng(12345);
  size_t interrupted = 0, succeeded = 0;
  for (int round = 0; round < 6; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const pid_t child = spawn([&] {
      auto p = Project::open(f);
      if (!p) return 10;
      for (;;) {
        RunConfig rc;
        rc.kind = "quantize";
        auto run = p->create_run(rc);
        if (!run || !p->start_run(*run)) return 11;
        Statistics st;
        for (int t = 0; t < 20; ++t) {
          TensorStats ts;
          ts.count = t;
          st.tensors["t" + std::to_string(t)] = ts;
        }
        if (!p->add_statistics(*run, st) || !p->add_metrics(*run, {{"top1", 0.5}, {"n", 20}})) return 12;
        if (!p->finish_run(*run, RunStatus::kSucceeded)) return 13;
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 200));
    ::kill(child, SIGKILL);
    ASSERT_EQ(wait_exit(child), 128 + SIGKILL);

    auto p = Project::open(f);
    ASSERT_TRUE(p) << p.status().message();
    interrupted += p->interrupted_on_open().size();
    EXPECT_EQ(raw_text(f, "PRAGMA integrity_check"), "ok");
    auto runs = p->list_runs();
    ASSERT_TRUE(runs) << runs.status().message();
    succeeded = 0;
    for (const RunRecord& r : *runs) {
      succeeded += r.status == RunStatus::kSucceeded;
      EXPECT_NE(r.status, RunStatus::kRunning) << "run " << r.id;
      if (r.status == RunStatus::kSucceeded) {
        EXPECT_EQ(r.metrics.size(), 2u) << "run " << r.id;
        auto names = p->statistics_tensors(r.id);
        ASSERT_TRUE(names);
        EXPECT_EQ(names->size(), 20u) << "run " << r.id;
      }
    }
  }
  // The kills landed inside runs (almost always) and after finished ones.
  EXPECT_GE(interrupted, 3u);
  EXPECT_GT(succeeded, 0u);
}

// ---------------------------------------------------------------------------------------------
// Open errors: a clear Status naming the file, and the file left byte-identical without -wal/-shm.

class ProjectOpenError : public ProjectTest {
 protected:
  // Opens `f`, expects failure with `code` and a message containing `words`, and checks the file.
  void expect_rejected(const std::string& f, StatusCode code, const std::string& words) {
    const std::string before = slurp(f);
    struct stat st_before {};
    ::stat(f.c_str(), &st_before);
    for (auto open : {&Project::open, &Project::open_or_create}) {
      auto p = open(f);
      ASSERT_FALSE(p);
      EXPECT_EQ(p.status().code(), code) << p.status().message();
      EXPECT_NE(p.status().message().find(f), std::string::npos) << p.status().message();
      EXPECT_NE(p.status().message().find(words), std::string::npos) << p.status().message();
    }
    struct stat st_after {};
    ::stat(f.c_str(), &st_after);
    EXPECT_EQ(slurp(f), before) << "the file was modified";
    EXPECT_EQ(st_after.st_mtim.tv_sec, st_before.st_mtim.tv_sec);
    EXPECT_EQ(st_after.st_mtim.tv_nsec, st_before.st_mtim.tv_nsec);
    EXPECT_FALSE(exists(f + "-wal"));
    EXPECT_FALSE(exists(f + "-shm"));
    EXPECT_FALSE(exists(f + "-journal"));
  }
};

TEST_F(ProjectOpenError, MissingFile) {
  const std::string f = path("missing.qwb");
  auto p = Project::open(f);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.status().code(), StatusCode::kNotFound);
  EXPECT_NE(p.status().message().find(f), std::string::npos);
  EXPECT_NE(p.status().message().find("does not exist"), std::string::npos) << p.status().message();
  EXPECT_FALSE(exists(f));
  EXPECT_FALSE(exists(f + "-wal"));
}

TEST_F(ProjectOpenError, NotSqlite) {
  const std::string f = path("random.qwb");
  std::mt19937 rng(7);
  std::string bytes(4096, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  std::ofstream(f, std::ios::binary) << bytes;
  expect_rejected(f, StatusCode::kInvalidArgument, "not an SQLite database");

  const std::string empty = path("empty.qwb");
  std::ofstream(empty, std::ios::binary).flush();
  expect_rejected(empty, StatusCode::kInvalidArgument, "empty");

  const std::string text = path("text.qwb");
  std::ofstream(text) << "SQLite format 3 but not really";
  expect_rejected(text, StatusCode::kInvalidArgument, "not an SQLite database");
}

TEST_F(ProjectOpenError, SqliteButNotAProject) {
  const std::string f = path("other.db");
  raw_exec(f, "CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('ada');");
  expect_rejected(f, StatusCode::kInvalidArgument, "not a qwb project");

  // Another application's file, even in WAL mode with its companions absent.
  const std::string g = path("other-app.db");
  raw_exec(g, "PRAGMA application_id = 1234; PRAGMA journal_mode = WAL; CREATE TABLE runs (x);");
  ASSERT_FALSE(exists(g + "-wal"));
  expect_rejected(g, StatusCode::kInvalidArgument, "another application");
}

TEST_F(ProjectOpenError, NewerSchema) {
  const std::string orig = path("orig.qwb");
  { ASSERT_TRUE(Project::create(orig)); }
  const std::string f = path("newer.qwb");
  fs::copy_file(orig, f);
  raw_exec(f, "PRAGMA user_version = 99");  // the last connection closing checkpoints into the file
  ASSERT_FALSE(exists(f + "-wal"));
  expect_rejected(f, StatusCode::kUnsupported, "schema version 99");
  auto p = Project::open(f);
  EXPECT_NE(p.status().message().find("up to 1"), std::string::npos) << p.status().message();
}

TEST_F(ProjectOpenError, NewerSchemaOnlyInTheWal) {
  // A newer build set the version and died before a checkpoint: the main file's header still says
  // 1 and the authoritative check after opening must catch it.
  const std::string f = path("newer-wal.qwb");
  { ASSERT_TRUE(Project::create(f)); }
  const pid_t child = spawn([&] {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(f.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) return 10;
    if (sqlite3_exec(db, "PRAGMA wal_autocheckpoint = 0; PRAGMA user_version = 7", nullptr, nullptr, nullptr) != SQLITE_OK) return 11;
    ::_exit(0);  // no close: no checkpoint
  });
  ASSERT_EQ(wait_exit(child), 0);
  ASSERT_EQ(slurp(f).substr(60, 4), std::string("\0\0\0\1", 4));  // header still says version 1
  auto p = Project::open(f);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(p.status().message().find("schema version 7"), std::string::npos) << p.status().message();
  EXPECT_EQ(raw_int(f, "PRAGMA user_version"), 7);
}

TEST_F(ProjectOpenError, ReadOnlyFile) {
  const std::string f = path("ro.qwb");
  {
    auto p = Project::create(f);
    ASSERT_TRUE(p);
    RunConfig rc;
    rc.kind = "evaluate";
    ASSERT_TRUE(p->create_run(rc));
  }
  ASSERT_FALSE(exists(f + "-wal"));
  ASSERT_EQ(::chmod(f.c_str(), 0444), 0);
  // Tests may run as root, where access(W_OK) succeeds anyway: the mode bits decide.
  expect_rejected(f, StatusCode::kIoError, "is read-only");
  ASSERT_EQ(::chmod(f.c_str(), 0644), 0);
  auto p = Project::open(f);
  ASSERT_TRUE(p) << p.status().message();
  EXPECT_EQ(p->list_runs()->size(), 1u);
}

// ---------------------------------------------------------------------------------------------
// Concurrency

TEST_F(ProjectTest, TwoObjectsOnOneFileWriteAlternately) {
  const std::string f = path("a.qwb");
  auto a = Project::create(f);
  ASSERT_TRUE(a);
  auto b = Project::open(f);
  ASSERT_TRUE(b) << b.status().message();
  for (int i = 0; i < 40; ++i) {
    Project& p = i % 2 ? *b : *a;
    RunConfig rc;
    rc.kind = i % 2 ? "b" : "a";
    auto run = p.create_run(rc);
    ASSERT_TRUE(run) << run.status().message();
    ASSERT_TRUE(p.start_run(*run));
    ASSERT_TRUE(p.add_metrics(*run, {{"i", i}}));
    Project& other = i % 2 ? *a : *b;  // the other object finishes it
    ASSERT_TRUE(other.finish_run(*run, RunStatus::kSucceeded));
  }
  for (Project* p : {&*a, &*b}) {
    auto runs = p->list_runs();
    ASSERT_TRUE(runs);
    ASSERT_EQ(runs->size(), 40u);
    for (const RunRecord& r : *runs) {
      EXPECT_EQ(r.status, RunStatus::kSucceeded);
      EXPECT_EQ(r.metrics.size(), 1u);
    }
  }
  EXPECT_EQ(raw_text(f, "PRAGMA integrity_check"), "ok");
}

TEST_F(ProjectTest, ThreadsShareOneObject) {
  auto p = Project::create(path("a.qwb"));
  ASSERT_TRUE(p);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        RunConfig rc;
        rc.kind = "t" + std::to_string(t);
        auto run = p->create_run(rc);
        if (!run || !p->add_metrics(*run, {{"i", i}}) || !p->list_runs()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(p->list_runs()->size(), 100u);
}

TEST_F(ProjectTest, ForkedWriterWhileParentReads) {
  const std::string f = path("a.qwb");
  { ASSERT_TRUE(Project::create(f)); }
  constexpr int kRuns = 150;
  const pid_t child = spawn([&] {
    auto p = Project::open(f);
    if (!p) return 10;
    for (int i = 0; i < kRuns; ++i) {
      RunConfig rc;
      rc.kind = "quantize";
      rc.sample_ids.assign(1000, i);
      auto run = p->create_run(rc);
      if (!run || !p->start_run(*run)) return 11;
      Statistics st;
      st.tensors["t"] = TensorStats{};
      if (!p->add_statistics(*run, st) || !p->add_metrics(*run, {{"i", i}, {"top1", 0.9}})) return 12;
      if (!p->finish_run(*run, RunStatus::kSucceeded)) return 13;
    }
    return 0;
  });
  auto p = Project::open(f);
  ASSERT_TRUE(p) << p.status().message();
  size_t last = 0;
  int reads = 0;
  int st = 0;
  pid_t done = 0;
  while ((done = ::waitpid(child, &st, WNOHANG)) == 0) {
    auto runs = p->list_runs();
    ASSERT_TRUE(runs) << runs.status().message();
    EXPECT_GE(runs->size(), last);
    last = runs->size();
    // Each read is one snapshot: a succeeded run always shows both of its metrics.
    for (const RunRecord& r : *runs) {
      if (r.status == RunStatus::kSucceeded) EXPECT_EQ(r.metrics.size(), 2u);
    }
    ++reads;
  }
  ASSERT_EQ(done, child);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 0);
  auto runs = p->list_runs();
  ASSERT_TRUE(runs);
  EXPECT_EQ(runs->size(), static_cast<size_t>(kRuns));
  EXPECT_GT(reads, 0);
  EXPECT_EQ(raw_text(f, "PRAGMA integrity_check"), "ok");
}
