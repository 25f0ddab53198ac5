// The host's projector page: fetch the current check-in code and QR code every few seconds
// (the server decides the code; this page only shows it) and count down to the next one.
(function () {
  "use strict";
  var body = document.body;
  var url = body.getAttribute("data-code-url");
  var codeEl = document.querySelector("[data-code]");
  var qrEl = document.querySelector("[data-qr]");
  var leftEl = document.querySelector("[data-left]");
  var presentEl = document.querySelector("[data-present]");
  var left = parseInt(leftEl.textContent, 10) || 30;

  function refresh() {
    fetch(url, {credentials: "same-origin", cache: "no-store"}).then(function (response) {
      if (!response.ok) {
        codeEl.textContent = body.getAttribute("data-t-expired");
        qrEl.hidden = true;
        return null;
      }
      return response.json();
    }).then(function (data) {
      if (!data) { return; }
      if (codeEl.textContent !== data.code) { codeEl.textContent = data.code; }
      if (qrEl.getAttribute("src") !== data.qr) { qrEl.setAttribute("src", data.qr); }
      presentEl.textContent = data.present;
      left = data.seconds_left;
      leftEl.textContent = left;
    }).catch(function () { /* offline for a moment: the next tick tries again */ });
  }

  setInterval(function () {
    left -= 1;
    if (left <= 0) { refresh(); } else { leftEl.textContent = left; }
  }, 1000);
  setInterval(refresh, 10000);
})();
