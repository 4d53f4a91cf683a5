#!/usr/bin/env python3
"""mreport_check.py REPORT.csv EXPECTED.txt — compare the counts of the
monthly report's CSV (tiendo-server report --format csv) with the
independent computation (mreport_truth.awk).  Prints each comparison,
exits 1 on any difference.  Reads the CSV layout documented in README.md:
blocks of (title row, header row, data rows) separated by empty rows."""
import csv
import sys

LABEL = {
    "done-on-time": "Đã hoàn thành đúng hạn", "done-late": "Đã hoàn thành quá hạn",
    "awaiting-review": "Chờ thẩm định", "ongoing": "Đang thực hiện trong hạn",
    "due-soon": "Sắp đến hạn", "ongoing-late": "Đang thực hiện quá hạn", "not-started": "Chưa thực hiện",
    "silent": "Quá hạn, chưa báo cáo",
}
VERDICT = {"met": "Đạt", "not-met": "Chưa đạt", "no-data": "Chưa có số liệu", "to-assess": "Chờ đánh giá"}


def blocks(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    out, i = {}, 0
    while i < len(rows):
        r = rows[i]
        if r and r[0].startswith("Bảng "):
            key = r[0].split(".")[0]
            hdr = rows[i + 1]
            data = []
            i += 2
            while i < len(rows) and rows[i] and any(c for c in rows[i]):
                data.append(dict(zip(hdr, rows[i])))
                i += 1
            out[key] = data
        else:
            i += 1
    return out


def main():
    b = blocks(sys.argv[1])
    exp = [l.split() for l in open(sys.argv[2], encoding="utf-8") if l.strip()]
    bad = checked = 0

    def cmp(what, got, want):
        nonlocal bad, checked
        checked += 1
        if str(got) != str(want):
            bad += 1
            print(f"MISMATCH {what}: report {got}, independent {want}")

    total = [r for r in b["Bảng 1"] if r["Phần"] == "Tổng"][0]
    months = {}
    for r in b["Bảng 4"]:
        mm, yyyy = r["Kỳ"].replace("Tháng ", "").split("/")
        months[(r["Mã cơ quan"], f"{yyyy}-{mm}")] = r
    verdicts = {}
    for r in b["Bảng 6"]:
        verdicts[r["Đánh giá"]] = verdicts.get(r["Đánh giá"], 0) + 1
    seen_o = set()
    for e in exp:
        if e[0] == "S":
            col = f"{LABEL[e[2]]} ({'kỳ này' if e[1] == 'cur' else 'kỳ trước'})"
            cmp(f"status {e[2]} at {e[1]}", total[col], e[3])
        elif e[0] == "O":
            ag, p = e[1], e[2]
            seen_o.add((ag, p))
            r = months.get((ag, p))
            if r is None:
                if int(e[3]):
                    cmp(f"agency {ag} {p} present", "absent", "present")
                continue
            for k, col in zip(e[3:7], ["Phải nộp", "Đúng hạn", "Muộn", "Thiếu"]):
                cmp(f"agency {ag} {p} {col}", r[col], k)
        elif e[0] == "I":
            cmp(f"indicators {e[1]}", verdicts.get(VERDICT[e[1]], 0), e[2])
    for key, r in months.items():
        if key not in seen_o and int(r["Phải nộp"]):
            cmp(f"agency {key} owes only in the report", r["Phải nộp"], 0)
    print(f"mreport_check: {checked} counts compared, {bad} differ")
    sys.exit(1 if bad else 0)


main()
