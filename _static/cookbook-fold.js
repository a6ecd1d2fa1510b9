/* Fold the long runs of unchanged lines of a file the reader already has.
 *
 * The Sphinx extension writes the runs on the block's wrapper:
 *   <div class="cookbook-foldable" data-cookbook-folds="12-40,55-90"
 *        data-cookbook-lines="120">
 * (file lines, from 1). Each run becomes a button ("⋯ 29 unchanged lines")
 * followed by the hidden lines; one click shows them. Without JavaScript,
 * or printed (cookbook.css), the whole file shows.
 *
 * Copying: sphinx-copybutton copies `innerText` of a *detached clone* of
 * the <pre>, and a detached element's innerText is its textContent, hidden
 * lines included. The buttons sit inside the <pre>; conf.py's
 * copybutton_exclude drops them. The browser checks compare the copy with
 * the example file.
 */
"use strict";
(() => {
  // The position of each "\n" of the block's text, as [textNode, offset].
  const newlines = (pre) => {
    const found = [];
    const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let at = node.data.indexOf("\n"); at !== -1; at = node.data.indexOf("\n", at + 1)) {
        found.push([node, at]);
      }
    }
    return found;
  };

  // Hide lines first..last (from 1) behind a button; the last line's "\n"
  // stays out, so the button keeps a line of its own.
  const fold = (pre, ends, first, last) => {
    const range = document.createRange();
    if (first === 1) {
      range.setStart(pre, 0);
    } else {
      const [node, at] = ends[first - 2];
      range.setStart(node, at + 1);
    }
    const [node, at] = ends[last - 1];
    range.setEnd(node, at);
    const hidden = document.createElement("span");
    hidden.className = "cookbook-folded";
    hidden.hidden = true;
    hidden.appendChild(range.extractContents());
    range.insertNode(hidden);
    const count = last - first + 1;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "cookbook-fold";
    button.textContent = `⋯ ${count} unchanged lines`;
    button.title = `Show the ${count} unchanged lines`;
    button.addEventListener("click", () => {
      hidden.hidden = false;
      button.remove();
    });
    hidden.before(button);
  };

  const foldBlock = (wrapper) => {
    const pre = wrapper.querySelector("div.highlight pre");
    if (!pre) return;
    const ends = newlines(pre);
    // The block must be the file line for line; if not, show it whole.
    if (ends.length !== Number(wrapper.dataset.cookbookLines)) return;
    const runs = wrapper.dataset.cookbookFolds
      .split(",")
      .map((run) => run.split("-").map(Number))
      .filter(([first, last]) => first >= 1 && last >= first && last <= ends.length);
    // From the last run up: a run's extraction leaves the positions above it valid.
    for (const [first, last] of runs.reverse()) fold(pre, ends, first, last);
    wrapper.classList.add("cookbook-folded-ready");
  };

  const run = () => document.querySelectorAll(".cookbook-foldable").forEach(foldBlock);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
