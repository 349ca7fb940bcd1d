/* gxsearch: bring the targeted report section into view and mark it.
   CSS :target does the styling; this adds a class (for browsers/tests that check it),
   scrolls the section to the top of the viewport and moves keyboard focus into it. */
(function () {
  "use strict";

  function markTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) { return; }
    var el = document.getElementById(id);
    if (!el || !el.classList.contains("sec")) { return; }
    var old = document.querySelectorAll(".sec.is-target");
    for (var i = 0; i < old.length; i++) { old[i].classList.remove("is-target"); }
    el.classList.add("is-target");
    el.scrollIntoView({ block: "start" });
    el.focus({ preventScroll: true });
  }

  document.addEventListener("DOMContentLoaded", markTarget);
  window.addEventListener("hashchange", markTarget);
})();
