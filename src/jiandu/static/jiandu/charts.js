// Charts drawn with the vendored ECharts from data the page carries as JSON
// (<script type="application/json">, which the Content-Security-Policy allows).
(function () {
  "use strict";
  var renderers = {
    // {"days": [...], "series": [{"name": ..., "data": [...]}, ...]} as stacked bars
    "stacked-days": function (chart, data) {
      chart.setOption({
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 16, top: 32, bottom: 24 },
        xAxis: { type: "category", data: data.days.map(function (d) { return d.slice(5); }) },
        yAxis: { type: "value", minInterval: 1 },
        color: ["#9f1c1c", "#0d6efd", "#6c757d"],
        series: data.series.map(function (s) {
          return { name: s.name, type: "bar", stack: "all", data: s.data };
        })
      });
    },
    // {"x": [targets], "y": [categories], "data": [[x, y, count], ...], "max": n}
    // as a heat map; the container grows with the number of categories.
    "heatmap": function (chart, data) {
      var dom = chart.getDom();
      dom.style.height = Math.max(240, 90 + 26 * data.y.length) + "px";
      chart.resize();
      chart.setOption({
        tooltip: {
          position: "top",
          formatter: function (p) {
            return echarts.format.encodeHTML(data.y[p.value[1]]) + "<br>" +
              echarts.format.encodeHTML(data.x[p.value[0]]) + ": <b>" + p.value[2] + "</b>";
          }
        },
        grid: { left: 8, right: 16, top: 8, bottom: 70, containLabel: true },
        xAxis: {
          type: "category", data: data.x, splitArea: { show: true },
          axisLabel: { interval: 0, rotate: data.x.length > 6 ? 35 : 0, width: 120, overflow: "truncate" }
        },
        yAxis: {
          type: "category", data: data.y, inverse: true, splitArea: { show: true },
          axisLabel: { width: 260, overflow: "truncate" }
        },
        visualMap: {
          min: 0, max: Math.max(1, data.max), calculable: true, orient: "horizontal",
          left: "center", bottom: 0, itemHeight: 120,
          inRange: { color: ["#fbeaea", "#e07a7a", "#9f1c1c"] }
        },
        series: [{
          type: "heatmap", data: data.data,
          label: { show: true, formatter: function (p) { return p.value[2] || ""; } },
          emphasis: { itemStyle: { shadowBlur: 6, shadowColor: "rgba(0, 0, 0, 0.3)" } }
        }]
      });
    }
  };
  // {"labels": [...], "values": [...]} as horizontal bars, the largest on top; the
  // container grows with the number of bars.
  renderers.bars = function (chart, data) {
    var dom = chart.getDom();
    dom.style.height = Math.max(160, 40 + 24 * data.labels.length) + "px";
    chart.resize();
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category", data: data.labels, inverse: true,
        axisLabel: { width: 220, overflow: "truncate" }
      },
      color: ["#9f1c1c"],
      series: [{ type: "bar", data: data.values, label: { show: true, position: "right" } }]
    });
  };
  document.addEventListener("DOMContentLoaded", function () {
    if (typeof echarts === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-source"));
      var render = renderers[el.getAttribute("data-chart")];
      if (!source || !render) { return; }
      var chart = echarts.init(el, null, { renderer: "canvas" });
      render(chart, JSON.parse(source.textContent));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  });
})();
