/* One Socket.IO connection per page for logged-in users: the bell updates live, and a
   session ended elsewhere (logout, password change, removal) closes the socket. */
(function () {
  "use strict";
  if (!window.io || !document.body.hasAttribute("data-live")) { return; }
  var socket = window.io({ reconnectionDelayMax: 5000 });
  window.MentorLive = { socket: socket };

  socket.on("notification", function () {
    var bell = document.querySelector("[data-testid=bell]");
    if (!bell) { return; }
    var count = bell.querySelector(".count");
    if (!count) {
      count = document.createElement("span");
      count.className = "count";
      count.setAttribute("data-testid", "bell-count");
      count.textContent = "0";
      bell.appendChild(count);
    }
    count.textContent = String((parseInt(count.textContent, 10) || 0) + 1);
    /* the accessible name carries the count: a screen reader hears "Notifications: 3 unread" */
    if (bell.dataset.tUnread) {
      var label = bell.dataset.tUnread.replace("{n}", count.textContent);
      bell.setAttribute("aria-label", label);
      bell.setAttribute("title", label);
    }
  });

  /* A connection the server refused (for instance while Redis is unreachable) is not retried
     by the client library: try again after a pause, as long as the session is alive. */
  var ended = false;
  socket.on("connect_error", function () {
    if (!socket.active && !ended) {
      setTimeout(function () { if (!socket.connected && !ended) { socket.connect(); } }, 3000);
    }
  });

  socket.on("session_ended", function () {
    ended = true;
    socket.io.opts.reconnection = false;
    socket.disconnect();
    document.dispatchEvent(new CustomEvent("mentor:session-ended"));
  });
}());
