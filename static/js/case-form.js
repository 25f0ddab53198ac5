/* Lesson-case form: a report or a practice case is a document, so choosing such a kind hides
   the recording and names the parts for that kind (the labels come from data attributes
   written by the server, studio/labels.py). */
(function () {
  "use strict";
  var form = document.getElementById("case-form");
  if (!form) { return; }
  var select = form.querySelector("select[name=kind]");
  var recording = form.querySelector("[data-lesson-only]");
  if (!select || !recording) { return; }
  var documents = (recording.dataset.documentKinds || "").split(" ");

  function show() {
    var kind = select.value;
    recording.hidden = documents.indexOf(kind) !== -1;
    var legends = form.querySelectorAll("[data-part-legend]");
    for (var i = 0; i < legends.length; i++) {
      var label = legends[i].getAttribute("data-label-" + kind);
      if (label) { legends[i].textContent = label; }
    }
  }
  select.addEventListener("change", show);
  show();
}());
