// Fengqiao console, holiday arrangements: a chosen .json file is read into the days field (and fills
// the fields still empty). Progressive enhancement only: without this the JSON is pasted by hand.
(function () {
  'use strict';
  var row = document.getElementById('cal-file-row');
  var input = document.getElementById('cal-file');
  var area = document.getElementById('cal-days');
  if (!row || !input || !area || !window.FileReader) return;
  row.hidden = false;

  function fillIfEmpty(id, value) {
    var el = document.getElementById(id);
    if (el && !el.value && (typeof value === 'string' || typeof value === 'number')) el.value = String(value);
  }

  input.addEventListener('change', function () {
    var file = input.files && input.files[0];
    if (!file) return;
    var reader = new window.FileReader();
    reader.onload = function () {
      var text = String(reader.result || '');
      area.value = text;
      var doc;
      try {
        doc = JSON.parse(text);
      } catch {
        return;
      }
      if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return;
      var source = doc.source && typeof doc.source === 'object' ? doc.source : {};
      fillIfEmpty('cal-year', doc.year);
      fillIfEmpty('cal-title', source.title);
      fillIfEmpty('cal-date', source.date);
      fillIfEmpty('cal-url', source.url);
      fillIfEmpty('cal-note', doc.note);
      var region = document.getElementById('cal-region');
      if (region && !region.value && typeof doc.region === 'string') {
        for (var i = 0; i < region.options.length; i++)
          if (region.options[i].value === doc.region) region.value = doc.region;
      }
    };
    reader.readAsText(file, 'utf-8');
  });
})();
