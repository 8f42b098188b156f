import { CategoryScale, Chart, LinearScale, LineController, LineElement, PointElement, Title, type ChartConfiguration } from 'chart.js';
import { truncate } from '../format';
// The bar chart module registers the project's font and draws the PNG for both kinds.
import { renderToPng } from './bar-chart';

Chart.register(LineController, LineElement, PointElement, CategoryScale, LinearScale, Title);

export interface LineChart {
  title: string;
  labels: string[];
  /** null leaves a gap (no data for that point). */
  values: (number | null)[];
  min?: number;
  max?: number;
}

const ACCENT = '#e8743b';

/** Renders a line chart to a 640x320 PNG. */
export function renderLineChart(chart: LineChart): Buffer {
  const config: ChartConfiguration<'line'> = {
    type: 'line',
    data: {
      labels: chart.labels,
      datasets: [{ data: chart.values, borderColor: ACCENT, backgroundColor: ACCENT, pointRadius: chart.values.length > 40 ? 0 : 3, spanGaps: false, tension: 0.2 }],
    },
    options: {
      responsive: false,
      animation: false,
      plugins: { title: { display: true, text: truncate(chart.title, 80), font: { size: 16 } } },
      scales: { y: { min: chart.min, max: chart.max, ticks: { precision: 0 } }, x: { ticks: { maxTicksLimit: 12 } } },
    },
  };
  return renderToPng(640, 320, config as ChartConfiguration);
}
