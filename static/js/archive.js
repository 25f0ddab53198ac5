// The training archive page: each export being built asks for its state every 2 seconds
// and shows its progress, then the download link or the failure's message.
(function () {
  "use strict";
  var INTERVAL = 2000;

  function show(item, data) {
    item.dataset.state = data.state;
    var badge = item.querySelector(".job-state");
    badge.textContent = data.state_label;
    badge.className = "badge job-state job-" + data.state;
    var bar = item.querySelector("progress");
    bar.value = data.progress;
    bar.textContent = data.progress + "%";
    item.querySelector(".job-percent").textContent = data.progress + "%";
    var message = item.querySelector(".job-message");
    message.textContent = data.message || "";
    message.classList.toggle("error", data.state === "failed");
    var active = data.state === "queued" || data.state === "running";
    item.querySelector(".job-progress").hidden = !active;
    item.querySelector(".job-download").hidden = data.state !== "done";
    return active;
  }

  function poll(item) {
    fetch(item.dataset.status, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && show(item, data)) { setTimeout(function () { poll(item); }, INTERVAL); }
        else if (data && data.state === "done") { window.location.reload(); }
      })
      .catch(function () { setTimeout(function () { poll(item); }, INTERVAL * 3); });
  }

  document.querySelectorAll(".archive-job[data-status]").forEach(function (item) {
    setTimeout(function () { poll(item); }, 500);
  });
})();
