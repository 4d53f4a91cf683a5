#!/usr/bin/python3
"""ui_central_e2e.py — browser steps of tests/integration/ui_central.sh (the
pages of `tiendo ui` for central and the inspectorate) in Debian's chromium
driven by Selenium, reusing ui_e2e.py's browser, login, screenshot and label
checks.  Each step starts a fresh headless browser at 1366x768.

  ui_central_e2e.py STEP URL SHOTS_DIR [ARGS...]

Steps:
  extend TASK BAD DEADLINE REASON   central: open /deadlines?n=TASK, submit
                                    BAD (a past deadline) without the
                                    confirmation: refused, what was typed kept;
                                    then DEADLINE with REASON: signed, shown
                                    in the history after the sync
  condition TASK MET DUE NOTE       central: record the condition of TASK
  office_sees TASK TEXT             office: /task?n=TASK shows TEXT (the new
                                    deadline) once the sync brought it
  dashboards                        central: by section and by agency, each
                                    count drills down to the tasks behind it
  inspector AGENCY TASK             inspector: history of AGENCY and of TASK
                                    (authors, signed and received times), the
                                    audit page: progress or result at once,
                                    the background verification's result,
                                    "Kiểm tra lại toàn bộ" runs it again
  tampered INDEX                    inspector, replica tampered at INDEX: the
                                    audit page says "Phát hiện sai lệch" there
  pages WHO PATH...                 screenshots (not blank) and labels
Prints "ok: ..." lines; exits 1 with "FAIL: ..." on the first failure.
"""
import json
import os
import sys
import time

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ui_e2e import (WAIT_S, base_of, body_after, browser, fail, labelled, login, ok, shot,  # noqa: E402
                    wait_text)


def no_overflow(d, page):
    """Nothing wider than the 1366-pixel window (no sideways scrolling)."""
    w = d.execute_script("return document.documentElement.scrollWidth")
    if w > 1366:
        fail(f"{page}: the page is {w} pixels wide at 1366x768")
    ok(f"{page}: fits 1366x768 (width {w})")


def step_extend(url, shots, task, bad, deadline, reason):
    d = browser(shots + "/profile-extend")
    try:
        login(d, url)
        base = base_of(url)
        d.get(f"{base}/deadlines?n={task}")
        shot(d, shots, "central-deadline-task")
        labelled(d, "deadline form")
        no_overflow(d, "deadline form")
        d.find_element(By.ID, "deadline").send_keys(bad)
        d.find_element(By.ID, "reason").send_keys(reason)
        d.find_element(By.CSS_SELECTOR, "#extend-form button[type=submit]").click()
        body = body_after(d, "Cần xác nhận")
        if "Cần xác nhận" not in body or "đã qua" not in body:
            fail("a past deadline was not held for confirmation: " + body[:600])
        if d.find_element(By.ID, "reason").get_attribute("value") != reason:
            fail("the reason typed was lost after the refusal")
        ok("a past deadline needs the confirmation checkbox; what was typed is kept")
        shot(d, shots, "central-deadline-confirm")
        box = d.find_element(By.ID, "deadline")
        box.clear()
        box.send_keys(deadline)
        d.find_element(By.CSS_SELECTOR, "#extend-form button[type=submit]").click()
        body = body_after(d, "Đã ký thay đổi thời hạn")
        if "Đã ký thay đổi thời hạn nhiệm vụ %s" % task not in body:
            fail("the extension was not signed: " + body[:600])
        ok("central: the extension was signed from the form")
        wait_text(d, f"{base}/deadlines?n={task}", "Không có mục chờ gửi", "sending the extension")
        wait_text(d, f"{base}/deadlines?n={task}", reason, "the extension in the task's history")
        ok("the extension is in the task's deadline history, with its reason")
        d.get(f"{base}/deadlines")
        if reason not in d.find_element(By.TAG_NAME, "body").text:
            fail("the list of extensions does not show it")
        ok("the list of extensions shows it")
        shot(d, shots, "central-deadlines")
        labelled(d, "deadlines list")
    finally:
        d.quit()


def step_condition(url, shots, task, met, due, note):
    d = browser(shots + "/profile-condition")
    try:
        login(d, url)
        base = base_of(url)
        d.get(f"{base}/deadlines?n={task}")
        m = d.find_element(By.ID, "met")
        m.clear()
        m.send_keys(met)
        d.find_element(By.ID, "due").send_keys(due)
        d.find_element(By.ID, "note").send_keys(note)
        d.find_element(By.CSS_SELECTOR, "#condition-form button[type=submit]").click()
        body = body_after(d, "Đã ký xác nhận điều kiện")
        if "Đã ký xác nhận điều kiện của nhiệm vụ %s" % task not in body:
            fail("the condition was not signed: " + body[:600])
        ok("central: the condition was signed from the form")
        wait_text(d, f"{base}/deadlines?n={task}", note, "the condition in the task's history")
        ok("the condition is in the task's history")
        shot(d, shots, "central-condition")
    finally:
        d.quit()


def step_office_sees(url, shots, task, text):
    d = browser(shots + "/profile-office-sees")
    try:
        login(d, url)
        base = base_of(url)
        wait_text(d, f"{base}/task?n={task}", text, "the new deadline on the office's task page")
        ok(f"office: task {task} shows the new deadline \"{text}\"")
        d.get(f"{base}/deadlines?n={task}")
        if text not in d.find_element(By.ID, "deadline-now").text:
            fail("the office's deadline page does not show the new deadline")
        if d.find_elements(By.ID, "extend-form"):
            fail("an office is offered the extension form")
        ok("office: the deadline history is read-only")
        shot(d, shots, "office-deadline-task")
    finally:
        d.quit()


def step_dashboards(url, shots):
    d = browser(shots + "/profile-dash")
    try:
        login(d, url)
        base = base_of(url)
        d.get(base + "/dashboard")
        shot(d, shots, "central-dashboard-section")
        no_overflow(d, "dashboard by section")
        links = d.find_elements(By.CSS_SELECTOR, "table.counts tbody tr:first-child td a")
        if not links:
            fail("the first section has no count to drill into")
        want = int(links[0].text)
        links[0].click()
        rows = d.find_elements(By.CSS_SELECTOR, "tbody tr")
        if len(rows) != want:
            fail(f"drill-down: the count says {want}, the task list has {len(rows)}")
        ok(f"dashboard by section: a count of {want} drills down to {len(rows)} tasks")
        d.get(base + "/dashboard?by=agency")
        shot(d, shots, "central-dashboard-agency")
        labelled(d, "dashboard by agency")
        no_overflow(d, "dashboard by agency")
        row = None
        for r in d.find_elements(By.CSS_SELECTOR, "table.counts tbody tr"):
            if "Sở Y tế" in r.text:
                row = r
        if row is None:
            fail("the dashboard by agency has no row for Sở Y tế")
        cell = row.find_elements(By.CSS_SELECTOR, "td a")[0]
        want = int(cell.text)
        cell.click()
        n = len(d.find_elements(By.CSS_SELECTOR, "table:first-of-type tbody tr"))
        h1 = d.find_element(By.TAG_NAME, "h1").text
        if "Sở Y tế" not in h1 or n != want:
            fail(f"agency drill-down: {h1!r}, {n} rows for a count of {want}")
        ok(f"dashboard by agency: Sở Y tế's count {want} drills down to its {n} tasks")
        d.get(base + "/dashboard/agency?a=so-y-te")
        if "Báo cáo của cơ quan" not in d.find_element(By.TAG_NAME, "body").text:
            fail("the agency page does not list its reports")
        links = d.find_elements(By.CSS_SELECTOR, "a[href^='/task?n=']")
        if not links:
            fail("the agency page has no link to a task")
        links[0].click()
        if "Nhiệm vụ" not in d.find_element(By.TAG_NAME, "h1").text:
            fail("the link from the agency page does not open a task")
        ok("the agency page drills down to a task")
        d.get(base + "/dashboard/agency?a=so-y-te")
        shot(d, shots, "central-agency")
    finally:
        d.quit()


def step_inspector(url, shots, agency, task):
    d = browser(shots + "/profile-insp")
    try:
        login(d, url)
        base = base_of(url)
        d.get(base + "/audit/history")
        labelled(d, "history form")
        d.get(f"{base}/audit/history?agency={agency}")
        body = d.find_element(By.TAG_NAME, "body").text
        rows = d.find_elements(By.CSS_SELECTOR, "table.history tbody tr")
        if not rows or "yte-01" not in body:
            fail("the agency's history has no entries by its device: " + body[:600])
        cells = rows[0].find_elements(By.TAG_NAME, "td")
        if len(cells) < 7 or "/20" not in cells[1].text or "/20" not in cells[2].text:
            fail("a history row lacks its signed and received times: " + rows[0].text)
        ok(f"inspector: the history of {agency} lists {len(rows)} entries with author, signed and received times")
        shot(d, shots, "inspector-history-agency")
        no_overflow(d, "history")
        d.get(f"{base}/audit/history?task={task}")
        body = d.find_element(By.TAG_NAME, "body").text
        if "gia hạn nhiệm vụ %s" % task not in body:
            fail("the task's history does not show the deadline change: " + body[:800])
        ok(f"inspector: the history of task {task} shows the deadline change")
        shot(d, shots, "inspector-history-task")
        d.get(base + "/audit")
        # one script: the page may replace itself when its run ends
        body = d.execute_script("return document.body.innerText")
        # the verification runs in the background: the page answers at once
        # with its progress or the result
        if "Đang kiểm tra" not in body and "Nhật ký trong bản sao này nhất quán" not in body:
            fail("the audit page shows neither progress nor a result: " + body[:800])
        ok("inspector: /audit answers at once with " +
           ("the progress" if "Đang kiểm tra" in body else "the result"))
        body = verified(d, base, "Nhật ký trong bản sao này nhất quán.")
        latest = d.find_element(By.ID, "cp-latest").text
        if "mục" not in latest:
            fail("no verified checkpoint on the checkpoint page: " + latest)
        when = d.find_element(By.ID, "verify-when").text
        if "mục" not in when or "/20" not in when:
            fail("the result does not say when it ran and on which log size: " + when)
        ok("inspector: checkpoint page: consistent, latest verified checkpoint " + latest + "; " + when)
        shot(d, shots, "inspector-audit")
        no_overflow(d, "audit")
        labelled(d, "audit")
        # the button starts a new run (one more finished run in the status)
        runs = status(d, base)["runs"]
        d.get(base + "/audit")
        d.find_element(By.ID, "verify-start").click()
        body = settled_body(d, "Kiểm tra lại toàn bộ nhật ký trong bản sao")
        if "Đã bắt đầu kiểm tra lại toàn bộ nhật ký" not in body and "Nhật ký trong bản sao này nhất quán" not in body:
            fail("after the button: " + body[:800])
        end = time.monotonic() + WAIT_S
        while status(d, base)["runs"] <= runs:
            if time.monotonic() > end:
                fail("the button's run never finished")
            time.sleep(0.5)
        verified(d, base, "Nhật ký trong bản sao này nhất quán.")
        ok(f"inspector: \"Kiểm tra lại toàn bộ\" ran the verification again (run {runs + 1})")
        shot(d, shots, "inspector-audit-again")
    finally:
        d.quit()


def settled_body(d, text, limit_s=15):
    """The page's text once it holds text; the page may be reloading itself
    (its script follows the verification), so any driver error retries."""
    return body_after(d, text, limit_s, retry_on=WebDriverException)


def status(d, base):
    """/audit/status (JSON) as the browser reads it."""
    d.get(base + "/audit/status")
    try:
        return json.loads(d.find_element(By.TAG_NAME, "body").text)
    except ValueError:
        fail("/audit/status is not JSON: " + d.page_source[:400])


def verified(d, base, text):
    """/audit once its background run finished, holding text."""
    end = time.monotonic() + WAIT_S
    while time.monotonic() < end:
        d.get(base + "/audit")
        try:
            done = not d.find_elements(By.ID, "verify-running") and d.find_elements(By.ID, "verify-result")
            body = d.find_element(By.TAG_NAME, "body").text if done else ""
        except WebDriverException:   # the page's script reloaded it meanwhile
            done = False
        if done:
            if text not in body:
                fail(f"the verification's result is not \"{text}\": " + body[:1200])
            return body
        time.sleep(1)
    fail("the verification never finished: " + d.find_element(By.TAG_NAME, "body").text[:800])


def step_tampered(url, shots, index):
    """An inspector's replica with one entry's signature changed: the
    background verification finds it and says where."""
    d = browser(shots + "/profile-tampered")
    try:
        login(d, url)
        base = base_of(url)
        body = verified(d, base, "Phát hiện sai lệch")
        bad = d.find_element(By.ID, "verify-discrepancy").text
        if f"Mục nhật ký {index}" not in bad:
            fail(f"the discrepancy is not about entry {index}: " + bad)
        ok("tampered replica: " + bad[:200])
        shot(d, shots, "inspector-audit-tampered")
        no_overflow(d, "audit tampered")
    finally:
        d.quit()


def settled(d, url):
    """url loaded and no longer reloading itself: /audit replaces itself when
    its background verification ends, which would pull the page out from
    under the checks that follow."""
    end = time.monotonic() + WAIT_S
    while True:
        d.get(url)
        try:
            if not d.find_elements(By.ID, "verify-running"):
                return
        except WebDriverException:   # the page's script reloaded it meanwhile
            pass
        if time.monotonic() > end:
            fail(f"{url} still verifying after {WAIT_S} s")
        time.sleep(1)


def step_pages(url, shots, who, *paths):
    d = browser(shots + "/profile-pages2-" + who)
    try:
        login(d, url)
        base = base_of(url)
        for p in paths:
            settled(d, base + p)
            name = who + "-" + (p.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "todo")
            shot(d, shots, name)
            labelled(d, f"{who} {p}")
            no_overflow(d, f"{who} {p}")
    finally:
        d.quit()


def main():
    step, url, shots = sys.argv[1], open(sys.argv[2]).read().strip(), sys.argv[3]
    a = sys.argv[4:]
    if step == "extend":
        step_extend(url, shots, *a[:4])
    elif step == "condition":
        step_condition(url, shots, *a[:4])
    elif step == "office_sees":
        step_office_sees(url, shots, *a[:2])
    elif step == "dashboards":
        step_dashboards(url, shots)
    elif step == "inspector":
        step_inspector(url, shots, *a[:2])
    elif step == "tampered":
        step_tampered(url, shots, a[0])
    elif step == "pages":
        step_pages(url, shots, a[0], *a[1:])
    else:
        fail("unknown step " + step)


if __name__ == "__main__":
    main()
