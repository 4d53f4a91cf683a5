#!/usr/bin/python3
"""ui_alarm_e2e.py — browser steps of tests/integration/ui_alarm.sh in
Debian's chromium driven by Selenium, reusing ui_e2e.py's browser, login,
screenshot, label and keyboard helpers.  Each step starts a fresh headless
browser at 1366x768.

  ui_alarm_e2e.py STEP URL SHOTS_DIR [ARGS...]

Steps:
  banner WHO                  every page shows the red alarm banner, linking
                              to the alarm list (an office clerk's too)
  ack ID NOTE                 the inspector: the banner's link to the list,
                              alarm ID there, its detail with the full
                              evidence; the note typed and the confirmation
                              given with the keyboard alone; then the alarm
                              shows as acknowledged with NOTE, no banner
  dashboard                   central: by agency, "Chưa báo cáo lần nào" and
                              "Đang thực hiện quá hạn" are separate columns;
                              Sở Y tế (reported late) is counted in the
                              second, another agency (never reported) in the
                              first; each count drills down to its tasks
Prints "ok: ..." lines; exits 1 with "FAIL: ..." on the first failure.
"""
import os
import re
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ui_e2e import base_of, body_after, browser, fail, keys, labelled, login, ok, shot, tab_to  # noqa: E402
from ui_central_e2e import no_overflow  # noqa: E402


def step_banner(url, shots, who):
    d = browser(shots + "/profile-banner-" + who)
    try:
        login(d, url)
        base = base_of(url)
        for p in ("/", "/tasks", "/deadlines"):
            d.get(base + p)
            b = d.find_elements(By.ID, "alarm-banner")
            if not b or "CẢNH BÁO" not in b[0].text:
                fail(f"{who} {p}: no alarm banner")
            if not b[0].find_elements(By.CSS_SELECTOR, "a[href='/alarms']"):
                fail(f"{who} {p}: the banner does not link to the alarms")
        ok(f"{who}: the red alarm banner on every page, linking to the alarms")
        d.get(base + "/")
        shot(d, shots, who + "-alarm-banner")
        d.find_element(By.CSS_SELECTOR, "#alarm-banner a").click()
        if "Cảnh báo về nhật ký máy chủ" not in d.find_element(By.TAG_NAME, "h1").text:
            fail(f"{who}: the banner's link does not open the alarms")
        ok(f"{who}: the banner's link opens the alarm list")
        shot(d, shots, who + "-alarms")
        no_overflow(d, who + " alarms")
    finally:
        d.quit()


def step_ack(url, shots, aid, note):
    d = browser(shots + "/profile-ack")
    try:
        login(d, url)
        base = base_of(url)
        d.find_element(By.CSS_SELECTOR, "#alarm-banner a").click()
        row = d.find_elements(By.ID, "alarm-" + aid)
        if not row or "Chưa xử lý" not in row[0].text:
            fail(f"alarm {aid} is not listed as open: " + d.find_element(By.TAG_NAME, "body").text[:800])
        if not re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", row[0].text):
            fail("the alarm's row has no dd/mm/yyyy HH:MM time: " + row[0].text)
        short = row[0].find_elements(By.CSS_SELECTOR, "code[title]")
        if not short or len(short[0].get_attribute("title")) != 64 or not short[0].text.endswith("…"):
            fail("the list does not show the roots shortened with the full value: " + row[0].text)
        ok(f"alarm {aid} listed: kind, time, sizes and shortened roots, open")
        shot(d, shots, "inspector-alarms")
        row[0].find_element(By.LINK_TEXT, "Toàn bộ bằng chứng").click()
        old_root = d.find_element(By.ID, "old-root").text
        if not re.fullmatch(r"[0-9a-f]{64}", old_root):
            fail("the detail does not show the verified root in full: " + old_root)
        if not d.find_element(By.ID, "new-note").text.strip() or not d.find_element(By.ID, "old-note").text.strip():
            fail("the detail does not show both signed checkpoints")
        ok("the detail shows the full evidence: roots in hex, both signed checkpoints")
        labelled(d, "alarm detail")
        no_overflow(d, "alarm detail")
        shot(d, shots, "inspector-alarm-detail")
        # the keyboard alone: Tab to the note, type, Tab to the button, Enter
        tab_to(d, "note", limit=120)
        keys(d, note)
        tab_to(d, "ack-next", limit=5)
        keys(d, Keys.ENTER)
        body = body_after(d, "Cần xác nhận")
        if "Cần xác nhận" not in body or note not in d.find_element(By.ID, "confirm-note").text:
            fail("no confirmation step with the note: " + body[:600])
        ok("the confirmation step shows the note; nothing written yet")
        shot(d, shots, "inspector-alarm-confirm")
        tab_to(d, "confirm-ack", limit=120)
        keys(d, Keys.ENTER)
        body = body_after(d, "Đã đánh dấu xử lý cảnh báo số " + aid)
        if "Đã đánh dấu xử lý cảnh báo số " + aid not in body:
            fail("the acknowledgement was not recorded: " + body[:600])
        state = d.find_element(By.ID, "alarm-state").text
        if "Đã xử lý lúc" not in state or "tt-01, thanh-tra" not in state:
            fail("the alarm does not show who acknowledged it and when: " + state)
        if d.find_element(By.ID, "alarm-note").text != note:
            fail("the note is not shown: " + d.find_element(By.ID, "alarm-note").text)
        if not d.find_element(By.ID, "old-note").text.strip():
            fail("the evidence is gone after the acknowledgement")
        if d.find_elements(By.ID, "alarm-banner"):
            fail("the banner is still shown after the only alarm was acknowledged")
        ok("acknowledged with the keyboard: who, when, the note; evidence kept; the banner gone")
        shot(d, shots, "inspector-alarm-acked")
        d.get(base + "/alarms")
        if note not in d.find_element(By.ID, "alarm-" + aid).text:
            fail("the list does not show the note")
        ok("the list shows the acknowledgement and its note")
    finally:
        d.quit()


def cells_by_column(d):
    """{status id: column index} of the counts table, and its body rows."""
    heads = d.find_elements(By.CSS_SELECTOR, "table.counts thead th")
    cols = {h.get_attribute("id"): i for i, h in enumerate(heads) if h.get_attribute("id")}
    return cols, d.find_elements(By.CSS_SELECTOR, "table.counts tbody tr")


def count_at(row, col):
    cells = row.find_elements(By.CSS_SELECTOR, "th, td")
    return cells[col]


def step_dashboard(url, shots):
    d = browser(shots + "/profile-dash-split")
    try:
        login(d, url)
        base = base_of(url)
        d.get(base + "/dashboard?by=agency")
        cols, rows = cells_by_column(d)
        never, late = cols.get("col-never-reported"), cols.get("col-ongoing-late")
        if never is None or late is None or never == late:
            fail(f"no separate columns for never reported and overdue: {cols}")
        heads = d.find_elements(By.CSS_SELECTOR, "table.counts thead th")
        if heads[never].text != "Chưa báo cáo lần nào" or heads[late].text != "Đang thực hiện quá hạn":
            fail(f"column titles: {heads[never].text!r}, {heads[late].text!r}")
        ok("dashboard by agency: 'Chưa báo cáo lần nào' and 'Đang thực hiện quá hạn' are separate columns")
        yte = [r for r in rows if "Sở Y tế" in r.text]
        if not yte:
            fail("no row for Sở Y tế")
        if count_at(yte[0], never).text != "0" or int(count_at(yte[0], late).text) < 1:
            fail(f"Sở Y tế reported late: never={count_at(yte[0], never).text} late={count_at(yte[0], late).text}")
        ok(f"Sở Y tế (reported after the due date): {count_at(yte[0], late).text} overdue, 0 never reported")
        silent = [r for r in rows if "Sở Y tế" not in r.text and count_at(r, never).text not in ("0", "")]
        if not silent:
            fail("no agency counted as never reported")
        name = silent[0].find_element(By.TAG_NAME, "th").text
        want = int(count_at(silent[0], never).text)
        ok(f"{name} (never reported): {want} in 'Chưa báo cáo lần nào', a different row and column")
        shot(d, shots, "central-dashboard-never-reported")
        no_overflow(d, "dashboard by agency")
        count_at(silent[0], never).find_element(By.TAG_NAME, "a").click()
        trs = d.find_elements(By.CSS_SELECTOR, "table:first-of-type tbody tr")
        if len(trs) != want or any("Chưa báo cáo lần nào" not in t.text for t in trs):
            fail(f"drill-down of {name}: {len(trs)} rows for {want}: " + " | ".join(t.text for t in trs[:5]))
        ok(f"{name}: the count drills down to its {want} tasks, each 'Chưa báo cáo lần nào'")
        shot(d, shots, "central-agency-never-reported")
        d.get(base + "/dashboard?by=agency")
        cols, rows = cells_by_column(d)
        yte = [r for r in rows if "Sở Y tế" in r.text]
        want = int(count_at(yte[0], late).text)
        count_at(yte[0], late).find_element(By.TAG_NAME, "a").click()
        trs = d.find_elements(By.CSS_SELECTOR, "table:first-of-type tbody tr")
        if len(trs) != want or any("Đang thực hiện quá hạn" not in t.text for t in trs):
            fail(f"drill-down of Sở Y tế: {len(trs)} rows for {want}")
        ok(f"Sở Y tế: the overdue count drills down to its {want} tasks, each 'Đang thực hiện quá hạn'")
        d.get(base + "/dashboard")
        cols, _ = cells_by_column(d)
        if "col-never-reported" not in cols:
            fail("the dashboard by section has no never-reported column")
        shot(d, shots, "central-dashboard-section-split")
        no_overflow(d, "dashboard by section")
        ok("dashboard by section: the same columns")
    finally:
        d.quit()


def main():
    step, url, shots = sys.argv[1], open(sys.argv[2]).read().strip(), sys.argv[3]
    a = sys.argv[4:]
    if step == "banner":
        step_banner(url, shots, a[0])
    elif step == "ack":
        step_ack(url, shots, a[0], a[1])
    elif step == "dashboard":
        step_dashboard(url, shots)
    else:
        fail("unknown step " + step)


if __name__ == "__main__":
    main()
