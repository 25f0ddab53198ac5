/* The live room. Messages carry a per-room sequence number; the client remembers the last
   one it saw and, after every (re)connect, asks for everything after it, so a flaky phone
   connection never misses a message. Messages being sent keep their client id and are
   re-sent after a reconnect; the server stores each client id once. */
(function () {
  "use strict";
  var root = document.getElementById("chat");
  if (!root || !window.MentorLive) { return; }
  var socket = window.MentorLive.socket;
  var t = root.dataset;
  var room = t.room;
  var me = parseInt(t.me, 10);
  var lastSeq = parseInt(t.lastSeq, 10) || 0;   /* the highest number shown */
  var contiguous = lastSeq;  /* every number up to this one is shown: syncs start here */
  var firstSeq = null;
  var list = root.querySelector("[data-messages]");
  var conn = root.querySelector("[data-testid=connection]");
  var errorBox = root.querySelector("[data-error]");
  var typingBox = root.querySelector("[data-typing]");
  var presenceBox = root.querySelector("[data-presence]");
  var olderButton = root.querySelector("[data-older]");
  var composer = root.querySelector("[data-composer]");
  var input = composer.querySelector("textarea");
  var bySeq = {};
  var outbox = [];  // {client_id, body, li, acked}
  var joined = false;

  Array.prototype.forEach.call(list.querySelectorAll("li[data-seq]"), function (li) {
    var seq = parseInt(li.dataset.seq, 10);
    bySeq[seq] = li;
    if (firstSeq === null || seq < firstSeq) { firstSeq = seq; }
    addModeration(li, { seq: seq, id: parseInt(li.dataset.id, 10),
                        author: { id: parseInt(li.dataset.author, 10) } });
  });
  list.scrollTop = list.scrollHeight;

  function state(name, text) {
    conn.className = "conn conn-" + name;
    conn.textContent = text;
    root.dataset.state = name;
  }
  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = !message;
  }
  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return "c" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function element(m) {
    var li = document.createElement("li");
    li.className = "msg" + (m.author && m.author.id === me ? " mine" : "") + (m.deleted ? " deleted" : "");
    li.dataset.seq = m.seq;
    li.dataset.id = m.id;
    var seq = document.createElement("span");
    seq.className = "seq";
    seq.textContent = "#" + m.seq;
    var who = document.createElement("strong");
    who.className = "who";
    who.textContent = m.author ? m.author.name : "";
    var body = document.createElement("span");
    body.className = "body";
    body.textContent = m.deleted ? t.tDeleted : m.body;   /* text, never HTML */
    var at = document.createElement("time");
    at.className = "at";                                   /* HH:MM on the studio's clock */
    if (m.at) { at.setAttribute("datetime", m.at); }
    at.textContent = m.time || "";
    li.appendChild(seq); li.appendChild(document.createTextNode(" "));
    li.appendChild(who); li.appendChild(document.createTextNode(" "));
    li.appendChild(at); li.appendChild(document.createTextNode(" "));
    li.appendChild(body);
    addModeration(li, m);
    return li;
  }

  function addModeration(li, m) {
    if (!t.moderator || li.classList.contains("deleted")) { return; }
    var del = document.createElement("button");
    del.type = "button"; del.className = "link mod"; del.textContent = t.tDelete;
    del.addEventListener("click", function () {
      socket.emit("delete", { room: room, message_id: m.id }, function (ack) {
        if (!ack.ok) { showError(ack.error); }
      });
    });
    li.appendChild(document.createTextNode(" "));
    li.appendChild(del);
    if (m.author && m.author.id !== me) {
      var mute = document.createElement("button");
      mute.type = "button"; mute.className = "link mod"; mute.textContent = t.tMute;
      mute.addEventListener("click", function () {
        socket.emit("mute", { room: room, user_id: m.author.id }, function (ack) {
          if (!ack.ok) { showError(ack.error); }
        });
      });
      li.appendChild(document.createTextNode(" "));
      li.appendChild(mute);
    }
  }

  function render(m) {
    if (m.room && m.room !== room) { return; }
    var pending = null;
    outbox = outbox.filter(function (item) {
      if (m.author && m.author.id === me && item.client_id === m.client_id) { pending = item; return false; }
      return true;
    });
    if (pending) { pending.li.remove(); }
    if (bySeq[m.seq]) { return; }                 /* exactly once */
    var li = element(m);
    bySeq[m.seq] = li;
    var atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    if (m.seq > lastSeq) {
      list.appendChild(li);
      lastSeq = m.seq;
    } else {                                      /* a late one: put it in its place */
      var after = null;
      Object.keys(bySeq).map(Number).sort(function (a, b) { return a - b; }).some(function (s) {
        if (s > m.seq && bySeq[s] !== li) { after = bySeq[s]; return true; }
        return false;
      });
      list.insertBefore(li, after);
    }
    if (firstSeq === null || m.seq < firstSeq) { firstSeq = m.seq; }
    while (bySeq[contiguous + 1]) { contiguous += 1; }
    outbox.forEach(function (item) { list.appendChild(item.li); });
    if (atBottom) { list.scrollTop = list.scrollHeight; }
  }

  function sync() {
    socket.emit("sync", { room: room, after_seq: contiguous }, function (ack) {
      if (!ack || !ack.ok) { return; }
      ack.messages.forEach(render);
      if (ack.more) { sync(); }
    });
  }

  function join() {
    socket.emit("join", { room: room, after_seq: contiguous }, function (ack) {
      if (!ack || !ack.ok) { showError(ack ? ack.error : ""); return; }
      joined = true;
      ack.messages.forEach(render);
      if (ack.more) { sync(); }
      outbox.forEach(transmit);                    /* re-send what was not acknowledged */
    });
  }

  function transmit(item) {
    if (!socket.connected || !joined) { return; }
    socket.timeout(8000).emit("send", { room: room, client_id: item.client_id, body: item.body },
      function (err, ack) {
        if (err) { return; }                       /* no answer: kept, re-sent on reconnect */
        if (ack.ok) {
          item.acked = true;
          if (ack.seq > contiguous + 1 || !bySeq[ack.seq]) { sync(); }  /* fill any gap */
        } else {
          outbox = outbox.filter(function (x) { return x !== item; });
          item.li.classList.add("failed");
          item.li.querySelector(".state").textContent = t.tFailed;
          showError(ack.error);
        }
      });
  }

  function send(body) {
    var item = { client_id: uuid(), body: body, acked: false };
    var li = document.createElement("li");
    li.className = "msg mine pending";
    var text = document.createElement("span");
    text.className = "body";
    text.textContent = body;
    var st = document.createElement("span");
    st.className = "state meta";
    st.textContent = " " + t.tPending;
    li.appendChild(text); li.appendChild(st);
    item.li = li;
    outbox.push(item);
    list.appendChild(li);
    list.scrollTop = list.scrollHeight;
    showError("");
    transmit(item);
  }

  composer.addEventListener("submit", function (event) {
    event.preventDefault();
    var body = input.value.trim();
    if (!body) { return; }
    input.value = "";
    send(body);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  var lastTyping = 0;
  input.addEventListener("input", function () {
    var now = Date.now();
    if (socket.connected && now - lastTyping > 2000) {
      lastTyping = now;
      socket.emit("typing", { room: room });
    }
  });

  var typingTimer = null;
  socket.on("typing", function (data) {
    if (data.room !== room) { return; }
    typingBox.textContent = t.tTyping.replace("{name}", data.user.name);
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typingBox.textContent = ""; }, 3000);
  });
  socket.on("presence", function (data) {
    if (data.room !== room) { return; }
    presenceBox.textContent = data.members.map(function (u) { return u.name; }).join("、");
  });
  socket.on("message", function (m) {
    if (m.room !== room) { return; }
    render(m);
    if (m.seq > contiguous) { sync(); }   /* an earlier one has not arrived (yet): ask for it */
  });
  socket.on("deleted", function (data) {
    var li = bySeq[data.seq];
    if (data.room !== room || !li) { return; }
    li.classList.add("deleted");
    li.querySelector(".body").textContent = t.tDeleted;
    Array.prototype.forEach.call(li.querySelectorAll(".mod"), function (b) { b.remove(); });
  });
  socket.on("muted", function (data) {
    if (data.room !== room) { return; }
    typingBox.textContent = t.tMuted.replace("{name}", data.user.name);
  });

  socket.on("connect", function () { state("connected", t.tConnected); showError(""); join(); });
  socket.on("disconnect", function () { joined = false; state("reconnecting", t.tReconnecting); });
  socket.on("connect_error", function () { state("reconnecting", t.tReconnecting); });
  document.addEventListener("mentor:session-ended", function () {
    state("offline", t.tOffline);
    showError(t.tSessionEnded);
  });
  if (socket.connected) { state("connected", t.tConnected); join(); }

  if (olderButton) {
    olderButton.addEventListener("click", function () {
      if (firstSeq === null) { return; }
      socket.emit("history", { room: room, before_seq: firstSeq }, function (ack) {
        if (!ack || !ack.ok) { return; }
        var height = list.scrollHeight;
        ack.messages.slice().reverse().forEach(function (m) {
          if (bySeq[m.seq]) { return; }
          var li = element(m);
          bySeq[m.seq] = li;
          list.insertBefore(li, list.firstChild);
          firstSeq = Math.min(firstSeq, m.seq);
        });
        list.scrollTop = list.scrollHeight - height;
        olderButton.hidden = !ack.more;
      });
    });
  }

  var saveForm = root.querySelector("[data-save-thread]");
  if (saveForm) {
    saveForm.addEventListener("submit", function (event) {
      event.preventDefault();
      socket.emit("save_thread", {
        room: room, from_seq: parseInt(saveForm.from_seq.value, 10),
        to_seq: parseInt(saveForm.to_seq.value, 10), title: saveForm.title.value
      }, function (ack) {
        if (!ack.ok) { showError(ack.error); return; }
        window.location.assign(ack.url);
      });
    });
  }
}());
