// Display conditions evaluated in the respondent's browser, on the JSON the server sends
// (parsed, never evaluated as code), with the comparisons of surveys/conditions.py. Shared
// by form.js (which shows and hides this page's questions) and progress.js (which counts
// the later pages that may still be shown). The server stays the authority.
window.SurveyConditions = (function () {
  "use strict";

  // The answer to a question (or matrix row) of this page as {hidden, many, values}.
  function answer(form, code, row) {
    var wrapper = form.querySelector("[data-question='" + code + "']");
    var hidden = Boolean(wrapper && (wrapper.hidden || wrapper.closest("[hidden]")));
    var name = row ? code + "." + row : code;
    var values = [];
    var many = false;
    if (!hidden) {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name !== name) return;
        if (el.type === "checkbox") many = true;
        if (el.type === "radio" || el.type === "checkbox") {
          if (el.checked) values.push(el.value);
        } else if (el.value.trim() !== "") {
          values.push(el.value.trim());
        } else if (el.hasAttribute("data-sum-part") && sumAnswered(form, code)) {
          values.push("0");  // a constant sum's blank row beside filled ones is 0, as on the server
        }
      });
    }
    return { hidden: hidden, many: many, values: values };
  }

  function sumAnswered(form, code) {
    return Array.prototype.some.call(form.querySelectorAll("input[data-sum-part='" + code + "']"), function (el) {
      return el.value.trim() !== "";
    });
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

  // true, false, or null (not known yet). `missing` is what a comparison on a shown question
  // with no answer yet is: false for showing questions (as on the server, a missing answer
  // makes a comparison false), null for counting pages (the respondent may still answer).
  // A hidden question is decided: it has no answer. A node already settled by the server
  // arrives as true, false or null.
  function evaluate(node, form, missing) {
    if (node === null || typeof node === "boolean") return node;
    if (node.and || node.or) {
      var parts = (node.and || node.or).map(function (part) { return evaluate(part, form, missing); });
      var decisive = node.and ? false : true;
      if (parts.indexOf(decisive) !== -1) return decisive;
      return parts.indexOf(null) !== -1 ? null : !decisive;
    }
    if ("not" in node) {
      var inner = evaluate(node.not, form, missing);
      return inner === null ? null : !inner;
    }
    var got = answer(form, node.q, node.row);
    if (!got.values.length && !got.hidden) return missing;
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

  return { evaluate: evaluate };
})();
