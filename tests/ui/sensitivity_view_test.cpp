// SensitivityView on a hand-written "sensitivity" document (the format of
// engine/src/jobs/sensitivity.cpp): bars per layer in harm order for weights-only and
// activations-only, the selected metric's values, and the propagation points. With
// QWB_SENSITIVITY_DOC=FILE.json (e.g. `qwb-cli sensitivity --json` output) and
// QWB_UI_SNAPSHOT_DIR set, it also renders that document to sensitivity_view.png for a look.
#include <QSignalSpy>

#include <fstream>

#include <gtest/gtest.h>

#include "qt_printers.h"
#include "qwb/ui/sensitivity_view.h"

namespace qwb::ui {
namespace {

nlohmann::json layer(const std::string& name, double harm, double w_sqnr, const nlohmann::json& a_sqnr, double w_delta) {
  return {{"layer", name}, {"op", "Conv"}, {"harm", harm}, {"complete", true},
          {"metrics",
           {{"only.weights", {{"output_sqnr_db", w_sqnr}, {"delta_top1_pts", w_delta}, {"logits_kl", 0.01}, {"local_sqnr_db", nullptr}}},
            {"only.activations", {{"output_sqnr_db", a_sqnr}, {"delta_top1_pts", 0.0}, {"logits_kl", 0.02}, {"local_sqnr_db", 30.0}}}}}};
}

nlohmann::json document() {
  return {{"format", "int8"}, {"scheme", "int8 weights"}, {"samples", 64}, {"planned_samples", 64}, {"partial", false},
          {"variants", {"only.weights", "only.activations"}},
          {"layers", {layer("/a/conv1/Conv", 0.5, 20.0, 25.0, -1.5), layer("/b/conv2/Conv", 0.1, 40.0, "inf", 0.0)}},
          {"propagation", {{{"tensor", "x1"}, {"accumulated_sqnr_db", 30.0}, {"local_sqnr_db", 31.0}},
                           {{"tensor", "x2"}, {"accumulated_sqnr_db", 25.0}, {"local_sqnr_db", nullptr}},
                           {{"tensor", "x3"}, {"accumulated_sqnr_db", "inf"}, {"local_sqnr_db", nullptr}}}}};
}

TEST(SensitivityView, BarsFollowHarmOrderAndMetric) {
  SensitivityView view;
  view.setDocument(document());
  EXPECT_EQ(view.barLayers(), (QStringList{QStringLiteral("/a/conv1/Conv"), QStringLiteral("/b/conv2/Conv")}));
  auto v = view.barValues();
  ASSERT_EQ(v.size(), 2);
  EXPECT_EQ(v[QStringLiteral("only.weights")], (QList<double>{20.0, 40.0}));
  EXPECT_EQ(v[QStringLiteral("only.activations")][0], 25.0);
  EXPECT_TRUE(std::isinf(v[QStringLiteral("only.activations")][1]));  // "inf" in the document: no error at all
  view.setMetric(QStringLiteral("delta_top1_pts"));
  EXPECT_EQ(view.barValues()[QStringLiteral("only.weights")], (QList<double>{-1.5, 0.0}));
  // Two finite accumulated points; the "inf" one (an exact tensor) is not drawn.
  EXPECT_EQ(view.propagationPoints(), 2);
}

TEST(SensitivityView, EmptyDocumentShowsNothing) {
  SensitivityView view;
  view.setDocument(nlohmann::json::object());
  EXPECT_TRUE(view.barLayers().isEmpty());
  EXPECT_EQ(view.propagationPoints(), 0);
}

TEST(SensitivityView, DamagedDocumentIsReportedNotThrown) {
  SensitivityView view;
  view.setDocument({{"layers", {{{"layer", 3}, {"metrics", "oops"}}}}, {"variants", {"only.weights"}}});
  EXPECT_TRUE(view.barLayers().isEmpty());
}

TEST(SensitivityView, RendersARealDocument) {
  const QByteArray path = qgetenv("QWB_SENSITIVITY_DOC"), dir = qgetenv("QWB_UI_SNAPSHOT_DIR");
  if (path.isEmpty() || dir.isEmpty()) GTEST_SKIP() << "set QWB_SENSITIVITY_DOC and QWB_UI_SNAPSHOT_DIR to render one";
  std::ifstream in(path.toStdString());
  SensitivityView view;
  view.setDocument(nlohmann::json::parse(in));
  view.resize(1000, 900);
  EXPECT_TRUE(view.grab().save(QString::fromUtf8(dir) + QStringLiteral("/sensitivity_view.png")));
}

}  // namespace
}  // namespace qwb::ui
