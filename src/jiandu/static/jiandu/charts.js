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
    }
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
