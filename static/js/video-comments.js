/* Time-stamped comments: pausing the recording fills in the second; a comment's time jumps
   the video there. */
(function () {
  "use strict";
  var video = document.getElementById("recording");
  if (!video) { return; }
  var second = document.getElementById("comment-second");
  function remember() {
    if (second) { second.value = (Math.round(video.currentTime * 10) / 10).toString(); }
  }
  video.addEventListener("pause", remember);
  video.addEventListener("seeked", remember);
  var stamps = document.querySelectorAll("[data-seek]");
  for (var i = 0; i < stamps.length; i++) {
    stamps[i].addEventListener("click", function (event) {
      video.currentTime = parseFloat(event.currentTarget.getAttribute("data-seek"));
      video.scrollIntoView({ behavior: "smooth", block: "center" });
      video.play().catch(function () { /* autoplay may be refused: the seek still happened */ });
    });
  }
}());
