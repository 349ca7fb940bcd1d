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

  // On a phone the facets come before the hits: fold them all, chosen ones too (the chosen
  // filters are listed above the hits with their ✕), so the results start on the first
  // screen (without JS they simply stay open).
  function foldFacetsOnPhone() {
    if (!window.matchMedia("(max-width: 48em)").matches) { return; }
    var groups = document.querySelectorAll("details.facet");
    for (var i = 0; i < groups.length; i++) { groups[i].removeAttribute("open"); }
  }

  // Search within a report: n / p (and the 上一处 / 下一处 links) step through the marks
  // the server numbered m1, m2, …; the current one is outlined and said ("第 3/12 处").
  function stepMatches() {
    var bar = document.querySelector(".in-report");
    if (!bar) { return; }
    var total = parseInt(bar.getAttribute("data-matches"), 10) || 0;
    if (!total) { return; }
    var pos = bar.querySelector(".match-pos");
    var current = 0;
    function go(step) {
      current = ((current - 1 + step + total) % total) + 1;
      var old = document.querySelector("mark.current");
      if (old) { old.classList.remove("current"); }
      var mark = document.getElementById("m" + current);
      if (!mark) { return; }
      mark.classList.add("current");
      mark.scrollIntoView({ block: "center" });
      if (pos) { pos.textContent = "第 " + current + "/" + total + " 处"; }
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", "#m" + current);
      }
    }
    var links = bar.querySelectorAll("[data-step]");
    for (var i = 0; i < links.length; i++) {
      links[i].addEventListener("click", function (e) {
        e.preventDefault();
        go(parseInt(this.getAttribute("data-step"), 10));
      });
    }
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      if (e.ctrlKey || e.metaKey || e.altKey || (t && (t.tagName === "INPUT" ||
          t.tagName === "TEXTAREA" || t.isContentEditable))) { return; }
      if (e.key === "n") { go(1); } else if (e.key === "p") { go(-1); }
    });
  }


  // A filter box over a long facet: typing hides the values that do not contain it (the
  // folded "更多" list is opened so that its values can be found too).
  function facetFilters() {
    var boxes = document.querySelectorAll("input.facet-filter");
    for (var i = 0; i < boxes.length; i++) {
      boxes[i].addEventListener("input", function () {
        var facet = this.closest("details.facet");
        var text = this.value.trim();
        var more = facet.querySelector("details.more");
        if (more && text) { more.setAttribute("open", ""); }
        var items = facet.querySelectorAll("li");
        for (var j = 0; j < items.length; j++) {
          var value = items[j].querySelector(".value");
          items[j].hidden = Boolean(text) && !(value && value.textContent.indexOf(text) >= 0);
        }
      });
    }
  }

  // "/" puts the cursor in the search box, as on most search sites.
  function slashFocus() {
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || (t && (t.tagName === "INPUT" ||
          t.tagName === "TEXTAREA" || t.isContentEditable))) { return; }
      var box = document.getElementById("q") || document.getElementById("q-top");
      if (box) { e.preventDefault(); box.focus(); box.select(); }
    });
  }

  // Suggestions under the search boxes (/suggest, OpenSearch suggestions JSON): typed text
  // is completed with issuers and the index's words; a click or Enter on one searches it.
  function suggestions() {
    var boxes = document.querySelectorAll('form[action="/search"] input[name="q"]');
    for (var i = 0; i < boxes.length; i++) { attach(boxes[i]); }
    function attach(box) {
      var list = document.createElement("ul");
      list.className = "suggest";
      list.id = box.id + "-suggest";
      list.setAttribute("role", "listbox");
      list.hidden = true;
      box.setAttribute("aria-controls", list.id);
      box.setAttribute("autocomplete", "off");
      box.parentNode.appendChild(list);
      var timer = null, active = -1;
      function pick(text) { box.value = text; list.hidden = true; box.form.submit(); }
      function show(data) {
        list.textContent = "";
        active = -1;
        var texts = data[1] || [], notes = data[2] || [];
        for (var j = 0; j < texts.length; j++) {
          var li = document.createElement("li");
          li.setAttribute("role", "option");
          li.textContent = texts[j];
          var note = document.createElement("span");
          note.className = "note";
          note.textContent = notes[j] || "";
          li.appendChild(note);
          li.setAttribute("data-text", texts[j]);
          li.addEventListener("mousedown", function (e) {
            e.preventDefault();
            pick(this.getAttribute("data-text"));
          });
          list.appendChild(li);
        }
        list.hidden = texts.length === 0;
      }
      box.addEventListener("input", function () {
        clearTimeout(timer);
        var typed = box.value.trim();
        if (!typed) { list.hidden = true; return; }
        timer = setTimeout(function () {
          fetch("/suggest?q=" + encodeURIComponent(typed))
            .then(function (r) { return r.json(); })
            .then(function (data) { if (box.value.trim() === typed) { show(data); } })
            .catch(function () { list.hidden = true; });
        }, 120);
      });
      box.addEventListener("keydown", function (e) {
        var items = list.querySelectorAll("li");
        if (list.hidden || !items.length) { return; }
        if (e.key === "ArrowDown" || e.key === "ArrowUp") {
          e.preventDefault();
          if (active >= 0) { items[active].classList.remove("active"); }
          active = (active + (e.key === "ArrowDown" ? 1 : items.length - 1) + 1) % (items.length + 1) - 1;
          if (active >= 0) { items[active].classList.add("active"); }
        } else if (e.key === "Enter" && active >= 0) {
          e.preventDefault();
          pick(items[active].getAttribute("data-text"));
        } else if (e.key === "Escape") {
          list.hidden = true;
        }
      });
      box.addEventListener("blur", function () { list.hidden = true; });
    }
  }

  // The 复制 button of a citation copies its text (the text stays selectable without JS).
  function copyButtons() {
    var buttons = document.querySelectorAll("button.copy");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function () {
        var area = document.getElementById(this.getAttribute("data-copy"));
        var button = this;
        area.select();
        var done = function () { button.textContent = "已复制"; };
        if (navigator.clipboard) {
          navigator.clipboard.writeText(area.value).then(done, function () {
            document.execCommand("copy"); done();
          });
        } else { document.execCommand("copy"); done(); }
      });
    }
  }

  document.addEventListener("DOMContentLoaded", markTarget);
  document.addEventListener("DOMContentLoaded", stepMatches);
  document.addEventListener("DOMContentLoaded", facetFilters);
  document.addEventListener("DOMContentLoaded", slashFocus);
  document.addEventListener("DOMContentLoaded", suggestions);
  document.addEventListener("DOMContentLoaded", copyButtons);
  document.addEventListener("DOMContentLoaded", foldFacetsOnPhone);
  window.addEventListener("hashchange", markTarget);
})();
