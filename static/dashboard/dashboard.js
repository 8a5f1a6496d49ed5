/* Keel dashboard: polls a small JSON endpoint every 2 s and redraws counters and charts (uPlot, vendored). */
(function () {
  "use strict";
  var COLORS = ["#1d4ed8", "#c2410c", "#15803d", "#7c3aed", "#0f766e", "#b91c1c"];
  var DASH = [[], [6, 4], [2, 3], [10, 3, 2, 3]];

  function $(id) { return document.getElementById(id); }
  function text(id, value) { var el = $(id); if (el) el.textContent = value; }
  function fmtMs(v) { return v === null || v === undefined ? "—" : v.toFixed(1); }
  function fmtPct(v) { return (v * 100).toFixed(1) + " %"; }
  function width(el) { return Math.max(200, el.clientWidth || 600); }

  function confirmForms() {
    var form = $("rollback-form");
    if (!form) return;
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.getAttribute("data-confirm"))) ev.preventDefault();
    });
  }

  function requestChart(el, data) {
    var names = Object.keys(data.series.variants);
    var series = [{}];
    var columns = [data.series.x];
    names.forEach(function (name, i) {
      series.push({ label: name, stroke: COLORS[i % COLORS.length], width: 2, dash: DASH[i % DASH.length],
                    points: { show: false } });
      columns.push(data.series.variants[name]);
    });
    series.push({ label: "errors", stroke: "#111827", width: 1.5, dash: [1, 3], points: { show: false } });
    columns.push(data.series.errors);
    el.innerHTML = "";
    var chart = new uPlot({ width: width(el), height: 280, series: series,
      axes: [{}, { label: "requests / min" }], scales: { x: { time: true } } }, columns, el);
    chart.keelNames = names.join("|");
    return chart;
  }

  function renderVariants(data) {
    var body = document.querySelector("#variant-table tbody");
    if (body) {
      var rows = Object.keys(data.health.variants).map(function (name) {
        var v = data.health.variants[name];
        return "<tr><td>" + esc(name) + "</td><td class=num>" + v.requests + "</td><td class=num>" +
          fmtPct(v.error_rate) + "</td><td class=num>" + fmtMs(v.p50_ms) + "</td><td class=num>" + fmtMs(v.p95_ms) +
          "</td><td class=num>" + fmtMs(v.p99_ms) + "</td><td class=num>" +
          (v.quality === null ? "—" : v.quality.toFixed(3) + " (" + v.labelled + ")") + "</td></tr>";
      });
      body.innerHTML = rows.join("") || "<tr><td colspan=7 class=muted>No traffic in the last hour.</td></tr>";
    }
    var list = $("variants");
    if (list) {
      list.innerHTML = data.variants.map(function (v) {
        return "<li><strong>" + esc(v.name) + "</strong> (" + esc(v.role) + ") " + esc(v.model) + " v" + v.version +
          " — " + v.weight + " %<div class=rollout-bar aria-hidden=true><span data-w='" + v.weight +
          "'></span></div></li>";
      }).join("");
      widths(list);
    }
    var rollout = $("rollout");
    if (rollout) {
      var r = data.rollout || {};
      if (!r.kind) { rollout.innerHTML = "<span class=muted>No rollout in progress.</span>"; return; }
      var plan = r.plan || [];
      var step = (r.step_index || 0) + 1;
      var pct = plan.length ? Math.round(100 * step / plan.length) : 0;
      rollout.innerHTML = "<div>" + esc(r.kind) + ": step " + step + " of " + (plan.length || "?") +
        " (" + pct + " %)</div><div class=rollout-bar><span data-w='" + pct + "'></span></div>";
      widths(rollout);
    }
  }

  // Bar widths go through the CSSOM: the Content-Security-Policy refuses inline style attributes in HTML.
  function widths(root) {
    root.querySelectorAll("[data-w]").forEach(function (el) { el.style.width = el.getAttribute("data-w") + "%"; });
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function deploymentPage(url) {
    confirmForms();
    var data = JSON.parse($("initial-data").textContent);
    var el = $("chart");
    var chart = requestChart(el, data);
    renderVariants(data);
    function apply(d) {
      text("c-requests", d.health.requests);
      text("c-errors", fmtPct(d.health.error_rate));
      text("c-p95", d.health.p95_ms === null ? "—" : d.health.p95_ms.toFixed(1) + " ms");
      text("c-drift", d.drift.verdict);
      text("c-drift-summary", d.drift.summary);
      heatmap(d.drift.report);
      text("c-firing", d.firing_alerts);
      text("revision-number", d.revision === null ? "—" : d.revision);
      text("strategy", d.strategy || "");
      text("c-updated", new Date().toLocaleTimeString());
      var names = Object.keys(d.series.variants).join("|");
      if (names !== chart.keelNames) {
        chart.destroy();
        chart = requestChart(el, d);
      } else {
        var cols = [d.series.x];
        Object.keys(d.series.variants).forEach(function (n) { cols.push(d.series.variants[n]); });
        cols.push(d.series.errors);
        chart.setData(cols);
      }
      renderVariants(d);
    }
    // A new drift report redraws the heatmap from the server's own template (fetched only when the report changes).
    var heatmapBusy = false;
    function heatmap(report) {
      var section = $("drift-heatmap");
      var wanted = report === null || report === undefined ? "" : String(report);
      if (!section || heatmapBusy || section.getAttribute("data-report") === wanted) return;
      heatmapBusy = true;
      fetch(url + "?heatmap=1", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (d) {
          section.innerHTML = d.heatmap_html;
          section.setAttribute("data-report", d.drift.report === null ? "" : String(d.drift.report));
        })
        .catch(function () {})
        .finally(function () { heatmapBusy = false; });
    }
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(apply)
        .catch(function () { text("c-updated", "offline"); })
        .finally(function () { setTimeout(poll, 2000); });
    }
    setTimeout(poll, 2000);
    window.addEventListener("resize", function () { chart.setSize({ width: width(el), height: 280 }); });
  }

  function curve(el, curves, xk, yk, xl, yl, diagonal) {
    if (!el || !curves.length) { if (el) el.innerHTML = "<p class=muted>Not available.</p>"; return; }
    var c = curves[0];
    var pts = c[xk].map(function (x, i) { return [x, c[yk][i]]; })
      .filter(function (p) { return p[0] !== null && p[1] !== null; })
      .sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var xs = pts.map(function (p) { return p[0]; });
    var series = [{}, { label: "class " + c.label, stroke: COLORS[0], width: 2, points: { show: false } }];
    var cols = [xs, pts.map(function (p) { return p[1]; })];
    if (diagonal) {
      series.push({ label: "chance", stroke: "#9aa4b1", dash: [4, 4], width: 1, points: { show: false } });
      cols.push(xs.slice());
    }
    new uPlot({ width: width(el), height: 260, series: series, legend: { show: false },
      scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
      axes: [{ label: xl }, { label: yl }] }, cols, el);
  }

  function confusion(el, cm) {
    if (!el) return;
    if (!cm) { el.innerHTML = "<p class=muted>Not available.</p>"; return; }
    var max = Math.max.apply(null, cm.matrix.map(function (r) { return Math.max.apply(null, r); })) || 1;
    var html = "<table class=confusion><tr><th>actual \\ predicted</th>" +
      cm.labels.map(function (l) { return "<th>" + esc(l) + "</th>"; }).join("") + "</tr>";
    cm.matrix.forEach(function (row, i) {
      html += "<tr><th>" + esc(cm.labels[i]) + "</th>" + row.map(function (v) {
        var a = (0.1 + 0.6 * v / max).toFixed(2);
        return "<td data-alpha='" + a + "'" + (v / max > 0.6 ? " class=dark" : "") + ">" + v + "</td>";
      }).join("") + "</tr>";
    });
    el.innerHTML = html + "</table>";
    el.querySelectorAll("[data-alpha]").forEach(function (td) {
      td.style.background = "rgba(29,78,216," + td.getAttribute("data-alpha") + ")";
    });
  }

  function importance(el, rows) {
    if (!el) return;
    if (!rows.length) { el.innerHTML = "<p class=muted>Not available.</p>"; return; }
    var max = Math.max.apply(null, rows.map(function (r) { return Math.abs(r.mean || 0); })) || 1;
    el.innerHTML = "<div class=bars>" + rows.map(function (r) {
      var w = (100 * Math.abs(r.mean || 0) / max).toFixed(1);
      return "<div class=bar><span class=name title='" + esc(r.feature) + "'>" + esc(r.feature) +
        "</span><span><span class=fill data-w='" + w + "'></span></span><span class=num>" +
        (r.mean === null ? "—" : r.mean.toFixed(4)) + "</span></div>";
    }).join("") + "</div>";
    widths(el);
  }

  function modelPage() {
    var node = $("plots-data");
    if (!node) return;
    var p = JSON.parse(node.textContent);
    curve($("plot-roc"), p.roc, "fpr", "tpr", "false positive rate", "true positive rate", true);
    curve($("plot-pr"), p.pr, "recall", "precision", "recall", "precision", false);
    confusion($("plot-confusion"), p.confusion);
    importance($("plot-importance"), p.importance);
  }

  window.Keel = { deploymentPage: deploymentPage, modelPage: modelPage };

  // The page names its script in <body data-page>: no inline script (the Content-Security-Policy allows none).
  var page = document.body.getAttribute("data-page");
  if (page === "deployment") deploymentPage(document.body.getAttribute("data-url"));
  else if (page === "model") modelPage();
})();
