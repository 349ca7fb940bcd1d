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

  // On a phone the facets come before the hits: fold those without a chosen value so the
  // results stay one short scroll away (without JS they simply stay open).
  function foldFacetsOnPhone() {
    if (!window.matchMedia("(max-width: 48em)").matches) { return; }
    var groups = document.querySelectorAll("details.facet");
    for (var i = 0; i < groups.length; i++) {
      if (!groups[i].querySelector("a.selected")) { groups[i].removeAttribute("open"); }
    }
  }

  document.addEventListener("DOMContentLoaded", markTarget);
  document.addEventListener("DOMContentLoaded", foldFacetsOnPhone);
  window.addEventListener("hashchange", markTarget);
})();
