// Reply in place: choosing "Reply" moves the comment form under that comment and says whom
// the reader is answering; "Cancel reply" puts it back. Without JavaScript the same links
// load the page with ?reply=ID, and the server renders the same line. The line describes the
// comment's box while it shows; cancelling puts the focus back on the comment's Reply link.
(function () {
  "use strict";
  const block = document.getElementById("comment-form");
  if (!block) return;
  const form = block.querySelector("form");
  const home = block.parentNode;
  const homeNext = block.nextSibling;
  const line = form.querySelector(".replying");
  const name = form.querySelector(".reply-name");
  const parent = form.querySelector("input[name=parent]");
  const cancel = form.querySelector(".cancel-reply");
  const text = form.querySelector("textarea");
  const saying = line.querySelector("span"); // "You are replying to: NAME"

  // The box's description: the replying line (while it shows) and its own error messages.
  function describedByLine(shown) {
    const ids = (text.getAttribute("aria-describedby") || "")
      .split(" ")
      .filter((id) => id && id !== saying.id);
    if (shown) ids.unshift(saying.id);
    if (ids.length) text.setAttribute("aria-describedby", ids.join(" "));
    else text.removeAttribute("aria-describedby");
  }

  function replyTo(link) {
    const item = link.closest("li.comment");
    parent.value = link.dataset.reply;
    name.textContent = link.dataset.name;
    line.hidden = false;
    describedByLine(true);
    item.querySelector("article").after(block);
    text.focus();
  }

  function cancelReply() {
    const opener = document.querySelector(`a.reply-link[data-reply="${parent.value}"]`);
    parent.value = "";
    name.textContent = "";
    line.hidden = true;
    describedByLine(false);
    home.insertBefore(block, homeNext);
    if (opener) opener.focus();
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest("a.reply-link");
    if (link) {
      event.preventDefault();
      replyTo(link);
    } else if (event.target === cancel) {
      event.preventDefault();
      cancelReply();
    }
  });
})();
