// Ranking questions (surveys.types.ranking.RankingType). Without this script each answer
// has a rank select. With it the selects are hidden and the answers are a list to put in
// order: by dragging (SortableJS, loaded from this script's data-sortable only when a page
// has a ranking), or with each answer's Up and Down buttons. The order fills the selects:
// the first place gets rank 1 and so on (only the top N places for a "rank your top N"),
// and the change is announced. A list nobody has touched is no answer (its selects stay
// empty) until an answer is moved or "Keep this order" is pressed.
(function () {
  "use strict";

  var lists = Array.prototype.slice.call(document.querySelectorAll("[data-ranking]"));
  if (!lists.length) return;
  var script = document.currentScript;

  function items(list) {
    return Array.prototype.slice.call(list.querySelectorAll("[data-ranking-item]"));
  }

  function select(item) {
    return item.querySelector("select");
  }

  function labelOf(item) {
    return item.querySelector(".ranking-label").textContent.trim();
  }

  function setUp(list) {
    var top = Number(list.getAttribute("data-ranking-top"));
    var block = list.closest("fieldset");
    var status = block.querySelector("[data-ranking-status]");
    var keep = document.createElement("button");
    keep.type = "button";
    keep.className = "btn btn-outline-secondary ranking-keep";
    keep.textContent = "Keep this order";

    // Ranked answers first, by rank; the others after them, in their own order.
    var ranked = items(list).filter(function (item) { return select(item).value !== ""; });
    ranked.sort(function (a, b) { return Number(select(a).value) - Number(select(b).value); });
    items(list).filter(function (item) { return select(item).value === ""; }).forEach(function (item) {
      ranked.push(item);
    });
    ranked.forEach(function (item) { list.appendChild(item); });
    var touched = ranked.some(function (item) { return select(item).value !== ""; });

    ranked.forEach(function (item) {
      var field = select(item);
      var label = item.querySelector(".ranking-label");
      var name = labelOf(item);
      var moves = document.createElement("span");
      moves.className = "ranking-moves";
      [["up", "↑", "Move " + name + " up"], ["down", "↓", "Move " + name + " down"]].forEach(function (spec) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-outline-secondary ranking-move";
        button.setAttribute("data-move", spec[0]);
        var arrow = document.createElement("span");
        arrow.setAttribute("aria-hidden", "true");
        arrow.textContent = spec[1];
        var words = document.createElement("span");
        words.className = "visually-hidden";
        words.textContent = spec[2];
        button.appendChild(arrow);
        button.appendChild(words);
        moves.appendChild(button);
      });
      // The select's id goes to the Up button: an error summary link lands on it.
      var up = moves.firstChild;
      up.id = field.id;
      field.removeAttribute("id");
      label.removeAttribute("for");
      var described = field.getAttribute("aria-describedby");
      if (described) {
        moves.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-describedby", described); });
      }
      field.hidden = true;
      item.classList.add("ranking-item-sortable");
      item.appendChild(moves);
    });

    function show() {
      items(list).forEach(function (item, i) {
        var place = item.querySelector("[data-ranking-place]");
        var rank = i < top ? i + 1 : 0;
        place.textContent = touched ? (rank ? String(rank) : "–") : "";
        item.classList.toggle("ranking-unranked", touched && !rank);
      });
      keep.hidden = touched;
    }

    // Fill the selects from the order; each one changed says so (conditions, progress).
    function sync() {
      touched = true;
      items(list).forEach(function (item, i) {
        var field = select(item);
        var value = i < top ? String(i + 1) : "";
        if (field.value !== value) {
          field.value = value;
          field.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
      show();
    }

    function say(item) {
      var i = items(list).indexOf(item);
      status.textContent = labelOf(item) + ": " + (i < top ? "rank " + (i + 1) + " of " + top : "not ranked") + ".";
    }

    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-move]");
      if (!button) return;
      var item = button.closest("[data-ranking-item]");
      var up = button.getAttribute("data-move") === "up";
      var other = up ? item.previousElementSibling : item.nextElementSibling;
      if (other) list.insertBefore(item, up ? other : other.nextElementSibling);
      sync();
      button.focus();
      if (other) {
        say(item);
      } else {
        status.textContent = labelOf(item) + " is " + (up ? "first" : "last") + " already.";
      }
    });

    keep.addEventListener("click", function () {
      sync();
      status.textContent = "Order kept: " + items(list).slice(0, top).map(labelOf).join(", ") + ".";
    });

    var how = block.querySelector("[data-ranking-how]");
    var noScriptHow = how && how.previousElementSibling;
    if (how) {
      how.hidden = false;
      if (noScriptHow) noScriptHow.hidden = true;
    }
    list.parentNode.insertBefore(keep, list.nextSibling);
    list.classList.add("ranking-sortable");
    show();

    return function () {
      if (typeof Sortable === "undefined") return;
      Sortable.create(list, {
        draggable: "[data-ranking-item]",
        filter: "button",
        preventOnFilter: false,
        animation: 150,
        // Mouse and touch events rather than the browser's drag and drop: the same everywhere.
        forceFallback: true,
        onEnd: function (event) {
          sync();
          say(event.item);
        },
      });
    };
  }

  var dragging = lists.map(setUp);
  var source = script && script.getAttribute("data-sortable");
  if (!source) return;
  var loader = document.createElement("script");
  loader.src = source;
  loader.addEventListener("load", function () {
    dragging.forEach(function (start) { start(); });
  });
  document.body.appendChild(loader);
})();
