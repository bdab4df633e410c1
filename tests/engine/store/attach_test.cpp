// Attaching models and datasets to a project without a run (the GUI explorer, the demo project).
#include <gtest/gtest.h>

#include "qwb/jobs.h"
#include "scratch_dir.h"

using namespace qwb;

class AttachTest : public qwb::testing::ScratchDirTest {};

TEST_F(AttachTest, ModelsAndDatasetsAreRecordedOnceWithTheirSummary) {
  auto p = Project::create(path("a.qwb"));
  ASSERT_TRUE(p) << p.status().message();
  const std::string cnn = std::string(QWB_SOURCE_DIR) + "/resources/samples/fmnist_cnn.onnx";
  auto id = attach_model(*p, cnn);
  ASSERT_TRUE(id) << id.status().message();
  auto again = attach_model(*p, cnn);
  ASSERT_TRUE(again);
  EXPECT_EQ(*id, *again);
  auto m = p->get_model(*id);
  ASSERT_TRUE(m);
  // fmnist_cnn.expected.json (written by tools/train_samples.py from the PyTorch export): opset 13;
  // the architecture detector calls a Conv stack without attention or residuals "cnn".
  EXPECT_EQ(m->summary.at("opset").get<int64_t>(), 13);
  EXPECT_EQ(m->summary.at("architecture").get<std::string>(), "cnn");

  auto ds = attach_dataset(*p, cnn, {.spec = "fashion-mnist:test"});
  ASSERT_TRUE(ds) << ds.status().message();
  auto rec = p->get_dataset(*ds);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->samples, 10000);  // the Fashion-MNIST test set
  EXPECT_EQ(rec->num_classes, 10);

  auto bad = attach_dataset(*p, cnn, {.spec = "idx:/nonexistent/images"});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.status().message().find("/nonexistent/images"), std::string::npos) << bad.status().message();
  EXPECT_FALSE(attach_model(*p, path("missing.onnx")));
  auto all = p->list_datasets();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 1u);
}
