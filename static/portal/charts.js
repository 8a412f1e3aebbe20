// Gridline's one chart helper: every chart of the portal (consumption, market; bills,
// insights and the generator dashboard to come) is drawn by Plotly (its JavaScript comes
// from the `plotly` Python package) through this file, so axes, units, time labels,
// legends, tooltips and colours look the same everywhere.
//
// A chart is described by a spec (built by the server or by page code):
//   { kind: "bar" | "line", stacked: bool, xType: "category" | "time",
//     x: [labels or ISO 8601 instants], xTitle, yTitle, unit,
//     series: [{ name, y: [numbers or null], colour?, estimated?: bool, kind?, dash? }],
//     height? }
// "time" x values are instants (with offset); they are shown in the viewer's local time.
// A series marked estimated is drawn hatched in the estimated colour, with its legend.
(function () {
  "use strict";

  // "kWh (kWh)" says the unit twice: the unit goes in brackets only when the title lacks it.
  function axisTitle(title, unit) {
    if (!unit || title.indexOf(unit) !== -1) { return title; }
    return title ? title + " (" + unit + ")" : unit;
  }

  function css(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function localTime(iso) {
    var d = new Date(iso);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }

  function traces(spec) {
    var brand = css("--brand", "#0b7a53");
    var estimated = css("--estimated", "#d39b1e");
    var x = spec.xType === "time" ? spec.x.map(localTime) : spec.x;
    var unit = spec.unit ? " " + spec.unit : "";
    var when = spec.xType === "time" ? "%{x|%d %b %H:%M}" : "%{x}";
    return spec.series.map(function (series, index) {
      var kind = series.kind || spec.kind;
      var colour = series.colour === "brand" ? brand : series.colour ||
        (series.estimated ? estimated : index === 0 ? brand :
         ["#5b6775", "#8e44ad", "#c0392b", "#2980b9"][index % 4]);
      var trace = {
        name: series.name, x: series.x ? (spec.xType === "time" ? series.x.map(localTime) : series.x) : x,
        y: series.y, type: kind === "line" ? "scatter" : "bar",
        hovertemplate: when + "<br>%{y:" + (spec.valueFormat || ",.3f") + "}" + unit +
          "<extra>" + series.name + "</extra>",
      };
      if (trace.type === "bar") {
        trace.marker = { color: colour };
        if (series.estimated) {
          trace.marker.pattern = { shape: "/", bgcolor: colour, fgcolor: "#ffffff", size: 6,
                                   solidity: 0.3, fillmode: "replace" };
        }
      } else {
        trace.mode = series.mode || "lines";
        trace.line = { color: colour, width: 2, dash: series.dash || "solid",
                       shape: series.shape || "linear" };
      }
      return trace;
    });
  }

  function layout(spec) {
    return {
      height: spec.height || 320,
      margin: { l: 56, r: 12, t: 30, b: 48 },
      barmode: spec.stacked ? "stack" : "group",
      bargap: 0.15,
      hovermode: "x unified",
      showlegend: true,
      // Above the plot: below it, it would collide with the time axis's labels.
      legend: { orientation: "h", x: 0, y: 1.0, yanchor: "bottom", traceorder: "normal" },
      xaxis: { title: { text: spec.xTitle || "" }, type: spec.xType === "time" ? "date" : "category",
               automargin: true, tickangle: 0, nticks: spec.nticks || 8, fixedrange: true },
      yaxis: { title: { text: axisTitle(spec.yTitle || "", spec.unit) },
               automargin: true, zeroline: true, fixedrange: true, rangemode: spec.rangemode || "tozero" },
      font: { family: "system-ui, -apple-system, Segoe UI, sans-serif", size: 12,
              color: css("--ink", "#1d2733") },
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
    };
  }

  var CONFIG = { responsive: true, displayModeBar: false };

  function render(element, spec) {
    element.dataset.chartReady = "false";
    return Plotly.react(element, traces(spec), layout(spec), CONFIG).then(function () {
      element.dataset.chartReady = "true";
      element.gridlineSpec = spec;
      return element;
    });
  }

  // Charts whose spec the server put in the page: <div data-chart="ID"> + json_script ID.
  function renderAll() {
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.dataset.chart);
      if (source) { render(element, JSON.parse(source.textContent)); }
    });
  }

  window.GridlineCharts = { render: render, renderAll: renderAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", renderAll);
  } else {
    renderAll();
  }
})();
