// The rectification dashboard: problems per organization as stacked bars (done, basically
// done, not done) with overdue tasks, escalations and open flags as lines, drawn with the
// vendored ECharts from the JSON the page carries (allowed by the Content-Security-Policy).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (typeof echarts === "undefined") { return; }
    document.querySelectorAll("[data-rect-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-source"));
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      el.style.height = Math.max(320, 240 + 4 * data.x.length) + "px";
      var chart = echarts.init(el, null, { renderer: "canvas" });
      var bars = data.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "problems", data: s.data };
      });
      var lines = data.lines.map(function (s) {
        return { name: s.name, type: "line", yAxisIndex: 1, data: s.data, symbolSize: 6 };
      });
      chart.setOption({
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
        color: ["#2e7d32", "#f9a825", "#9f1c1c", "#6c757d", "#0d6efd", "#d63384"],
        xAxis: {
          type: "category", data: data.x,
          axisLabel: { interval: 0, rotate: data.x.length > 6 ? 40 : 0, width: 110, overflow: "truncate" }
        },
        yAxis: [{ type: "value", minInterval: 1 }, { type: "value", minInterval: 1, splitLine: { show: false } }],
        series: bars.concat(lines)
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  });
})();
