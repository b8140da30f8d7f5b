// The recall list's "Select all on this page": ticks every family checkbox of the page.
// A file, not inline script (CSP script-src 'self').
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.id !== "recall-select-all") { return; }
    var name = box.getAttribute("data-select");
    document.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(
      function (each) { each.checked = box.checked; }
    );
  });
})();
