#!/usr/bin/env python3
"""converge_model.py — seeded model-based convergence test (driven by
tests/integration/converge_model.sh, which makes the CA and the server key).

Each HISTORY gets its own server (fresh log with Kế hoạch 726) and a random
sequence of operations over several office devices, a central device and an
inspector: reports, reviews, conditions, extensions, plan re-imports adding
and removing a partner, agency rename/merge/split dated in the past or the
future, key renewals before/after the first push, reinstalls from key and
certificate, syncs cut short (a sync killed after a random delay).  After
every complete sync the invariant is checked for the device: its replica
digest equals the server's view of its agency (office) or the whole state
(central, inspector).  At the end of a history every device syncs, each
office is compared with a fresh device of its agency enrolled then, and
every entry any device wrote is on the server or refused visibly (nothing
pending; refusals listed by `tiendo status`).

Environment: TIENDO, TIENDO_SERVER, TIENDO_PKI (binaries), W (work dir with
ca/, srv.key, srv.crt), PLAN, TD_SEED (base seed), TD_HISTORIES, TD_OPS.
History i uses seed TD_SEED + i; a failure prints it (TD_SEED=<that>
TD_HISTORIES=1 reproduces that history alone).
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import time

TD = os.environ["TIENDO"]
SRV = os.environ["TIENDO_SERVER"]
PKI = os.environ["TIENDO_PKI"]
W = os.environ["W"]
PLAN = os.environ["PLAN"]
SEED = int(os.environ.get("TD_SEED", "1"))
HISTORIES = int(os.environ.get("TD_HISTORIES", "10"))
OPS = int(os.environ.get("TD_OPS", "16"))
KEYS = ["--ca", f"{W}/ca/ca.crt", "--cert", f"{W}/srv.crt", "--key", f"{W}/srv.key"]
PERIOD = time.strftime("%Y-%m")
OFFICES = ["so-y-te", "so-tu-phap", "so-vhttdl", "so-gddt"]
# tasks every agency is partner of (1, 27) and ones with a single lead
TASKS = {"so-y-te": [1, 27, 47], "so-tu-phap": [1, 27, 23], "so-vhttdl": [1, 27, 70], "so-gddt": [1, 27, 60]}


class Fail(Exception):
    pass


def run(args, timeout=60, check=True, env=None):
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env)
    if check and p.returncode != 0:
        raise Fail(f"{' '.join(args[:4])}... exit {p.returncode}: {p.stderr.strip()[:400]}")
    return p


class History:
    def __init__(self, idx, seed):
        self.idx, self.seed = idx, seed
        self.rng = random.Random(seed)
        self.dir = f"{W}/h{idx}"
        os.makedirs(self.dir)
        self.data = f"{self.dir}/data"
        self.devices = {}     # name -> dict(dir, agency, role)
        self.log = []
        self.renamed = set()  # agencies that no longer exist
        self.plan_b = False
        self.proc = None
        self.checks = 0
        self.reported = []    # (agency, task) of reports written

    def note(self, s):
        self.log.append(s)

    # ---- server ---------------------------------------------------------
    def start(self):
        run([SRV, "plan", "import", PLAN, "--apply", "--data", self.data] + KEYS)
        pf = f"{self.dir}/port"
        self.srvlog = open(f"{self.dir}/server.log", "w")
        self.proc = subprocess.Popen([SRV, "serve", "--listen", "127.0.0.1:0", "--port-file", pf, "--data", self.data,
                                      "--crl", f"{W}/ca/crl.pem", "--log-level", "warn"] + KEYS,
                                     stdout=self.srvlog, stderr=subprocess.STDOUT)
        for _ in range(400):
            if os.path.exists(pf) and os.path.getsize(pf):
                break
            if self.proc.poll() is not None:
                raise Fail("server exited at start")
            time.sleep(0.02)
        self.port = open(pf).read().strip()

    def stop(self):
        if self.proc:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.srvlog.close()

    # ---- devices --------------------------------------------------------
    def enrol(self, name, agency, role):
        d = f"{self.dir}/{name}"
        run([TD, "init", "--dir", d, "--agency", agency, "--device", name])
        # the CA officer signs against the server's registry (agencies added,
        # renamed or merged since the plan)
        if os.path.exists(f"{self.data}/server.db"):
            run([SRV, "agency", "export", "--data", self.data, "--out", f"{W}/ca/registry.csv"])
        run([PKI, "sign", "--dir", f"{W}/ca", "--agency", agency, "--role", role, f"{d}/device.csr", "--out", f"{d}.crt"])
        run([TD, "init", "--dir", d, "--cert", f"{d}.crt", "--ca", f"{W}/ca/ca.crt", "--server", f"127.0.0.1:{self.port}"])
        self.devices[name] = {"dir": d, "agency": agency, "role": role, "pushed": False}
        return d

    def cli_digest(self, d):
        out = run([TD, "status", "--dir", d, "--digest"]).stdout
        for line in out.splitlines():
            if line.startswith("digest:"):
                return line.split()[1]
        raise Fail(f"no digest from {d}")

    def srv_digest(self, agency=None, role="office"):
        args = [SRV, "state", "--data", self.data] + KEYS + ["--digest"]
        if agency:
            args += ["--agency", agency, "--role", role]
        out = run(args).stdout
        for line in out.splitlines():
            if line.startswith("digest:"):
                return line.split()[1]
        raise Fail("no digest from the server")

    def sync(self, name, cut=False):
        dev = self.devices[name]
        if cut:
            # a sync cut short at a random point: whatever was committed stays
            try:
                subprocess.run([TD, "sync", "--dir", dev["dir"], "--quiet"], capture_output=True,
                               timeout=self.rng.uniform(0.01, 0.3))
            except subprocess.TimeoutExpired:
                pass
            self.note(f"sync-cut {name}")
            return
        p = run([TD, "sync", "--dir", dev["dir"]], check=False)
        self.note(f"sync {name} rc={p.returncode}")
        if p.returncode != 0:
            raise Fail(f"sync {name} failed: {p.stderr.strip()[:300]}")
        dev["pushed"] = True
        self.check(name)

    def check(self, name):
        dev = self.devices[name]
        a = self.cli_digest(dev["dir"])
        b = self.srv_digest() if dev["role"] != "office" else self.srv_digest(dev["agency"])
        self.checks += 1
        if a != b:
            raise Fail(f"after sync of {name} ({dev['agency']}/{dev['role']}): replica {a[:16]} != server view {b[:16]}")

    # ---- operations -----------------------------------------------------
    def offices(self):
        return [n for n, d in self.devices.items() if d["role"] == "office"]

    def report(self, name):
        dev = self.devices[name]
        task = self.rng.choice(TASKS.get(dev["agency"], [1, 27]))
        p = run([TD, "report", "--dir", dev["dir"], "--task", str(task), "--period", PERIOD, "--state", "dang",
                 "--percent", str(self.rng.randint(0, 99)), "--result", f"h{self.idx} {name} {len(self.log)}"],
                check=False)
        self.note(f"report {name} task {task} rc={p.returncode}")
        if p.returncode == 0:
            self.reported.append((dev["agency"], task))

    def op_report(self):
        # a report, often sent at once (what others see later depends on it)
        name = self.rng.choice(self.offices())
        self.report(name)
        if self.rng.random() < 0.6:
            self.sync(name)

    def op_review(self):
        # central reviews a report it has (or a newer version it has not seen)
        if not self.reported:
            return
        ag, task = self.rng.choice(self.reported)
        if self.rng.random() < 0.7:
            self.sync("central")
        how = ["--accept"] if self.rng.random() < 0.5 else ["--return", "Cần bổ sung số liệu"]
        p = run([TD, "review", str(task), "--dir", self.devices["central"]["dir"], "--agency", ag, "--period",
                 PERIOD] + how, check=False)
        self.note(f"review {ag} {task} {how[0]} rc={p.returncode}")
        if self.rng.random() < 0.6:
            self.sync("central")

    def op_extend(self):
        task = self.rng.choice([47, 23, 70, 60])
        p = run([TD, "extend", str(task), "--dir", self.devices["central"]["dir"], "--deadline",
                 f"{self.rng.randint(6, 12)}/2026", "--reason", "Văn bản cho phép gia hạn"], check=False)
        self.note(f"extend {task} rc={p.returncode}")

    def op_condition(self):
        p = run([TD, "condition", "75", "--dir", self.devices["central"]["dir"], "--met",
                 f"{self.rng.randint(1, 28):02d}/0{self.rng.randint(1, 5)}/2025"], check=False)
        self.note(f"condition 75 rc={p.returncode}")

    def op_plan(self):
        self.plan_b = not self.plan_b
        run([SRV, "plan", "import", f"{W}/plan-b.txt" if self.plan_b else PLAN, "--apply", "--data", self.data] + KEYS)
        self.note(f"plan {'b' if self.plan_b else 'a'}")
        if self.rng.random() < 0.5:
            self.sync(self.rng.choice(self.offices()))

    def op_agency(self):
        past = self.rng.random() < 0.5
        date = "01/06/2025" if past else time.strftime("%d/%m/%Y", time.localtime(time.time() + 86400 * 3))
        kind = self.rng.choice(["rename", "merge", "split"])
        if kind == "rename" and "so-gddt" not in self.renamed:
            run([SRV, "agency", "rename", "so-gddt", "so-gd", "Sở Giáo dục", "--date", date, "--data", self.data] + KEYS)
            self.renamed.add("so-gddt")
        elif kind == "merge" and "so-vhttdl" not in self.renamed:
            run([SRV, "agency", "merge", "so-vhttdl", "so-noi-vu", "--into", "so-tu-phap", "--date", date, "--data",
                 self.data] + KEYS)
            self.renamed.add("so-vhttdl")
        elif kind == "split" and "so-y-te" not in self.renamed:
            run([SRV, "agency", "split", "so-y-te", "--into", "so-y-te-a", "Sở Y tế A", "--into", "so-y-te-b",
                 "Sở Y tế B", "--task", "47=so-y-te-b", "--date", date, "--data", self.data] + KEYS)
            self.renamed.add("so-y-te")
        else:
            return
        self.note(f"agency {kind} dated {date}")

    def op_renew(self):
        name = self.rng.choice(self.offices())
        d = self.devices[name]["dir"]
        if self.rng.random() < 0.7:
            self.report(name)     # entries signed with the old key wait in the outbox
        run([TD, "renew", "--dir", d, "--csr-out", f"{d}-renew.csr"])
        run([PKI, "renew", "--dir", f"{W}/ca", "--cert", f"{d}/device.crt", "--csr", f"{d}-renew.csr", "--out",
             f"{d}-renew.crt"])
        run([TD, "renew", "--dir", d, "--import", f"{d}-renew.crt"])
        os.remove(f"{d}-renew.csr")
        self.note(f"renew {name} ({'after' if self.devices[name]['pushed'] else 'before'} first push)")

    def op_reinstall(self):
        name = self.rng.choice(self.offices())
        dev = self.devices[name]
        d = dev["dir"]
        new = f"{d}-r{len(self.log)}"
        os.makedirs(new)
        shutil.copy(f"{d}/device.key", f"{new}/device.key")
        os.chmod(f"{new}/device.key", 0o600)
        run([TD, "init", "--dir", new, "--cert", f"{d}/device.crt", "--ca", f"{W}/ca/ca.crt", "--server",
             f"127.0.0.1:{self.port}"])
        # the old install's unsent entries: the clerk re-types what he had
        # (they were never on the server); the old replica is kept for the
        # final check of every written entry
        self.devices[name + "-old" + str(len(self.log))] = dict(dev, retired=True)
        self.devices[name] = dict(dev, dir=new, pushed=False)
        self.note(f"reinstall {name}")
        if self.rng.random() < 0.7:
            self.report(name)     # the clerk writes before the first sync

    def live(self):
        return [n for n, d in self.devices.items() if not d.get("retired")]

    def play(self):
        self.start()
        # the fresh device of each office: certified now (the CA signs no
        # certificate for an agency that has ended by the end), never synced
        # until the end, when it syncs once from an empty replica
        self.fresh = {}
        for i, ag in enumerate(OFFICES):
            self.enrol(f"o{i}", ag, "office")
            self.enrol(f"fresh-o{i}", ag, "office")
            self.fresh[f"o{i}"] = self.devices.pop(f"fresh-o{i}")
        self.enrol("central", "so-khcn", "central")
        self.enrol("insp", "thanh-tra", "inspector")
        # every device holds the plan (nothing pushed yet: a renewal may
        # still come before the first push)
        for name in list(self.devices):
            self.sync(name)
            self.devices[name]["pushed"] = False
        ops = [(self.op_report, 30), (lambda: self.sync(self.rng.choice(self.live())), 15),
               (lambda: self.sync(self.rng.choice(self.live()), cut=True), 5), (self.op_review, 12),
               (self.op_extend, 3), (self.op_condition, 3), (self.op_plan, 10), (self.op_agency, 6),
               (self.op_renew, 6), (self.op_reinstall, 5)]
        total = sum(w for _, w in ops)
        for _ in range(OPS):
            r = self.rng.uniform(0, total)
            for f, w in ops:
                r -= w
                if r <= 0:
                    f()
                    break
        # the end: everybody syncs twice (what others pushed last comes back)
        for _ in range(2):
            for name in self.live():
                self.sync(name)
        for name in self.offices():
            if self.devices[name].get("retired"):
                continue
            ag = self.devices[name]["agency"]
            fresh = f"fresh-{name}"
            self.devices[fresh] = self.fresh[name]
            self.sync(fresh)
            a, b = self.cli_digest(self.devices[name]["dir"]), self.cli_digest(self.devices[fresh]["dir"])
            if a != b:
                raise Fail(f"{name} ({ag}) replica {a[:16]} != fresh device {b[:16]}")
            del self.devices[fresh]
        # every written entry: on the server, or refused and shown
        for name, dev in self.devices.items():
            if dev.get("retired"):
                continue
            db = f"{dev['dir']}/replica.db"
            pending = run(["sqlite3", db, "SELECT COUNT(*) FROM outbox WHERE status='pending';"]).stdout.strip()
            if pending != "0":
                raise Fail(f"{name}: {pending} entries still pending after the final syncs")
            refused = int(run(["sqlite3", db, "SELECT COUNT(*) FROM outbox WHERE status='refused' AND reason NOT LIKE "
                               "'re-signed as seq %';"]).stdout.strip())
            if refused:
                st = run([TD, "status", "--dir", dev["dir"]]).stdout
                if "Cần làm" not in st:
                    raise Fail(f"{name}: {refused} refused entries not shown with what to do")


def main():
    t0 = time.time()
    failed = 0
    checks = 0
    for i in range(HISTORIES):
        seed = SEED + i
        h = History(i, seed)
        try:
            h.play()
            checks += h.checks
        except (Fail, subprocess.TimeoutExpired) as e:
            failed += 1
            print(f"  FAIL: history {i} (TD_SEED={seed} TD_HISTORIES=1 TD_OPS={OPS} reproduces it): {e}")
            print("        operations: " + "; ".join(h.log[-40:]))
        finally:
            h.stop()
        if os.environ.get("TD_MODEL_VERBOSE"):
            print(f"  history {i} (seed {seed}): " + "; ".join(h.log))
        if not failed:
            shutil.rmtree(h.dir, ignore_errors=True)
    print(f"  {'ok:  ' if not failed else 'FAIL:'} {HISTORIES - failed}/{HISTORIES} histories of {OPS} operations "
          f"converged; {checks} invariant checks after syncs; {time.time() - t0:.1f} s (base seed {SEED})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
