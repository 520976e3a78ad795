// MedInsure dashboard: every number comes from /api/stats; all text reaches the page through textContent or the
// chart canvas (tooltips in rich-text mode), never as HTML.
(function () {
  'use strict';

  var state = { key: '', meta: { topics: [], provinces: [] }, charts: {}, data: {}, renders: 0, ready: false, error: null };
  window.__dashboard = state;

  var $ = function (id) { return document.getElementById(id); };
  var status = $('status');

  function setStatus(text, isError) {
    status.textContent = text;
    status.className = isError ? 'status error' : 'status';
  }

  function filters() {
    var f = {};
    if ($('from').value) f.from = $('from').value;
    if ($('to').value) f.to = $('to').value;
    if ($('topic').value) f.topic = $('topic').value;
    if ($('region').value) f.region = $('region').value;
    return f;
  }

  // What each chart shows, as /api/stats parameters (the filters are added to each).
  var views = {
    topics: { by: 'topic' },
    timeline: { by: 'month,topic' },
    provinces: { by: 'region', level: 'province' },
    flagged: { by: 'topic', flag: 'any' }
  };

  function statsUrl(view, extra) {
    var params = new URLSearchParams(Object.assign({}, views[view], filters(), extra || {}));
    return '/api/stats?' + params.toString();
  }

  async function getJson(url) {
    var response = await fetch(url, { headers: { 'x-functions-key': state.key } });
    if (!response.ok) {
      var detail = '';
      try { detail = (await response.json()).detail || ''; } catch (e) { /* not problem+json */ }
      throw new Error(response.status === 401 ? '密钥无效或缺失（401）' : '请求失败 ' + response.status + ' ' + detail);
    }
    return response.json();
  }

  async function download(view, format) {
    var url = statsUrl(view, format === 'csv' ? { format: 'csv', totals: 'true' } : {});
    try {
      var response = await fetch(url, { headers: { 'x-functions-key': state.key } });
      if (!response.ok) throw new Error('下载失败 ' + response.status);
      var blob = await response.blob();
      var disposition = response.headers.get('content-disposition') || '';
      var match = /filename="?([^";]+)"?/.exec(disposition);
      var link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = match ? match[1] : 'medinsure-stats-' + view + '.' + format;
      document.body.appendChild(link);
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
    } catch (e) {
      setStatus(e.message, true);
    }
  }

  function addDownloads() {
    document.querySelectorAll('.card').forEach(function (card) {
      var view = card.getAttribute('data-chart');
      var holder = card.querySelector('.downloads');
      ['csv', 'json'].forEach(function (format) {
        var button = document.createElement('button');
        button.type = 'button';
        button.className = 'download';
        button.setAttribute('data-format', format);
        button.textContent = '下载 ' + format.toUpperCase();
        button.addEventListener('click', function () { download(view, format); });
        holder.appendChild(button);
      });
    });
  }

  function chart(id) {
    if (!state.charts[id]) state.charts[id] = echarts.init($(id), null, { renderer: 'canvas' });
    return state.charts[id];
  }

  var tooltip = { trigger: 'item', renderMode: 'richText', confine: true };
  var empty = { text: '暂无数据', left: 'center', top: 'middle', textStyle: { color: '#999', fontSize: 14 } };

  function render() {
    var topics = state.data.topics.rows;
    chart('chart-topics').setOption({
      tooltip: tooltip,
      title: topics.length ? { show: false } : empty,
      series: [{ type: 'pie', radius: ['35%', '65%'], name: '主题分布', label: { formatter: '{b}: {c}' },
        data: topics.map(function (r) { return { name: r.topicName, value: r.articles, code: r.topic }; }) }]
    }, true);

    var timeline = state.data.timeline.rows;
    var months = Array.from(new Set(timeline.map(function (r) { return r.period; })));
    var byTopic = {};
    timeline.forEach(function (r) {
      (byTopic[r.topic] = byTopic[r.topic] || { name: r.topicName, values: {} }).values[r.period] = r.articles;
    });
    chart('chart-timeline').setOption({
      tooltip: Object.assign({}, tooltip, { trigger: 'axis' }),
      title: timeline.length ? { show: false } : empty,
      legend: { type: 'scroll', top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: months.map(function (m) { return m === 'none' ? '无日期' : m; }) },
      yAxis: { type: 'value', minInterval: 1 },
      series: Object.keys(byTopic).map(function (code) {
        return { type: 'bar', stack: 'articles', barMaxWidth: 64, name: byTopic[code].name,
          data: months.map(function (m) { return byTopic[code].values[m] || 0; }) };
      })
    }, true);

    var provinces = state.data.provinces.rows.slice().sort(function (a, b) { return b.articles - a.articles; });
    // One bar row per province: grow the chart with the list (34 provinces at most) instead of squeezing labels.
    $('chart-provinces').style.height = Math.max(200, 40 + 26 * provinces.length) + 'px';
    chart('chart-provinces').resize();
    chart('chart-provinces').setOption({
      tooltip: Object.assign({}, tooltip, { trigger: 'axis' }),
      title: provinces.length ? { show: false } : empty,
      grid: { left: 72, right: 24, top: 8, bottom: 24 },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: provinces.map(function (r) { return r.regionName; }) },
      series: [{ type: 'bar', name: '文章数', barMaxWidth: 28, data: provinces.map(function (r) { return r.articles; }), label: { show: true, position: 'right' } }]
    }, true);

    var flagged = state.data.flagged.rows;
    chart('chart-flagged').setOption({
      tooltip: Object.assign({}, tooltip, { trigger: 'axis' }),
      title: flagged.length ? { show: false } : Object.assign({}, empty, { text: '没有带质量标记的文章' }),
      grid: { left: 40, right: 16, top: 8, bottom: 60 },
      xAxis: { type: 'category', data: flagged.map(function (r) { return r.topicName; }), axisLabel: { rotate: 30, interval: 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: '有标记', barMaxWidth: 48, itemStyle: { color: '#d9822b' }, data: flagged.map(function (r) { return r.flagged; }) }]
    }, true);

    var totals = state.data.topics.totals;
    $('kpi-articles').textContent = totals.articles.toLocaleString('zh-CN');
    $('kpi-flagged').textContent = totals.flagged.toLocaleString('zh-CN');
    $('kpi-share').textContent = totals.articles ? (100 * totals.flagged / totals.articles).toFixed(1) + '%' : '–';
  }

  async function load() {
    state.ready = false;
    if (!state.key) {
      setStatus('请输入访问密钥（或在网址中加上 ?code=密钥）。', true);
      return;
    }
    setStatus('正在加载…');
    try {
      var names = Object.keys(views);
      var results = await Promise.all(names.map(function (v) { return getJson(statsUrl(v)); }));
      names.forEach(function (v, i) { state.data[v] = results[i]; });
      render();
      state.renders++;
      state.error = null;
      state.ready = true;
      var f = filters();
      setStatus('共 ' + state.data.topics.totals.articles + ' 篇文章' + (Object.keys(f).length ? '（已筛选）' : '') + '，更新于 ' + new Date().toLocaleTimeString('zh-CN'));
    } catch (e) {
      state.error = e.message;
      setStatus(e.message, true);
    }
  }

  async function loadMeta() {
    var meta = await (await fetch('/api/dashboard/meta.json')).json();
    state.meta = meta;
    meta.topics.forEach(function (t) {
      var option = document.createElement('option');
      option.value = t.code;
      option.textContent = t.name;
      $('topic').appendChild(option);
    });
    meta.provinces.forEach(function (p) {
      var option = document.createElement('option');
      option.value = p.code;
      option.textContent = p.name;
      $('region').appendChild(option);
    });
  }

  $('key-form').addEventListener('submit', function (e) {
    e.preventDefault();
    state.key = $('key').value.trim();
    sessionStorage.setItem('medinsure-key', state.key);
    load();
  });
  $('filters').addEventListener('submit', function (e) { e.preventDefault(); load(); });
  ['topic', 'region'].forEach(function (id) { $(id).addEventListener('change', load); });
  $('reset').addEventListener('click', function () {
    ['from', 'to', 'topic', 'region'].forEach(function (id) { $(id).value = ''; });
    load();
  });
  window.addEventListener('resize', function () {
    Object.keys(state.charts).forEach(function (id) { state.charts[id].resize(); });
  });

  var params = new URLSearchParams(location.search);
  state.key = params.get('code') || sessionStorage.getItem('medinsure-key') || '';
  $('key').value = state.key;
  ['from', 'to', 'topic', 'region'].forEach(function (id) { if (params.get(id)) $(id).value = params.get(id); });
  addDownloads();
  loadMeta().then(function () {
    ['topic', 'region'].forEach(function (id) { if (params.get(id)) $(id).value = params.get(id); });
    return load();
  }, function () { setStatus('无法加载筛选项', true); return load(); });
})();
