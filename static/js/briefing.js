// Briefing editor: a picture uploaded from the form below the text is put into the text
// where the cursor is (the server also adds it to the end of the saved text, for the case
// the page is left without saving). Without JavaScript the form posts and the page reloads.
(function () {
  "use strict";
  var form = document.querySelector("[data-image-upload]");
  var text = document.getElementById("body");
  if (!form || !text || !window.fetch) { return; }
  var error = form.querySelector("[data-image-error]");

  function insert(markdown) {
    var at = text.selectionStart != null ? text.selectionStart : text.value.length;
    var before = text.value.slice(0, at), after = text.value.slice(at);
    var piece = (before && !/\n\n$/.test(before) ? "\n\n" : "") + markdown + "\n\n";
    text.value = before + piece + after;
    text.selectionStart = text.selectionEnd = at + piece.length;
    text.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function fail(message) {
    error.textContent = message || form.getAttribute("data-t-failed");
    error.hidden = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    error.hidden = true;
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
                         headers: { "X-Requested-With": "XMLHttpRequest" } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.ok && data.markdown) {
            insert(data.markdown);
            form.reset();
          } else {
            fail(data.error);
          }
        });
      })
      .catch(function () { fail(); });
  });
}());
