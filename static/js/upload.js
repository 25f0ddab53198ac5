/* Lesson-case form: send it with XMLHttpRequest so a 2 GB recording shows a progress bar and
   can be cancelled. Without JavaScript the form posts normally. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload-form]");
  if (!form || !window.FormData) { return; }
  var box = form.querySelector(".upload-progress");
  var bar = box.querySelector("progress");
  var percent = box.querySelector(".upload-percent");
  var errorBox = form.querySelector("[data-upload-error]");
  var buttons = form.querySelectorAll("button[type=submit]");
  var xhr = null;

  function busy(on) {
    box.hidden = !on;
    for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = on; }
  }
  function fail(message) {
    busy(false);
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    /* Refuse an oversized file before sending it: a server that stops reading a 2 GB body
       leaves the browser waiting, so the check happens here first (and again on the server). */
    var limit = parseInt(form.dataset.maxBytes, 10);
    var inputs = form.querySelectorAll("input[type=file]");
    for (var i = 0; i < inputs.length; i++) {
      var files = inputs[i].files || [];
      for (var j = 0; j < files.length; j++) {
        if (limit && files[j].size > limit) {
          fail(form.dataset.tooLargeMessage.replace("{name}", files[j].name));
          return;
        }
      }
    }
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) {
      data.append(event.submitter.name, event.submitter.value);
    }
    xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action") || window.location.href);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        var p = Math.floor(e.loaded * 100 / e.total);
        bar.value = p;
        percent.textContent = p + "%";
      }
    });
    xhr.addEventListener("load", function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (ignore) { body = {}; }
      if (xhr.status < 300 && body.redirect) { window.location.assign(body.redirect); return; }
      if (body.errors) { fail(body.errors.join(" ")); return; }
      fail(body.error || form.dataset.failMessage || ("HTTP " + xhr.status));
    });
    xhr.addEventListener("error", function () { fail(form.dataset.networkMessage || "Network error"); });
    xhr.addEventListener("abort", function () { busy(false); });
    busy(true);
    bar.value = 0;
    percent.textContent = "0%";
    xhr.send(data);
  });

  box.querySelector("[data-cancel]").addEventListener("click", function () {
    if (xhr) { xhr.abort(); }
  });
}());
