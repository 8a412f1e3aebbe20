// Live market charts: plain SVG, fed by /ws/market/ on the page's own host.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var W = 320, H = 120, PAD = 14, KEEP = 60;
  var board = JSON.parse(document.getElementById("market-board").textContent);
  var statusEl = document.getElementById("market-status");
  var charts = {};

  document.querySelectorAll(".market-chart").forEach(function (figure) {
    var code = figure.dataset.code;
    var mode = figure.dataset.mode;
    var points = mode === "curve" ? (board.tomorrow[code] || {}).points || [] : board.series[code] || [];
    charts[code] = {
      figure: figure, mode: mode, svg: figure.querySelector("svg"),
      points: points.map(function (p) { return { t: p.t, v: Number(p.v) }; }),
      cheapest: mode === "curve" ? (board.tomorrow[code] || {}).cheapest : null,
    };
    draw(charts[code]);
  });

  function el(name, attrs) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function scale(points, fromZero) {
    // Bars grow from zero; a line uses its own range so small moves show.
    var values = points.map(function (p) { return p.v; });
    if (fromZero) { values.push(0); }
    var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
    if (fromZero) { hi = Math.max(hi, 0); }
    if (hi === lo) { hi = lo + 1; lo = lo - 1; }
    return function (v) { return H - PAD - (v - lo) / (hi - lo) * (H - 2 * PAD); };
  }

  function draw(chart) {
    var svg = chart.svg, points = chart.points;
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    if (!points.length) {
      var empty = el("text", { x: W / 2, y: H / 2, "text-anchor": "middle", "class": "axis" });
      empty.textContent = "no data yet";
      svg.appendChild(empty);
      return;
    }
    var y = scale(points, chart.mode === "curve");
    if (chart.mode === "curve") {
      var width = (W - 2 * PAD) / points.length;
      points.forEach(function (p, i) {
        var top = Math.min(y(p.v), y(0)), height = Math.max(1, Math.abs(y(p.v) - y(0)));
        var cheap = chart.cheapest && p.t >= chart.cheapest.from && p.t < chart.cheapest.to;
        var bar = el("rect", { x: PAD + i * width + 0.5, y: top, width: Math.max(1, width - 1),
                               height: height, "class": cheap ? "bar cheap" : "bar" });
        bar.dataset.t = p.t;
        svg.appendChild(bar);
      });
      var note = chart.figure.querySelector(".market-note");
      if (note && chart.cheapest) {
        note.textContent = "Cheapest: " + chart.cheapest.from.slice(11, 16) + "–" +
          chart.cheapest.to.slice(11, 16) + " UTC, average " + chart.cheapest.average;
      }
    } else {
      var step = (W - 2 * PAD) / Math.max(1, points.length - 1);
      var coords = points.map(function (p, i) {
        return (PAD + i * step).toFixed(1) + "," + y(p.v).toFixed(1);
      });
      svg.appendChild(el("polyline", { points: coords.join(" "), "class": "line" }));
      var last = points[points.length - 1];
      var valueEl = chart.figure.querySelector(".market-value");
      if (valueEl) { valueEl.textContent = String(last.v); }
    }
    var zero = y(0);
    if (zero >= PAD - 0.5 && zero <= H - PAD + 0.5) {
      svg.appendChild(el("line", { x1: PAD, x2: W - PAD, y1: zero, y2: zero, "class": "zero" }));
    }
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

  // A customer on a dynamic tariff: their own price, computed by the server per tick.
  function showMyPrice(message) {
    document.querySelectorAll('[data-testid="my-price"]').forEach(function (valueEl) {
      if (valueEl.dataset.instrument !== message.instrument) { return; }
      var card = valueEl.closest("section");
      var shown = card.dataset.interval;
      if (shown && shown > message.interval_start) { return; } // keep the newest hour
      card.dataset.interval = message.interval_start;
      valueEl.textContent = message.value;
      card.querySelector('[data-testid="my-price-interval"]').textContent =
        message.interval_start.slice(0, 16).replace("T", " ");
    });
  }

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
