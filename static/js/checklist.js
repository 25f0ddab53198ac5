/* A long checklist of members (project members): typing in the search box shows only the
   people whose name or username contains the text. Checked boxes stay checked while hidden. */
(function () {
  "use strict";
  var lists = document.querySelectorAll("[data-checklist]");
  Array.prototype.forEach.call(lists, function (list) {
    var input = list.querySelector("[data-checklist-filter]");
    if (!input) { return; }
    var items = list.querySelectorAll("[data-search]");
    input.addEventListener("input", function () {
      var text = input.value.trim().toLowerCase();
      Array.prototype.forEach.call(items, function (item) {
        item.hidden = text !== "" && item.getAttribute("data-search").toLowerCase().indexOf(text) === -1;
      });
    });
  });
}());
