#!/usr/bin/python3
"""ui_e2e.py — one step of the `tiendo ui` end-to-end test (tests/integration/
ui.sh) in Debian's chromium driven by Selenium (python3-selenium,
chromium-driver).  Each step starts a fresh headless browser with a fresh
profile, so "closing the browser" between steps is real.

  ui_e2e.py STEP URL SHOTS_DIR [ARGS...]

Steps (URL is the one `tiendo ui` printed, with its token):
  draft TASK PERIOD TEXT      open the report form, type TEXT in Kết quả,
                              wait for the autosave, close the browser
  submit TASK PERIOD TEXT     the form holds TEXT (the draft survived);
                              complete it with the keyboard alone (Tab, arrow
                              keys, typing, Enter) as "đã hoàn thành", expect
                              "chờ gửi" on Việc cần làm
  wait_sent                   reload Việc cần làm until nothing waits
  review_return TASK REASON   central: wait for the report in the review
                              queue, return it with REASON
  returned TASK PERIOD REASON OLD NEW
                              office: wait for the reason on Việc cần làm,
                              open the form from it: pre-filled with OLD, the
                              reason beside it; replace with NEW, submit
  review_accept TASK          central: accept the report
  pages                       screenshots of the main pages (not blank),
                              every input labelled, search without
                              diacritics; prints page timings
Prints "ok: ..." lines; exits 1 with "FAIL: ..." on the first failure.
"""
import os
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mreport_browser  # noqa: E402  (png_pixels)

WAIT_S = float(os.environ.get("TD_SLOW", "1")) * 90


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def ok(msg):
    print("ok: " + msg)


def browser(profile):
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--window-size=1366,768", "--user-data-dir=" + profile, "--lang=vi"):
        o.add_argument(a)
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    d.set_page_load_timeout(30)
    return d


def body_after(d, text, limit_s=15, retry_on=(StaleElementReferenceException, NoSuchElementException)):
    """The page's text once it holds text (a navigation may be under way);
    the driver errors in retry_on are retried."""
    end = time.monotonic() + limit_s
    body = ""
    while time.monotonic() < end:
        try:
            body = d.find_element(By.TAG_NAME, "body").text
            if text in body:
                return body
        except retry_on:
            pass
        time.sleep(0.2)
    return body


def base_of(url):
    return url.split("/?token=")[0]


def login(d, url):
    d.get(url)
    if "token=" in d.current_url:
        fail("the token stayed in the address bar: " + d.current_url)
    if "Việc cần làm" not in d.find_element(By.TAG_NAME, "h1").text:
        fail("login did not land on Việc cần làm: " + d.page_source[:300])


def wait_text(d, url, text, what):
    end = time.monotonic() + WAIT_S
    while time.monotonic() < end:
        d.get(url)
        if text in d.find_element(By.TAG_NAME, "body").text:
            return
        time.sleep(1)
    fail(f"{what}: \"{text}\" never appeared on {url}: " + d.find_element(By.TAG_NAME, "body").text[:800])


def shot(d, shots, name):
    path = os.path.join(shots, name + ".png")
    d.save_screenshot(path)
    w, h, bpp, rows = mreport_browser.png_pixels(path)
    colours, nonwhite, total = set(), 0, 0
    for y in range(0, h, 3):
        r = rows[y]
        for x in range(0, w, 3):
            px = r[x * bpp:x * bpp + 3]
            total += 1
            colours.add(bytes(px))
            if px != b"\xff\xff\xff":
                nonwhite += 1
    if nonwhite < total * 0.02 or len(colours) < 4:
        fail(f"screenshot {path} looks blank ({nonwhite}/{total} non-white, {len(colours)} colours)")
    ok(f"screenshot {name}.png: {w}x{h}, {len(colours)} colours")


def labelled(d, page):
    """Every visible input has a label (or an aria-label). One script, so a
    page that reloads itself (/audit while a verification runs) is checked
    whole, never half before and half after."""
    bad = d.execute_script("""
        var out = [];
        document.querySelectorAll('input, select, textarea').forEach(function (el) {
            if (el.getAttribute('type') === 'hidden' || el.getAttribute('aria-label')) return;
            var i = el.id;
            if (!i || !document.querySelector('label[for="' + CSS.escape(i) + '"]'))
                out.push('name=' + el.getAttribute('name') + ' id=' + i);
        });
        return out;""")
    if bad:
        fail(f"{page}: an input without a label: " + "; ".join(bad))
    ok(f"{page}: every input has a label")


def active_id(d):
    return d.switch_to.active_element.get_attribute("id") or d.switch_to.active_element.get_attribute("name") or ""


def keys(d, *k):
    """Keys typed on the keyboard, to whatever has the focus (not sent to an
    element: a file input would take them as a path)."""
    ActionChains(d).send_keys(*k).perform()


def tab_to(d, want, limit=40):
    for _ in range(limit):
        if active_id(d) == want:
            return
        keys(d, Keys.TAB)
    fail(f"Tab never reached #{want} (at {active_id(d)})")


def step_draft(url, shots, task, period, text):
    d = browser(shots + "/profile-draft")
    try:
        login(d, url)
        d.get(f"{base_of(url)}/report?task={task}&period={period}")
        area = d.find_element(By.ID, "result")
        area.send_keys(text)
        end = time.monotonic() + 20
        while time.monotonic() < end:
            if "Đã tự lưu" in d.find_element(By.ID, "autosave-status").text:
                break
            time.sleep(0.2)
        else:
            fail("the draft was not autosaved: " + d.find_element(By.ID, "autosave-status").text)
        ok("typing in Kết quả saved the draft on the server (autosave)")
    finally:
        d.quit()
    ok("browser closed")


def step_submit(url, shots, task, period, text):
    d = browser(shots + "/profile-submit")
    try:
        login(d, url)
        d.get(f"{base_of(url)}/report?task={task}&period={period}")
        if d.find_element(By.ID, "result").get_attribute("value") != text:
            fail("the draft did not survive the browser and tiendo ui restart: " +
                 repr(d.find_element(By.ID, "result").get_attribute("value")))
        ok("the draft survived closing the browser and restarting tiendo ui")
        shot(d, shots, "report-form")
        labelled(d, "report form")
        # keyboard alone: from the page's start, Tab to the state, arrows
        # to "đã hoàn thành", Tab through, add to the result, Tab to the
        # submit button, Enter.
        keys(d, Keys.TAB)
        tab_to(d, "state")
        for _ in range(3):
            keys(d, Keys.ARROW_DOWN)
        sel = d.find_element(By.ID, "state")
        if sel.get_attribute("value") != "3":
            fail("arrow keys did not choose 'đã hoàn thành': " + sel.get_attribute("value"))
        tab_to(d, "result")
        keys(d, Keys.END, " — đã nghiệm thu")
        tab_to(d, "docs")
        keys(d, "12/UBND,02/12/2026,Quyết định nghiệm thu")
        for _ in range(8):
            keys(d, Keys.TAB)
            if d.switch_to.active_element.get_attribute("value") == "submit":
                break
        else:
            fail("Tab never reached the submit button")
        keys(d, Keys.ENTER)
        body = body_after(d, "Đã ký báo cáo nhiệm vụ %s" % task)
        if "Đã ký báo cáo nhiệm vụ %s" % task not in body:
            fail("submit with the keyboard did not sign: " + body[:800])
        ok("the report form was completed and signed with the keyboard alone")
        if "mục chờ gửi" not in body or "chờ gửi" not in body:
            fail("Việc cần làm does not show the entry waiting: " + body[:800])
        ok("server down: the page shows the report 'chờ gửi'")
        shot(d, shots, "todo-pending")
    finally:
        d.quit()


def step_wait_sent(url, shots):
    d = browser(shots + "/profile-sent")
    try:
        login(d, url)
        wait_text(d, base_of(url) + "/", "Không có mục chờ gửi", "background sync")
        ok("server up: the background sync sent it (nothing waits)")
    finally:
        d.quit()


def review_row(d, base, task, action, reason=None):
    end = time.monotonic() + WAIT_S
    while time.monotonic() < end:
        d.get(base + "/review")
        for row in d.find_elements(By.CSS_SELECTOR, "tbody tr"):
            cells = row.find_elements(By.TAG_NAME, "td")
            if len(cells) > 2 and cells[1].text == str(task):
                try:
                    if reason is not None:
                        row.find_element(By.CSS_SELECTOR, "input[id^=reason]").send_keys(reason)
                    row.find_element(By.CSS_SELECTOR, f"button[value^='{action}:']").click()
                except NoSuchElementException:
                    fail("the review row has no buttons: " + row.text)
                return
        time.sleep(1)
    fail(f"task {task} never appeared in the review queue")


def step_review(url, shots, task, action, reason=None):
    d = browser(shots + "/profile-review-" + action)
    try:
        login(d, url)
        base = base_of(url)
        review_row(d, base, task, action, reason)
        body = body_after(d, "Đã ghi 1 ý kiến thẩm định")
        if "Đã ghi 1 ý kiến thẩm định" not in body:
            fail("review not recorded: " + body[:600])
        ok(f"central: {action} of task {task} recorded from the review queue")
        if action == "return":
            shot(d, shots, "review")
            labelled(d, "review queue")
    finally:
        d.quit()


def step_returned(url, shots, task, period, reason, old, new):
    d = browser(shots + "/profile-returned")
    try:
        login(d, url)
        base = base_of(url)
        wait_text(d, base + "/", reason, "the return reason on Việc cần làm")
        ok("office: Việc cần làm shows the return reason")
        shot(d, shots, "todo-returned")
        d.find_element(By.LINK_TEXT, "Sửa và báo cáo lại").click()
        val = d.find_element(By.ID, "result").get_attribute("value")
        if old not in val:
            fail("the returned report's form is not pre-filled: " + repr(val))
        ok("the form opens pre-filled with the previous text")
        aside = d.find_element(By.CSS_SELECTOR, ".reason-box").text
        if reason not in aside:
            fail("the reason is not beside the form: " + aside)
        ok("the reason is shown beside the form")
        area = d.find_element(By.ID, "result")
        area.clear()
        area.send_keys(new)
        d.find_element(By.CSS_SELECTOR, "button[value=submit]").click()
        body = body_after(d, "Đã ký báo cáo nhiệm vụ %s" % task)
        if "Đã ký báo cáo nhiệm vụ %s" % task not in body:
            fail("the corrected report was not signed: " + body[:600])
        ok("the corrected report was signed")
        wait_text(d, base + "/", "Không có mục chờ gửi", "sending the correction")
        ok("the correction was sent by the background sync")
    finally:
        d.quit()


def step_pages(url, shots, who):
    d = browser(shots + "/profile-pages-" + who)
    timings = []
    try:
        login(d, url)
        base = base_of(url)
        pages = [("todo", "/"), ("tasks", "/tasks"), ("task", "/task?n=49")]
        if who == "central":
            pages += [("review-empty", "/review"), ("missing", "/missing"), ("mreport", "/mreport")]
        for name, path in pages:
            t0 = time.monotonic()
            d.get(base + path)
            timings.append((path, (time.monotonic() - t0) * 1000))
            shot(d, shots, f"{who}-{name}")
            if name != "mreport":
                labelled(d, f"{who} {path}")
        if who == "office":
            d.get(base + "/tasks?role=all&q=so+hoa")
            rows = d.find_elements(By.CSS_SELECTOR, "tbody tr")
            if not rows or not any("số hóa" in r.text.lower() or "số hoá" in r.text.lower() for r in rows):
                fail("search without diacritics 'so hoa' found nothing with 'số hóa'")
            ok(f"search without diacritics: 'so hoa' finds {len(rows)} tasks")
            d.get(base + "/tasks?role=all&q=số+hóa")
            if len(d.find_elements(By.CSS_SELECTOR, "tbody tr")) != len(rows):
                fail("search with and without diacritics differ")
            ok("search with diacritics finds the same tasks")
        for path, ms in timings:
            print(f"timing: {who} {path} {ms:.0f} ms (navigation in chromium, loopback)")
    finally:
        d.quit()


def main():
    step, url, shots = sys.argv[1], open(sys.argv[2]).read().strip(), sys.argv[3]
    a = sys.argv[4:]
    if step == "draft":
        step_draft(url, shots, a[0], a[1], a[2])
    elif step == "submit":
        step_submit(url, shots, a[0], a[1], a[2])
    elif step == "wait_sent":
        step_wait_sent(url, shots)
    elif step == "review_return":
        step_review(url, shots, a[0], "return", a[1])
    elif step == "review_accept":
        step_review(url, shots, a[0], "accept")
    elif step == "returned":
        step_returned(url, shots, a[0], a[1], a[2], a[3], a[4])
    elif step == "pages":
        step_pages(url, shots, a[0])
    else:
        fail("unknown step " + step)


if __name__ == "__main__":
    main()
