// The Idempotency-Key of one tap's intent (taking a ticket, registering, filing a grievance): a
// random UUID. The service answers the same key with its first answer, so a second tap or a retry
// after a lost answer never makes a second ticket. crypto.randomUUID needs a secure context,
// which the office network (plain HTTP) is not.
window.newRequestKey = function () {
  "use strict";
  var b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
  return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
};
