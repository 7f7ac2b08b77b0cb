// Names for what Django's admin widgets build by script (WCAG 4.1.2; axe "aria-input-field-name"
// and "aria-prohibited-attr"): the autocomplete box and the choice it shows are named by their
// field's label, and the filter widget's search icon, which carries an aria-label, becomes an
// image. Rows added later ("Add another") are fixed as they appear.
(function () {
  "use strict";

  function nameAutocomplete(selection) {
    const container = selection.closest(".select2-container");
    const select = container && container.previousElementSibling;
    const label = select && select.id && document.querySelector('label[for="' + select.id + '"]');
    if (!label) return;
    if (!label.id) label.id = select.id + "-label";
    labelBy(selection, label.id);
    // The box showing the choice has a role of its own, and is empty until something is chosen.
    const shown = selection.querySelector(".select2-selection__rendered[role]");
    if (shown && shown.id) labelBy(shown, label.id, shown.id);
  }

  function labelBy(element, ...first) {
    const ids = (element.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean);
    if (!ids.includes(first[0])) element.setAttribute("aria-labelledby", [...new Set([...first, ...ids])].join(" "));
  }

  function fix(root) {
    root.querySelectorAll(".select2-selection[role=combobox]").forEach(nameAutocomplete);
    root.querySelectorAll(".search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function start() {
    fix(document);
    new MutationObserver(function () { fix(document); }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
