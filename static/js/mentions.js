/* @ suggestions in the post forms. A textarea with data-mentions="<url>" becomes an ARIA 1.2
   combobox: typing "@" and the start of a name (or username) asks the server for matching
   members of the studio (name, school, role) and shows them in a listbox below the field.
   Arrow keys move, Enter or Tab picks, Escape closes; a tap or click picks too. Picking
   inserts "@username " (unique, so two teachers of the same name are told apart by the
   school shown in the list); the page shows the name when the post is rendered. */
(function () {
  "use strict";
  var TOKEN = /(^|[^A-Za-z0-9_.\-])@([^\s@]{0,32})$/;

  function setup(field, index) {
    var url = field.getAttribute("data-mentions");
    var box = document.createElement("ul");
    box.id = "mention-list-" + index;
    box.className = "mention-list";
    box.setAttribute("role", "listbox");
    box.setAttribute("aria-label", field.getAttribute("data-mentions-label") || "");
    box.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    field.insertAdjacentElement("afterend", box);
    box.insertAdjacentElement("afterend", status);
    field.setAttribute("role", "combobox");
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-controls", box.id);
    field.setAttribute("aria-expanded", "false");

    var members = [], active = -1, start = -1, timer = null, asked = 0;

    function close() {
      box.hidden = true; members = []; active = -1; start = -1;
      field.setAttribute("aria-expanded", "false");
      field.removeAttribute("aria-activedescendant");
    }

    function highlight(i) {
      active = i;
      var items = box.children;
      for (var k = 0; k < items.length; k++) {
        items[k].setAttribute("aria-selected", k === i ? "true" : "false");
      }
      if (i >= 0) {
        field.setAttribute("aria-activedescendant", items[i].id);
        items[i].scrollIntoView({block: "nearest"});
      }
    }

    function render(list) {
      members = list;
      box.textContent = "";
      list.forEach(function (m, i) {
        var li = document.createElement("li");
        li.id = box.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        var name = document.createElement("strong");
        name.textContent = m.name;
        var meta = document.createElement("span");
        meta.className = "meta";
        meta.textContent = [m.school, m.role].filter(Boolean).join(" · ");
        li.appendChild(name);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(meta);
        // pointerdown keeps the focus in the field; click (mouse, touch, pen) picks
        li.addEventListener("mousedown", function (e) { e.preventDefault(); });
        li.addEventListener("click", function () { pick(i); });
        box.appendChild(li);
      });
      if (!list.length) { close(); status.textContent = field.getAttribute("data-mentions-none") || ""; return; }
      box.hidden = false;
      field.setAttribute("aria-expanded", "true");
      highlight(0);
      status.textContent = (field.getAttribute("data-mentions-count") || "%n").replace("%n", list.length);
    }

    function pick(i) {
      var m = members[i];
      if (!m || start < 0) { return; }
      var caret = field.selectionStart;
      var text = "@" + m.username + " ";
      field.value = field.value.slice(0, start) + text + field.value.slice(caret);
      var at = start + text.length;
      field.setSelectionRange(at, at);
      close();
      field.focus();
    }

    function lookup() {
      var before = field.value.slice(0, field.selectionStart);
      var match = TOKEN.exec(before);
      if (!match || field.selectionStart !== field.selectionEnd) { close(); return; }
      start = before.length - match[2].length - 1;
      var ask = ++asked;
      fetch(url + "?q=" + encodeURIComponent(match[2]), {credentials: "same-origin",
        headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {members: []}; })
        .then(function (data) { if (ask === asked && start >= 0) { render(data.members || []); } })
        .catch(close);
    }

    field.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookup, 120);
    });
    field.addEventListener("keydown", function (e) {
      if (box.hidden) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); highlight((active + 1) % members.length); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight((active - 1 + members.length) % members.length); }
      else if ((e.key === "Enter" || e.key === "Tab") && active >= 0) { e.preventDefault(); pick(active); }
      else if (e.key === "Escape") { e.preventDefault(); close(); }
    });
    field.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  var fields = document.querySelectorAll("textarea[data-mentions]");
  for (var i = 0; i < fields.length; i++) { setup(fields[i], i); }
}());
