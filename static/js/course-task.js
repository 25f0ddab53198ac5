// The task form's course choice: shows the modules of the chosen course only, and the total
// study hours the task credits through them (none ticked: the whole course).
(function () {
  "use strict";
  var box = document.querySelector("[data-course-task]");
  if (!box) { return; }
  var form = box.closest("form");
  var deliverable = form.querySelector("select[name=deliverable]");
  var course = box.querySelector("select[name=course]");
  var total = box.querySelector("[data-course-total]");
  var hoursField = form.querySelector("input[name=hours]");

  function update() {
    var isCourse = deliverable && deliverable.value === "course";
    box.hidden = !isCourse;
    if (hoursField) { hoursField.closest(".field").hidden = isCourse; }
    var sum = 0, any = false;
    box.querySelectorAll("[data-course-modules]").forEach(function (group) {
      var mine = group.getAttribute("data-course-modules") === course.value;
      group.hidden = !mine;
      group.querySelectorAll("input[type=checkbox]").forEach(function (input) {
        if (!mine) { input.checked = false; return; }
        if (input.checked) { any = true; sum += parseFloat(input.dataset.hours) || 0; }
      });
    });
    if (!any) {
      box.querySelectorAll("[data-course-modules]:not([hidden]) input").forEach(function (input) {
        sum += parseFloat(input.dataset.hours) || 0;
      });
    }
    total.textContent = course.value ? box.dataset.tTotal.replace("{h}", sum.toFixed(1)) : "";
  }
  form.addEventListener("change", update);
  update();
})();
