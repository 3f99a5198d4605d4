// zarrita.js (npm, installed by install.sh into ./node_modules) as the Zarr v3 oracle of the storage interop tests.
//
// Usage: node zarrita_oracle.mjs write FOLDER  -- creates every case of FOLDER/cases.json with zarrita, writes its
//                                                 region with seeded random bytes and saves what zarrita reads back
//                                                 as FOLDER/<name>.expected (little-endian bytes, C order)
//        node zarrita_oracle.mjs check FOLDER  -- reads every case (written by us) with zarrita and compares it with
//                                                 FOLDER/<name>.expected; prints "ok" or exits non-zero
// Cases: {"name", "dtype", "shape", "chunks", "codecs": v3 codec list, "fill", "separator", "region": [[b...], [e...]]}
import * as fs from "node:fs";
import * as path from "node:path";
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";

const TYPED = {
  bool: Uint8Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array,
  int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array,
  float32: Float32Array, float64: Float64Array,
};

function bytesOf(data) {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

// The bytes of a zarrita result in C order: zarr.get may return other strides (e.g. after a transpose codec).
function cOrderBytes({ data, shape, stride }) {
  const source = bytesOf(data);
  const size = data.BYTES_PER_ELEMENT;
  const count = shape.reduce((a, b) => a * b, 1);
  const out = Buffer.alloc(count * size);
  const index = new Array(shape.length).fill(0);
  for (let n = 0; n < count; n++) {
    let offset = 0;
    for (let axis = 0; axis < shape.length; axis++) offset += index[axis] * stride[axis];
    source.copy(out, n * size, offset * size, (offset + 1) * size);
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      if (++index[axis] < shape[axis]) break;
      index[axis] = 0;
    }
  }
  return out;
}

function stridesOf(shape) {
  const strides = new Array(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }
  return strides;
}

// A small deterministic generator (xorshift32) so that runs are reproducible.
function randomBytes(count, seed) {
  const out = Buffer.alloc(count);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

function fillOf(c) {
  if (c.fill === "NaN") return NaN;
  if (c.fill === "Infinity") return Infinity;
  if (c.fill === "-Infinity") return -Infinity;
  if (c.dtype === "bool") return Boolean(c.fill);
  return c.fill;
}

async function write(folder, cases) {
  for (const c of cases) {
    const store = new FileSystemStore(path.join(folder, c.name));
    const array = await zarr.create(zarr.root(store), {
      shape: c.shape, chunkShape: c.chunks, dtype: c.dtype, codecs: c.codecs, fillValue: fillOf(c), chunkSeparator: c.separator,
    });
    const [begin, end] = c.region;
    const shape = begin.map((b, i) => end[i] - b);
    const count = shape.reduce((a, b) => a * b, 1);
    const Typed = TYPED[c.dtype];
    const raw = randomBytes(count * Typed.BYTES_PER_ELEMENT, c.name.length * 7919 + count);
    if (c.dtype === "bool") raw.forEach((v, i) => { raw[i] = v & 1; });
    let data = new Typed(raw.buffer, raw.byteOffset, count);
    if (c.dtype === "bool") data = new zarr.BoolArray(raw.buffer, raw.byteOffset, count);
    await zarr.set(array, begin.map((b, i) => zarr.slice(b, end[i])), { data, shape, stride: stridesOf(shape) });
    const back = await zarr.get(array);
    fs.writeFileSync(path.join(folder, c.name + ".expected"), cOrderBytes(back));
  }
}

async function check(folder, cases) {
  for (const c of cases) {
    const store = new FileSystemStore(path.join(folder, c.name));
    const array = await zarr.open(zarr.root(store), { kind: "array" });
    if (array.dtype !== c.dtype || JSON.stringify(array.shape) !== JSON.stringify(c.shape)) {
      throw new Error(`${c.name}: zarrita sees ${array.dtype} ${JSON.stringify(array.shape)}`);
    }
    const actual = cOrderBytes(await zarr.get(array));
    const expected = fs.readFileSync(path.join(folder, c.name + ".expected"));
    if (!actual.equals(expected)) {
      const at = actual.findIndex((v, i) => v !== expected[i]);
      throw new Error(`${c.name}: zarrita reads different values than we wrote (byte ${at}: ${actual[at]} vs ${expected[at]}, ${actual.length} vs ${expected.length} bytes)`);
    }
  }
}

const [mode, folder] = process.argv.slice(2);
const cases = JSON.parse(fs.readFileSync(path.join(folder, "cases.json"), "utf8"));
await (mode === "write" ? write : check)(folder, cases);
console.log("ok");
