// The respondent form's small helpers: focus the error summary, untick the other boxes
// when an exclusive choice is ticked (and it when another is), and show or hide the
// questions whose display condition depends on answers on the same page. Conditions
// arrive as JSON in data-condition (parsed, never evaluated as code); the server stays
// the authority: it refuses an exclusive choice with others, and drops answers to
// questions that turn out hidden.
(function () {
  "use strict";

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!target) return;
      event.preventDefault();
      var box = target.closest("fieldset") || target.closest(".question") || target;
      box.scrollIntoView();
      target.focus({ preventScroll: true });
    });
  }

  var form = document.getElementById("survey-form");
  if (!form) return;

  // Unticking is said aloud too: a screen reader user would not otherwise know.
  var said = document.createElement("div");
  said.className = "visually-hidden";
  said.setAttribute("role", "status");
  form.appendChild(said);

  // Before the conditions' listener (registered below), so that they see the boxes as left.
  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type !== "checkbox" || !box.checked) return;
    var exclusive = box.hasAttribute("data-exclusive");
    var unticked = [];
    Array.prototype.forEach.call(form.elements, function (other) {
      if (other === box || other.type !== "checkbox" || other.name !== box.name || !other.checked) return;
      if (exclusive || other.hasAttribute("data-exclusive")) {
        other.checked = false;
        unticked.push(other.labels.length ? other.labels[0].textContent.trim() : other.value);
      }
    });
    said.textContent = unticked.length ? "Unticked: " + unticked.join(", ") + "." : "";
  });

  var blocks = Array.prototype.slice.call(form.querySelectorAll("[data-condition]"));
  if (!blocks.length) return;
  var rules = blocks.map(function (block) {
    return JSON.parse(block.getAttribute("data-condition"));
  });

  // The answer to a question (or matrix row) as {many, values}; none while it is hidden.
  function answer(code, row) {
    var wrapper = form.querySelector("[data-question='" + code + "']");
    var name = row ? code + "." + row : code;
    var values = [];
    var many = false;
    if (wrapper && !wrapper.hidden) {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name !== name) return;
        if (el.type === "checkbox") many = true;
        if (el.type === "radio" || el.type === "checkbox") {
          if (el.checked) values.push(el.value);
        } else if (el.value.trim() !== "") {
          values.push(el.value.trim());
        }
      });
    }
    return { many: many, values: values };
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

  // Same semantics as surveys/conditions.py: a missing answer makes every comparison false.
  function holds(node) {
    if (typeof node === "boolean") return node;
    if (node.and) return node.and.every(holds);
    if (node.or) return node.or.some(holds);
    if ("not" in node) return !holds(node.not);
    var got = answer(node.q, node.row);
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
    // In page order, so that a question depending on a hidden one is hidden too.
    blocks.forEach(function (block, i) {
      block.hidden = !holds(rules[i]);
    });
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
