// The live market page: charts drawn by static/portal/charts.js (Plotly), fed by
// /ws/market/ on the page's own host. A customer on a dynamic tariff also gets their own
// price now and for the next hours ("my_price" messages, computed by the server).
(function () {
  "use strict";
  var KEEP = 60;
  var board = JSON.parse(document.getElementById("market-board").textContent);
  var statusEl = document.getElementById("market-status");
  var charts = {};

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(iso) { var d = new Date(iso); return pad(d.getHours()) + ":" + pad(d.getMinutes()); }

  document.querySelectorAll(".market-chart").forEach(function (figure) {
    var code = figure.dataset.code;
    var mode = figure.dataset.mode;
    var points = mode === "curve" ? (board.tomorrow[code] || {}).points || [] : board.series[code] || [];
    charts[code] = {
      figure: figure, mode: mode, element: figure.querySelector(".chart"),
      points: points.map(function (p) { return { t: p.t, v: Number(p.v) }; }),
      cheapest: mode === "curve" ? (board.tomorrow[code] || {}).cheapest : null,
    };
    draw(charts[code]);
  });

  function draw(chart) {
    var points = chart.points, figure = chart.figure;
    var spec = { xType: "time", xTitle: "Time", yTitle: "Price", unit: figure.dataset.unit,
                 height: 240, nticks: 4, valueFormat: ",.2f", rangemode: chart.mode === "curve" ? "tozero" : "normal" };
    if (chart.mode === "curve") {
      var cheap = chart.cheapest;
      var inWindow = function (p) { return cheap && p.t >= cheap.from && p.t < cheap.to; };
      spec.kind = "bar"; spec.stacked = true;
      spec.x = points.map(function (p) { return p.t; });
      spec.series = [
        { name: "Hourly price", y: points.map(function (p) { return inWindow(p) ? null : p.v; }), colour: "#9fb3c8" },
        { name: "Cheapest " + board.cheapest_hours + " hours", colour: "brand", y: points.map(function (p) { return inWindow(p) ? p.v : null; }) },
      ];
      var note = figure.querySelector(".market-note");
      if (note && cheap) {
        note.textContent = "Cheapest: " + clock(cheap.from) + "–" + clock(cheap.to) + ", average " + cheap.average + " " + figure.dataset.unit;
      }
    } else {
      spec.kind = "line";
      spec.x = points.map(function (p) { return p.t; });
      spec.series = [{ name: figure.dataset.name, y: points.map(function (p) { return p.v; }) }];
      var last = points[points.length - 1];
      var valueEl = figure.querySelector(".market-value");
      if (valueEl && last) { valueEl.textContent = String(last.v); }
    }
    window.GridlineCharts.render(chart.element, spec);
  }

  function accept(message) {
    var chart = charts[message.instrument];
    if (!chart) { return; }
    var point = { t: message.interval_start, v: Number(message.value) };
    var points = chart.points;
    var index = points.findIndex(function (p) { return p.t === point.t; });
    if (index >= 0) {
      points[index] = point;
    } else if (chart.mode === "curve") {
      return; // not tomorrow's hour
    } else {
      points.push(point);
      points.sort(function (a, b) { return a.t < b.t ? -1 : a.t > b.t ? 1 : 0; });
      while (points.length > KEEP) { points.shift(); }
    }
    chart.figure.dataset.lastTick = message.interval_start;
    draw(chart);
  }

  // A customer on a dynamic tariff: the price of this half-hour and the next hours.
  function showMyPrice(message) {
    document.querySelectorAll('[data-testid="my-price-card"]').forEach(function (card) {
      if (card.dataset.instrument !== message.instrument) { return; }
      var now = message.now;
      card.querySelector('[data-testid="my-price"]').textContent = now ? now.value : "not known yet";
      var interval = card.querySelector('[data-testid="my-price-interval"]');
      interval.dataset.start = now ? now.interval_start : "";
      interval.textContent = now ? ", " + clock(now.interval_start) + "–" + clock(now.interval_end) : "";
      card.dataset.updates = String(Number(card.dataset.updates || 0) + 1);
      window.GridlineCharts.render(card.querySelector('[data-testid="my-price-chart"]'), {
        kind: "bar", xType: "time", nticks: 8, xTitle: "Starts at (each bar: one " + message.interval_wording + ")",
        yTitle: "Your price", unit: message.unit, height: 240, valueFormat: ",.4f", rangemode: "normal",
        x: message.next.map(function (p) { return p.interval_start; }),
        series: [{ name: "Your price per " + message.interval_wording + " (before VAT)",
                   y: message.next.map(function (p) { return Number(p.value); }) }],
      });
    });
  }
  JSON.parse(document.getElementById("my-outlooks").textContent).forEach(showMyPrice);

  var delay = 500;
  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/market/");
    socket.onopen = function () {
      delay = 500;
      socket.send(JSON.stringify({ subscribe: Object.keys(charts) }));
    };
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "subscribed") {
        statusEl.textContent = "live";
        document.body.dataset.marketStatus = "live";
      } else if (message.type === "tick" || message.type === "latest") {
        accept(message);
      } else if (message.type === "my_price") {
        showMyPrice(message);
      }
    };
    socket.onclose = function () {
      statusEl.textContent = "reconnecting…";
      document.body.dataset.marketStatus = "reconnecting";
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 15000);
    };
  }
  connect();
})();
