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
  // The month each change started (measures.annotations): a dotted vertical line at that
  // month's point with the change's title beside it, drawn by a small inline plugin (no
  // annotation library). The same marks are listed under the chart as text.
  var changeMarks = {
    id: "changeMarks",
    afterDatasetsDraw: function (chart, args, options) {
      var marks = options.marks || [];
      if (!marks.length) { return; }
      var x = chart.scales.x, area = chart.chartArea, ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = "#5a2d82"; ctx.fillStyle = "#5a2d82";
      ctx.setLineDash([2, 3]); ctx.lineWidth = 2; ctx.font = "12px sans-serif";
      marks.forEach(function (mark, i) {
        var index = chart.data.labels.indexOf(mark.month);
        if (index < 0) { return; }
        var px = x.getPixelForValue(index);
        ctx.beginPath(); ctx.moveTo(px, area.top); ctx.lineTo(px, area.bottom); ctx.stroke();
        var text = options.prefix + ": " + mark.label;
        var width = ctx.measureText(text).width;
        var tx = px + 4 + width > area.right ? px - 4 - width : px + 4;
        ctx.fillText(text, tx, area.top + 12 + 14 * i);
      });
      ctx.restore();
    },
  };
  function runChart(canvas, spec) {
    var labels = spec.points.map(function (p) { return p.month; });
    var rates = spec.points.map(function (p) { return p.rate; });
    var median = spec.points.map(function () { return spec.median; });
    new window.Chart(canvas, {
      type: "line",
      plugins: [changeMarks],
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
          changeMarks: { marks: spec.annotations || [], prefix: canvas.dataset.changeLabel },
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
