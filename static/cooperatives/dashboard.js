// The generator dashboard's live output: one WebSocket per page to ws/cooperatives/<id>/;
// each message {"type": "output", "generator", "kw", "at"} updates that generator's cell.
(function () {
  "use strict";
  var root = document.getElementById("coop-dashboard");
  if (!root) { return; }
  var status = root.querySelector('[data-testid="live-status"]');

  function setStatus(value) {
    root.setAttribute("data-live-status", value);
    if (status) { status.textContent = value; }
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/cooperatives/" +
                               root.getAttribute("data-cooperative") + "/");
    socket.onmessage = function (event) {
      var message = JSON.parse(event.data);
      if (message.type === "hello") { setStatus("live"); return; }
      if (message.type !== "output") { return; }
      var kw = root.querySelector('[data-generator="' + message.generator + '"]');
      var at = root.querySelector('[data-generator-at="' + message.generator + '"]');
      if (kw) { kw.textContent = message.kw; }
      if (at) { at.textContent = message.at; }
    };
    socket.onclose = function () {
      setStatus("reconnecting");
      setTimeout(connect, 3000);
    };
  }
  connect();
}());
