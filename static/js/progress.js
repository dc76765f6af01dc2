// The page's progress ("Page 2 of 4", the bar) and its Next/Submit label, recounted as the
// answers on this page change. The server sends, in #progress-data, how many shown pages
// come before this one and the display condition of each later page that may still be
// shown, with the parts this page's answers decide left as comparisons (the same JSON as
// form.js reads) and the rest settled: true, false, or null where an answer on a later
// page is still to come. A later page counts while its condition is true or unknown; a
// question of this page with no answer yet is unknown too. The server decides again when
// the page is posted.
(function () {
  "use strict";

  var data = document.getElementById("progress-data");
  var form = document.getElementById("survey-form");
  var label = document.getElementById("progress-label");
  if (!data || !form || !label) return;
  var progress = JSON.parse(data.textContent);
  var bar = document.querySelector("#progress [role='progressbar']");
  var buttons = form.querySelectorAll("[data-next-label]");

  // The answer to a question (or matrix row): null while it has none, [] when it is
  // hidden (decided: no answer), else its values.
  function answer(code, row) {
    var wrapper = form.querySelector("[data-question='" + code + "']");
    if (wrapper && (wrapper.hidden || wrapper.closest("[hidden]"))) return { many: false, values: [] };
    var name = row ? code + "." + row : code;
    var values = [];
    var many = false;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name !== name) return;
      if (el.type === "checkbox") many = true;
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) values.push(el.value);
      } else if (el.value.trim() !== "") {
        values.push(el.value.trim());
      }
    });
    return values.length ? { many: many, values: values } : null;
  }

  function compare(op, a, b) {
    switch (op) {
      case "=": return a === b;
      case "!=": return a !== b;
      case "<": return a < b;
      case "<=": return a <= b;
      case ">": return a > b;
      case ">=": return a >= b;
    }
    return false;
  }

  // Three-valued: true, false, or null (not known yet). Same comparisons as form.js.
  function state(node) {
    if (node === null || typeof node === "boolean") return node;
    if (node.and || node.or) {
      var parts = (node.and || node.or).map(state);
      var decisive = node.and ? false : true;
      if (parts.indexOf(decisive) !== -1) return decisive;
      return parts.indexOf(null) !== -1 ? null : !decisive;
    }
    if ("not" in node) {
      var inner = state(node.not);
      return inner === null ? null : !inner;
    }
    var got = answer(node.q, node.row);
    if (got === null) return null;
    if (node.op === "has") return got.values.indexOf(node.v) !== -1;
    if (got.many || got.values.length !== 1) return false;
    var value = got.values[0];
    var wanted = Array.isArray(node.v) ? node.v : [node.v];
    if (typeof wanted[0] === "number") {
      value = Number(value);
      if (isNaN(value)) return node.op === "!=";
    }
    if (node.op === "in") return wanted.indexOf(value) !== -1;
    if (node.op === "not in") return wanted.indexOf(value) === -1;
    return compare(node.op, value, node.v);
  }

  function update() {
    var later = progress.later.filter(function (condition) { return state(condition) !== false; }).length;
    var number = progress.before + 1;
    var total = number + later;
    var text = "Page " + number + " of " + total;
    label.textContent = text;
    if (bar) {
      bar.setAttribute("aria-valuemax", String(total));
      bar.setAttribute("aria-valuetext", text);
      var fill = bar.querySelector(".progress-bar");
      if (fill) fill.className = "progress-bar progress-step-" + Math.round((20 * number) / total);
    }
    Array.prototype.forEach.call(buttons, function (button) {
      button.textContent = later ? "Next" : "Submit";
    });
  }

  // After form.js, whose own listeners show and hide this page's questions first.
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
