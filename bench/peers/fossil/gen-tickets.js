// gen-tickets.js — write N ticket artifacts for the Fossil side of tiendo's
// benchmark, one file each, in the format `fossil ticket add` produces (D, J
// cards sorted by field, K, U, Z = MD5 of what precedes it; values encoded
// with fossil's escapes), with the fields of tiendo's progress report.
//
//   node gen-tickets.js DIR N CLIENT_INDEX AGENCY [TEXT_BYTES]
//
// `fossil ticket add` runs one process and one fsync'd commit per ticket
// (~18 ms here), far too slow for 100,000 tickets; the artifacts are the
// same, and fossil.sh loads them with `fossil reconstruct` before the clock
// starts.  Prints the average artifact size in bytes.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const [dir, nS, jS, agency, textS] = process.argv.slice(2);
if (!dir || !nS || !agency) {
  console.error('usage: node gen-tickets.js DIR N CLIENT_INDEX AGENCY [TEXT_BYTES]');
  process.exit(2);
}
const n = parseInt(nS, 10), j = parseInt(jS, 10), TEXT = parseInt(textS || '300', 10);
fs.mkdirSync(dir, { recursive: true });

const resultText = require(path.join(__dirname, '..', 'result-text.js'));
// fossil's encoding of card arguments (encode.c fossilize).
const enc = (s) => String(s).replace(/[\\ \n\r\t\f\v\0]/g, (c) => ({
  '\\': '\\\\', ' ': '\\s', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\f': '\\f', '\v': '\\v', '\0': '\\0' })[c]);

const text = resultText(TEXT);
const t0 = Date.UTC(2025, 0, 1);
let total = 0;
for (let i = 0; i < n; i++) {
  const f = {
    agency,
    percent: i % 100,
    period: `${2025 + Math.floor(i / 12) % 50}-${String(1 + i % 12).padStart(2, '0')}`,
    result: text,
    status: 'in-progress',
    task: Math.floor(i / 600) % 2 ? 27 : 1,
  };
  const d = new Date(t0 + j * 1000003 + i * 1000).toISOString().replace('Z', '');
  const tid = crypto.createHash('sha1').update(`tiendo-bench ${j} ${i}`).digest('hex');
  let a = `D ${d}\n`;
  for (const k of Object.keys(f).sort()) a += `J ${k} ${enc(f[k])}\n`;
  a += `K ${tid}\nU bench\n`;
  a += `Z ${crypto.createHash('md5').update(a).digest('hex')}\n`;
  total += Buffer.byteLength(a);
  fs.writeFileSync(path.join(dir, `t${i}`), a);
}
console.log((total / n).toFixed(1));
