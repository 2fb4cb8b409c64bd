// mqtt-crucible HTML report, client side: bundled into the page by ../index.ts (esbuild, one IIFE), no network.
// Reads the results document embedded in the page and builds the tabs that have data, showing the one in the URL
// hash.
import { renderCapabilities } from './capabilities.ts';
import { casesShown, renderCases } from './cases.ts';
import { cases, doc, loads } from './data.ts';
import { renderLoad } from './load.ts';
import { charts, drawCharts } from './load-charts.ts';
import { renderOverview } from './overview.ts';
import { renderStatements } from './statements.ts';
import { panel, show } from './tabs.ts';
import { hashState } from './url-state.ts';

(window as unknown as { __crucible: unknown }).__crucible = { charts };
const overviewPanel = panel('overview', 'Overview');
renderOverview(overviewPanel);
renderCapabilities(overviewPanel);
if (cases.length) renderCases(panel('cases', `Cases (${cases.length})`, casesShown));
if (doc.conformance?.statements.length) renderStatements(panel('statements', 'Statements'));
if (loads.length) renderLoad(panel('load', `Load (${loads.length})`, drawCharts));
show(hashState().tab || 'overview');
document.body.setAttribute('data-ready', 'true');
