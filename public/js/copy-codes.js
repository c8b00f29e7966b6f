// "Kopieer herstelcodes": with JavaScript the link becomes a button that copies the codes to the
// clipboard and says so; without it, the link leads to the read-only block of codes, to select by hand.
(function () {
  'use strict';
  var link = document.querySelector('[data-copy-codes]');
  var status = document.getElementById('copy-status');
  var block = document.getElementById('herstelcodes');
  if (!link || !status || !block) return;

  var codes = function () {
    return Array.prototype.map.call(block.querySelectorAll('code'), function (code) { return code.textContent.trim(); }).join('\n');
  };
  var say = function (text) {
    status.textContent = text;
    status.className = 'notice';
  };
  var selectBlock = function () {
    block.focus();
    var range = document.createRange();
    range.selectNodeContents(block);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  };

  var button = document.createElement('button');
  button.type = 'button';
  button.className = link.className;
  button.textContent = link.textContent;
  link.parentNode.replaceChild(button, link);

  button.addEventListener('click', function () {
    var copied = navigator.clipboard && navigator.clipboard.writeText
      ? navigator.clipboard.writeText(codes())
      : Promise.reject(new Error('no clipboard'));
    copied.then(
      function () { say(status.getAttribute('data-copied')); },
      function () {
        selectBlock();
        say(status.getAttribute('data-select'));
      }
    );
  });
})();
