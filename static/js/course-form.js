// The lecture form: read the chosen video's duration from its metadata and put it in the
// "duration in seconds" field (used by the server only when it cannot measure the file).
(function () {
  "use strict";
  var source = document.querySelector("[data-duration-source]");
  var target = document.querySelector("[data-duration-target]");
  if (!source || !target) { return; }
  source.addEventListener("change", function () {
    var file = source.files && source.files[0];
    if (!file) { return; }
    var url = URL.createObjectURL(file);
    var probe = document.createElement("video");
    probe.preload = "metadata";
    probe.addEventListener("loadedmetadata", function () {
      if (isFinite(probe.duration) && probe.duration > 0) {
        target.value = probe.duration.toFixed(1);
      }
      URL.revokeObjectURL(url);
    });
    probe.addEventListener("error", function () { URL.revokeObjectURL(url); });
    probe.src = url;
  });
})();
