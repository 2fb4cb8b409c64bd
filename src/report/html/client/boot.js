// biome-ignore-all lint/correctness/noUnusedVariables: the client files share one scope (concatenated by ../index.ts)
// Boot: builds the tabs that have data and shows the one in the URL hash.
// ---------------------------------------------------------------------------------------- boot
renderOverview(panel('overview', 'Overview'));
if (cases.length) renderCases(panel('cases', `Cases (${cases.length})`));
if (doc.conformance?.statements.length) renderStatements(panel('statements', 'Statements'));
if (loads.length) renderLoad(panel('load', `Load (${loads.length})`));
show(location.hash.slice(1) || 'overview');
document.body.setAttribute('data-ready', 'true');
