// toezegging: what JavaScript adds to the pages (they work without it).
//  - a button that copies the drafted written questions;
//  - on a static site served over http(s) without a known address, webcal:// links.
(function () {
  "use strict";

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function setupCopy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".copy-status");
    if (!source) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = source.textContent;
      function say(ok) {
        if (status) { status.textContent = button.getAttribute(ok ? "data-done" : "data-failed"); }
        button.setAttribute("data-copied", ok ? "yes" : "no");
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { say(true); },
          function () { say(fallbackCopy(text)); });
      } else {
        say(fallbackCopy(text));
      }
    });
  }

  function setupWebcal(link) {
    if (link.getAttribute("href").indexOf("webcal:") === 0) { return; }
    if (location.protocol !== "http:" && location.protocol !== "https:") { return; }
    var url = new URL(link.getAttribute("data-feed"), location.href);
    link.setAttribute("href", "webcal://" + url.host + url.pathname);
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), setupCopy);
    Array.prototype.forEach.call(document.querySelectorAll("a[data-feed]"), setupWebcal);
  });
})();
