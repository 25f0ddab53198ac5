// A quiz attempt (templates/courses/quiz_attempt.html): before handing in, ask for a
// confirmation when a question has no answer ticked (it would count as wrong). The server
// grades whatever arrives; this only spares a learner a slip.
(function () {
  "use strict";
  var form = document.querySelector("form[data-unanswered]");
  if (!form) { return; }
  form.addEventListener("submit", function (event) {
    var open = Array.prototype.filter.call(
      form.querySelectorAll("fieldset[data-testid=question]"),
      function (set) { return set.querySelector("input") && !set.querySelector("input:checked"); });
    if (open.length && !window.confirm(form.getAttribute("data-unanswered"))) {
      event.preventDefault();
    }
  });
})();
