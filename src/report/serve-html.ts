// serve's page for people at `/`: the latest whole run's report page (the --html page of that run), or, until a
// run has finished, a short page in the same style saying when the first one is due.
import { escapeHtml, page } from './html.js';

/** Where serve's runs stand while none has finished: the next one due, or one under way. */
export type RunStanding = { state: 'due'; inMs: number } | { state: 'running'; forMs: number };

/** Seconds a browser waits before asking again for the page that says no run has finished. */
export const WAIT_REFRESH_S = 5;

export function renderWaitingHtml(version: string, standing: RunStanding, startedAt: Date): string {
  const when = standing.state === 'due'
    ? `The next run starts in about ${Math.max(1, Math.ceil(standing.inMs / 1000))} s.`
    : `A run has been going for ${Math.round(standing.forMs / 1000)} s.`;
  const meta = `g2probe ${escapeHtml(version)} serve · up since ${escapeHtml(startedAt.toISOString())}`;
  return page({ title: 'g2probe: no run has finished yet', colour: 'unknown', headline: 'No run has finished yet', text: when, meta }, `<section id="waiting">
<p>This page shows the latest run's report once one has finished, and asks again every ${WAIT_REFRESH_S} s until then.</p>
<p>Also here: <span class="mono">/report.json</span> (the same report as JSON), <span class="mono">/metrics</span> (for Prometheus), <span class="mono">/healthz</span>.</p>
</section>
`);
}
