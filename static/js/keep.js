/* Never lose typed text. What is typed into a form marked data-keep is kept in this browser
   (localStorage, per user and form action) until the server has accepted the post: then the
   next page names the path on <body data-keep-accepted> (studio/keep.py) and the copy goes.
   A post refused for any reason (a validation error, an expired page, a session that ended
   and sent the teacher to log in first) leaves the copy, and it is put back into the form
   when the page shows again, with a notice and a way to discard it. An explicit logout
   forgets this user's copies (a school computer is shared). */
(function () {
  "use strict";
  var PREFIX = "keep:";
  var PENDING = "keep-pending";
  var MAX_AGE = 30 * 24 * 3600 * 1000;  // a draft older than a month is forgotten
  var body = document.body;
  var store, tab;
  try {
    store = window.localStorage;
    tab = window.sessionStorage;
    store.getItem(PREFIX);
  } catch (ignore) {
    return;  // storage disabled: the forms still work, nothing is kept
  }

  function pathOf(url) {
    var a = document.createElement("a");
    a.href = url;
    return a.pathname.charAt(0) === "/" ? a.pathname : "/" + a.pathname;
  }

  /* 1. The post sent from this tab was accepted: forget its copy. */
  var accepted = body.getAttribute("data-keep-accepted");
  var pending = null;
  try { pending = JSON.parse(tab.getItem(PENDING) || "null"); } catch (ignore) { pending = null; }
  if (accepted && pending && pending.path === accepted) {
    store.removeItem(pending.key);
    tab.removeItem(PENDING);
  }

  var user = body.getAttribute("data-user");
  if (!user) { return; }  // the login page: keep everything for after the login
  var mine = PREFIX + user + ":";

  /* Forget copies older than a month. */
  for (var i = store.length - 1; i >= 0; i--) {
    var name = store.key(i);
    if (name && name.indexOf(PREFIX) === 0) {
      try {
        if (Date.now() - JSON.parse(store.getItem(name)).t > MAX_AGE) { store.removeItem(name); }
      } catch (ignore) { store.removeItem(name); }
    }
  }

  var logout = document.querySelector("form[data-logout]");
  if (logout) {
    logout.addEventListener("submit", function () {
      for (var j = store.length - 1; j >= 0; j--) {
        var key = store.key(j);
        if (key && key.indexOf(mine) === 0) { store.removeItem(key); }
      }
    });
  }

  var SKIP = {hidden: 1, password: 1, file: 1, submit: 1, button: 1, reset: 1, image: 1};

  function fields(form) {
    var out = [];
    for (var k = 0; k < form.elements.length; k++) {
      var el = form.elements[k];
      if (el.name && el.name !== "csrf_token" && !SKIP[el.type] && el.tagName !== "BUTTON") {
        out.push(el);
      }
    }
    return out;
  }

  function values(form) {
    var v = {};
    fields(form).forEach(function (el) {
      if (el.type === "radio") {
        if (el.checked) { v[el.name] = el.value; }
      } else if (el.type === "checkbox" || el.type === "select-multiple") {
        var list = v[el.name] || [];
        if (el.type === "checkbox") {
          if (el.checked) { list.push(el.value); }
        } else {
          for (var o = 0; o < el.options.length; o++) {
            if (el.options[o].selected) { list.push(el.options[o].value); }
          }
        }
        v[el.name] = list;
      } else {
        v[el.name] = el.value;
      }
    });
    return v;
  }

  function apply(form, v) {
    fields(form).forEach(function (el) {
      if (!Object.prototype.hasOwnProperty.call(v, el.name)) { return; }
      var value = v[el.name];
      if (el.type === "radio") {
        el.checked = el.value === value;
      } else if (el.type === "checkbox") {
        el.checked = value.indexOf(el.value) !== -1;
      } else if (el.type === "select-multiple") {
        for (var o = 0; o < el.options.length; o++) {
          el.options[o].selected = value.indexOf(el.options[o].value) !== -1;
        }
      } else {
        el.value = value;
      }
      el.dispatchEvent(new Event("change", {bubbles: true}));
    });
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function keyOf(form) {
    var a = document.createElement("a");
    a.href = form.getAttribute("action") || window.location.href;
    return mine + pathOf(a.href) + a.search + "#" + form.getAttribute("data-keep");
  }

  function notice(form, original, key, quiet) {
    var box = document.createElement("p");
    box.className = "notice keep-notice";
    box.setAttribute("role", "status");
    box.setAttribute("data-testid", "keep-notice");
    box.textContent = body.getAttribute("data-keep-restored") + " ";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "link";
    discard.textContent = body.getAttribute("data-keep-discard");
    discard.addEventListener("click", function () {
      quiet(function () { apply(form, original); });
      store.removeItem(key);
      box.parentNode.removeChild(box);
    });
    box.appendChild(discard);
    form.parentNode.insertBefore(box, form);
  }

  function keep(form) {
    var key = keyOf(form);
    var original = values(form);
    var timer = null;
    var muted = false;
    function quiet(change) { muted = true; try { change(); } finally { muted = false; } }
    var marker = document.createElement("input");  // tells the server the text is kept
    marker.type = "hidden";
    marker.name = "kept";
    marker.value = "1";
    form.appendChild(marker);

    var saved = null;
    try { saved = JSON.parse(store.getItem(key) || "null"); } catch (ignore) { saved = null; }
    if (saved && saved.v && !same(saved.v, original)) {
      quiet(function () { apply(form, saved.v); });
      notice(form, original, key, quiet);
    }

    function save() {
      timer = null;
      try {
        store.setItem(key, JSON.stringify({t: Date.now(), v: values(form)}));
      } catch (ignore) { /* storage full: the form still posts */ }
    }
    function later() {
      if (muted) { return; }
      if (timer === null) { timer = window.setTimeout(save, 300); }
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", function () {
      if (timer !== null) { window.clearTimeout(timer); }
      save();  // even untouched: a re-rendered page's text must survive the next refusal
      tab.setItem(PENDING, JSON.stringify({key: key, path: pathOf(form.action)}));
    });
    window.addEventListener("pagehide", function () { if (timer !== null) { save(); } });
  }

  var forms = document.querySelectorAll("form[data-keep]");
  for (var f = 0; f < forms.length; f++) { keep(forms[f]); }
}());
