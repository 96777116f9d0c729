// Keyboard access to the boxes that scroll sideways (code, printed outputs,
// tables, long displays), without laying out the whole page.
//
// The theme (pydata-sphinx-theme's addTabStopsToScrollableElements) measures
// every such box when the page has loaded, to give the ones that overflow a tab
// stop. Measuring a box forces the browser to lay it out, so on a long chapter
// that one call lays out the whole page (about half a second of a mid-range
// phone's main thread) and undoes `content-visibility: auto` (_static/mfnet.css).
// mfnet_book/webpage.py takes that call out of the theme's script; here a box
// is measured when it comes within two screens of the viewport, and again when
// the window is resized. Until it is measured a box keeps a tab stop, so that a
// keyboard reader can always reach and scroll it.
(function () {
  "use strict";
  var SELECTOR = "pre, .cell_output > .output, .pst-scrollable-table-container, " +
    "article.bd-article table, div.math mjx-container[display='true']";

  function measure(box) {
    box.tabIndex = box.scrollWidth > box.clientWidth ||
      box.scrollHeight > box.clientHeight ? 0 : -1;
  }

  function start() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll(SELECTOR));
    boxes.forEach(function (box) { if (!box.hasAttribute("tabindex")) box.tabIndex = 0; });
    if (!("IntersectionObserver" in window)) return;
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          measure(entry.target);
          observer.unobserve(entry.target);
        }
      });
    }, {rootMargin: "200% 0px"});
    function observeAll() { boxes.forEach(function (box) { observer.observe(box); }); }
    observeAll();
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { observer.disconnect(); observeAll(); }, 300);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
