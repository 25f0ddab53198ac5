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

  function field(name) { return form.querySelector("[name=" + name + "]"); }
  function chosen(name) { var f = field(name); return !!(f && f.files && f.files.length); }
  function filled(name) { var f = field(name); return !!(f && f.value.trim()); }

  /* The parts the chosen kind needs that the form lacks, by their labels. What each kind
     needs comes from the server (data-parts-<kind>, models/case.py: parts_of); a part counts
     as present as in CaseVersion.missing_parts: a file chosen or already stored, or text. */
  function missingParts() {
    var select = field("kind");
    var kind = select ? select.value : "";
    var needed = (form.getAttribute("data-parts-" + kind) || "").split(" ");
    var have = (form.dataset.have || "").split(" ");
    var present = {
      design: have.indexOf("design") !== -1 || chosen("design_file") || filled("design_text"),
      recording: have.indexOf("recording") !== -1 || chosen("recording"),
      reflection: filled("reflection")
    };
    var missing = [];
    for (var i = 0; i < needed.length; i++) {
      var part = needed[i];
      if (part && !present[part]) {
        var legend = form.querySelector("[data-part=" + part + "] [data-part-legend]");
        missing.push({part: part, label: (legend && legend.getAttribute("data-label-" + kind))
                      || (legend && legend.textContent) || part});
      }
    }
    return missing;
  }

  /* A file of the wrong type, by the extensions its input accepts (the server checks the
     bytes again): refused before a byte is sent. */
  function wrongType(input, file) {
    var accepted = (input.getAttribute("accept") || "").split(",").map(function (a) {
      return a.trim().toLowerCase();
    }).filter(function (a) { return a.charAt(0) === "."; });
    var name = file.name.toLowerCase();
    if (!accepted.length) { return null; }
    for (var i = 0; i < accepted.length; i++) {
      if (name.slice(-accepted[i].length) === accepted[i]) { return null; }
    }
    return accepted.join(", ");
  }

  /* Everything that can be known before sending: a hand-in with a part missing, a file of
     the wrong type or too large. A 2 GB recording is not sent only to be refused. */
  function refusalBeforeSending(submitter) {
    var marked = form.querySelectorAll("fieldset.is-missing");
    for (var m = 0; m < marked.length; m++) { marked[m].classList.remove("is-missing"); }
    if (submitter && submitter.name === "submit_now") {
      var missing = missingParts();
      if (missing.length) {
        /* The message stays by the buttons the teacher just pressed; the parts are marked. */
        missing.forEach(function (item) {
          var set = form.querySelector("fieldset[data-part=" + item.part + "]");
          if (set) { set.classList.add("is-missing"); }
        });
        return form.dataset.missingMessage.replace("{parts}", missing.map(function (item) {
          return item.label;
        }).join("、"));
      }
    }
    /* A server that stops reading a 2 GB body leaves the browser waiting, so the size is
       checked here first (and again on the server). */
    var limit = parseInt(form.dataset.maxBytes, 10);
    var inputs = form.querySelectorAll("input[type=file]");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].closest("fieldset[hidden]")) { continue; }  // not sent for this kind
      var files = inputs[i].files || [];
      for (var j = 0; j < files.length; j++) {
        var types = wrongType(inputs[i], files[j]);
        if (types) {
          return form.dataset.wrongTypeMessage.replace("{name}", files[j].name)
            .replace("{types}", types);
        }
        if (limit && files[j].size > limit) {
          return form.dataset.tooLargeMessage.replace("{name}", files[j].name);
        }
      }
    }
    return null;
  }

  /* Before a long upload, make sure the session is still there: a recording sent after the
     login expired would cross a school uplink for 20 minutes only to be refused. The form's
     own page is fetched; a redirect means logged out (the teacher logs in in another tab and
     sends again: the chosen files stay chosen), otherwise its fresh CSRF token replaces ours
     (a new login has a new one). Any other answer lets the post go and speak for itself. */
  function sessionAlive(then) {
    if (!window.fetch || !window.DOMParser) { then(); return; }
    fetch(window.location.href, {credentials: "same-origin", redirect: "manual",
                                 cache: "no-store", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (response.type === "opaqueredirect" || response.status === 401) {
          loggedOut();
          return null;
        }
        return response.ok ? response.text() : "";
      })
      .then(function (html) {
        if (html === null) { return; }
        if (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.querySelector("form[data-upload-form] input[name=csrf_token]");
          var mine = form.querySelector("input[name=csrf_token]");
          if (fresh && mine) { mine.value = fresh.value; }
        }
        then();
      }, function () { then(); });
  }

  function loggedOut() {
    fail(form.dataset.sessionMessage || "Please log in again.");
    var link = document.createElement("a");
    link.href = form.dataset.loginUrl || "/login";
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = form.dataset.loginLabel || "Log in";
    errorBox.appendChild(document.createTextNode(" "));
    errorBox.appendChild(link);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    errorBox.hidden = true;
    var refusal = refusalBeforeSending(event.submitter);
    if (refusal) {
      fail(refusal);
      return;
    }
    var submitter = event.submitter;
    for (var b = 0; b < buttons.length; b++) { buttons[b].disabled = true; }
    sessionAlive(function () { send(submitter); });
  });

  function send(submitter) {
    var data = new FormData(form);
    var unsent = form.querySelectorAll("fieldset[hidden] input[type=file]");
    for (var k = 0; k < unsent.length; k++) { data.delete(unsent[k].name); }  // not kept anyway
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
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
      /* The session ended (log in again) or the page expired (reload it): the typed text is
         kept by keep.js and comes back; the files have to be chosen again. */
      if (body.login || body.reload) { window.location.assign(body.login || body.reload); return; }
      if (body.errors) { fail(body.errors.join(" ")); return; }
      fail(body.error || form.dataset.failMessage || ("HTTP " + xhr.status));
    });
    xhr.addEventListener("error", function () { fail(form.dataset.networkMessage || "Network error"); });
    xhr.addEventListener("abort", function () { busy(false); });
    busy(true);
    bar.value = 0;
    percent.textContent = "0%";
    xhr.send(data);
  }

  box.querySelector("[data-cancel]").addEventListener("click", function () {
    if (xhr) { xhr.abort(); }
  });
}());
