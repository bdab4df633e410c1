// The UI tests' real runs: the sample CNN (QWB_UI_TEST_MODEL, trained by tools/train_samples.py)
// calibrated on the first `calib_samples` Fashion-MNIST training images and evaluated on the first
// `eval_limit` test images (0: no evaluation); int8 per-channel weights, uint8 activations
// (QuantOptions' defaults), MinMax unless a test says otherwise.
#pragma once

#include <gtest/gtest.h>

#include <QTemporaryDir>
#include <memory>

#include "qwb/jobs.h"
#include "qwb/store.h"

namespace qwb::ui {

inline QuantizeConfig sampleQuantizeConfig(int64_t calib_samples, int64_t eval_limit) {
  QuantizeConfig c;
  c.model = QWB_UI_TEST_MODEL;
  c.calib.data.spec = "fashion-mnist:train";
  c.calib.samples = calib_samples;
  if (eval_limit > 0) {
    c.eval.spec = "fashion-mnist:test";
    c.eval.limit = eval_limit;
  }
  return c;
}

// A suite sharing one project (in a temporary folder) with one recorded quantize run, made once
// by the suite's SetUpTestSuite through recordRun().
class RecordedRunSuite : public ::testing::Test {
 protected:
  // `out`: the exported file's name in the folder (empty: no export).
  static void recordRun(const QString& project_name, QuantizeConfig c, const QString& out = {}) {
    dir_ = new QTemporaryDir;
    auto p = Project::create(dir_->filePath(project_name).toStdString());
    ASSERT_TRUE(p) << p.status().message();
    project_ = std::make_shared<Project>(std::move(*p));
    if (!out.isEmpty()) c.out = dir_->filePath(out).toStdString();
    NullProgress np;
    auto r = run_quantize(*project_, c, np, &run_);
    ASSERT_TRUE(r) << r.status().message();
  }
  static void TearDownTestSuite() {
    project_.reset();
    delete dir_;
    dir_ = nullptr;
  }

  static inline QTemporaryDir* dir_ = nullptr;
  static inline std::shared_ptr<Project> project_;
  static inline int64_t run_ = 0;
};

}  // namespace qwb::ui
