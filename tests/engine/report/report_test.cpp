// Reports (qwb/report.h) and stored-calibration exports (qwb/jobs.h), on a real quantize run of
// the sample fmnist_cnn on Fashion-MNIST recorded in a real project file.
#include "qwb/report.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "qwb/export.h"
#include "qwb/jobs.h"
#include "qwb/version.h"
#include "report/report_text.h"

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_PNG
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include <stb/stb_image.h>
#pragma GCC diagnostic pop

namespace qwb {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

TEST(ReportEncoding, Base64MatchesRfc4648Vectors) {
  // RFC 4648 section 10.
  const std::pair<const char*, const char*> v[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
                                                   {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [in, out] : v) {
    EXPECT_EQ(base64_encode(in), out);
    EXPECT_EQ(report::base64_decode(out), in);
  }
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  EXPECT_EQ(report::base64_decode(base64_encode(all)), all);
}

TEST(ReportEncoding, PngDecodesToThePixels) {
  std::vector<uint8_t> px(7 * 5);
  for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<uint8_t>(i * 7);
  const std::string png = encode_png(px.data(), 7, 5, 1);
  ASSERT_GT(png.size(), 8u);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  int w = 0, h = 0, c = 0;
  uint8_t* back = stbi_load_from_memory(reinterpret_cast<const uint8_t*>(png.data()), static_cast<int>(png.size()), &w, &h, &c, 1);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(w, 7);
  EXPECT_EQ(h, 5);
  EXPECT_EQ(std::vector<uint8_t>(back, back + 35), px);
  stbi_image_free(back);
}

TEST(ReportEncoding, CsvAndHtmlEscaping) {
  EXPECT_EQ(report::csv_field("conv1"), "conv1");
  EXPECT_EQ(report::csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(report::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(report::csv_field("=SUM(A1)"), "'=SUM(A1)");  // not a formula in a spreadsheet
  EXPECT_EQ(report::csv_field("-0.25"), "-0.25");          // numbers stay numbers
  EXPECT_EQ(report::html_escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  EXPECT_EQ(classes_csv_path("/tmp/r.csv"), "/tmp/r.classes.csv");
}

TEST(ReportFormats, ParseAndFromPath) {
  EXPECT_EQ(*parse_report_format("markdown"), ReportFormat::kMarkdown);
  EXPECT_EQ(*report_format_for_path("a/b.HTM"), ReportFormat::kHtml);
  EXPECT_EQ(*report_format_for_path("r.pdf"), ReportFormat::kPdf);
  auto bad = report_format_for_path("report.txt");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("report.txt"), std::string::npos);
  EXPECT_FALSE(parse_report_format("docx"));
}

TEST(ReportLatency, MeasuresEachModelInTurn) {
  const std::string cnn = std::string(QWB_SOURCE_DIR) + "/resources/samples/fmnist_cnn.onnx";
  const std::string dwres = std::string(QWB_SOURCE_DIR) + "/resources/samples/fmnist_dwres.onnx";
  NullProgress progress;
  auto ms = measure_latencies({cnn, dwres}, progress, 5, 1);
  ASSERT_TRUE(ms) << ms.status().message();
  ASSERT_EQ(ms->size(), 2u);
  EXPECT_GT((*ms)[0], 0);
  EXPECT_GT((*ms)[1], 0);
  auto bad = measure_latencies({cnn, "/nonexistent/model.onnx"}, progress);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("/nonexistent/model.onnx"), std::string::npos) << bad.status().message();
}

int count(const std::string& s, const std::string& what) {
  int n = 0;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

// One real project for the suite: a quantize run (int8, entropy, 64 calibration images, 500
// evaluation images) and a gate on it. Built once; ~10 s.
class ReportRunTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!fs::exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")) return;
    dir_ = fs::temp_directory_path() / ("qwb_report_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto p = Project::create((dir_ / "r.qwb").string());
    ASSERT_TRUE(p) << p.status().message();
    QuantizeConfig c;
    c.model = std::string(QWB_SOURCE_DIR) + "/resources/samples/fmnist_cnn.onnx";
    c.calib = {.data = {.spec = "fashion-mnist:train"}, .samples = 64};
    c.eval = {.spec = "fashion-mnist:test", .limit = 500};
    c.method.method = CalibMethod::kEntropy;
    c.out = (dir_ / "q.onnx").string();
    NullProgress progress;
    auto r = run_quantize(*p, c, progress, &run_);
    ASSERT_TRUE(r) << r.status().message();
    quantization_ = r->quantization;
    ASSERT_TRUE(gate(*p, run_, {.max_drop = 1.0}));
    project_ = std::make_unique<Project>(std::move(*p));
  }
  static void TearDownTestSuite() {
    project_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void SetUp() override {
    if (!project_) GTEST_SKIP() << "Fashion-MNIST not installed";
  }
  static std::string read(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }

  static inline fs::path dir_;
  static inline int64_t run_ = 0;
  static inline std::shared_ptr<const Quantization> quantization_;
  static inline std::unique_ptr<Project> project_;
};

TEST_F(ReportRunTest, DocumentHoldsTheRunsRecordedFacts) {
  NullProgress progress;
  auto doc = build_report(*project_, run_, {.measure_latency = false}, progress);
  ASSERT_TRUE(doc) << doc.status().message();
  auto rec = project_->get_run(run_);
  const json& r = (*doc)["runs"][0];
  EXPECT_EQ((*doc)["schema"], "qwb.report/1");
  EXPECT_EQ(r["id"], run_);
  // Every number is the run's stored value, not recomputed.
  EXPECT_DOUBLE_EQ(r["accuracy"]["fp32"]["top1"].get<double>(), rec->metrics.at("fp32.top1"));
  EXPECT_DOUBLE_EQ(r["accuracy"]["quantized"]["top1"].get<double>(), rec->metrics.at("quantized.top1"));
  EXPECT_EQ(r["model"]["sha256"], rec->model_sha256);
  EXPECT_EQ(r["model"]["file_matches"], true);
  EXPECT_EQ(r["model"]["opset"], 13);  // the sample's opset (tools/train_samples.py exports opset 13)
  EXPECT_EQ(r["data"]["sample_ids_sha256"], rec->sample_ids_sha256);
  EXPECT_EQ(r["data"]["calibration_samples"], 64);
  EXPECT_TRUE(r["data"]["validation"].contains("checks"));
  ASSERT_EQ(r["classes"].size(), 10u);
  EXPECT_EQ(r["classes"][0]["name"], "T-shirt/top");
  int64_t support = 0;
  for (const auto& c : r["classes"]) support += c["support"].get<int64_t>();
  EXPECT_EQ(support, 500);
  // Flipped samples: as many as the run counted (up to 24 shown), each with its 28x28 image.
  EXPECT_EQ(r["flipped"]["count"].get<double>(), rec->metrics.at("flipped"));
  ASSERT_FALSE(r["flipped"]["shown"].empty()) << "a 500-image int8 run of this model flips a few samples";
  const std::string png = report::base64_decode(r["flipped"]["shown"][0]["image_png_base64"].get<std::string>());
  int w = 0, h = 0, ch = 0;
  ASSERT_TRUE(stbi_info_from_memory(reinterpret_cast<const uint8_t*>(png.data()), static_cast<int>(png.size()), &w, &h, &ch));
  EXPECT_EQ(w, 28);
  EXPECT_EQ(h, 28);
  // Per layer: the quantized layers with their stored output SQNR, in graph order (features first).
  auto rows = project_->layer_results(run_);
  EXPECT_EQ(r["layers"].size(), rows->size());
  EXPECT_EQ(r["layers"][0]["op"], "Conv");
  EXPECT_TRUE(r["layers"][0].contains("output_sqnr_db"));
  EXPECT_EQ(r["gate"]["outcome"].is_string(), true);
  EXPECT_EQ(r["decision"]["inputs"]["budget_source"], "the run's gate");
  EXPECT_EQ(r["decision"]["run_format"], "int8");
  EXPECT_TRUE(r["decision"]["recommendation"]["path"].size() > 1);
  EXPECT_EQ(r["size"]["quantized_bytes"].get<int64_t>(), static_cast<int64_t>(fs::file_size(dir_ / "q.onnx")));
  EXPECT_TRUE(r["latency"]["fp32_ms"].is_null());  // not measured when told not to
  EXPECT_EQ((*doc)["tool"]["version"], version());
}

TEST_F(ReportRunTest, RenderersShowTheSameNumbers) {
  NullProgress progress;
  auto doc = build_report(*project_, run_, {.measure_latency = false}, progress);
  ASSERT_TRUE(doc);
  const json& r = (*doc)["runs"][0];
  const std::string top1 = report::pct(r["accuracy"]["quantized"]["top1"]);  // e.g. "91.80%"
  const std::string html = render_html(*doc).html;
  const std::string md = render_markdown(*doc);
  EXPECT_NE(html.find(top1), std::string::npos) << top1;
  EXPECT_NE(md.find(top1), std::string::npos) << top1;
  for (const char* section : {"Summary", "Model", "Data", "Decision tree", "Accuracy: FP32 against quantized", "Per class",
                              "Flipped samples", "Per layer", "Size and latency", "Configuration", "Artifacts and provenance"})
    EXPECT_NE(html.find(std::string(">") + section + "<"), std::string::npos) << section;
  // Self-contained: inline SVG charts and PNG data URLs, nothing fetched.
  EXPECT_GE(count(html, "<svg "), 2);  // per-layer SQNR, confusion change
  EXPECT_EQ(count(html, "data:image/png;base64,"), static_cast<int>(r["flipped"]["shown"].size()));
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));  // only the SVG namespace
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  // Referenced: the same charts and images handed over by name.
  HtmlReport ref = render_html(*doc, HtmlImages::kReferenced);
  EXPECT_EQ(count(ref.html, "<svg "), 0);
  EXPECT_EQ(static_cast<int>(ref.images.size()), count(html, "<svg ") + count(html, "data:image/png;base64,"));
  for (const auto& img : ref.images) EXPECT_NE(ref.html.find("src=\"" + img.name + "\""), std::string::npos) << img.name;

  // CSV: a header and one row per layer; a header and one row per class.
  const std::string layers = render_csv_layers(*doc), classes = render_csv_classes(*doc);
  EXPECT_EQ(count(layers, "\n"), 1 + static_cast<int>(r["layers"].size()));
  EXPECT_EQ(count(classes, "\n"), 11);
  EXPECT_NE(classes.find(",T-shirt/top,"), std::string::npos);
  EXPECT_NE(classes.find(",Ankle boot,"), std::string::npos);
}

TEST_F(ReportRunTest, WritesEachFormatAndComparesTwoRuns) {
  // A second run to compare with: per-tensor minmax (coarser), same data.
  QuantizeConfig c;
  c.model = std::string(QWB_SOURCE_DIR) + "/resources/samples/fmnist_cnn.onnx";
  c.calib = {.data = {.spec = "fashion-mnist:train"}, .samples = 64};
  c.eval = {.spec = "fashion-mnist:test", .limit = 500};
  c.quant.weights.granularity = Granularity::kTensor;
  NullProgress progress;
  int64_t second = 0;
  ASSERT_TRUE(run_quantize(*project_, c, progress, &second));
  auto doc = build_report(*project_, run_, {.compare_run = second, .measure_latency = false}, progress);
  ASSERT_TRUE(doc) << doc.status().message();
  ASSERT_EQ((*doc)["runs"].size(), 2u);
  EXPECT_EQ((*doc)["runs"][1]["id"], second);
  const std::string html = render_html(*doc).html;
  EXPECT_NE(html.find("Per-class F1 change against FP32"), std::string::npos);
  EXPECT_NE(html.find("vs run " + std::to_string(second)), std::string::npos);

  for (auto f : {ReportFormat::kHtml, ReportFormat::kMarkdown, ReportFormat::kCsv, ReportFormat::kJson}) {
    const std::string out = (dir_ / (std::string("r.") + report_format_name(f))).string();
    auto files = write_report(*doc, f, out);
    ASSERT_TRUE(files) << files.status().message();
    for (const auto& file : *files) EXPECT_GT(fs::file_size(file), 100u) << file;
  }
  EXPECT_EQ(json::parse(read((dir_ / "r.json").string())), *doc);
  EXPECT_EQ(count(read((dir_ / "r.classes.csv").string()), "\n"), 1 + 2 * 10);  // both runs
  auto bad = write_report(*doc, ReportFormat::kHtml, (dir_ / "missing" / "r.html").string());
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("missing/r.html"), std::string::npos) << bad.status().message();
  EXPECT_FALSE(build_report(*project_, run_, {.compare_run = run_}, progress));
  auto unknown = build_report(*project_, 999, {}, progress);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.status().message().find("999"), std::string::npos);
}

TEST_F(ReportRunTest, StoredCalibrationRestoresTheRunsScales) {
  auto c = stored_calibration(*project_, run_);
  ASSERT_TRUE(c) << c.status().message();
  const Quantization& a = *quantization_;
  const Quantization& b = c->quantization;
  ASSERT_EQ(a.activations.size(), b.activations.size());
  for (const auto& [name, t] : a.activations) {
    ASSERT_TRUE(b.activations.count(name)) << name;
    EXPECT_EQ(t.scale.data<float>()[0], b.activations.at(name).scale.data<float>()[0]) << name;
  }
  ASSERT_EQ(a.weights.size(), b.weights.size());
  for (const auto& [name, t] : a.weights)
    for (int64_t i = 0; i < t.scale.numel(); ++i) EXPECT_EQ(t.scale.get_double(i), b.weights.at(name).scale.get_double(i)) << name;
  // The TensorRT cache from stored thresholds is byte-identical to the one of the live calibration.
  EXPECT_EQ(tensorrt_cache_text(b), tensorrt_cache_text(a));
  auto e = export_stored_calibration(*project_, run_, "trt-cache", (dir_ / "c.cache").string());
  ASSERT_TRUE(e) << e.status().message();
  EXPECT_EQ(read((dir_ / "c.cache").string()), tensorrt_cache_text(a));
  EXPECT_FALSE(export_stored_calibration(*project_, run_, "tflite", (dir_ / "x").string()));
}

TEST_F(ReportRunTest, StoredCalibrationRefusesAChangedModel) {
  // A calibrate run of a copy of the model; then the copy changes (one byte appended).
  const fs::path copy = dir_ / "changed.onnx";
  fs::copy_file(std::string(QWB_SOURCE_DIR) + "/resources/samples/fmnist_cnn.onnx", copy, fs::copy_options::overwrite_existing);
  QuantizeConfig c;
  c.model = copy.string();
  c.calib = {.data = {.spec = "fashion-mnist:train"}, .samples = 16};
  NullProgress progress;
  int64_t run = 0;
  ASSERT_TRUE(run_quantize(*project_, c, progress, &run, "calibrate"));
  ASSERT_TRUE(export_stored_calibration(*project_, run, "ort-calib", (dir_ / "ok.json").string()));
  std::ofstream(copy, std::ios::app) << ' ';
  auto e = export_stored_calibration(*project_, run, "ort-calib", (dir_ / "changed.json").string());
  ASSERT_FALSE(e);
  EXPECT_NE(e.status().message().find("changed since run " + std::to_string(run)), std::string::npos) << e.status().message();
  EXPECT_FALSE(fs::exists(dir_ / "changed.json"));
}

}  // namespace
}  // namespace qwb
