// Constant sum questions (surveys.types.constant_sum): the running sum of a question's
// rows, kept in its <output> (aria-live: said politely as the respondent types) with what
// is left to share out. Without this script the output says what the rows must add up to,
// and the server checks the sum.
(function () {
  "use strict";
  document.querySelectorAll("output[data-sum-of]").forEach(function (output) {
    var code = output.getAttribute("data-sum-of");
    var total = Number(output.getAttribute("data-total"));
    var parts = document.querySelectorAll("input[data-sum-part='" + code + "']");
    var box = output.parentNode;

    function update() {
      var sum = 0;
      var unreadable = false;
      parts.forEach(function (input) {
        if (input.value.trim() === "") return;
        var n = Number(input.value);
        if (!Number.isFinite(n) || input.validity.badInput) unreadable = true;
        else sum += n;
      });
      if (unreadable) {
        output.textContent = "Total: one of the numbers is not a number yet. It must be " + total + ".";
      } else if (sum === total) {
        output.textContent = "Total: " + sum + " of " + total + ". Done.";
      } else if (sum < total) {
        output.textContent = "Total: " + sum + " of " + total + ", " + (total - sum) + " left.";
      } else {
        output.textContent = "Total: " + sum + " of " + total + ", " + (sum - total) + " too many.";
      }
      box.classList.toggle("constant-sum-done", !unreadable && sum === total);
      box.classList.toggle("constant-sum-over", !unreadable && sum > total);
    }
    parts.forEach(function (input) { input.addEventListener("input", update); });
    update();
  });
})();
