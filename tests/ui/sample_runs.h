// The UI tests' real runs: the sample CNN (QWB_UI_TEST_MODEL, trained by tools/train_samples.py)
// calibrated on the first `calib_samples` Fashion-MNIST training images and evaluated on the first
// `eval_limit` test images (0: no evaluation); int8 per-channel weights, uint8 activations
// (QuantOptions' defaults), MinMax unless a test says otherwise.
#pragma once

#include "qwb/jobs.h"

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

}  // namespace qwb::ui
