// The streamtally web dashboard: plain JavaScript over the JSON API of
// docs/dashboard.md, polled every few seconds, charts drawn by uPlot.
// Page parameters: ?window=1m (the window of the chart and top keys),
// ?windows=30 (windows charted), ?top=10, ?refresh=2 (seconds).
'use strict';
(() => {
  const page = new URLSearchParams(location.search);
  const windowSize = page.get('window') || '1m';
  const windows = page.get('windows') || '30';
  const topN = page.get('top') || '10';
  const refreshMs = Math.max(1, Number(page.get('refresh') || 2)) * 1000;
  const panels = new Map(); // event type -> { element, chart }

  async function getJson(path, params) {
    const query = params ? `?${new URLSearchParams(params)}` : '';
    const response = await fetch(`api/${path}${query}`, { cache: 'no-store' });
    const body = await response.json();
    if (!response.ok) throw new Error(`${path}: ${body.error || response.status}`);
    return body;
  }

  function element(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    for (const child of children || []) node.append(child);
    return node;
  }

  function formatMs(ms) {
    if (ms === null || ms === undefined) return '—';
    if (ms < 1000) return `${ms} ms`;
    if (ms < 120000) return `${(ms / 1000).toFixed(1)} s`;
    return `${(ms / 60000).toFixed(1)} min`;
  }

  // One panel per event type: a chart of the total count per window, and the
  // current window's top keys. Sections for quantiles and distinct counts go
  // here when the API reports them for a type (none is declared yet).
  function panelOf(type) {
    let panel = panels.get(type);
    if (panel) return panel;
    const chartHost = element('div', { class: 'chart' });
    const element_ = element('article', { class: 'type', 'data-type': type }, [
      element('h2', {}, [type]),
      element('div', { class: 'body' }, [
        element('div', {}, [chartHost, element('div', { class: 'total' })]),
        element('div', {}, [
          element('h2', {}, [`Top keys, current ${windowSize} window`]),
          element('table', { class: 'top-keys' }, [
            element('thead', {}, [
              element('tr', {}, [
                element('th', {}, ['key']),
                element('th', { class: 'num' }, ['count']),
                element('th', { class: 'num' }, ['sum']),
              ]),
            ]),
            element('tbody'),
          ]),
        ]),
      ]),
    ]);
    const chart = new uPlot(
      {
        width: 560,
        height: 220,
        scales: { x: { time: true } },
        series: [{}, { label: `events per ${windowSize}`, stroke: '#2f6fdb', fill: 'rgba(47,111,219,0.12)', width: 2 }],
        axes: [{}, { size: 60 }],
      },
      [[], []],
      chartHost,
    );
    panel = { element: element_, chart };
    panels.set(type, panel);
    const host = document.getElementById('types');
    host.querySelector('.empty')?.remove();
    host.append(element_);
    return panel;
  }

  async function refreshType(type) {
    const panel = panelOf(type);
    const [counts, top] = await Promise.all([
      getJson('counts', { type, window: windowSize, windows }),
      getJson('top', { type, window: windowSize, top: topN }),
    ]);
    const xs = counts.counts.map((point) => Date.parse(point.windowStart) / 1000);
    const ys = counts.counts.map((point) => point.count);
    panel.chart.setData([xs, ys]);
    const total = ys.reduce((sum, count) => sum + count, 0);
    panel.element.dataset.chartTotal = String(total);
    panel.element.querySelector('.total').textContent = `${total} events in the last ${counts.counts.length} windows of ${windowSize}`;
    const body = panel.element.querySelector('.top-keys tbody');
    body.replaceChildren(
      ...(top.rows.length === 0
        ? [element('tr', {}, [element('td', { colspan: '3', class: 'empty' }, ['no events in this window yet'])])]
        : top.rows.map((row) =>
            element('tr', { 'data-key': row.key }, [
              element('td', { class: 'key' }, [row.key]),
              element('td', { class: 'num' }, [String(row.count)]),
              element('td', { class: 'num' }, [String(row.sum)]),
            ]),
          )),
    );
  }

  async function refreshQuarantine() {
    const { counts } = await getJson('quarantine');
    document
      .querySelector('#quarantine tbody')
      .replaceChildren(
        ...Object.entries(counts).map(([reason, count]) =>
          element('tr', { 'data-reason': reason }, [element('td', {}, [reason]), element('td', { class: 'num' }, [String(count)])]),
        ),
      );
  }

  async function refreshHealth() {
    const health = await getJson('health');
    const rows = [];
    for (const { consumer, shards } of health.consumers) {
      for (const shard of shards) {
        rows.push(
          element('tr', { 'data-shard': shard.shardId }, [
            element('td', {}, [consumer]),
            element('td', {}, [shard.shardId]),
            element('td', { class: 'num' }, [`${shard.lagRecordsCapped ? '≥' : ''}${shard.lagRecords}`]),
            element('td', { class: 'num' }, [formatMs(shard.lagMs)]),
            element('td', { class: 'num' }, [
              shard.sinceLastAppliedMs === null ? 'nothing yet' : `${formatMs(shard.sinceLastAppliedMs)} ago`,
            ]),
            element('td', {}, [shard.watermark || '—']),
          ]),
        );
      }
    }
    document.querySelector('#health .shards tbody').replaceChildren(...rows);
    const alarms = document.querySelector('#health .alarms');
    if (health.alarms === null)
      alarms.replaceChildren(element('li', { class: 'empty' }, ['alarm states are not available on this target']));
    else if (health.alarms.length === 0) alarms.replaceChildren(element('li', { class: 'empty' }, ['no alarm evaluated yet']));
    else
      alarms.replaceChildren(
        ...health.alarms.map((alarm) => element('li', {}, [element('span', { class: `state ${alarm.state}` }, [alarm.state]), alarm.name])),
      );
  }

  async function refresh() {
    const status = document.getElementById('status');
    // Each part draws as soon as its answer is in: a slow lag count does not hold back the charts.
    const parts = [getJson('types').then(({ types }) => Promise.all(types.map(refreshType))), refreshQuarantine(), refreshHealth()];
    const failed = (await Promise.allSettled(parts)).filter((result) => result.status === 'rejected');
    if (failed.length === 0) {
      status.textContent = `updated ${new Date().toLocaleTimeString()} · every ${refreshMs / 1000} s`;
      status.className = '';
    } else {
      status.textContent = `refresh failed: ${failed.map((result) => result.reason.message).join('; ')}`;
      status.className = 'error';
    }
    setTimeout(refresh, refreshMs);
  }

  refresh();
})();
