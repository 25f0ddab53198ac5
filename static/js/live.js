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
  });

  socket.on("session_ended", function () {
    socket.io.opts.reconnection = false;
    socket.disconnect();
    document.dispatchEvent(new CustomEvent("mentor:session-ended"));
  });
}());
