/* firmcorpus build report: sortable tables and a self-test run by the browser test (#selftest). */
(function () {
  "use strict";

  function cellValue(td) {
    var v = td.getAttribute("data-sort");
    if (v !== null && v !== "") { var n = Number(v); if (!isNaN(n)) { return n; } }
    return (td.textContent || "").trim().toLowerCase();
  }

  function compare(a, b) {
    var an = typeof a === "number", bn = typeof b === "number";
    if (an && bn) { return a - b; }
    if (an) { return -1; }  // numbers before text ("–" for missing)
    if (bn) { return 1; }
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function sortTable(table, col, dir) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (r, i) { return { r: r, k: cellValue(r.cells[col]), i: i }; });
    keyed.sort(function (x, y) { var c = compare(x.k, y.k); return (dir === "ascending" ? c : -c) || x.i - y.i; });
    keyed.forEach(function (x) { body.appendChild(x.r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      if (i === col) { th.setAttribute("aria-sort", dir); } else { th.removeAttribute("aria-sort"); }
    });
  }

  function makeSortable(table) {
    if (!table.tHead || !table.tBodies.length) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.setAttribute("title", "click to sort");
      th.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        sortTable(table, i, dir);
      });
    });
  }

  function selfTest() {
    var res = { errors: window.__reportErrors || [], checks: {} };
    try {
      // 1. a table sorts on click: first sortable table with 2+ rows and a numeric column
      // (the numeric column with the most distinct values, so the order really changes; the table is
      // left sorted descending for the test to check in the DOM)
      var tables = document.querySelectorAll("table.sortable");
      var sorted = null;
      for (var t = 0; t < tables.length && !sorted; t++) {
        var tb = tables[t];
        if (tb.tBodies[0].rows.length < 3) { continue; }
        var ths = tb.tHead.rows[0].cells;
        var best = -1, bestN = 1;
        for (var k = 0; k < ths.length; k++) {
          if (!ths[k].classList.contains("num")) { continue; }
          var seen = {};
          Array.prototype.forEach.call(tb.tBodies[0].rows, function (r) { seen[String(cellValue(r.cells[k]))] = 1; });
          var n = Object.keys(seen).length;
          if (n > bestN) { best = k; bestN = n; }
        }
        if (best >= 0) {
          var c = best;
          ths[c].click();
          var asc = Array.prototype.map.call(tb.tBodies[0].rows, function (r) { return cellValue(r.cells[c]); });
          ths[c].click();
          var desc = Array.prototype.map.call(tb.tBodies[0].rows, function (r) { return cellValue(r.cells[c]); });
          var okAsc = asc.every(function (v, i) { return i === 0 || compare(asc[i - 1], v) <= 0; });
          var okDesc = desc.every(function (v, i) { return i === 0 || compare(desc[i - 1], v) >= 0; });
          sorted = { table: tb.id, column: ths[c].textContent.trim(), ascending: okAsc, descending: okDesc,
                     aria: ths[c].getAttribute("aria-sort"), rows: asc.length, first_asc: asc[0],
                     first_desc: desc[0], column_index: c };
        }
      }
      res.checks.sort = sorted;
      // 2. a manufacturer section renders its plot (an inline SVG with drawn marks and a real size)
      var sec = document.querySelector("section.manufacturer");
      var svg = sec ? sec.querySelector(".plot svg") : null;
      var box = svg ? svg.getBoundingClientRect() : null;
      res.checks.plot = { section: sec ? sec.id : null, svg: !!svg,
                          marks: svg ? svg.querySelectorAll("path, rect, use").length : 0,
                          width: box ? Math.round(box.width) : 0, height: box ? Math.round(box.height) : 0 };
      // 3. pair links point at mapping documents
      res.checks.mapping_links = document.querySelectorAll("a.mapping").length;
      res.checks.manufacturer_sections = document.querySelectorAll("section.manufacturer").length;
      // 4. nothing outside the page is referenced
      res.checks.external = Array.prototype.filter.call(document.querySelectorAll("script[src], link[href], img[src]"),
        function (e) { return /^(https?:)?\/\//.test(e.getAttribute("src") || e.getAttribute("href") || ""); }).length;
    } catch (e) {
      res.errors.push("selftest: " + (e && e.stack || e));
    }
    var ok = res.errors.length === 0 && res.checks.sort && res.checks.sort.ascending && res.checks.sort.descending &&
             res.checks.plot && res.checks.plot.svg && res.checks.plot.marks > 0 && res.checks.plot.width > 0 &&
             res.checks.external === 0;
    res.pass = !!ok;
    var pre = document.getElementById("selftest-result");
    pre.textContent = JSON.stringify(res);
    document.title = "selftest:" + (ok ? "pass" : "fail");
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), makeSortable);
    if (window.location.hash === "#selftest") { selfTest(); }
  });
})();
