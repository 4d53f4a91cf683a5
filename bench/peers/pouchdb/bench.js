// bench.js — the PouchDB side of tiendo's benchmark (bench/peers/run.sh).
//
//   node bench.js --n N --m M --work DIR [--text-bytes B] [--batch B]
//
// Starts server.js (express-pouchdb on LevelDB) as a child process and a
// byte-counting TCP proxy in front of it, both on 127.0.0.1.  M client
// databases (LevelDB, in DIR) each bulkDocs N/M progress reports with the
// fields of tiendo's report (task, agency, period, status, percent, a
// Vietnamese result text of about B bytes, the same text tdbench signs);
// then, timed: replicate.to(remote) from all M at once; replicate.from(remote)
// into a fresh database; a replicate.to with nothing new.  Wire bytes are
// counted at the proxy (HTTP headers and JSON bodies, both directions); round
// trips are the HTTP requests the server saw.  The server's peak RSS is its
// VmHWM.  Prints human lines and one "RESULT pouchdb k=v ..." line.
'use strict';
const fs = require('fs');
const net = require('net');
const path = require('path');
const { spawn } = require('child_process');
const PouchDB = require('pouchdb-node');

const AGENCIES = ['so-noi-vu', 'so-tu-phap', 'so-tai-chinh', 'so-xay-dung', 'so-nn-mt', 'so-cong-thuong',
  'so-y-te', 'so-vhttdl', 'so-gddt', 'thanh-tra', 'vp-ubnd', 'cong-an-tinh', 'ubnd-tp-hai-duong',
  'ubnd-chi-linh', 'ubnd-kinh-mon', 'ubnd-binh-giang', 'ubnd-cam-giang', 'ubnd-gia-loc', 'ubnd-kim-thanh',
  'ubnd-nam-sach'];

function arg(name, def) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}
const N = parseInt(arg('--n', '2000'), 10);
const M = parseInt(arg('--m', '4'), 10);
const WORK = arg('--work', null);
const TEXT = parseInt(arg('--text-bytes', '300'), 10);
// Documents per replication batch: 500, as tiendo's TD_PUSH_MAX_ENTRIES
// (PouchDB's default is 100, which would only add round trips).
const BATCH = parseInt(arg('--batch', '500'), 10);
if (!WORK || !(N > 0) || !(M > 0)) {
  console.error('usage: node bench.js --n N --m M --work DIR [--text-bytes B] [--batch B]');
  process.exit(2);
}
fs.mkdirSync(WORK, { recursive: true });

// The same Vietnamese text as tdbench and the Fossil side.
const resultText = require(path.join(__dirname, '..', 'result-text.js'));

const now = () => Number(process.hrtime.bigint()) / 1e9;

function startServer() {
  return new Promise((resolve, reject) => {
    const dir = path.join(WORK, 'server');
    fs.mkdirSync(dir, { recursive: true });
    const child = spawn(process.execPath, [path.join(__dirname, 'server.js'), dir],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ child, port: parseInt(m[1], 10) });
    });
    child.on('exit', (code) => reject(new Error(`server.js exited with ${code}`)));
  });
}

// A TCP proxy counting the bytes in both directions.
function startProxy(port) {
  const counts = { up: 0, down: 0 };
  const srv = net.createServer((c) => {
    const u = net.connect(port, '127.0.0.1');
    c.on('data', (d) => { counts.up += d.length; });
    u.on('data', (d) => { counts.down += d.length; });
    c.pipe(u);
    u.pipe(c);
    c.on('error', () => u.destroy());
    u.on('error', () => c.destroy());
  });
  return new Promise((resolve) => srv.listen(0, '127.0.0.1', () => resolve({ srv, counts, port: srv.address().port })));
}

function vmhwm(pid) {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmHWM:\s+(\d+)/.exec(s);
  return m ? parseInt(m[1], 10) / 1024 : -1;
}

async function requests(port) {
  const r = await fetch(`http://127.0.0.1:${port}/_bench_requests`);
  return (await r.json()).requests;
}

async function main() {
  const { child, port } = await startServer();
  const proxy = await startProxy(port);
  const remoteUrl = `http://127.0.0.1:${proxy.port}/bench`;
  const text = resultText(TEXT);
  let payload = 0;
  try {
    // Create the remote database before timing.
    await new PouchDB(`http://127.0.0.1:${port}/bench`).info();
    const dbs = [];
    for (let j = 0; j < M; j++) {
      const db = new PouchDB(path.join(WORK, `client${j}`));
      const n = Math.floor(N / M) + (j < N % M ? 1 : 0);
      const agency = AGENCIES[j % AGENCIES.length];
      for (let i0 = 0; i0 < n; i0 += 1000) {
        const docs = [];
        for (let i = i0; i < Math.min(n, i0 + 1000); i++) {
          const d = {
            _id: `${agency}-${j}-${String(i + 1).padStart(8, '0')}`,
            task: Math.floor(i / 600) % 2 ? 27 : 1,
            agency,
            period: `${2025 + Math.floor(i / 12) % 50}-${String(1 + i % 12).padStart(2, '0')}`,
            status: 'in-progress',
            percent: i % 100,
            result: text,
          };
          payload += Buffer.byteLength(JSON.stringify(d));
          docs.push(d);
        }
        const r = await db.bulkDocs(docs);
        if (r.some((x) => x.error)) throw new Error('bulkDocs failed');
      }
      dbs.push(db);
    }
    const phase = async (fn) => {
      const r0 = await requests(port);
      proxy.counts.up = proxy.counts.down = 0;
      const t0 = now();
      const out = await fn();
      const secs = now() - t0;
      return { secs, out, rts: (await requests(port)) - r0, bytes: proxy.counts.up + proxy.counts.down };
    };
    // Push: all M clients at once.
    const push = await phase(() => Promise.all(dbs.map((db) => db.replicate.to(remoteUrl, { batch_size: BATCH }))));
    const written = push.out.reduce((a, r) => a + r.docs_written, 0);
    if (written !== N) throw new Error(`push wrote ${written} documents, expected ${N}`);
    console.log(`push:   ${N} docs by ${M} clients in ${push.secs.toFixed(3)} s = ${(N / push.secs).toFixed(0)} docs/s, ` +
      `${push.rts} HTTP requests, ${(push.bytes / N).toFixed(1)} wire B/doc (JSON doc ${(payload / N).toFixed(1)} B)`);
    // Pull into a fresh database.
    const fresh = new PouchDB(path.join(WORK, 'fresh'));
    const pull = await phase(() => fresh.replicate.from(remoteUrl, { batch_size: BATCH }));
    if (pull.out.docs_written !== N) throw new Error(`pull wrote ${pull.out.docs_written} documents, expected ${N}`);
    console.log(`pull:   ${N} docs in ${pull.secs.toFixed(3)} s = ${(N / pull.secs).toFixed(0)} docs/s, ` +
      `${pull.rts} HTTP requests, ${(pull.bytes / N).toFixed(1)} wire B/doc`);
    // A push with nothing new.
    const nn = await phase(() => dbs[0].replicate.to(remoteUrl, { batch_size: BATCH }));
    console.log(`sync:   nothing new: ${(nn.secs * 1e3).toFixed(1)} ms, ${nn.rts} HTTP requests, ${nn.bytes} wire bytes`);
    const rss = vmhwm(child.pid);
    console.log(`server: peak RSS (VmHWM) ${rss.toFixed(1)} MiB`);
    console.log(`RESULT pouchdb n=${N} m=${M} push_s=${push.secs.toFixed(3)} push_rate=${(N / push.secs).toFixed(0)} ` +
      `push_rts=${push.rts} push_wire=${(push.bytes / N).toFixed(1)} payload=${(payload / N).toFixed(1)} ` +
      `record=${(payload / N).toFixed(1)} pull_s=${pull.secs.toFixed(3)} pull_rate=${(N / pull.secs).toFixed(0)} ` +
      `pull_rts=${pull.rts} pull_wire=${(pull.bytes / N).toFixed(1)} nn_ms=${(nn.secs * 1e3).toFixed(1)} ` +
      `nn_rts=${nn.rts} nn_bytes=${nn.bytes} rss_mib=${rss.toFixed(1)}`);
    for (const db of dbs) await db.close();
    await fresh.close();
  } finally {
    child.kill('SIGTERM');
    proxy.srv.close();
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(`pouchdb bench: ${e.stack || e}`);
  process.exit(1);
});
