/* The leaderboard page's script (inlined by leaderboard_web.html): every ranking table sortable by any column, and
   a search that filters the rows by name. Without it the page is the same tables, static. It reads the page only
   through textContent and attributes and writes no markup: names are data, never HTML. The state (sort, search) is
   kept in the address's #hash, so that a link opens the page sorted and filtered the same way. */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";
  var collator = new Intl.Collator(lang, { numeric: true, sensitivity: "base" });
  var form = document.getElementById("search");
  var input = document.getElementById("q");
  var output = document.getElementById("matches");
  var tables = Array.prototype.slice.call(document.querySelectorAll("table.ranking"));
  var state = { sort: "", q: "" };

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function value(row, col) {
    var cell = row.cells[col];
    if (!cell) return "";
    var v = cell.getAttribute("data-v");
    return v === null ? cell.textContent.replace(/\s+/g, " ").trim() : v;
  }

  function sortTable(table, col, dir) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var numeric = rows.every(function (r) { var v = value(r, col); return v === "" || !isNaN(Number(v)); });
    rows.sort(function (a, b) {
      var x = value(a, col), y = value(b, col), c = 0;
      if (x === "" || y === "") {
        c = x === y ? 0 : (x === "" ? 1 : -1); // empty cells last, whatever the direction
      } else {
        c = numeric ? Number(x) - Number(y) : collator.compare(x, y);
        if (dir === "desc") c = -c;
      }
      return c || Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.setAttribute("aria-sort", i === col ? (dir === "desc" ? "descending" : "ascending") : "none");
    });
  }

  function firstDirection(th, table, col) {
    var rankLike = th.classList.contains("rank") || th.classList.contains("other");
    var numeric = Array.prototype.every.call(table.tBodies[0].rows, function (r) {
      var v = value(r, col); return v === "" || !isNaN(Number(v));
    });
    return numeric && !rankLike ? "desc" : "asc";
  }

  // The plural category of a count in the page's language (French: 0 and 1 are "one"), as the catalogue's forms.
  function plural(n) {
    return window.Intl && Intl.PluralRules ? new Intl.PluralRules(document.documentElement.lang || "en").select(n) : (n === 1 ? "one" : "other");
  }

  function filter(query) {
    var q = fold(query), shown = 0;
    Array.prototype.forEach.call(document.querySelectorAll("main [data-name]"), function (el) {
      var hit = q === "" || fold(el.getAttribute("data-name")).indexOf(q) !== -1;
      el.hidden = !hit;
      if (hit && el.tagName === "TR") shown += 1;
    });
    if (q === "") output.textContent = "";
    else if (shown === 0) output.textContent = output.getAttribute("data-none");
    else output.textContent = output.getAttribute(plural(shown) === "one" ? "data-one" : "data-other").replace("{n}", String(shown));
  }

  function save() {
    var parts = [];
    if (state.sort) parts.push("sort=" + encodeURIComponent(state.sort));
    if (state.q) parts.push("q=" + encodeURIComponent(state.q));
    history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
  }

  function applySort(spec) {
    var m = /^([\w-]+)\.(\d+)\.(asc|desc)$/.exec(spec || "");
    var table = m && document.getElementById(m[1]);
    if (!table || !table.classList.contains("ranking") || Number(m[2]) >= table.tHead.rows[0].cells.length) return;
    sortTable(table, Number(m[2]), m[3]);
    state.sort = spec;
  }

  tables.forEach(function (table) {
    Array.prototype.forEach.call(table.tBodies[0].rows, function (r, i) { r.setAttribute("data-order", String(i)); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var now = th.getAttribute("aria-sort");
        var dir = now === "ascending" ? "desc" : now === "descending" ? "asc" : firstDirection(th, table, col);
        applySort(table.id + "." + col + "." + dir);
        save();
      });
    });
  });

  form.hidden = false;
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  input.addEventListener("input", function () { state.q = input.value; filter(input.value); save(); });

  var params = {};
  location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
    var i = pair.indexOf("=");
    if (i > 0) {
      try { params[pair.slice(0, i)] = decodeURIComponent(pair.slice(i + 1)); } catch (e) { /* a broken link */ }
    }
  });
  if (params.sort) applySort(params.sort);
  if (params.q) { input.value = params.q; state.q = params.q; filter(params.q); }
  document.body.setAttribute("data-ready", "true");
})();
