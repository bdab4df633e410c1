#!/usr/bin/env node
// Classify the Fashion-MNIST test set (Debian's dataset-fashion-mnist) with ONNX Runtime and
// print the per-sample top-1 predictions as JSON. The reference side of the quantization
// interop test: our QDQ exports must run here and agree with the workbench's simulation.
//
//   node ort_eval_fmnist.js MODEL.onnx --mean M --std S [--limit N] [--batch B] [--threads T]
//
// Preprocessing as the sample models' metadata says: x / 255, then (x - mean) / std, NCHW
// [B, 1, 28, 28] float32. Output: {"top1": fraction, "samples": n, "predictions": [...]}.
'use strict';

const fs = require('fs');
const zlib = require('zlib');

function fail(msg) {
  console.error(`ort_eval_fmnist.js: error: ${msg}`);
  process.exit(1);
}

function readIdx(file) {
  let buf = fs.readFileSync(file);
  if (file.endsWith('.gz')) buf = zlib.gunzipSync(buf);
  const rank = buf[3];
  const dims = [];
  for (let i = 0; i < rank; ++i) dims.push(buf.readUInt32BE(4 + 4 * i));
  return { dims, data: buf.subarray(4 + 4 * rank) };
}

async function main() {
  const argv = process.argv.slice(2);
  if (argv.length < 1) fail('usage: node ort_eval_fmnist.js MODEL.onnx --mean M --std S [--limit N] [--batch B] [--threads T]');
  const args = { model: argv[0], mean: 0, std: 1, limit: 0, batch: 100, threads: 0 };
  for (let i = 1; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '');
    if (!(k in args)) fail(`unknown option ${argv[i]}`);
    args[k] = Number(argv[i + 1]);
  }
  const ort = require('onnxruntime-node');
  const dir = '/usr/share/datasets/fashion-mnist/';
  const images = readIdx(dir + 't10k-images-idx3-ubyte.gz');
  const labels = readIdx(dir + 't10k-labels-idx1-ubyte.gz');
  const n = args.limit > 0 ? Math.min(args.limit, images.dims[0]) : images.dims[0];
  const opts = { executionProviders: ['cpu'], graphOptimizationLevel: 'all', logSeverityLevel: 3 };
  if (args.threads > 0) {
    opts.intraOpNumThreads = args.threads;
    opts.interOpNumThreads = 1;
  }
  let session;
  try {
    session = await ort.InferenceSession.create(args.model, opts);
  } catch (e) {
    fail(`ONNX Runtime cannot load ${args.model}: ${e.message}`);
  }
  const input = session.inputNames[0], output = session.outputNames[0];
  const per = 28 * 28;
  const predictions = [];
  let correct = 0;
  for (let b = 0; b < n; b += args.batch) {
    const rows = Math.min(args.batch, n - b);
    const x = new Float32Array(rows * per);
    for (let i = 0; i < rows * per; ++i) x[i] = (images.data[b * per + i] / 255 - args.mean) / args.std;
    let out;
    try {
      out = await session.run({ [input]: new ort.Tensor('float32', x, [rows, 1, 28, 28]) });
    } catch (e) {
      fail(`ONNX Runtime failed on ${args.model}: ${e.message}`);
    }
    const y = out[output].data;
    const classes = y.length / rows;
    for (let r = 0; r < rows; ++r) {
      let best = 0;
      for (let c = 1; c < classes; ++c) if (y[r * classes + c] > y[r * classes + best]) best = c;
      predictions.push(best);
      if (best === labels.data[b + r]) ++correct;
    }
  }
  console.log(JSON.stringify({ model: args.model, samples: n, top1: correct / n, predictions }));
}

main().catch((e) => fail(e.message));
