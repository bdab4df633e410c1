#!/usr/bin/env node
// Latency of an ONNX model in ONNX Runtime (onnxruntime-node, CPU EP), the reference side of
// bench/compare_ort.py. Inputs follow `qwb-cli bench`: seeded standard-normal values for float
// inputs, 0/1 for integer and bool inputs (valid ids / masks); the batch axis is set to --batch.
//
//   node ort_bench.js MODEL.onnx [--batch B] [--threads T] [--runs N] [--warmup W]
//
// Prints one JSON line: {"median_ms", "p90_ms", "min_ms", "runs", "threads", "batch", "times_ms",
// "peak_rss_mb", "ort_version"}. Threads: intra-op T, inter-op 1, sequential execution (as qwb
// runs). Exit 1 on error, 2 on bad usage.
'use strict';
const path = require('path');
const ortDir = path.join(__dirname, '..', 'tests', 'interop', 'node_modules', 'onnxruntime-node');
let ort;
try {
  ort = require(ortDir);
} catch (e) {
  console.error(`ort_bench.js: error: cannot load onnxruntime-node from ${ortDir} (run tests/interop/setup.sh): ${e.message}`);
  process.exit(1);
}

function usage(msg) {
  if (msg) console.error(`ort_bench.js: ${msg}`);
  console.error('usage: node ort_bench.js MODEL.onnx [--batch B] [--threads T] [--runs N] [--warmup W]');
  process.exit(2);
}

function arg(name, def, min) {
  const i = process.argv.indexOf(name);
  if (i < 0) return def;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < min) usage(`${name} needs an integer >= ${min}`);
  return v;
}

// Mulberry32: a seeded uniform generator in (0, 1) without dependencies.
function uniform(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
}

// Box-Muller normals for float inputs.
function normals(n, seed, Array_) {
  const u = uniform(seed);
  const a = new Array_(n);
  for (let i = 0; i < n; i++) a[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return a;
}

// 0/1 values for integer and bool inputs (as qwb-cli bench: valid ids and masks).
function bits(n, seed, Array_, big) {
  const u = uniform(seed);
  const a = new Array_(n);
  for (let i = 0; i < n; i++) {
    const b = u() < 0.5 ? 0 : 1;
    a[i] = big ? BigInt(b) : b;
  }
  return a;
}

function makeTensor(type, n, seed, dims) {
  switch (type) {
    case 'float32': return new ort.Tensor('float32', normals(n, seed, Float32Array), dims);
    case 'float64': return new ort.Tensor('float64', normals(n, seed, Float64Array), dims);
    case 'int8': return new ort.Tensor('int8', bits(n, seed, Int8Array), dims);
    case 'uint8': return new ort.Tensor('uint8', bits(n, seed, Uint8Array), dims);
    case 'int16': return new ort.Tensor('int16', bits(n, seed, Int16Array), dims);
    case 'uint16': return new ort.Tensor('uint16', bits(n, seed, Uint16Array), dims);
    case 'int32': return new ort.Tensor('int32', bits(n, seed, Int32Array), dims);
    case 'uint32': return new ort.Tensor('uint32', bits(n, seed, Uint32Array), dims);
    case 'int64': return new ort.Tensor('int64', bits(n, seed, BigInt64Array, true), dims);
    case 'uint64': return new ort.Tensor('uint64', bits(n, seed, BigUint64Array, true), dims);
    case 'bool': return new ort.Tensor('bool', bits(n, seed, Uint8Array), dims);
    default: return null;
  }
}

async function main() {
  const model = process.argv[2];
  if (!model || model.startsWith('--')) usage();
  const batch = arg('--batch', 1, 1), threads = arg('--threads', 2, 1), runs = arg('--runs', 10, 1), warmup = arg('--warmup', 2, 0);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all'});
  const feeds = {};
  // Shapes come from the model's input metadata; symbolic dims other than batch are refused.
  let seed = 42;
  for (const meta of session.inputMetadata) {
    if (!meta.isTensor) throw new Error(`input '${meta.name}' is not a tensor`);
    const dims = meta.shape.map((d, i) => (typeof d === 'number' && d > 0 ? (i === 0 ? batch : d) : i === 0 ? batch : NaN));
    if (dims.some(Number.isNaN)) throw new Error(`input '${meta.name}' has symbolic dims besides the batch`);
    const n = dims.reduce((a, b) => a * b, 1);
    const t = makeTensor(meta.type, n, seed++, dims);
    if (!t) throw new Error(`input '${meta.name}' is ${meta.type}; supported: float32 float64 (u)int8/16/32/64 bool`);
    feeds[meta.name] = t;
  }
  const times = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (i >= warmup) times.push(ms);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const pct = (p) => {
    const pos = p * (sorted.length - 1), lo = Math.floor(pos), hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  };
  let version = null;
  try { version = require(path.join(ortDir, 'package.json')).version; } catch (e) { /* not essential */ }
  console.log(JSON.stringify({
    median_ms: pct(0.5), p90_ms: pct(0.9), min_ms: sorted[0], runs, threads, batch, times_ms: times,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024, ort_version: version}));
}
main().catch((e) => { console.error(`ort_bench.js: error: ${e.message}`); process.exit(1); });
