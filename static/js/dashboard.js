/* The office's dashboard: draws each [data-chart] container with ECharts from the JSON block
   #dashboard-data (the CSP forbids inline script, so the figures travel as data). Every chart
   has the same figures in a table beside it; the charts follow the width of the page. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var VISIBLE = 12;   // studios shown at once; a slider scrolls through the rest
  var PIE_COLORS = ["#a0aec0", "#d69e2e", "#c53030", "#2f855a"];  // none, submitted, returned, certified
  var COLORS = ["#c53030", "#2f855a", "#2b6cb0", "#d69e2e", "#805ad5", "#dd6b20", "#718096"];

  function narrow() { return window.innerWidth < 640; }

  function barOption(chart) {
    var many = chart.categories.length > VISIBLE;
    var option = {
      color: COLORS,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: (many ? 30 : 0) + (chart.unit === "%" ? 48 : 28), top: 32, bottom: 8,
              containLabel: true },
      xAxis: { type: "value", max: chart.unit === "%" ? 100 : null,
               axisLabel: { formatter: "{value}" + chart.unit } },
      yAxis: { type: "category", inverse: true, data: chart.categories,
               axisLabel: { width: narrow() ? 90 : 180, overflow: "truncate" } },
      series: chart.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data, barMaxWidth: 26,
                 stack: chart.kind === "stack" ? "all" : null,
                 label: { show: chart.kind !== "stack", position: "right",
                          formatter: "{c}" + chart.unit } };
      })
    };
    if (many) {
      option.dataZoom = [{ type: "slider", yAxisIndex: 0, right: 4, width: 18, startValue: 0,
                           endValue: VISIBLE - 1, showDetail: false },
                         { type: "inside", yAxisIndex: 0 }];
    }
    return option;
  }

  function pieOption(chart) {
    return {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0 },
      series: [{ type: "pie", radius: ["40%", "68%"], center: ["50%", "45%"],
                 label: { formatter: "{b}\n{c}" },
                 // each state keeps its colour when another has no studio and is left out
                 data: chart.series.map(function (s, i) {
                   return { name: s.name, value: s.data, itemStyle: { color: PIE_COLORS[i] } };
                 }).filter(function (d) { return d.value > 0; }) }]
    };
  }

  var drawn = [];
  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var chart = data[box.getAttribute("data-chart")];
    if (!chart) { return; }
    var rows = chart.kind === "pie" ? 6 : Math.min(chart.categories.length, VISIBLE);
    box.style.height = Math.max(240, 60 + rows * 34) + "px";
    var instance = window.echarts.init(box, null, { renderer: "canvas" });
    instance.setOption(chart.kind === "pie" ? pieOption(chart) : barOption(chart));
    drawn.push(instance);
  });
  window.addEventListener("resize", function () {
    drawn.forEach(function (instance) { instance.resize(); });
  });
}());
