// server.js — the PouchDB peer's server for tiendo's benchmark: express-pouchdb
// mounted on a LevelDB-backed PouchDB, bound to 127.0.0.1 only.
//
//   node server.js DATA_DIR
//
// Prints "PORT <n>" on stdout once listening (port chosen by the kernel).
// Counts HTTP requests (one request = one round trip) and answers the count
// on GET /_bench_requests, a path the benchmark asks directly, never through
// its counting proxy.  SIGTERM ends it.
'use strict';
const path = require('path');
const express = require('express');
const PouchDB = require('pouchdb-node');

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node server.js DATA_DIR');
  process.exit(2);
}
process.chdir(dir); // express-pouchdb writes config.json and log.txt here
const DB = PouchDB.defaults({ prefix: path.join(dir, 'db-') });
const app = express();
let requests = 0;
app.get('/_bench_requests', (req, res) => res.json({ requests }));
app.use((req, res, next) => { requests++; next(); });
app.use('/', require('express-pouchdb')(DB, { mode: 'minimumForPouchDB', logPath: path.join(dir, 'log.txt') }));
const srv = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`PORT ${srv.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
