// Reply in place: choosing "Reply" moves the comment form under that comment and says whom
// the reader is answering; "Cancel reply" puts it back. Without JavaScript the same links
// load the page with ?reply=ID, and the server renders the same line.
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

  function replyTo(link) {
    const item = link.closest("li.comment");
    parent.value = link.dataset.reply;
    name.textContent = link.dataset.name;
    line.hidden = false;
    item.querySelector("article").after(block);
    form.querySelector("textarea").focus();
  }

  function cancelReply() {
    parent.value = "";
    name.textContent = "";
    line.hidden = true;
    home.insertBefore(block, homeNext);
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
