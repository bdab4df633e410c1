#!/usr/bin/env node
// Run an ONNX model with ONNX Runtime (onnxruntime-node, CPU execution provider)
// and write every output as an .npy file. The reference side of the qwb interop test.
//
//   node ort_run.js MODEL.onnx --input NAME=FILE.npy [--input ...] --outdir DIR
//                   [--threads N] [--no-opt] [--native-dtype] [--quiet]
//
// Inputs:  .npy files (format v1.0/2.0/3.0, C order, little-endian) with dtype
//          float32, float64, float16, int64, int32, int16, int8, uint8, uint16,
//          uint32, uint64 or bool. The data is passed to ORT with its own dtype, so it
//          must match the model's input type.
// Outputs: DIR/<output name>.npy, '/' in the name replaced by '_'. Written as float32
//          (little-endian, C order, npy v1.0 header), converting from whatever the model
//          produced; --native-dtype keeps numeric outputs in their own dtype instead.
// Options: --threads N   intra-op threads (default: ORT's default, all cores)
//          --no-opt      graphOptimizationLevel 'disabled' (default 'all')
// Exit code 0 on success, 1 on any error (message on stderr), 2 on bad usage.
'use strict';

const fs = require('fs');
const path = require('path');

function usage(msg) {
  if (msg) console.error(`ort_run.js: ${msg}`);
  console.error(
    'usage: node ort_run.js MODEL.onnx --input NAME=FILE.npy [--input ...] --outdir DIR ' +
      '[--threads N] [--no-opt] [--native-dtype] [--quiet]');
  process.exit(2);
}

function fail(msg) {
  console.error(`ort_run.js: error: ${msg}`);
  process.exit(1);
}

// ---------------------------------------------------------------- NPY ---------

// npy descr (without byte-order char) -> [ORT tensor type, TypedArray, element bytes]
const NPY_TYPES = {
  f4: ['float32', Float32Array, 4],
  f8: ['float64', Float64Array, 8],
  f2: ['float16', Uint16Array, 2],
  i8: ['int64', BigInt64Array, 8],
  i4: ['int32', Int32Array, 4],
  i2: ['int16', Int16Array, 2],
  i1: ['int8', Int8Array, 1],
  u8: ['uint64', BigUint64Array, 8],
  u4: ['uint32', Uint32Array, 4],
  u2: ['uint16', Uint16Array, 2],
  u1: ['uint8', Uint8Array, 1],
  b1: ['bool', Uint8Array, 1],
};

function readNpy(file) {
  let buf;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`cannot read ${file}: ${e.message}`);
  }
  const magic = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY
  if (buf.length < 10 || !buf.subarray(0, 6).equals(magic)) {
    throw new Error(`${file}: not an .npy file (bad magic)`);
  }
  const major = buf[6];
  let headerLen;
  let headerStart;
  if (major === 1) {
    headerLen = buf.readUInt16LE(8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    headerLen = buf.readUInt32LE(8);
    headerStart = 12;
  } else {
    throw new Error(`${file}: unsupported .npy format version ${major}.${buf[7]}`);
  }
  const header = buf.toString('latin1', headerStart, headerStart + headerLen);
  const descrM = header.match(/'descr'\s*:\s*'([^']*)'/);
  const fortranM = header.match(/'fortran_order'\s*:\s*(True|False)/);
  const shapeM = header.match(/'shape'\s*:\s*\(([^)]*)\)/);
  if (!descrM || !fortranM || !shapeM) {
    throw new Error(`${file}: cannot parse .npy header: ${header.trim()}`);
  }
  if (fortranM[1] === 'True') {
    throw new Error(`${file}: fortran_order=True is not supported (save with C order)`);
  }
  const descr = descrM[1];
  const order = descr[0];
  const code = descr.slice(1);
  if (!(code in NPY_TYPES) || !['<', '|', '='].includes(order)) {
    throw new Error(`${file}: unsupported dtype '${descr}' ` +
      '(supported: little-endian f4 f8 f2 i8 i4 i2 i1 u8 u4 u2 u1 b1)');
  }
  const dims = shapeM[1].split(',').map((s) => s.trim()).filter((s) => s.length > 0)
    .map((s) => {
      const v = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(v) || v < 0) throw new Error(`${file}: bad shape entry '${s}'`);
      return v;
    });
  const [ortType, Ctor, bytes] = NPY_TYPES[code];
  const count = dims.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLen;
  const need = count * bytes;
  if (buf.length - dataStart < need) {
    throw new Error(`${file}: truncated: shape [${dims}] needs ${need} data bytes, ` +
      `file has ${buf.length - dataStart}`);
  }
  // Copy into an aligned buffer (the data offset need not be a multiple of the element size).
  const raw = new ArrayBuffer(need);
  new Uint8Array(raw).set(buf.subarray(dataStart, dataStart + need));
  let data = new Ctor(raw);
  if (ortType === 'bool') data = Uint8Array.from(data, (v) => (v ? 1 : 0));
  return { ortType, dims, data };
}

function halfToFloat(h) {
  const s = (h & 0x8000) ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * Math.pow(2, -14) * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * Math.pow(2, e - 15) * (1 + f / 1024);
}

// ORT tensor type -> [npy descr, TypedArray] for --native-dtype
const NATIVE_OUT = {
  float32: ['<f4', Float32Array],
  float64: ['<f8', Float64Array],
  float16: ['<f2', Uint16Array],
  int64: ['<i8', BigInt64Array],
  int32: ['<i4', Int32Array],
  int16: ['<i2', Int16Array],
  int8: ['|i1', Int8Array],
  uint64: ['<u8', BigUint64Array],
  uint32: ['<u4', Uint32Array],
  uint16: ['<u2', Uint16Array],
  uint8: ['|u1', Uint8Array],
  bool: ['|b1', Uint8Array],
};

function toFloat32(tensor) {
  const d = tensor.data;
  if (tensor.type === 'float32') return d;
  if (tensor.type === 'float16') {
    if (typeof Float16Array !== 'undefined' && d instanceof Float16Array) return Float32Array.from(d);
    return Float32Array.from(d, halfToFloat);
  }
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return Float32Array.from(d, (v) => Number(v));
  if (ArrayBuffer.isView(d)) return Float32Array.from(d, (v) => Number(v));
  throw new Error(`output of type '${tensor.type}' cannot be converted to float32`);
}

function npyHeader(descr, dims) {
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let h = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // magic(6) + version(2) + len(2) + header + '\n' padded to a multiple of 64
  const total = 10 + h.length + 1;
  h += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  if (h.length > 0xffff) throw new Error('npy header too long for format 1.0');
  const pre = Buffer.alloc(10);
  pre.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  pre.writeUInt16LE(h.length, 8);
  return Buffer.concat([pre, Buffer.from(h, 'latin1')]);
}

function writeNpy(file, descr, dims, typed) {
  // TypedArrays are in host byte order; every supported host (x64, arm64) is little-endian.
  const body = Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength);
  fs.writeFileSync(file, Buffer.concat([npyHeader(descr, dims), body]));
}

// ---------------------------------------------------------------- main --------

function parseArgs(argv) {
  const a = { model: null, inputs: [], outdir: null, threads: 0, opt: true, native: false, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      return argv[++i];
    };
    if (arg === '--input' || arg === '-i') {
      const v = next();
      const eq = v.indexOf('=');
      if (eq <= 0) usage(`--input expects NAME=FILE.npy, got '${v}'`);
      a.inputs.push([v.slice(0, eq), v.slice(eq + 1)]);
    } else if (arg.startsWith('--input=')) {
      const v = arg.slice('--input='.length);
      const eq = v.indexOf('=');
      if (eq <= 0) usage(`--input expects NAME=FILE.npy, got '${v}'`);
      a.inputs.push([v.slice(0, eq), v.slice(eq + 1)]);
    } else if (arg === '--outdir' || arg === '-o') {
      a.outdir = next();
    } else if (arg.startsWith('--outdir=')) {
      a.outdir = arg.slice('--outdir='.length);
    } else if (arg === '--threads') {
      a.threads = Number(next());
      if (!Number.isInteger(a.threads) || a.threads < 0) usage('--threads expects a non-negative integer');
    } else if (arg.startsWith('--threads=')) {
      a.threads = Number(arg.slice('--threads='.length));
      if (!Number.isInteger(a.threads) || a.threads < 0) usage('--threads expects a non-negative integer');
    } else if (arg === '--no-opt') {
      a.opt = false;
    } else if (arg === '--native-dtype') {
      a.native = true;
    } else if (arg === '--quiet' || arg === '-q') {
      a.quiet = true;
    } else if (arg === '--help' || arg === '-h') {
      usage();
    } else if (arg.startsWith('-')) {
      usage(`unknown option '${arg}'`);
    } else if (a.model === null) {
      a.model = arg;
    } else {
      usage(`unexpected argument '${arg}'`);
    }
  }
  if (!a.model) usage('no model given');
  if (!a.outdir) usage('--outdir is required');
  return a;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  let ort;
  try {
    ort = require('onnxruntime-node');
  } catch (e) {
    fail(`cannot load onnxruntime-node (run tests/interop/setup.sh first): ${e.message}`);
  }
  if (!fs.existsSync(args.model)) fail(`model not found: ${args.model}`);

  const opts = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: args.opt ? 'all' : 'disabled',
    logSeverityLevel: 3,
  };
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

  const feeds = {};
  for (const [name, file] of args.inputs) {
    if (!session.inputNames.includes(name)) {
      fail(`model has no input '${name}' (inputs: ${session.inputNames.join(', ')})`);
    }
    if (name in feeds) fail(`input '${name}' given twice`);
    let arr;
    try {
      arr = readNpy(file);
    } catch (e) {
      fail(e.message);
    }
    feeds[name] = new ort.Tensor(arr.ortType, arr.data, arr.dims);
  }
  const missing = session.inputNames.filter((n) => !(n in feeds));
  if (missing.length) fail(`missing --input for model input(s): ${missing.join(', ')}`);

  let results;
  const t0 = process.hrtime.bigint();
  try {
    results = await session.run(feeds);
  } catch (e) {
    fail(`ONNX Runtime failed to run ${args.model}: ${e.message}`);
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;

  try {
    fs.mkdirSync(args.outdir, { recursive: true });
  } catch (e) {
    fail(`cannot create ${args.outdir}: ${e.message}`);
  }
  for (const name of session.outputNames) {
    const t = results[name];
    const file = path.join(args.outdir, `${name.replace(/\//g, '_')}.npy`);
    try {
      if (args.native && t.type in NATIVE_OUT) {
        const [descr, Ctor] = NATIVE_OUT[t.type];
        const data = t.data instanceof Ctor ? t.data : Ctor.from(t.data);
        writeNpy(file, descr, t.dims, data);
      } else {
        writeNpy(file, '<f4', t.dims, toFloat32(t));
      }
    } catch (e) {
      fail(`cannot write output '${name}' to ${file}: ${e.message}`);
    }
    if (!args.quiet) console.log(`${name}: ${t.type} [${t.dims.join(',')}] -> ${file}`);
  }
  if (!args.quiet) console.log(`run: ${ms.toFixed(1)} ms`);
  if (session.release) await session.release();
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
