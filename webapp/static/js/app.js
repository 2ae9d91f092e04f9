/* Small enhancements only: every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("has-js");

  // "Copy link" buttons copy the value of the input they name.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    field.select();
    var done = function () {
      button.textContent = button.getAttribute("data-copied");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {});
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    }
  });

  // A page that comes back with errors: move focus to their summary so that it is announced.
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) summary.focus();

  // Warn before leaving a survey page with answers that have not been saved yet.
  document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
    var dirty = false;
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (!dirty) return;
      event.preventDefault();
      event.returnValue = form.getAttribute("data-warn-unsaved");
    });
  });
})();
