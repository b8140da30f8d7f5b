// Draws the measures charts from data the page carries in <script type="application/json">
// (json_script), so no inline script is needed (CSP script-src 'self').
(function () {
  "use strict";
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var percent = {
    min: 0, max: 100,
    ticks: { callback: function (value) { return value + "%"; } },
  };
  function runChart(canvas, spec) {
    var labels = spec.points.map(function (p) { return p.month; });
    var rates = spec.points.map(function (p) { return p.rate; });
    var median = spec.points.map(function () { return spec.median; });
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: labels,
        datasets: [
          { label: canvas.dataset.rateLabel, data: rates, borderColor: "#1d5fa7",
            backgroundColor: "#1d5fa7", pointRadius: 3, spanGaps: false, tension: 0 },
          { label: canvas.dataset.medianLabel, data: median, borderColor: "#b35900",
            borderDash: [6, 4], pointRadius: 0, borderWidth: 2 },
        ],
      },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        scales: {
          y: Object.assign({ title: { display: true, text: canvas.dataset.yLabel } }, percent),
          x: { title: { display: true, text: canvas.dataset.xLabel } },
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: { callbacks: { afterLabel: function (ctx) {
            var p = spec.points[ctx.dataIndex];
            return ctx.datasetIndex === 0 && p.d ? p.n + " / " + p.d : "";
          } } },
        },
      },
    });
  }
  function barChart(canvas, spec) {
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.rows.map(function (r) { return r.label; }),
        datasets: [{
          label: canvas.dataset.rateLabel,
          data: spec.rows.map(function (r) { return r.rate; }),
          backgroundColor: spec.rows.map(function (r) { return r.total ? "#4d4d4d" : "#1d5fa7"; }),
        }],
      },
      options: {
        indexAxis: "y", animation: false, responsive: true, maintainAspectRatio: false,
        scales: { x: Object.assign({ title: { display: true, text: canvas.dataset.xLabel } }, percent) },
        plugins: { legend: { display: false } },
      },
    });
  }
  function draw() {
    if (!window.Chart) { return; }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var spec = data(canvas.dataset.source);
      if (!spec) { return; }
      if (canvas.dataset.chart === "run") { runChart(canvas, spec); } else { barChart(canvas, spec); }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else { draw(); }
})();
