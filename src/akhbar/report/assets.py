"""Inline CSS and JavaScript for the report page.

Kept apart from ``html.py`` so the renderer reads as structure, and kept as
plain strings because the page must be one file with no requests.  The
script builds every element with ``textContent`` (never innerHTML), so words
from the corpus stay text even in the browser.
"""

CSS = """
:root{--ink:#1d1d1b;--mute:#66645e;--accent:#1f6f8b;--bg:#fbfaf7;--card:#fff;--line:#e2dfd6}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);line-height:1.7;font-size:16px;
font-family:"Noto Naskh Arabic","Amiri","Geeza Pro","Arabic Typesetting","Traditional Arabic",
"Noto Sans Arabic",Tahoma,"DejaVu Sans",sans-serif}
main{max-width:1180px;margin:0 auto;padding:16px 20px 48px}
h1{margin:.2em 0;font-size:1.7rem}h2{margin:1.4em 0 .4em;font-size:1.35rem;
border-bottom:2px solid var(--line)}h3{margin:0 0 .2em;font-size:1.15rem}
h4{margin:.6em 0 .2em;font-size:.95rem;color:var(--mute)}
small{color:var(--mute);font-weight:normal;font-size:.78em}
.n,code{direction:ltr;unicode-bidi:isolate;font-variant-numeric:tabular-nums;
font-family:"DejaVu Sans",Tahoma,Arial,sans-serif;font-size:.92em}
.summary{display:flex;flex-wrap:wrap;gap:8px 28px;margin:.4em 0}
.summary div{min-width:120px}.summary dt{color:var(--mute);font-size:.85rem}
.summary dd{margin:0;font-weight:bold}
nav{margin:.6em 0;font-size:.95rem}nav a{color:var(--accent)}
.warnings{background:#fff4d6;border:1px solid #e0b84a;border-inline-start:6px solid #d39b00;
padding:8px 14px;margin:12px 0;border-radius:4px}.warnings ul{margin:.2em 0}
.note{color:var(--mute);background:#f1efe9;padding:8px 12px;border-radius:4px}
.hint{color:var(--mute);font-size:.88rem;margin:.2em 0}
.plot{overflow-x:auto}.plot svg,.card svg{max-width:100%;height:auto;font-family:inherit}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(500px,1fr));gap:14px}
.card{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:12px 16px}
.tid{color:var(--accent)}.stats,.seed{margin:.1em 0;font-size:.92rem}
.seedw{color:var(--mute)}
.two{display:grid;grid-template-columns:1fr 1fr;gap:14px}
ol.words{list-style:none;margin:0;padding:0;font-size:.95rem}
ol.words li{display:grid;grid-template-columns:7.5em 1fr 3.6em;gap:6px;align-items:center;
line-height:1.5}
ol.words bdi{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
ol.words i{display:block;height:9px;min-width:1px;border-radius:2px;background:var(--accent)}
ol.rel i{background:#c25b2a}
ol.words .n{color:var(--mute);font-size:.8rem;text-align:left}
.lam{display:flex;align-items:center;gap:6px;font-size:.9rem}
.lam input{flex:1;min-width:80px}
ol.arts{margin:0;padding-inline-start:1.4em;font-size:.93rem}
ol.arts .n{color:var(--mute);font-size:.8rem}
@media (max-width:560px){.cards{grid-template-columns:1fr}.two{grid-template-columns:1fr}}
@media print{nav,.sort,.lam input{display:none}}
"""

JS = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("akhbar-data").textContent);
  var SHOW = 12;
  function fmt(x) { return String(Number(x.toPrecision(3))); }
  function rank(rel, lam) {
    var out = [];
    for (var i = 0; i < rel.w.length; i++) {
      var pt = Math.max(rel.pt[i] || 0, 1e-12), pc = Math.max(rel.pc[i] || 0, 1e-12);
      out.push([lam * Math.log(pt) + (1 - lam) * Math.log(pt / pc), rel.w[i], pt]);
    }
    out.sort(function (a, b) { return b[0] - a[0]; });
    return out.slice(0, SHOW);
  }
  function draw(id, lam) {
    var list = document.getElementById("rel-" + id), rel = data[id];
    if (!list || !rel) { return; }
    var rows = rank(rel, lam), top = 1e-12;
    rows.forEach(function (r) { top = Math.max(top, r[2]); });
    while (list.firstChild) { list.removeChild(list.firstChild); }
    rows.forEach(function (r) {
      var li = document.createElement("li"), w = document.createElement("bdi");
      var bar = document.createElement("i"), n = document.createElement("span");
      w.textContent = r[1];
      bar.style.width = Math.round(100 * r[2] / top) + "%";
      n.className = "n"; n.textContent = fmt(r[2]);
      li.appendChild(w); li.appendChild(bar); li.appendChild(n);
      list.appendChild(li);
    });
    var out = document.getElementById("lam-out-" + id);
    if (out) { out.textContent = fmt(lam); }
  }
  document.querySelectorAll("input[data-topic]").forEach(function (input) {
    input.addEventListener("input", function () {
      draw(input.getAttribute("data-topic"), parseFloat(input.value));
    });
  });
  var sort = document.getElementById("sort"), cards = document.getElementById("cards");
  if (sort && cards) {
    sort.addEventListener("change", function () {
      var key = sort.value, items = Array.prototype.slice.call(cards.children);
      items.sort(function (a, b) {
        var x = parseFloat(a.getAttribute("data-" + key)), y = parseFloat(b.getAttribute("data-" + key));
        return key === "id" ? x - y : y - x;
      });
      items.forEach(function (el) { cards.appendChild(el); });
    });
  }
})();
"""
