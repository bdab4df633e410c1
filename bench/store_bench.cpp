// Project file benchmark (issue 4): storing statistics for 500 tensors with 2048-bin histograms
// (one add_statistics call; target < 1 s) and listing 1,000 runs with 5 metrics each (target
// < 100 ms, measured on a freshly opened project as the UI does it).
//
//   qwb_store_bench              prints both numbers
//   qwb_store_bench --check 5    also exits 1 if a target is missed by more than 5x (ctest guard)
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "qwb/store.h"

namespace {

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int fail(const qwb::Status& s) {
  std::fprintf(stderr, "store_bench: %s\n", s.message().c_str());
  return 2;
}

// Statistics shaped like a mid-size CNN's: half weights with per-channel ranges, half
// activations; every histogram filled from random data so the BLOBs are not all zeros.
qwb::Statistics make_statistics(int tensors) {
  qwb::Statistics st;
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> x(4096);
  for (int t = 0; t < tensors; ++t) {
    qwb::TensorStats ts;
    ts.name = "layer" + std::to_string(t) + (t % 2 ? "/weight" : "/output");
    ts.is_weight = t % 2 == 1;
    ts.shape = ts.is_weight ? qwb::Shape{64, 64, 3, 3} : qwb::Shape{32, 64, 28, 28};
    const float scale = 0.1f + static_cast<float>(t % 17);
    for (float& v : x) v = normal(rng) * scale;
    ts.add(x.data(), static_cast<int64_t>(x.size()));
    if (ts.is_weight) {
      ts.channel_axis = 0;
      ts.channel_min.assign(64, -scale);
      ts.channel_max.assign(64, scale);
    }
    st.tensors[ts.name] = std::move(ts);
  }
  st.samples = 512;
  return st;
}

}  // namespace

int main(int argc, char** argv) {
  double check = 0;  // 0: print only
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--check") == 0 && i + 1 < argc) check = std::atof(argv[++i]);
  }
  char tmpl[] = "/tmp/qwb_store_bench_XXXXXX";
  if (!mkdtemp(tmpl)) {
    std::perror("store_bench: mkdtemp");
    return 2;
  }
  const std::filesystem::path dir = tmpl;

  // 1. Statistics: 500 tensors x (2 x 2048 float64 bins) = 16 MB in one transaction.
  double stats_s = 0, load_ms = 0;
  {
    auto p = qwb::Project::create((dir / "stats.qwb").string());
    if (!p) return fail(p.status());
    auto model = p->add_model("model.onnx", std::string(64, 'a'), {{"params", 1000000}});
    if (!model) return fail(model.status());
    qwb::RunConfig rc;
    rc.kind = "calibrate";
    rc.model_id = *model;
    rc.config = {{"method", "entropy"}};
    auto run = p->create_run(rc);
    if (!run) return fail(run.status());
    const qwb::Statistics st = make_statistics(500);
    const auto t0 = std::chrono::steady_clock::now();
    qwb::Status s = p->add_statistics(*run, st);
    stats_s = since(t0);
    if (!s) return fail(s);
    const auto t1 = std::chrono::steady_clock::now();
    auto one = p->tensor_statistics(*run, "layer250/output");
    load_ms = since(t1) * 1e3;
    if (!one) return fail(one.status());
  }

  // 2. Runs: 1,000 runs with a realistic config and 5 metrics each, listed from a fresh open.
  double list_ms = 0, list_best_ms = 1e30;
  size_t listed = 0;
  {
    const std::string path = (dir / "runs.qwb").string();
    {
      auto p = qwb::Project::create(path);
      if (!p) return fail(p.status());
      auto model = p->add_model("model.onnx", std::string(64, 'b'), {{"params", 1000000}});
      auto data = p->add_dataset("fashion-mnist:train", {{"scale", 255}}, 60000, 10);
      if (!model || !data) return fail(!model ? model.status() : data.status());
      for (int i = 0; i < 1000; ++i) {
        qwb::RunConfig rc;
        rc.kind = i % 3 ? "quantize" : "evaluate";
        rc.model_id = *model;
        rc.dataset_id = *data;
        rc.seed = static_cast<uint64_t>(i);
        rc.config = {{"weights", "int8"}, {"activations", "uint8"}, {"granularity", "channel"}, {"method", "entropy"},
                     {"samples", 512}, {"batch", 32}, {"sampling", "stratified"}, {"exclude", {"conv1", "fc"}}};
        auto run = p->create_run(rc);
        if (!run) return fail(run.status());
        qwb::Status s = p->start_run(*run);
        if (s) s = p->add_metrics(*run, {{"fp32.top1", 0.92}, {"quantized.top1", 0.91 + i * 1e-5}, {"top1.drop", 0.01},
                                         {"agreement", 0.98}, {"seconds", 12.5}});
        if (s) s = p->finish_run(*run, qwb::RunStatus::kSucceeded);
        if (!s) return fail(s);
      }
    }
    auto p = qwb::Project::open(path);
    if (!p) return fail(p.status());
    for (int rep = 0; rep < 5; ++rep) {
      const auto t0 = std::chrono::steady_clock::now();
      auto runs = p->list_runs();
      const double ms = since(t0) * 1e3;
      if (!runs) return fail(runs.status());
      listed = runs->size();
      if (rep == 0) list_ms = ms;
      list_best_ms = std::min(list_best_ms, ms);
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);

  std::printf("store_bench: add_statistics, 500 tensors x 2 x 2048 bins: %.3f s (target < 1 s)\n", stats_s);
  std::printf("store_bench: tensor_statistics, one tensor: %.2f ms\n", load_ms);
  std::printf("store_bench: list_runs, %zu runs x 5 metrics: %.1f ms first, %.1f ms best of 5 (target < 100 ms)\n", listed,
              list_ms, list_best_ms);
  if (listed != 1000) {
    std::fprintf(stderr, "store_bench: listed %zu runs, expected 1000\n", listed);
    return 1;
  }
  if (check > 0 && (stats_s > 1.0 * check || list_ms > 100.0 * check)) {
    std::fprintf(stderr, "store_bench: a target was missed by more than %.0fx\n", check);
    return 1;
  }
  return 0;
}
