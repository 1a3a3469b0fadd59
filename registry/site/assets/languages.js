// Keep the reader on the page they are reading when they switch language.
// The Vietnamese and English sites of a scope have the same tree of pages, so the English version of
// `<site>/systems/x/` is `<English site>/systems/x/`. Material's language selector links to the other site's
// home page; this points each of its links at the same page instead. Without JavaScript the links still work.
(function () {
  "use strict";
  function samePageElsewhere() {
    var config = document.getElementById("__config");
    if (!config) return;
    var root = new URL(JSON.parse(config.textContent).base + "/", window.location.href);
    var here = window.location.pathname;
    if (here.indexOf(root.pathname) !== 0) return;
    var page = here.slice(root.pathname.length) + window.location.hash;
    document.querySelectorAll("a.md-select__link[hreflang]").forEach(function (link) {
      var otherRoot = new URL(link.getAttribute("data-site-root") || link.getAttribute("href"), window.location.href);
      link.setAttribute("data-site-root", otherRoot.href);
      link.href = new URL(page, otherRoot).href;
    });
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(samePageElsewhere);
  } else {
    document.addEventListener("DOMContentLoaded", samePageElsewhere);
  }
})();
