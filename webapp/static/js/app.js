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

  // Downloads that take seconds (the PDF): the button says so and is disabled until the file
  // is there. The file is fetched in the background; a failure is said in the status line.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-busy]");
    if (!link || !window.fetch || !window.URL || !URL.createObjectURL) return;
    event.preventDefault();
    if (link.getAttribute("aria-disabled") === "true") return;
    var label = link.textContent;
    var status = document.getElementById("download-status");
    if (status) status.classList.add("visually-hidden");
    link.setAttribute("aria-disabled", "true");
    link.classList.add("is-busy");
    link.textContent = link.getAttribute("data-busy");
    if (status) status.textContent = link.getAttribute("data-busy");
    var done = function () {
      link.removeAttribute("aria-disabled");
      link.classList.remove("is-busy");
      link.textContent = label;
      if (status) status.textContent = "";
    };
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.blob();
      })
      .then(function (blob) {
        var url = URL.createObjectURL(blob);
        var save = document.createElement("a");
        save.href = url;
        save.download = link.getAttribute("download") || "";
        document.body.appendChild(save);
        save.click();
        save.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
        done();
      })
      .catch(function () {
        done();
        if (!status) return;
        status.classList.remove("visually-hidden");
        status.textContent = link.getAttribute("data-failed");
      });
  });

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
