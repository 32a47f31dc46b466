/**
 * What the pages' scripts (this folder, plain JavaScript checked by tsconfig.browser.json) get from
 * the page: the data the page builders embed (their types are the builders' own) and the handles a
 * script leaves on window for the next script and for tests. uPlot's global (its browser build is
 * inlined before the scripts) is declared by the uplot package's own types.
 */
import type { ClusterData } from '../cluster-data.js';
import type { CompareData } from '../compare-page.js';
import type { FaultWindow as PageFaultWindow, ReportAnomaly as PageAnomaly, ReportData as PageData } from '../report-data.js';

declare global {
  type ReportData = PageData;
  type ReportAnomaly = PageAnomaly;
  type FaultWindow = PageFaultWindow;
  type ClusterPageData = ClusterData;
  type ComparePageData = CompareData;

  /** What report.js leaves for cluster.js and for tests. */
  interface GodistReport {
    data: ReportData;
    timings: Record<string, number>;
    charts: uPlot[];
    timeline: uPlot;
    select(index: number): void;
    selectAnomaly(ai: number): void;
    /** A findings table's row as the script writes it (the builder writes the first ones). */
    anomalyRow(a: ReportAnomaly, ai: number): string;
    /** The timeline's fault labels as last drawn. */
    faultLabels: { index: number; kind: string; text: string; x0: number; x1: number; textWidth: number }[];
    opPoint(index: number): { x: number; y: number } | null;
    cluster?: {
      chart: uPlot;
      showAnomaly(ai: number): void;
      describe(p: number, t: number): string;
      lanes: { strip: number; lane: number; view: number; lead: number };
      /** Each row's label as last drawn. */
      rowLabels: { text: string; y: number; right: number; width: number }[];
      /** The states' colours and the leaders' palette, as drawn. */
      colours: { alive: string; suspect: string; dead: string; paused: string; leaders: string[] };
    };
  }

  interface Window {
    godistReport?: GodistReport;
    godistCompare?: { charts: uPlot[]; showRow(i: number): void };
  }
}
export {};
