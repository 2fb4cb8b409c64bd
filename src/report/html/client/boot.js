// biome-ignore-all lint/correctness/noUnusedVariables: the client files share one scope (concatenated by ../index.ts)
// Boot: builds the tabs that have data and shows the one in the URL hash.
// ---------------------------------------------------------------------------------------- boot
const overviewPanel = panel('overview', 'Overview');
renderOverview(overviewPanel);
renderCapabilities(overviewPanel);
if (cases.length) renderCases(panel('cases', `Cases (${cases.length})`));
if (doc.conformance?.statements.length) renderStatements(panel('statements', 'Statements'));
if (loads.length) renderLoad(panel('load', `Load (${loads.length})`));
show(hashState().tab || 'overview');
document.body.setAttribute('data-ready', 'true');
