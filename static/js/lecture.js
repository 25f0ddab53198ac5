/* The lecture player: resumes where the learner stopped and, for a learner the module is
   assigned to, reports what was actually played so the server can credit watch time.

   Protocol (blueprints/courses/watch.py): the first play starts a session (POST
   data-start-url -> {token, ...}); then every data-report-every seconds of playing, and on
   pause, end, seek and when the page is hidden, a report {token, seq, from, to} says "I
   played continuously from `from` to `to`". A seek first reports up to where playback was,
   then continues from the new position, so a skipped part is never reported. The server
   decides the credit; this script only shows what it answers. Every text comes from the
   page's data- attributes (translated there). */
(function () {
  "use strict";
  var video = document.getElementById("lecture");
  if (!video) { return; }
  var data = video.dataset;
  var study = data.study === "1";
  var message = document.querySelector("[data-watch-message]");
  var bar = document.querySelector("[data-watch-bar]");
  var percent = document.querySelector("[data-watch-percent]");
  var needed = document.querySelector("[data-watch-needed]");
  var left = document.querySelector("[data-watch-left]");

  function resume() {
    var position = parseFloat(data.position) || 0;
    var duration = video.duration || parseFloat(data.duration) || 0;
    if (position > 0 && position < duration - 1) { video.currentTime = position; }
  }
  if (video.readyState >= 1) { resume(); } else { video.addEventListener("loadedmetadata", resume, { once: true }); }
  if (!study) { return; }

  var token = null, seq = 0, stopped = false, starting = null;
  var queue = Promise.resolve();
  var segmentStart = null;     // where the current continuous stretch of playing began
  var lastTime = 0;            // the last position seen while not seeking
  var timer = null;

  function show(text, warning) {
    if (!message || !text) { return; }
    message.textContent = text;
    message.className = warning ? "warning" : "notice";
    message.hidden = false;
  }

  function clock(seconds) {
    seconds = Math.max(0, Math.ceil(seconds));
    var s = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (s < 10 ? "0" : "") + s;
  }

  function update(state) {
    if (bar) { bar.value = state.percent; }
    if (percent) { percent.textContent = state.percent; }
    if (needed) { needed.textContent = clock(state.needed_seconds); }
    if (state.complete) {
      if (left) { left.hidden = true; }
      show(state.message || data.msgComplete, false);
    }
  }

  function post(url, body, keepalive) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: !!keepalive,
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": data.csrf },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        return { ok: response.ok, status: response.status, json: json };
      });
    });
  }

  function start() {
    if (!starting) {
      starting = post(data.startUrl, {}).then(function (answer) {
        if (!answer.ok) {
          stopped = true;
          show(answer.json.error || data.msgRefused, true);
          return;
        }
        token = answer.json.token;
        seq = 0;
        update(answer.json);
      }).catch(function () { starting = null; show(data.msgOffline, true); });
    }
    return starting;
  }

  function send(from, to, keepalive) {
    queue = queue.then(start).then(function () {
      if (stopped || !token) { return; }
      seq += 1;
      return post(data.reportUrl, { token: token, seq: seq, from: from, to: to }, keepalive)
        .then(function (answer) {
          if (answer.ok) { update(answer.json); return; }
          show(answer.json.error || data.msgRefused, true);
          if (answer.status === 409 || answer.status === 403) { stopped = true; }
        }, function () { show(data.msgOffline, true); });
    });
    return queue;
  }

  /* Report the stretch played since the last report, ending at `to`. */
  function flush(to, keepalive) {
    if (segmentStart === null) { return; }
    var from = segmentStart;
    segmentStart = to;
    if (to > from + 0.05) { send(from, to, keepalive); }
  }

  function every() {
    return Math.max(0.2, parseFloat(data.reportEvery) || 5) * 1000;
  }

  function tick() {
    if (!video.paused && !video.seeking) { flush(video.currentTime); }
    timer = window.setTimeout(tick, every());
  }

  video.addEventListener("play", function () {
    start();
    if (segmentStart === null) { segmentStart = video.currentTime; }
    lastTime = video.currentTime;
    if (timer === null) { timer = window.setTimeout(tick, every()); }
  });
  video.addEventListener("timeupdate", function () {
    if (!video.seeking) { lastTime = video.currentTime; }
  });
  video.addEventListener("seeking", function () {
    // played up to lastTime; what lies between there and the new position is skipped
    if (segmentStart !== null) {
      flush(lastTime);
      segmentStart = video.paused ? null : video.currentTime;
    }
    lastTime = video.currentTime;
  });
  video.addEventListener("pause", function () {
    if (!video.seeking) { flush(video.currentTime); }
    segmentStart = null;
    if (timer !== null) { window.clearTimeout(timer); timer = null; }
  });
  video.addEventListener("ended", function () {
    flush(video.duration || video.currentTime);
    segmentStart = null;
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && !video.paused) {
      flush(video.currentTime, true);
    }
  });
}());
