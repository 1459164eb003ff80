/** The conversion report: build (pure), render (Markdown, JSON, Mermaid), write (next to dist). */
export { buildReport, hasLoss } from './build';
export { renderMermaid } from './mermaid';
export * from './model';
export { REPORT_JSON, REPORT_MARKDOWN, renderReportJson, renderReportMarkdown } from './render';
export { writeReport } from './write';
