/*
 * ui_assets.c — the stylesheet and the script of `tiendo ui`, embedded in
 * the binary (no CDN, no file to install; the Content-Security-Policy
 * allows only these, never inline script).  The pages work without the
 * script: it only saves the report form as a draft while the clerk types,
 * and follows the progress of the audit's verification on /audit.
 */
#include <string.h>

#include "ui.h"
#include "ui_msg.h"

static const char tdc__css[] =
    "*{box-sizing:border-box}\n"
    "body{margin:0;font:16px/1.45 'DejaVu Sans',Arial,sans-serif;color:#1b1b1b;background:#f6f7f9}\n"
    "header{display:flex;flex-wrap:wrap;align-items:flex-start;gap:1rem;background:#0b3d6b;color:#fff;padding:.5rem 1rem}\n"
    "header a{color:#fff}\n"
    ".brand{font-weight:bold;font-size:1.2rem}.brand span{font-weight:normal;font-size:.95rem;display:block}\n"
    "nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}\n"
    "nav a{text-decoration:none;padding:.2rem .1rem}nav a[aria-current]{border-bottom:3px solid #ffd54f}\n"
    "nav a:focus,a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #ffb300;outline-offset:1px}\n"
    "header .sync{margin-left:auto;background:#fff;color:#1b1b1b;border-radius:4px;padding:.3rem .6rem;font-size:.85rem;max-width:28rem}\n"
    ".sync p{margin:.1rem 0}.sync form{display:inline}.sync.bad{border-left:6px solid #c62828}\n"
    "main{max-width:1300px;margin:0 auto;padding:1rem}\n"
    "h1{font-size:1.5rem;margin:.2rem 0 1rem}h2{font-size:1.2rem;margin-top:1.5rem}\n"
    "table{border-collapse:collapse;width:100%;background:#fff}\n"
    "th,td{border:1px solid #d0d5dd;padding:.35rem .5rem;text-align:left;vertical-align:top}\n"
    "th{background:#e8edf3}\n"
    ".badge{display:inline-block;padding:0 .4rem;border-radius:3px;background:#e0e0e0;font-size:.85rem}\n"
    ".badge.ok{background:#c8e6c9}.badge.bad{background:#ffcdd2}.badge.wait{background:#fff3c4}\n"
    ".ok{background:#e8f5e9;border-left:6px solid #2e7d32;padding:.5rem}\n"
    ".err{background:#ffebee;border-left:6px solid #c62828;padding:.5rem}\n"
    ".warn{background:#fff8e1;border-left:6px solid #f9a825;padding:.5rem;white-space:pre-line}\n"
    ".reason{font-style:italic}.returned li{margin-bottom:.6rem}\n"
    ".field{margin-bottom:.8rem}.field label,.filters label{display:block;font-weight:bold}\n"
    ".filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end;margin-bottom:1rem}\n"
    ".filters label{font-weight:normal;font-size:.9rem}\n"
    "textarea,input,select{font:inherit;padding:.3rem;border:1px solid #8a94a6;border-radius:3px}\n"
    "textarea{width:100%}\n"
    ".hint{color:#4a5568;font-size:.9rem;margin:.1rem 0}\n"
    ".field-err{color:#b71c1c;font-weight:bold;margin:.1rem 0}\n"
    "button,.button{font:inherit;padding:.35rem .9rem;border:1px solid #0b3d6b;background:#fff;color:#0b3d6b;border-radius:3px;cursor:pointer;text-decoration:none;display:inline-block}\n"
    "button.primary{background:#0b3d6b;color:#fff}button:disabled{opacity:.55;cursor:default}\n"
    ".actions{display:flex;gap:1rem;margin-top:1rem}\n"
    ".report-layout{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,1.3fr);gap:1.5rem}\n"
    ".reason-box{background:#fff;border:1px solid #d0d5dd;border-left:6px solid #c62828;padding:.5rem 1rem;align-self:start}\n"
    ".task-title{font-size:1.05rem}\n"
    "dl{display:grid;grid-template-columns:10rem 1fr;gap:.2rem 1rem}dt{font-weight:bold}dd{margin:0}\n"
    ".sr{position:absolute;left:-9999px}\n"
    "fieldset{margin-top:1rem;background:#fff}\n"
    "td label{font-size:.85rem}\n"
    ".num{text-align:right}table.counts td,table.counts th{font-size:.9rem}tr.refused{background:#fff5f5}\n"
    "table.history td{font-size:.88rem}code{overflow-wrap:anywhere}details pre{white-space:pre-wrap}\n"
    "progress{width:20rem;max-width:100%;height:1.1rem;vertical-align:middle}\n"
    "@media print{header,.filters,form button{display:none}}\n";

static const char tdc__js[] =
    "'use strict';\n"
    "// The report form is saved as a draft on the server while the clerk types\n"
    "// (a reload, a closed browser or a refusal loses nothing).  Without this\n"
    "// script the form still works: \"" TD_UI_REPORT_BUTTON_DRAFT "\" saves the same way.\n"
    "(function () {\n"
    "  var form = document.getElementById('report-form');\n"
    "  if (!form) return;\n"
    "  var url = form.getAttribute('data-autosave');\n"
    "  var status = document.getElementById('autosave-status');\n"
    "  var timer = null, busy = false, again = false;\n"
    "  function save() {\n"
    "    if (busy) { again = true; return; }\n"
    "    busy = true;\n"
    "    var body = new URLSearchParams();\n"
    "    new FormData(form).forEach(function (v, k) {\n"
    "      if (typeof v === 'string' && k !== 'action') body.append(k, v);   // files go with the buttons\n"
    "    });\n"
    "    fetch(url, {method: 'POST', body: body, credentials: 'same-origin'}).then(function (r) {\n"
    "      return r.text().then(function (t) {\n"
    "        var d = new Date();\n"
    "        var hh = ('0' + d.getHours()).slice(-2), mm = ('0' + d.getMinutes()).slice(-2);\n"
    "        status.textContent = r.ok ? '" TD_UI_JS_AUTOSAVED_AT " ' + hh + ':' + mm : '" TD_UI_JS_AUTOSAVE_FAILED
    " ' + t;\n"
    "      });\n"
    "    }).catch(function () {\n"
    "      status.textContent = '" TD_UI_JS_AUTOSAVE_OFFLINE "';\n"
    "    }).then(function () {\n"
    "      busy = false;\n"
    "      if (again) { again = false; save(); }\n"
    "    });\n"
    "  }\n"
    "  form.addEventListener('input', function () {\n"
    "    if (timer) clearTimeout(timer);\n"
    "    timer = setTimeout(save, 800);\n"
    "  });\n"
    "})();\n"
    "// /audit: the verification runs in the background; follow its progress\n"
    "// (without this script the page reloads itself every few seconds).\n"
    "(function () {\n"
    "  var box = document.getElementById('verify-running');\n"
    "  if (!box) return;\n"
    "  var bar = document.getElementById('verify-progress');\n"
    "  var count = document.getElementById('verify-count');\n"
    "  var url = box.getAttribute('data-status');\n"
    "  function poll() {\n"
    "    fetch(url, {credentials: 'same-origin', cache: 'no-store'}).then(function (r) {\n"
    "      return r.json();\n"
    "    }).then(function (s) {\n"
    "      if (!s.running) { window.location.replace('/audit'); return; }\n"
    "      if (s.total) { bar.max = s.total; bar.value = s.checked; }\n"
    "      bar.textContent = s.percent + '%';\n"
    "      count.textContent = s.checked + '/' + s.total + ' " TD_UI_JS_ENTRIES " (' + s.percent + '%)';\n"
    "      setTimeout(poll, 1000);\n"
    "    }).catch(function () { setTimeout(poll, 3000); });\n"
    "  }\n"
    "  setTimeout(poll, 1000);\n"
    "})();\n";

const char *tdc_ui_asset(const char *path, const char **type)
{
    if (!strcmp(path, "/static/app.css")) {
        *type = "text/css; charset=utf-8";
        return tdc__css;
    }
    if (!strcmp(path, "/static/app.js")) {
        *type = "text/javascript; charset=utf-8";
        return tdc__js;
    }
    return NULL;
}
