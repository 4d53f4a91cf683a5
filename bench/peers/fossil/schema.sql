CREATE TABLE repository.ticket(
  -- tkt_* columns are fossil's own; the rest are tiendo's report fields
  tkt_id INTEGER PRIMARY KEY,
  tkt_uuid TEXT UNIQUE,
  tkt_mtime DATE,
  tkt_ctime DATE,
  task INTEGER,
  agency TEXT,
  period TEXT,
  status TEXT,
  percent INTEGER,
  result TEXT,
  title TEXT
);
CREATE TABLE repository.ticketchng(
  tkt_id INTEGER REFERENCES ticket,
  tkt_rid INTEGER REFERENCES blob,
  tkt_mtime DATE,
  tkt_user TEXT,
  login TEXT,
  username TEXT,
  mimetype TEXT,
  icomment TEXT
);
CREATE INDEX repository.ticketchng_idx1 ON ticketchng(tkt_id, tkt_mtime);
