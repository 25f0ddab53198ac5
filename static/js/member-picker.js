/* The task form's member picker: plain checkboxes named "members" (the form works without
   this script); with it, a search box filters the rows by name, school or username, each
   group gets a "select the whole group" button, the count of chosen members is shown, and
   ticking someone sets "For" to chosen members. Texts come from data attributes written by
   the server (translated there). */
(function () {
  "use strict";
  var picker = document.querySelector("[data-picker]");
  if (!picker) { return; }
  var form = picker.closest("form");
  var audience = form && form.querySelector("select[name=audience]");
  var search = picker.querySelector("[data-picker-search]");
  var count = picker.querySelector("[data-picker-count]");
  var empty = picker.querySelector("[data-picker-empty]");
  var groups = Array.prototype.slice.call(picker.querySelectorAll("[data-picker-group]"));
  var boxes = Array.prototype.slice.call(picker.querySelectorAll("input[name=members]"));

  /* The members of a group the search shows: "选择全组" acts on what the teacher sees. */
  function boxesOf(group) {
    return Array.prototype.slice.call(group.querySelectorAll("input[name=members]"))
      .filter(function (b) { return !b.closest(".picker-row").hidden; });
  }

  function update() {
    var n = boxes.filter(function (b) { return b.checked; }).length;
    count.textContent = picker.dataset.tCount.replace("{n}", n);
    groups.forEach(function (group) {
      var all = boxesOf(group).every(function (b) { return b.checked; });
      var button = group.querySelector("[data-picker-all]");
      button.textContent = all ? picker.dataset.tNone : picker.dataset.tAll;
      button.setAttribute("aria-pressed", all ? "true" : "false");
    });
  }

  function chosen() {
    if (audience && boxes.some(function (b) { return b.checked; })) { audience.value = "members"; }
    update();
  }

  function filter() {
    var q = search.value.trim().toLowerCase();
    var shown = 0;
    groups.forEach(function (group) {
      var visible = 0;
      group.querySelectorAll(".picker-row").forEach(function (row) {
        row.hidden = q !== "" && row.dataset.search.indexOf(q) === -1;
        if (!row.hidden) { visible += 1; }
      });
      group.hidden = visible === 0;
      shown += visible;
    });
    empty.hidden = shown > 0;
  }

  groups.forEach(function (group) {
    var button = group.querySelector("[data-picker-all]");
    button.hidden = false;
    button.addEventListener("click", function () {
      var members = boxesOf(group);
      var all = members.every(function (b) { return b.checked; });
      members.forEach(function (b) { b.checked = !all; });
      chosen();
    });
  });
  boxes.forEach(function (b) { b.addEventListener("change", chosen); });
  search.addEventListener("input", filter);
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); }   // Enter searches, never sends
  });
  picker.querySelector("[data-picker-tools]").hidden = false;
  update();
}());
